// Benchmarks of the VE flows of the min-norm paper (spec min-norm-denoisers §8), picked up by tooling/bench:
// 10,000 initial points in d = 30 with the closed-form min-cost denoiser of 30 orthonormal points (eq 17, alpha = 1).
// One run = the whole flow: score flow eq 22 (300 steps, gamma / sigma^2 = 0.5 at sigma = 0.095), probability flow
// eq 21 (150 levels from sigma_T = 0.3 to 0), continuous PF (RK4 in log sigma, 200 steps = 800 denoiser calls).
import { minCostFamily } from '@diffusion-theory/denoisers';
import { Rng } from '@diffusion-theory/kernel';
import { orthogonalDataset } from '@diffusion-theory/targets';
import { veProbabilityFlow, veProbabilityFlowDiscrete, veScoreFlow } from '../dist/index.js';

const n = 10_000;
const d = 30;
let fam;
let y0;
function setup() {
  fam = minCostFamily(orthogonalDataset({ n: d, d }), { kind: 'orthogonal', alpha: 1 });
  y0 = new Rng(7).normals(n * d).map((v) => 0.5 + 0.3 * v);
}

export const workloads = [
  {
    name: 've score flow eq 22 (10k points, d = 30, 300 steps)',
    params: { n, d, steps: 300 },
    setup,
    maxRuns: 3,
    run() {
      veScoreFlow({ denoiser: fam, sigma: 0.095, gamma: 0.5 * 0.095 ** 2, steps: 300, y0, n });
    },
  },
  {
    name: 've probability flow eq 21 (10k points, d = 30, 150 levels)',
    params: { n, d, levels: 150 },
    setup,
    maxRuns: 3,
    run() {
      const sigmas = Array.from({ length: 151 }, (_, k) => 0.3 * (1 - k / 150));
      veProbabilityFlowDiscrete({ denoiser: fam, sigmas, y0, n });
    },
  },
  {
    name: 've probability flow continuous RK4 (10k points, d = 30, 200 steps)',
    params: { n, d, steps: 200 },
    setup,
    maxRuns: 3,
    run() {
      veProbabilityFlow({ denoiser: fam, sigmaT: 0.3, y0, n, steps: 200 });
    },
  },
];
