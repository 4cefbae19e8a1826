import { assertInteger, DivergenceError, isRng, ParameterError, type Rng, ShapeError } from '@diffusion-theory/kernel';
import { type AdamOptions, type AdamState, adam, adamStep } from './adam.js';

/** What the loss callback gets at each step. */
export interface BatchContext {
  /** 0-based step. */
  step: number;
  /** This step's own stream, `rng.named('step', step)`: draw noise, noise levels, fresh data from it (via `.named(...)`). */
  rng: Rng;
  /** When `data` was given: the minibatch's row indices (a reused buffer: read, don't keep). */
  indices: Int32Array | null;
}

export interface TrainProgress {
  step: number;
  steps: number;
  /** Mean loss over the steps since the previous report. */
  loss: number;
}

export interface MinibatchTrainOptions {
  /** Flat parameters, updated in place. */
  params: Float64Array;
  /** Flat gradient buffer that `lossAndGrad` fills; the loop zeroes it before each call. */
  grad: Float64Array;
  /** Returns the minibatch loss and writes (adds) its gradient into `grad`. */
  lossAndGrad: (ctx: BatchContext) => number;
  /** Number of optimiser steps. */
  steps: number;
  /** Root stream: batch indices come from `rng.named('batch', step)`, the callback's stream from `rng.named('step', step)`. */
  rng: Rng;
  /** Adam options, or an existing AdamState to continue from. */
  optimizer?: AdamOptions | AdamState;
  /** Per-step learning rate (overrides the optimizer's lr), e.g. a warm-up schedule. */
  lr?: (step: number) => number;
  /** Sample minibatch indices from a dataset of `size` rows, `batchSize` distinct rows per step. */
  data?: { size: number; batchSize: number };
  /** Called every `progressEvery` steps (default: about 100 reports); return `false` to stop early. */
  onProgress?: (p: TrainProgress) => unknown;
  progressEvery?: number;
  /** Steps at which `onCheckpoint` is called with the parameters (0 = before training, `steps` = at the end). */
  checkpoints?: readonly number[];
  onCheckpoint?: (step: number, params: Float64Array) => void;
}

export interface MinibatchTrainResult {
  /** Per-step minibatch losses (length = steps run). */
  losses: Float64Array;
  stepsRun: number;
  /** True when `onProgress` stopped the run. */
  stopped: boolean;
  optimizer: AdamState;
}

function isAdamState(o: unknown): o is AdamState {
  return typeof o === 'object' && o !== null && (o as AdamState).m instanceof Float64Array && typeof (o as AdamState).t === 'number';
}

/**
 * Minibatch Adam training loop: zero grad, call `lossAndGrad` (with seeded batch indices and a per-step
 * stream), check for divergence, take an Adam step; progress reports and checkpoints along the way.
 * @returns per-step losses and the optimiser state
 * @throws DivergenceError (with `.step`) when the loss or the gradient is not finite
 * @throws ShapeError / DomainError / ParameterError on bad options
 * @example
 * const net = residualMlp({ dim: 2, hidden: 32, temb: 0, rng: rng.named('init') });
 * trainMinibatch({ params: net.params, grad: net.grad, steps: 500, rng, optimizer: { lr: 1e-3 },
 *   lossAndGrad: ({ rng: r }) => { const x = r.normals(64 * 2); const y = net.forward(x, 64);
 *     const dy = y.map((v, i) => (2 * (v - x[i])) / 64); net.backward(dy); return mse(y, x); } });
 */
export function trainMinibatch(o: MinibatchTrainOptions): MinibatchTrainResult {
  const { params, grad, lossAndGrad, steps, rng, lr, data, onProgress, checkpoints = [], onCheckpoint } = o;
  if (!(params instanceof Float64Array)) throw new ShapeError('params: expected a Float64Array');
  if (!(grad instanceof Float64Array) || grad.length !== params.length) throw new ShapeError(`grad: expected a Float64Array of length ${params.length}, got ${grad?.length}`);
  if (typeof lossAndGrad !== 'function') throw new ParameterError('lossAndGrad: expected a function');
  assertInteger(steps, 0, 'steps');
  if (!isRng(rng)) throw new ParameterError('rng: expected a kernel Rng');
  const every = o.progressEvery ?? Math.max(1, Math.round(steps / 100));
  assertInteger(every, 1, 'progressEvery');
  for (const c of checkpoints) {
    assertInteger(c, 0, 'checkpoints[]');
    if (c > steps) throw new ParameterError(`checkpoints: step ${c} is past the last step ${steps}`);
  }
  if (checkpoints.length > 0 && typeof onCheckpoint !== 'function') throw new ParameterError('onCheckpoint: expected a function when checkpoints are given');
  const opt = isAdamState(o.optimizer) ? o.optimizer : adam(params.length, o.optimizer ?? {});
  if (opt.n !== params.length) throw new ShapeError(`optimizer: state is for ${opt.n} parameters, params has ${params.length}`);
  let perm: Int32Array | null = null;
  let indices: Int32Array | null = null;
  if (data) {
    assertInteger(data.size, 1, 'data.size');
    assertInteger(data.batchSize, 1, 'data.batchSize');
    if (data.batchSize > data.size) throw new ParameterError(`data.batchSize: expected <= data.size = ${data.size}, got ${data.batchSize}`);
    perm = new Int32Array(data.size);
    for (let i = 0; i < data.size; i++) perm[i] = i;
    indices = perm.subarray(0, data.batchSize);
  }
  const cps = new Set(checkpoints);
  const losses = new Float64Array(steps);
  let acc = 0;
  let accN = 0;
  let stopped = false;
  let step = 0;
  if (cps.has(0)) onCheckpoint?.(0, params);
  for (; step < steps; step++) {
    if (perm && data) {
      // partial Fisher-Yates on a persistent permutation: batchSize distinct rows
      const br = rng.named('batch', step);
      for (let i = 0; i < data.batchSize; i++) {
        const j = i + br.int(data.size - i);
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    }
    grad.fill(0);
    const loss = lossAndGrad({ step, rng: rng.named('step', step), indices });
    if (!Number.isFinite(loss)) throw new DivergenceError(`training diverged at step ${step}: loss = ${loss}`, step);
    for (let i = 0; i < grad.length; i++) {
      if (!Number.isFinite(grad[i])) throw new DivergenceError(`training diverged at step ${step}: gradient entry ${i} = ${grad[i]}`, step);
    }
    adamStep(opt, params, grad, lr ? lr(step) : undefined);
    losses[step] = loss;
    acc += loss;
    accN++;
    if (cps.has(step + 1)) onCheckpoint?.(step + 1, params);
    if (onProgress && ((step + 1) % every === 0 || step + 1 === steps)) {
      const r = onProgress({ step: step + 1, steps, loss: acc / accN });
      acc = 0;
      accN = 0;
      if (r === false) {
        stopped = true;
        step++;
        break;
      }
    }
  }
  return { losses: losses.subarray(0, step), stepsRun: step, stopped, optimizer: opt };
}
