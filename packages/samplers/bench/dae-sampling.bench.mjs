// Benchmark: generating 10,000 samples at d = 784 with a trained-size tied DAE (r = 2, tanh) through
// the probability-flow discretisation of Cui et al. 2025 (grid k/N, N = 50, t_f = 0.98: 49 Euler steps),
// the workload of the MNIST figures. Picked up by tooling/bench.
import { Rng, NDArray, linearInterpolant } from '@diffusion-theory/kernel';
import { tiedDae } from '../../denoisers/dist/index.js';
import { paperGrid, sampleInterpolant } from '../dist/index.js';

const d = 784;
const r = 2;
const n = 10_000;

export const workloads = [
  {
    name: '10,000 DAE samples d=784 r=2 (49 Euler steps)',
    params: { d, r, n, N: 50, tf: 0.98, activation: 'tanh' },
    setup() {
      const rng = new Rng(3);
      const w = new NDArray(rng.normals(d * r), [d, r]);
      return { model: tiedDae({ d, r, activation: 'tanh', w, b: 0.1 }), schedule: linearInterpolant(), grid: paperGrid(50, 0.98), x0: rng.normals(n * d) };
    },
    run(ctx) {
      sampleInterpolant({ denoiser: ctx.model, schedule: ctx.schedule, n, rng: new Rng(1), grid: ctx.grid, x0: ctx.x0 });
    },
  },
];
