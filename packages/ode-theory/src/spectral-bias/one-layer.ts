import { assertFinite, DomainError, expint1, isNDArray, NDArray, ShapeError } from '@diffusion-theory/kernel';
import { eigenFunction, psdEigen, readFinite, readNonNegative, readPositive, readRange, readTime, type SigmaRangeOptions, type TrainingTime } from './common.js';

export interface ModeGainOptions extends TrainingTime {
  /** Mode variance lambda > 0. */
  lambda: number;
  /** Noise level sigma > 0. */
  sigma: number;
  /** Aligned initial gain Q_k (default 0). */
  Q?: number;
}

/**
 * Per-mode gain of the one-layer EDM x-prediction denoiser during gradient flow (spec spectral-bias §4.1):
 * psi = lambda/(lambda+sigma^2) + (Q - lambda/(lambda+sigma^2)) exp(-2 eta tau (sigma^2 + lambda)).
 * @throws DomainError on non-positive lambda or sigma, negative tau
 * @example
 * oneLayerModeGain({ lambda: 1, sigma: 0.5, Q: 0.1, tau: 2 });
 */
export function oneLayerModeGain(o: ModeGainOptions): number {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  const s = readPositive(o.sigma, 'sigma');
  const Q = readFinite(o.Q ?? 0, 'Q');
  const k = l / (l + s * s);
  return k + (Q - k) * Math.exp(-2 * eta * tau * (s * s + l));
}

export interface MatrixWeightOptions extends TrainingTime {
  /** Data covariance Sigma (d x d, symmetric PSD). */
  covariance: NDArray;
  sigma: number;
  /** Initial weights W(0) (d x d, any). */
  W0: NDArray;
}

function readSquare(a: NDArray, d: number, name: string): Float64Array {
  if (!isNDArray(a) || a.ndim !== 2 || a.shape[0] !== d || a.shape[1] !== d) throw new ShapeError(`${name}: expected a ${d} x ${d} matrix`);
  const x = a.contiguous().data;
  assertFinite(x, name);
  return x;
}

/**
 * Zero-mean weight dynamics, any W(0) (spec §4.1 eq. 7): W(tau) = W* + (W(0) - W*) exp(-2 eta tau (Sigma + sigma^2 I)),
 * W* = Sigma (Sigma + sigma^2 I)^{-1}; through the eigendecomposition of Sigma.
 * @returns d x d W(tau)
 * @throws NotPositiveDefiniteError for a non-PSD covariance; ShapeError on shapes; DomainError on sigma / tau
 */
export function oneLayerWeights(o: MatrixWeightOptions): NDArray {
  const { tau, eta } = readTime(o);
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const { d, values, vectors } = psdEigen(o.covariance);
  const W0 = readSquare(o.W0, d, 'W0');
  const Wstar = eigenFunction(d, values, vectors, (l) => l / (l + s2));
  const E = eigenFunction(d, values, vectors, (l) => Math.exp(-2 * eta * tau * (l + s2)));
  return new NDArray(affineRelax(d, Wstar, W0, E), [d, d]);
}

function affineRelax(d: number, Wstar: Float64Array, W0: Float64Array, E: Float64Array): Float64Array {
  const out = Float64Array.from(Wstar);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (W0[i * d + k] - Wstar[i * d + k]) * E[k * d + j];
      out[i * d + j] += s;
    }
  }
  return out;
}

export interface DiscreteGdOptions {
  covariance: NDArray;
  sigma: number;
  W0: NDArray;
  /** Step size epsilon > 0; must satisfy epsilon < 1 / (sigma^2 + lambda_max) (spec §4.2). */
  stepSize: number;
  /** Number of GD updates t >= 0. */
  steps: number;
}

/**
 * Discrete gradient descent in closed form (spec §4.2): W_t = W* + (W_0 - W*) (I - 2 eps (Sigma + sigma^2 I))^t.
 * @throws DomainError when the step size makes GD unstable (eps >= 1/(sigma^2 + lambda_max)), before any work
 */
export function discreteGdWeights(o: DiscreteGdOptions): NDArray {
  const eps = readPositive(o.stepSize, 'stepSize');
  if (!Number.isInteger(o.steps) || o.steps < 0) throw new DomainError(`steps: expected an integer >= 0, got ${o.steps}`);
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const { d, values, vectors } = psdEigen(o.covariance);
  const lmax = values[d - 1];
  if (!(eps < 1 / (s2 + lmax))) {
    throw new DomainError(`stepSize: ${eps} makes discrete GD unstable; expected stepSize < 1/(sigma^2 + lambda_max) = ${1 / (s2 + lmax)}`);
  }
  const W0 = readSquare(o.W0, d, 'W0');
  const Wstar = eigenFunction(d, values, vectors, (l) => l / (l + s2));
  const E = eigenFunction(d, values, vectors, (l) => (1 - 2 * eps * (l + s2)) ** o.steps);
  return new NDArray(affineRelax(d, Wstar, W0, E), [d, d]);
}

export interface NonCentredOptions extends TrainingTime {
  /** Mode variance lambda > 0 (the mean lies along this mode). */
  lambda: number;
  /** Mean component m = u^T mu along the mode. */
  mu: number;
  sigma: number;
  /** Initial gain and bias along the mode. */
  w0: number;
  b0: number;
}

/**
 * Non-centred 1-D dynamics (Prop D.2, spec §4.5): state (w, b - mu) obeys d/dtau Y = -2 eta (M Y - F) with
 * M = [[sigma^2 + lambda + m^2, m], [m, 1]], F = (lambda, 0); solved with the 2 x 2 eigendecomposition.
 * @returns { w, b } at tau
 */
export function nonCentredModeDynamics(o: NonCentredOptions): { w: number; b: number } {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  const m = readFinite(o.mu, 'mu');
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const w0 = readFinite(o.w0, 'w0');
  const b0 = readFinite(o.b0, 'b0');
  const ws = l / (l + s2);
  const bts = -ws * m; // b~* = -W* mu
  // exp(-2 eta tau M) for the symmetric 2 x 2 M = [[A, m], [m, 1]]: e^{-t h} [cosh(t D) I - sinh(t D)/D (M - h I)], h = (A+1)/2, D = sqrt(((A-1)/2)^2 + m^2)
  const A = s2 + l + m * m;
  const t = 2 * eta * tau;
  const h = 0.5 * (A + 1);
  const D = Math.sqrt(0.25 * (A - 1) ** 2 + m * m);
  const ep = Math.exp(-t * (h - D));
  const em = Math.exp(-t * (h + D));
  const ch = 0.5 * (ep + em); // e^{-th} cosh(tD)
  const sh = D === 0 ? t * ep : (0.5 * (ep - em)) / D; // e^{-th} sinh(tD) / D
  const E11 = ch - sh * (A - h);
  const E12 = -sh * m;
  const E22 = ch - sh * (1 - h);
  const y0 = w0 - ws;
  const y1 = b0 - m - bts;
  const w = ws + E11 * y0 + E12 * y1;
  const bt = bts + E12 * y0 + E22 * y1;
  return { w, b: bt + m };
}

/** Converged generated variance sigma_T^2 (lambda + sigma_0^2) / (lambda + sigma_T^2) (tau -> infinity, spec §5.2). */
export function convergedVariance(lambda: number, o: SigmaRangeOptions = {}): number {
  const { s0, sT } = readRange(o);
  const l = readNonNegative(lambda, 'lambda');
  return (sT * sT * (l + s0 * s0)) / (l + sT * sT);
}

/** ln Phi(sigma; tau) of Prop 4.2 in E1 form; a = 2 eta tau > 0. */
function lnPhi(l: number, Q: number, a: number, s: number): number {
  const s2 = s * s;
  return 0.5 * Math.log(l + s2) - 0.5 * (1 - Q) * Math.exp(-a * l) * expint1(a * s2) + 0.5 * expint1(a * (s2 + l));
}

export interface Prop42Options extends TrainingTime, SigmaRangeOptions {
  /** Mode variance lambda > 0. */
  lambda: number;
  /** Aligned initial gain Q (same at every sigma; default 0). */
  Q?: number;
}

/**
 * Proposition 4.2 (spec spectral-bias §5.4): generated variance of mode k of the one-layer linear denoiser
 * after gradient-flow time tau, exact PF-ODE over [sigma_0, sigma_T]:
 * lambda_hat = sigma_T^2 exp(2 [ln Phi(sigma_0) - ln Phi(sigma_T)]),
 * ln Phi = 1/2 ln(lambda + s^2) - 1/2 (1 - Q) e^{-a lambda} E1(a s^2) + 1/2 E1(a (s^2 + lambda)), a = 2 eta tau.
 * tau = 0 gives sigma_T^{2Q} sigma_0^{2(1-Q)}.
 * @throws DomainError on lambda <= 0, tau < 0, bad sigma range
 * @example
 * prop42Variance({ lambda: 1, Q: 0.1, tau: 1 }); // 0.269706441855 (spec R2)
 */
export function prop42Variance(o: Prop42Options): number {
  const { tau, eta } = readTime(o);
  const { s0, sT } = readRange(o);
  const l = readPositive(o.lambda, 'lambda');
  const Q = readFinite(o.Q ?? 0, 'Q');
  const a = 2 * eta * tau;
  if (a === 0) return sT ** (2 * Q) * s0 ** (2 * (1 - Q));
  return sT * sT * Math.exp(2 * (lnPhi(l, Q, a, s0) - lnPhi(l, Q, a, sT)));
}

/**
 * Prop 4.2 for every mode: lambda_hat_k(tau) for a spectrum and a scalar or per-mode Q.
 * @param lambdas - mode variances (> 0)
 * @param o - tau, eta, Q (number or per-mode array), sigma range
 */
export function oneLayerGeneratedVariances(lambdas: ArrayLike<number>, o: TrainingTime & SigmaRangeOptions & { Q?: number | ArrayLike<number> }): Float64Array {
  const out = new Float64Array(lambdas.length);
  const Qv = o.Q;
  if (Qv !== undefined && typeof Qv !== 'number' && Qv.length !== lambdas.length) throw new ShapeError(`Q: expected length ${lambdas.length}`);
  for (let k = 0; k < lambdas.length; k++) {
    const Q = Qv === undefined ? 0 : typeof Qv === 'number' ? Qv : Qv[k];
    out[k] = prop42Variance({ ...o, lambda: lambdas[k], Q });
  }
  return out;
}

/**
 * Denoising error and loss curves, zero mean (spec §4.3), aligned per mode: E_D = |b0|^2 e^{-4 eta tau}
 * + sum_k (sigma^2 + lambda_k) (Q_k - w*_k)^2 e^{-4 eta tau (sigma^2 + lambda_k)}; loss = E_D + sigma^2 sum_k lambda_k/(lambda_k + sigma^2).
 */
export function oneLayerLossCurve(lambdas: ArrayLike<number>, o: TrainingTime & { sigma: number; Q?: number; b0Norm2?: number }): { error: number; loss: number } {
  const { tau, eta } = readTime(o);
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const Q = o.Q ?? 0;
  let err = (o.b0Norm2 ?? 0) * Math.exp(-4 * eta * tau);
  let minLoss = 0;
  for (let k = 0; k < lambdas.length; k++) {
    const l = lambdas[k];
    const ws = l / (l + s2);
    err += (s2 + l) * (Q - ws) ** 2 * Math.exp(-4 * eta * tau * (s2 + l));
    minLoss += (s2 * l) / (l + s2);
  }
  return { error: err, loss: err + minLoss };
}
