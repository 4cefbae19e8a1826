// Benchmark of online SGD of the tied DAE (spec dae-asymptotics §2.4), picked up by tooling/bench.
// One run = 1000 SGD steps at d = 1000, r = 2, tanh, G = {1/2}, on the trimodal GMM T1 (x1 drawn by an
// inline sampler, x0 by the kernel Rng); per-step time = median_ms (per run) / 1000 * 1e3 µs.
// Reference: the planning team's NumPy loop takes about 73 µs per step here.
import { Rng, NDArray, linearInterpolant } from '@diffusion-theory/kernel';
import { tiedDae } from '@diffusion-theory/denoisers';
import { onlineSgd, warmStart } from '../dist/index.js';

const d = 1000;
const r = 2;
const stepsPerRun = 1000;

function trimodal() {
  const mus = new Float64Array(3 * d);
  mus[0] = 3;
  mus[d + 1] = -3;
  mus[2 * d] = -3;
  const sampleInto = (out, n, rng) => {
    for (let k = 0; k < n; k++) {
      const c = Math.floor(rng.uniform() * 3);
      const row = out.subarray(k * d, (k + 1) * d);
      rng.fillNormal(row);
      for (let i = 0; i < d; i++) row[i] += mus[c * d + i];
    }
  };
  return {
    mus: new NDArray(mus, [3, d]),
    source: {
      sampleInto,
      sample(n, rng) {
        const o = new Float64Array(n * d);
        sampleInto(o, n, rng);
        return new NDArray(o, [n, d]);
      },
    },
  };
}

export const workloads = [
  {
    name: 'online-sgd-step d=1000 r=2',
    params: { d, r, activation: 'tanh', grid: '{0.5}', stepsPerRun, unit: 'median_ms / 1000 steps' },
    setup: () => {
      const { mus, source } = trimodal();
      return { mus, source, rng: new Rng(1), model: tiedDae({ d, r, activation: 'tanh', w: warmStart(mus, d, r) }), schedule: linearInterpolant() };
    },
    run: (ctx) => {
      onlineSgd({ model: ctx.model, target: ctx.source, schedule: ctx.schedule, steps: stepsPerRun, rng: ctx.rng.split(1)[0], record: { every: stepsPerRun, mus: ctx.mus } });
    },
  },
];
