// Benchmark of PF-ODE sampling for the spectral-bias paper (spec spectral-bias §5.5-5.6), picked up by tooling/bench:
// 10,000 samples in d = 32 through a trained one-layer linear denoiser (closed-form weights at tau = 1, Q = 0.1, in a
// Haar-rotated eigenbasis; two 10,000 x 32 x 32 gemms per call), with the EDM Heun-20 sampler (39 calls) and with the
// accurate RK4 integrator in ln sigma (100 steps = 400 calls); plus the per-mode Lemma 4.1 push-forward (400 nodes).
import { modeLinearDenoiser } from '@diffusion-theory/denoisers';
import { Rng } from '@diffusion-theory/kernel';
import { oneLayerModeGain } from '@diffusion-theory/ode-theory';
import { rotatedLogNormalGaussian } from '@diffusion-theory/targets';
import { edmHeunSample, modePushForward, pfOdeRk4 } from '../dist/index.js';

const n = 10_000;
const d = 32;
let den;
let gains;
let z;
let xT;
function setup() {
  const g = rotatedLogNormalGaussian({ dim: d, rng: new Rng(3) });
  gains = (s, out) => {
    for (let k = 0; k < d; k++) out[k] = oneLayerModeGain({ lambda: g.spectrum[k], sigma: s, Q: 0.1, tau: 1 });
  };
  den = modeLinearDenoiser(g.basis, gains);
  z = new Rng(4).normals(n * d);
  xT = z.map((v) => 80 * v);
}

export const workloads = [
  {
    name: 'EDM Heun-20 sampling, 10k samples, d = 32 (linear denoiser)',
    params: { n, d, steps: 20 },
    setup,
    maxRuns: 5,
    run() {
      edmHeunSample(den, { noise: z });
    },
  },
  {
    name: 'RK4 PF-ODE in ln sigma, 10k samples, d = 32, 100 steps',
    params: { n, d, steps: 100 },
    setup,
    maxRuns: 3,
    run() {
      pfOdeRk4(den, xT, { steps: 100 });
    },
  },
  {
    name: 'Lemma 4.1 per-mode push-forward (Gauss-Legendre 400 nodes), d = 32',
    params: { d, nodes: 400 },
    setup,
    run() {
      modePushForward(gains, { dim: d });
    },
  },
];
