import {
  DivergenceError,
  DomainError,
  NDArray,
  ParameterError,
  type Rng,
  ShapeError,
  type SigmaDenoiser,
  assertFinite,
  assertInteger,
} from '@diffusion-theory/kernel';
import { initialState } from './initial-state.js';

/** Stochastic churn of Karras et al. 2022, Algorithm 2. */
export interface EdmChurn {
  /** S_churn >= 0: total churn; gamma_i = min(S_churn / N, sqrt(2) - 1) for sigma_i in [sTmin, sTmax]. */
  sChurn: number;
  /** Default 0. */
  sTmin?: number;
  /** Default +Infinity. */
  sTmax?: number;
  /** S_noise: scale of the added noise (default 1). */
  sNoise?: number;
}

export interface SampleEdmOptions {
  /** D(x, sigma) ~ E[x1 | x1 + sigma z = x]. */
  denoiser: SigmaDenoiser;
  /** Noise levels sigma_0 > sigma_1 > ... > sigma_N >= 0 (usually kernel `edmSigmaGrid`, ending in 0). */
  sigmas: Float64Array | readonly number[];
  n: number;
  rng: Rng;
  /** Stochastic churn (Algorithm 2); omitted: the deterministic Heun sampler (Algorithm 1). */
  churn?: EdmChurn;
  /** Initial state, n x dim (not modified); default sigma_0 times n*dim standard normals. */
  x0?: Float64Array;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The EDM sampler (Karras et al. 2022): Heun's method on the probability-flow ODE
 *   dx / dsigma = (x - D(x, sigma)) / sigma
 * from X_0 ~ N(0, sigma_0^2 I) through the given sigmas; the last step, into sigma_N = 0, is an
 * Euler step (Algorithm 1). With `churn`, each step first raises the noise level to
 * sigma^ = (1 + gamma_i) sigma_i by adding N(0, (sigma^2 - sigma_i^2) sNoise^2 I) (Algorithm 2).
 *
 * Randomness, in order: n*dim normals for X_0 (unless x0 is given), then one fill of n*dim normals
 * per step with gamma_i > 0.
 * @param opts - denoiser (a SigmaDenoiser), sigmas (decreasing, ending at 0), n, rng; optional churn, x0, onProgress
 * @returns the n x dim samples at sigma = 0
 * @throws ParameterError / ShapeError / DomainError for invalid options (a sigma grid that is not decreasing)
 * @example
 * ```ts
 * const { samples } = sampleEdm({ denoiser: gaussian({ dim: 2 }).sigmaDenoiser(), sigmas: edmSigmaGrid({ n: 18 }), n: 500, rng: new Rng(0) });
 * ```
 */
export function sampleEdm(opts: SampleEdmOptions): { samples: NDArray } {
  const { denoiser, n, rng, churn, x0, onProgress } = opts ?? ({} as SampleEdmOptions);
  if (!denoiser || typeof denoiser.denoise !== 'function') throw new ParameterError('denoiser: expected a SigmaDenoiser with denoise(x, n, sigma, out)');
  const d = denoiser.dim;
  assertInteger(d, 1, 'denoiser.dim');
  assertInteger(n, 1, 'n');
  if (!rng || typeof rng.fillNormal !== 'function') throw new ParameterError('rng: expected an Rng');
  const sg = opts.sigmas;
  if (!(sg instanceof Float64Array) && !Array.isArray(sg)) throw new ShapeError('sigmas: expected a Float64Array or number[]');
  if (sg.length < 2) throw new ShapeError(`sigmas: expected at least 2 noise levels, got ${sg.length}`);
  const sigmas = Float64Array.from(sg);
  assertFinite(sigmas, 'sigmas');
  const N = sigmas.length - 1;
  for (let i = 0; i <= N; i++) {
    if (i < N && !(sigmas[i] > 0)) throw new DomainError(`sigmas: expected sigma_${i} > 0 (only the last may be 0), got ${sigmas[i]}`);
    if (i === N && !(sigmas[i] >= 0)) throw new DomainError(`sigmas: expected the last sigma >= 0, got ${sigmas[i]}`);
    if (i > 0 && !(sigmas[i] < sigmas[i - 1])) throw new DomainError(`sigmas: expected strictly decreasing values, got ${sigmas[i - 1]} then ${sigmas[i]} at index ${i}`);
  }
  let gammaMax = 0;
  let sTmin = 0;
  let sTmax = Number.POSITIVE_INFINITY;
  let sNoise = 1;
  if (churn !== undefined) {
    const { sChurn } = churn;
    if (typeof sChurn !== 'number' || !(sChurn >= 0) || !Number.isFinite(sChurn)) throw new DomainError(`churn.sChurn: expected a finite number >= 0, got ${sChurn}`);
    sTmin = churn.sTmin ?? 0;
    sTmax = churn.sTmax ?? Number.POSITIVE_INFINITY;
    sNoise = churn.sNoise ?? 1;
    if (!(sTmin >= 0) || !(sTmax >= sTmin)) throw new DomainError(`churn.sTmin, churn.sTmax: expected 0 <= sTmin <= sTmax, got ${sTmin}, ${sTmax}`);
    if (!(sNoise >= 0) || !Number.isFinite(sNoise)) throw new DomainError(`churn.sNoise: expected a finite number >= 0, got ${sNoise}`);
    gammaMax = Math.min(sChurn / N, Math.SQRT2 - 1);
  }
  const len = n * d;
  const x = initialState(x0, len, rng, sigmas[0]);
  const den = new Float64Array(len);
  const dcur = new Float64Array(len);
  const xn = new Float64Array(len);
  const noise = new Float64Array(len);
  for (let i = 0; i < N; i++) {
    const si = sigmas[i];
    const sNext = sigmas[i + 1];
    const gamma = si >= sTmin && si <= sTmax ? gammaMax : 0;
    const sHat = si * (1 + gamma);
    if (gamma > 0) {
      rng.fillNormal(noise);
      const c = Math.sqrt(sHat * sHat - si * si) * sNoise;
      for (let j = 0; j < len; j++) x[j] += c * noise[j];
    }
    denoiser.denoise(x, n, sHat, den);
    for (let j = 0; j < len; j++) {
      dcur[j] = (x[j] - den[j]) / sHat;
      xn[j] = x[j] + (sNext - sHat) * dcur[j];
    }
    if (sNext > 0) {
      denoiser.denoise(xn, n, sNext, den);
      for (let j = 0; j < len; j++) {
        const dp = (xn[j] - den[j]) / sNext;
        xn[j] = x[j] + (sNext - sHat) * 0.5 * (dcur[j] + dp);
      }
    }
    x.set(xn);
    for (let j = 0; j < len; j++) {
      if (!Number.isFinite(x[j])) throw new DivergenceError(`sampleEdm: non-finite state after step ${i + 1} (sigma = ${sNext})`, i + 1);
    }
    onProgress?.(i + 1, N);
  }
  return { samples: new NDArray(x, [n, d]) };
}
