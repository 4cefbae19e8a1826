import { filterFromGains, filterGains, fourierModeVariances, patchCovariance } from '@diffusion-theory/denoisers';
import { assertFinite, assertInteger, DomainError, gaussLegendre, isNDArray, NDArray, ShapeError } from '@diffusion-theory/kernel';
import { psdEigen, readPositive, readRange, readTime, type SigmaRangeOptions, type TrainingTime } from './common.js';
import { prop42Variance } from './one-layer.js';

function readFilter(w: ArrayLike<number>, N: number, name: string): Float64Array {
  const v = Float64Array.from(w);
  if (v.length !== N) throw new ShapeError(`${name}: expected ${N} taps, got ${v.length}`);
  assertFinite(v, name);
  return v;
}

function checkCov(cov: NDArray): number {
  if (!isNDArray(cov) || cov.ndim !== 2 || cov.shape[0] !== cov.shape[1]) throw new ShapeError('covariance: expected a square N x N matrix');
  psdEigen(cov);
  return cov.shape[0];
}

export interface FullWidthConvOptions extends TrainingTime {
  /** Data covariance (N x N, PSD; need not be stationary: only S_kk enters). */
  covariance: NDArray;
  sigma: number;
  /** Initial filter w(0) (N taps; default 0). */
  w0?: ArrayLike<number>;
}

/**
 * Full-width circular convolution under gradient flow (Prop 5.3, spec spectral-bias §8.3): per Fourier mode
 * gamma_k(tau) = gamma*_k + (gamma_k(0) - gamma*_k) e^{-2 N eta (sigma^2 + S_kk) tau}, gamma*_k = S_kk/(S_kk + sigma^2);
 * taps by the inverse transform of §8.1. Rate N times the dense one-layer rate.
 * @returns the N filter taps w(tau)
 * @example
 * fullWidthConvFilter({ covariance: ar1Process(8, 0.6).covariance, sigma: 0.5, eta: 0.01, tau: 3 }); // spec R14
 */
export function fullWidthConvFilter(o: FullWidthConvOptions): Float64Array {
  const { tau, eta } = readTime(o);
  const N = checkCov(o.covariance);
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const S = fourierModeVariances(o.covariance);
  const g0 = filterGains(o.w0 === undefined ? new Float64Array(N) : readFilter(o.w0, N, 'w0'));
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    const gs = S[k] / (S[k] + s2);
    const e = Math.exp(-2 * N * eta * (s2 + S[k]) * tau);
    re[k] = gs + (g0.re[k] - gs) * e;
    im[k] = g0.im[k] * e;
  }
  return filterFromGains({ re, im });
}

/**
 * Generated per-Fourier-mode variances of the full-width conv denoiser (spec §8.3): Prop 4.2 with
 * lambda -> S_kk, eta -> N eta, Q -> Re gamma_k(0). The generated covariance is circulant, sum_k lambda_hat_k f_k f_k^H.
 * @returns lambda_hat_k, k = 0..N-1 (Fourier order)
 */
export function fullWidthConvGeneratedVariances(o: TrainingTime & SigmaRangeOptions & { covariance: NDArray; w0?: ArrayLike<number> }): Float64Array {
  const { tau, eta } = readTime(o);
  const N = checkCov(o.covariance);
  const S = fourierModeVariances(o.covariance);
  const g0 = filterGains(o.w0 === undefined ? new Float64Array(N) : readFilter(o.w0, N, 'w0'));
  const out = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    if (!(S[k] > 0)) throw new DomainError(`covariance: Fourier-mode variance S_${k} = ${S[k]} is not > 0`);
    out[k] = prop42Variance({ lambda: S[k], Q: g0.re[k], tau, eta: N * eta, sigmaMin: o.sigmaMin, sigmaMax: o.sigmaMax });
  }
  return out;
}

export interface PatchConvOptions extends TrainingTime {
  covariance: NDArray;
  /** Half-width r (K = 2r + 1 taps, K <= N). */
  r: number;
  /** Initial patch filter (K taps, default 0). */
  w0?: ArrayLike<number>;
}

function patchSetup(o: PatchConvOptions): { N: number; K: number; r: number; nu: Float64Array; V: Float64Array; w0: Float64Array } {
  const N = checkCov(o.covariance);
  assertInteger(o.r, 0, 'r');
  const K = 2 * o.r + 1;
  if (K > N) throw new DomainError(`r: the filter (K = ${K} taps) is wider than the signal (N = ${N})`);
  const P = patchCovariance(o.covariance, o.r);
  const { values, vectors } = psdEigen(P, 'patch covariance');
  const w0 = o.w0 === undefined ? new Float64Array(K) : readFilter(o.w0, K, 'w0');
  return { N, K, r: o.r, nu: values, V: vectors, w0 };
}

/** w(sigma, tau) from the patch eigendecomposition: w* + V e^{-2 N eta tau (sigma^2 + nu)} V^T (w0 - w*), w* = V diag(nu/(nu + sigma^2)) V^T e_c. */
function patchAt(s: ReturnType<typeof patchSetup>, s2: number, a: number): Float64Array {
  const { K, r, nu, V, w0 } = s;
  const ws = new Float64Array(K);
  const coef = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    const vc = V[r * K + j]; // (V^T e_c)_j
    const shrink = nu[j] / (nu[j] + s2);
    let vw = 0;
    for (let i = 0; i < K; i++) vw += V[i * K + j] * w0[i];
    coef[j] = shrink * vc + (vw - shrink * vc) * Math.exp(-a * (s2 + nu[j]));
  }
  for (let i = 0; i < K; i++) {
    let v = 0;
    for (let j = 0; j < K; j++) v += V[i * K + j] * coef[j];
    ws[i] = v;
  }
  return ws;
}

/**
 * Local (patch) filter under gradient flow (Prop 5.4, spec §8.4): ridge regression in patch space,
 * w(tau) = w* + exp(-2 N eta tau (sigma^2 I + Sigma_patch)) (w(0) - w*), w* = (sigma^2 I + Sigma_patch)^{-1} Sigma_patch e_c.
 * @returns K taps (w_{-r}, ..., w_r)
 * @throws DomainError when the filter is wider than the signal
 * @example
 * patchConvFilter({ covariance: ar1Process(8, 0.6).covariance, r: 1, sigma: 0.5, eta: 0.01, tau: 3 }); // spec R15
 */
export function patchConvFilter(o: PatchConvOptions & { sigma: number }): Float64Array {
  const { tau, eta } = readTime(o);
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const s = patchSetup(o);
  return patchAt(s, s2, 2 * s.N * eta * tau);
}

/**
 * Generated per-Fourier-mode variances of the patch conv denoiser (spec §8.4): gamma_k(sigma, tau) =
 * sum_j w_j(sigma, tau) e^{2 pi i j k / N}, lambda_hat_k = sigma_T^2 exp(-2 int (1 - Re gamma_k) d ln sigma),
 * Gauss-Legendre in ln sigma (default 400 nodes).
 */
export function patchConvGeneratedVariances(o: PatchConvOptions & SigmaRangeOptions & { nodes?: number }): Float64Array {
  const { tau, eta } = readTime(o);
  const { s0, sT } = readRange(o);
  const s = patchSetup(o);
  const { N, K, r } = s;
  const q = gaussLegendre(o.nodes ?? 400, Math.log(s0), Math.log(sT));
  const integral = new Float64Array(N);
  const a = 2 * N * eta * tau;
  for (let n = 0; n < q.nodes.length; n++) {
    const sg = Math.exp(q.nodes[n]);
    const w = patchAt(s, sg * sg, a);
    for (let k = 0; k < N; k++) {
      let re = 0;
      for (let j = -r; j <= r; j++) re += w[j + r] * Math.cos((2 * Math.PI * j * k) / N);
      integral[k] += q.weights[n] * (1 - re);
    }
  }
  if (K < 1) throw new DomainError('unreachable');
  return integral.map((v) => sT * sT * Math.exp(-2 * v));
}

/** The circulant generated covariance sum_k lambda_hat_k f_k f_k^H (real, N x N) from Fourier-mode variances. */
export function circulantFromModeVariances(lambdaHat: ArrayLike<number>): NDArray {
  const N = lambdaHat.length;
  const row = new Float64Array(N);
  for (let dl = 0; dl < N; dl++) {
    let v = 0;
    for (let k = 0; k < N; k++) v += lambdaHat[k] * Math.cos((2 * Math.PI * ((dl * k) % N)) / N);
    row[dl] = v / N;
  }
  const C = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) C[i * N + j] = row[(j - i + N) % N];
  return new NDArray(C, [N, N]);
}
