import { DomainError, type Rng, type SampleSource, assertInteger, describeValue } from '@diffusion-theory/kernel';
import type { MlpScore } from '@diffusion-theory/denoisers';
import { type AdamOptions, type MinibatchTrainResult, type TrainProgress, trainMinibatch } from '../adam/index.js';

/** Options of VE denoising score matching (spec §2: x_t = x_0 + sqrt(t) eps, predict eps). */
export interface VeScoreMatchingOptions {
  /** Data source (e.g. targets' `linearManifold`): fresh x_0 each step (online) or, with `dataset`, rows of a fixed set. */
  data: SampleSource;
  /** Optional fixed training set (N x d row-major, the paper's "dataset of samples from one fixed F"); minibatches of distinct rows. */
  dataset?: Float64Array;
  steps: number;
  batchSize: number;
  /** Times are log-uniform on [tMin, tMax] (the paper does not state its law; spec §9). */
  tMin: number;
  tMax: number;
  /** Adam options (default lr 1e-3). */
  optimizer?: AdamOptions;
  /** Per-step learning rate (overrides optimizer.lr), e.g. cosine decay. */
  lr?: (step: number) => number;
  rng: Rng;
  onProgress?: (p: TrainProgress) => unknown;
}

/**
 * Train an `MlpScore` by VE denoising score matching with minibatch Adam: loss
 * (1/(n d)) sum |eps_hat(x_0 + sqrt(t) eps, t) - eps|^2 (the lambda(t) = t weighting of the score loss).
 * Its minimum over all functions is the Bayes risk, for Gaussian data (1/d) E_t tr(Sigma (t I + Sigma)^{-1})
 * (`gaussianEpsilonRisk`).
 * @returns the loop's result (per-step losses, optimiser state).
 * @throws DomainError for bad sizes or time range; DivergenceError from the loop if the loss blows up.
 * @example
 * const score = mlpScore({ dim: 100, dataVariance: 0.3, rng: rng.named('init') });
 * trainVeScoreMatching(score, { data: lm, steps: 2000, batchSize: 128, tMin: 1e-3, tMax: 10, rng });
 */
export function trainVeScoreMatching(model: MlpScore, o: VeScoreMatchingOptions): MinibatchTrainResult {
  const d = model.dim;
  if (o.data.dim !== d) throw new DomainError(`data: expected dimension ${d}, got ${o.data.dim}`);
  assertInteger(o.steps, 0, 'steps');
  assertInteger(o.batchSize, 1, 'batchSize');
  if (!(o.tMin > 0 && o.tMax > o.tMin && Number.isFinite(o.tMax))) {
    throw new DomainError(`tMin/tMax: expected 0 < tMin < tMax < Infinity, got ${describeValue(o.tMin)} / ${describeValue(o.tMax)}`);
  }
  const n = o.batchSize;
  const N = o.dataset ? o.dataset.length / d : 0;
  if (o.dataset && (!Number.isInteger(N) || N < n)) throw new DomainError(`dataset: expected N x d with N >= batchSize = ${n}, got length ${o.dataset.length}`);
  const [la, lb] = [Math.log(o.tMin), Math.log(o.tMax)];
  const xt = new Float64Array(n * d);
  const tt = new Float64Array(n);
  const dy = new Float64Array(n * d);
  return trainMinibatch({
    params: model.net.params,
    grad: model.net.grad,
    steps: o.steps,
    rng: o.rng,
    optimizer: o.optimizer ?? { lr: 1e-3 },
    lr: o.lr,
    data: o.dataset ? { size: N, batchSize: n } : undefined,
    onProgress: o.onProgress,
    lossAndGrad: ({ rng, indices }) => {
      const x0 = indices ? null : o.data.sample(n, rng.named('data')).data;
      const eps = rng.named('noise').normals(n * d);
      const u = rng.named('time').uniforms(n);
      for (let i = 0; i < n; i++) {
        tt[i] = Math.exp(la + (lb - la) * u[i]);
        const st = Math.sqrt(tt[i]);
        const row = indices ? indices[i] * d : i * d;
        const src = indices ? o.dataset! : x0!;
        for (let j = 0; j < d; j++) xt[i * d + j] = src[row + j] + st * eps[i * d + j];
      }
      const y = model.predictNoiseBatch(xt, tt, n);
      let loss = 0;
      const scale = 1 / (n * d);
      for (let i = 0; i < n * d; i++) {
        const e = y[i] - eps[i];
        loss += e * e * scale;
        dy[i] = 2 * e * scale;
      }
      model.net.backward(dy);
      return loss;
    },
  });
}

/**
 * Bayes risk of the epsilon loss for Gaussian data with covariance eigenvalues `gammas` (length d,
 * zeros included) at time t: (1/d) sum gamma/(t + gamma) (the optimum eps_hat = sqrt(t)(tI + Sigma)^{-1} x_t).
 * With `tMin`/`tMax` instead of one t, its average over log-uniform t (midpoint rule in log t, 400 nodes).
 * @throws DomainError for t <= 0 or a bad range.
 */
export function gaussianEpsilonRisk(gammas: ArrayLike<number>, t: number | { tMin: number; tMax: number }): number {
  const at = (s: number) => {
    let acc = 0;
    for (let i = 0; i < gammas.length; i++) acc += gammas[i] / (s + gammas[i]);
    return acc / gammas.length;
  };
  if (typeof t === 'number') {
    if (!(t > 0)) throw new DomainError(`t: expected > 0, got ${describeValue(t)}`);
    return at(t);
  }
  if (!(t.tMin > 0 && t.tMax > t.tMin)) throw new DomainError(`tMin/tMax: expected 0 < tMin < tMax, got ${t.tMin} / ${t.tMax}`);
  const [a, b] = [Math.log(t.tMin), Math.log(t.tMax)];
  const K = 400;
  let acc = 0;
  for (let k = 0; k < K; k++) acc += at(Math.exp(a + ((b - a) * (k + 0.5)) / K));
  return acc / K;
}
