// Benchmark of one augmented-Lagrangian outer step of the min-norm training (spec min-norm-denoisers §9, eqs 23-27),
// picked up by tooling/bench: d = 30, 30 orthonormal points + origin, M = 20 noisy copies each (620 samples),
// K = 300 hidden units, full batch; one run = one outer step with 50 Adam iterations (the paper's outer step has 1e4,
// so its time is ~200 x this) plus the multiplier update and the records.
import { Rng } from '@diffusion-theory/kernel';
import { noisyTrainingSet, orthogonalDataset } from '@diffusion-theory/targets';
import { minNormAugmentedLagrangian } from '../dist/index.js';

let set;
export const workloads = [
  {
    name: 'min-norm AL outer step (d = 30, 620 samples, K = 300, 50 Adam steps)',
    params: { d: 30, samples: 620, K: 300, innerSteps: 50 },
    maxRuns: 3,
    setup() {
      set = noisyTrainingSet(orthogonalDataset({ n: 30, d: 30 }), { M: 20, sigma: 0.095, rng: new Rng(1) });
    },
    run() {
      minNormAugmentedLagrangian({ set, K: 300, rng: new Rng(2), outerSteps: 1, innerSteps: 50, lr: () => 1e-3 });
    },
  },
];
