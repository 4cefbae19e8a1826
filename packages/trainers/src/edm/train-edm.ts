import type { EdmDenoiser } from '@diffusion-theory/denoisers';
import { assertFinite, assertInteger, DomainError, isRng, ParameterError, type Rng, ShapeError } from '@diffusion-theory/kernel';
import type { AdamOptions, AdamState } from '../adam/adam.js';
import { type MinibatchTrainResult, type TrainProgress, trainMinibatch } from '../adam/train-loop.js';

export interface EdmTrainOptions {
  /** The EDM-preconditioned network (its `net.params` are trained in place). */
  model: EdmDenoiser;
  /** Training set, `size` rows of `model.dim` (row-major). */
  data: Float64Array;
  /** Adam steps. */
  steps: number;
  /** Minibatch size (default min(1024, size)); rows are distinct within a batch. */
  batchSize?: number;
  /** Root stream: batches from `rng.named('batch', step)`, and per step `rng.named('step', step)` gives 'sigma' and 'noise'. */
  rng: Rng;
  /** ln sigma ~ N(pMean, pStd^2) (defaults -1.2 and 1.2, spec §13.3). */
  pMean?: number;
  pStd?: number;
  /** Adam options (default lr 1e-4, spec §13.4) or a state to continue from. */
  optimizer?: AdamOptions | AdamState;
  lr?: (step: number) => number;
  onProgress?: (p: TrainProgress) => unknown;
  progressEvery?: number;
  /** Steps at which `onCheckpoint(step, params)` is called (0 = before training). */
  checkpoints?: readonly number[];
  onCheckpoint?: (step: number, params: Float64Array) => void;
}

/**
 * Minibatch Adam training of an EDM denoiser with the EDM loss (spec §13.3-13.4): per example
 * sigma = exp(pMean + pStd xi), loss lambda(sigma) ||D(x0 + sigma n; sigma) - x0||^2, summed over
 * coordinates and averaged over the batch.
 * @returns per-step losses and the Adam state
 * @throws ShapeError when `data` is not a whole number of rows, DivergenceError (with the step) when
 *   training blows up, DomainError on bad hyperparameters
 * @example
 * const D = edmPrecond(mlpUnet({ ndim: d, nlayers: 5, nhidden: 256, temb: 256, rng: rng.named('init') }));
 * trainEdm({ model: D, data, steps: 5000, batchSize: 1024, rng: rng.named('train') });
 */
export function trainEdm(o: EdmTrainOptions): MinibatchTrainResult {
  const { model, data, steps, rng, pMean = -1.2, pStd = 1.2 } = o;
  if (!model || typeof model.lossAndGrad !== 'function' || !model.net) throw new ParameterError('model: expected an EdmDenoiser (edmPrecond(net))');
  const dim = model.dim;
  if (!(data instanceof Float64Array) || data.length === 0 || data.length % dim !== 0) {
    throw new ShapeError(`data: expected a non-empty Float64Array of rows of length dim = ${dim}, got length ${data?.length}`);
  }
  assertFinite(data, 'data');
  const size = data.length / dim;
  const batchSize = o.batchSize ?? Math.min(1024, size);
  assertInteger(batchSize, 1, 'batchSize');
  if (batchSize > size) throw new DomainError(`batchSize: expected <= the number of training rows ${size}, got ${batchSize}`);
  if (!Number.isFinite(pMean)) throw new DomainError(`pMean: expected a finite number, got ${pMean}`);
  if (!(pStd >= 0) || !Number.isFinite(pStd)) throw new DomainError(`pStd: expected a finite number >= 0, got ${pStd}`);
  if (!isRng(rng)) throw new ParameterError('rng: expected a kernel Rng');
  const xb = new Float64Array(batchSize * dim);
  const noise = new Float64Array(batchSize * dim);
  const sigma = new Float64Array(batchSize);
  const net = model.net;
  return trainMinibatch({
    params: net.params,
    grad: net.grad,
    steps,
    rng,
    optimizer: o.optimizer ?? { lr: 1e-4 },
    lr: o.lr,
    data: { size, batchSize },
    onProgress: o.onProgress,
    progressEvery: o.progressEvery,
    checkpoints: o.checkpoints,
    onCheckpoint: o.onCheckpoint,
    lossAndGrad: ({ rng: r, indices }) => {
      const idx = indices as Int32Array;
      for (let i = 0; i < batchSize; i++) xb.set(data.subarray(idx[i] * dim, (idx[i] + 1) * dim), i * dim);
      r.named('sigma').fillNormal(sigma);
      for (let i = 0; i < batchSize; i++) sigma[i] = Math.exp(pMean + pStd * sigma[i]);
      r.named('noise').fillNormal(noise);
      return model.lossAndGrad(xb, batchSize, sigma, noise);
    },
  });
}
