// Benchmark of online SGD of the tied DAE (spec dae-asymptotics §2.4), picked up by tooling/bench.
// One run = 1000 SGD steps at d = 1000, r = 2 (and r = 5; and a two-time grid), tanh, G = {1/2}, on the trimodal GMM T1 (x1 drawn by an
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
      dim: d,
      sampleInto,
      sample(n, rng) {
        const o = new Float64Array(n * d);
        sampleInto(o, n, rng);
        return new NDArray(o, [n, d]);
      },
    },
  };
}

function workload(name, r, grid) {
  return {
    name,
    params: { d, r, activation: 'tanh', grid: JSON.stringify(grid.times), stepsPerRun, unit: 'median_ms / 1000 steps' },
    setup: () => {
      const { mus, source } = trimodal();
      return { mus, source, rng: new Rng(1), model: tiedDae({ d, r, activation: 'tanh', w: warmStart(mus, d, r) }), schedule: linearInterpolant() };
    },
    run: (ctx) => {
      onlineSgd({ model: ctx.model, target: ctx.source, schedule: ctx.schedule, grid, steps: stepsPerRun, rng: ctx.rng.split(1)[0], record: { every: stepsPerRun, mus: ctx.mus } });
    },
  };
}

export const workloads = [
  workload('online-sgd-step d=1000 r=2', 2, { times: [0.5], weights: [1] }),
  // the general paths: r != 2 (one loss time) and two loss times
  workload('online-sgd-step d=1000 r=5', 5, { times: [0.5], weights: [1] }),
  workload('online-sgd-step d=1000 r=2 J=2', 2, { times: [0.3, 0.7], weights: [0.5, 0.5] }),
];
