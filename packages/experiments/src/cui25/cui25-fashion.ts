import { DatasetUnavailableError, fashionMnist } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { agreement } from '../result.js';
import { densityParamShape, densityPipeline, empiricalSource, gaussianSurrogate } from './mnist-common.js';

const CLASSES = ['T-shirt/top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];

const params = z
  .object({
    ...densityParamShape,
    label: z.number().int().min(0).max(9).describe('FashionMNIST class (0 = T-shirt/top, ..., 9 = ankle boot); the paper does not say which (spec §3.3 T6): default 0'),
    split: z.enum(['train', 'test']).describe("which IDX files: 'train' (6000 images per class) or 'test' (1000 per class)"),
    limit: z.number().int().min(100).max(6000).describe('at most this many images of the class (count)'),
  })
  .refine((p) => p.snapshots.every((t, i) => i === 0 || t > p.snapshots[i - 1]), { message: 'snapshots: expected strictly ascending training times', path: ['snapshots'] });

export default defineExperiment({
  id: 'cui25-fashion',
  title: 'FashionMNIST: SGD on raw images vs the Gaussian theory with the same covariance (Fig. 10)',
  paper: 'Cui, Pehlevan, Lu 2025, Fig. 10 / App. D (spec dae-asymptotics §3.3 T6, §9)',
  description:
    'One FashionMNIST class (pixels / 255, centred, in the eigenframe of its covariance; d = 784). The tied tanh DAE (r = 2, eta = 0.2, lambda = 0.784, G = {1/2}) ' +
    'is trained by online SGD on the raw (non-Gaussian) images, drawn with replacement; the theory is the Result 2.1 ODE for the Gaussian with the same ' +
    'covariance (spikes microscopic, bulk binned), from the run\'s initial statistics, and Corollary 2.3 for the generated density (N = 50, t_f = 0.98). ' +
    'Same panels as Fig. 3: projected generated densities over tau, summary statistics, generated images. Needs Debian\'s dataset-fashion-mnist; ' +
    'without it the result has a failing check "dataset-available" saying how to install it.',
  params,
  defaults: {
    quick: {
      r: 2, eta: 0.2, lambda: 0.784, tGrid: 0.5, N: 50, tf: 0.98, snapshots: [0.5, 1, 1.5, 2, 3], tauEvery: 0.05, nSamples: 2000, dtau: 0.01,
      spikes: 10, bulkBins: 20, imageRows: 3, label: 0, split: 'test', limit: 1000,
    },
    paper: {
      r: 2, eta: 0.2, lambda: 0.784, tGrid: 0.5, N: 50, tf: 0.98, snapshots: [0.5, 1, 1.5, 1.8, 2.5, 4], tauEvery: 0.02, nSamples: 10000, dtau: 0.02,
      spikes: 20, bulkBins: 60, imageRows: 4, label: 0, split: 'train', limit: 6000,
    },
  },
  default: false,
  async run(ctx) {
    const p = ctx.params;
    const ph = ctx.progress.phase('FashionMNIST covariance and eigenframe', 1);
    let X: ReturnType<typeof fashionMnist>['x'];
    try {
      X = fashionMnist({ split: p.split, label: p.label, limit: p.limit }).x;
    } catch (err) {
      if (!(err instanceof DatasetUnavailableError)) throw err;
      ph.done();
      ctx.log(`skipped: ${err.message}`);
      return {
        series: [],
        checks: [
          agreement('dataset-available', 0, 1, 0, `FashionMNIST is not installed, the experiment was skipped. Install it with \`apt-get install dataset-fashion-mnist\` (files in /usr/share/datasets/fashion-mnist) or set FASHION_MNIST_DIR. ${err.message}`),
        ],
      };
    }
    const data = gaussianSurrogate(X, { spikes: p.spikes, bulkBins: p.bulkBins, referencePcs: 2, keepRows: true });
    ph.done();
    const cls = `${CLASSES[p.label]} (class ${p.label})`;
    const out = await densityPipeline(ctx, p, {
      dataLabel: `FashionMNIST ${cls}`,
      data,
      source: empiricalSource(data.rows as Float64Array, data.n, data.d),
      sourceLabel: `raw images (${data.n})`,
      targetContours: 'data-kde',
      scaleNote: `${data.n} images of the ${p.split} split, drawn with replacement (not strictly online when the run needs more steps than images). ${ctx.scale === 'quick' ? `Quick scale: d = 784 (the data), tau up to ${p.snapshots[p.snapshots.length - 1]}, ${p.nSamples} generated samples, ${p.bulkBins} bulk bins.` : 'Paper scale.'}`,
    });
    out.checks.unshift(agreement('dataset-available', 1, 1, 0, `FashionMNIST ${p.split} split found: ${data.n} images of class ${p.label}`));
    return out;
  },
});
