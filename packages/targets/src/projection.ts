/**
 * Gaussian-mixture targets seen through a linear map: the law of B^T x1 (or of B^T x_t with
 * x_t = alpha x0 + beta x1) for a d x k matrix B, usually an orthonormal plane (k = 2) or line
 * (k = 1). The image of a Gaussian mixture is a Gaussian mixture with the same weights, means
 * B^T m_c and covariances B^T C_c B, so figures and projected metrics get exact densities.
 * Project samples with kernel's `matmul(x, basis)` (n x d times d x k).
 */
import { DomainError, type NDArray, ShapeError, assertFinite, assertInteger, choleskyInPlace, dgemm, isNDArray } from '@diffusion-theory/kernel';
import type { BinaryIsotropicGmm } from './binary-gmm.js';
import type { GaussianTarget } from './gaussian.js';
import type { GaussianMixtureTarget } from './mixture.js';
import type { SpectralGroupMixture } from './spectral-groups.js';

/** The mixture targets that can be projected exactly. */
export type ProjectableTarget = GaussianTarget | GaussianMixtureTarget | SpectralGroupMixture | BinaryIsotropicGmm;

/** A Gaussian mixture in k dimensions: sum_c weights[c] N(means[c], covariances[c]). */
export interface ProjectedMixture {
  /** Dimension k of the projection (columns of the basis). */
  readonly dim: number;
  /** K weights, non-negative, sum 1. */
  weights: Float64Array;
  /** K x k component means, row-major: means[c*k + a]. */
  means: Float64Array;
  /** K x k x k component covariances, row-major: covariances[(c*k + a)*k + b]. */
  covariances: Float64Array;
}

export interface ProjectMixtureOptions {
  /**
   * Project the interpolant x_t = alpha x0 + beta x1 (x0 ~ N(0, I_d) independent of x1) instead of x1:
   * means beta B^T m_c, covariances beta^2 B^T C_c B + alpha^2 B^T B. Default: alpha = 0, beta = 1.
   */
  interpolant?: { alpha: number; beta: number };
}

/** A plotting window [x0, x1] x [y0, y1] (the shape of plots' Box). */
export interface PlaneBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The basis as a finite d x k row-major copy. */
function basisArg(basis: NDArray, d: number): { k: number; B: Float64Array } {
  if (!isNDArray(basis) || basis.ndim !== 2) {
    throw new ShapeError(`basis: expected a 2-D NDArray (d x k), got ${isNDArray(basis) ? `shape [${basis.shape.join(', ')}]` : typeof basis}`);
  }
  const [rows, k] = basis.shape;
  if (rows !== d || k < 1 || k > d) throw new ShapeError(`basis: expected shape [d, k] with d = ${d} and 1 <= k <= d, got [${rows}, ${k}]`);
  const B = Float64Array.from(basis.contiguous().data);
  assertFinite(B, 'basis');
  return { k, B };
}

/** W^T diag(s) W for W (m x k row-major), added into out (k x k). */
function addWeightedGram(W: Float64Array, s: ArrayLike<number>, m: number, k: number, out: Float64Array, o: number): void {
  for (let i = 0; i < m; i++) {
    const si = s[i];
    if (si === 0) continue;
    for (let a = 0; a < k; a++) {
      const wa = si * W[i * k + a];
      for (let b = 0; b < k; b++) out[o + a * k + b] += wa * W[i * k + b];
    }
  }
}

/**
 * The image of a Gaussian-mixture target under x -> B^T x: a k-dimensional Gaussian mixture.
 * For the spectral-group mixture the covariances are taken in the data frame (after its basis U).
 *
 * @param target a `gaussian`, `gaussianMixture`, `spectralGroupMixture` or `binaryIsotropicGmm` target.
 * @param basis d x k matrix B (usually orthonormal columns: a plane or a line); any full-column-rank B is allowed.
 * @param options `interpolant: { alpha, beta }` projects the law of alpha x0 + beta x1 instead of x1.
 * @returns weights, means (K x k) and covariances (K x k x k) of the projected mixture.
 * @throws ShapeError when basis is not d x k; DomainError for an unknown target or a non-finite alpha, beta.
 */
export function projectMixture(target: ProjectableTarget, basis: NDArray, options: ProjectMixtureOptions = {}): ProjectedMixture {
  if (!target || typeof target !== 'object' || typeof target.dim !== 'number') throw new DomainError('target: expected a targets mixture (gaussian, gaussianMixture, spectralGroupMixture, binaryIsotropicGmm)');
  const d = target.dim;
  const { k, B } = basisArg(basis, d);
  const alpha = options.interpolant?.alpha ?? 0;
  const beta = options.interpolant?.beta ?? 1;
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) throw new DomainError(`interpolant: expected finite alpha and beta, got ${alpha}, ${beta}`);
  let weights: Float64Array;
  let meansD: Float64Array; // K x d
  let covs: Float64Array;
  switch (target.kind) {
    case 'gaussian':
    case 'gaussian-mixture': {
      const comps =
        target.kind === 'gaussian'
          ? [{ mean: target.mean(), ...target.eigen() }]
          : Array.from({ length: target.components }, (_, c) => target.component(c));
      weights = target.kind === 'gaussian' ? Float64Array.of(1) : target.weights();
      meansD = new Float64Array(comps.length * d);
      covs = new Float64Array(comps.length * k * k);
      comps.forEach((comp, c) => {
        meansD.set(comp.mean, c * d);
        const kc = comp.spectrum.length;
        const W = new Float64Array(kc * k);
        dgemm(true, false, kc, k, d, 1, comp.basis.contiguous().data, kc, B, k, 0, W, k);
        addWeightedGram(W, comp.spectrum, kc, k, covs, c * k * k);
      });
      break;
    }
    case 'spectral-group-mixture': {
      const K = target.K;
      weights = target.weights();
      meansD = target.means().contiguous().data;
      const { ell, Ng } = target.constants();
      let W = B;
      if (target.basis) {
        W = new Float64Array(d * k);
        dgemm(true, false, d, k, d, 1, target.basis.contiguous().data, d, B, k, 0, W, k);
      }
      covs = new Float64Array(K * k * k);
      const s = new Float64Array(d);
      for (let c = 0; c < K; c++) {
        for (let i = 0; i < d; i++) s[i] = ell[c * Ng + target.groups[i]];
        addWeightedGram(W, s, d, k, covs, c * k * k);
      }
      break;
    }
    case 'binary-isotropic-gmm': {
      const mu = target.mu();
      weights = Float64Array.of(0.5, 0.5);
      meansD = new Float64Array(2 * d);
      for (let i = 0; i < d; i++) {
        meansD[i] = -mu[i];
        meansD[d + i] = mu[i];
      }
      covs = new Float64Array(2 * k * k);
      const s2 = new Float64Array(d).fill(target.sigma * target.sigma);
      addWeightedGram(B, s2, d, k, covs, 0);
      covs.copyWithin(k * k, 0, k * k);
      break;
    }
    default:
      throw new DomainError(`target: expected a gaussian, gaussian-mixture, spectral-group-mixture or binary-isotropic-gmm target, got kind '${(target as { kind?: string }).kind}'`);
  }
  const K = weights.length;
  const means = new Float64Array(K * k);
  dgemm(false, false, K, k, d, beta, meansD, d, B, k, 0, means, k);
  for (let i = 0; i < covs.length; i++) covs[i] *= beta * beta;
  if (alpha !== 0) {
    const btb = new Float64Array(k * k);
    dgemm(true, false, k, k, d, alpha * alpha, B, k, B, k, 0, btb, k);
    for (let c = 0; c < K; c++) for (let i = 0; i < k * k; i++) covs[c * k * k + i] += btb[i];
  }
  return { dim: k, weights, means, covariances: covs };
}

function mixtureArg(m: ProjectedMixture): number {
  if (!m || typeof m !== 'object') throw new DomainError('mixture: expected a ProjectedMixture {dim, weights, means, covariances}');
  const k = m.dim;
  assertInteger(k, 1, 'mixture.dim');
  const K = m.weights?.length ?? 0;
  if (K < 1) throw new ShapeError('mixture.weights: expected at least one component');
  if (m.means?.length !== K * k) throw new ShapeError(`mixture.means: expected length K k = ${K * k}, got ${m.means?.length}`);
  if (m.covariances?.length !== K * k * k) throw new ShapeError(`mixture.covariances: expected length K k^2 = ${K * k * k}, got ${m.covariances?.length}`);
  return K;
}

/**
 * Density of a projected mixture at n points (log-sum-exp over components; Cholesky per component).
 *
 * @param m the projected mixture (k dimensions).
 * @param points n x k row-major: a Float64Array of length n k (e.g. interleaved [x, y] pairs) or an NDArray [n, k].
 * @returns the n density values.
 * @throws ShapeError when the length is not a multiple of k; DomainError when a component covariance is not positive definite.
 */
export function projectedDensity(m: ProjectedMixture, points: Float64Array | NDArray): Float64Array {
  const K = mixtureArg(m);
  const k = m.dim;
  let x: Float64Array;
  if (isNDArray(points)) {
    if (points.ndim !== 2 || points.shape[1] !== k) throw new ShapeError(`points: expected an NDArray of shape [n, ${k}], got [${points.shape.join(', ')}]`);
    x = points.contiguous().data;
  } else if (points instanceof Float64Array) {
    if (points.length % k !== 0) throw new ShapeError(`points: expected a length that is a multiple of k = ${k}, got ${points.length}`);
    x = points;
  } else {
    throw new ShapeError('points: expected a Float64Array (n k, row-major) or an NDArray [n, k]');
  }
  const n = x.length / k;
  const logs = new Float64Array(n * K);
  const L = new Float64Array(k * k);
  const y = new Float64Array(k);
  for (let c = 0; c < K; c++) {
    const w = m.weights[c];
    if (!(w > 0)) {
      for (let r = 0; r < n; r++) logs[r * K + c] = Number.NEGATIVE_INFINITY;
      continue;
    }
    L.set(m.covariances.subarray(c * k * k, (c + 1) * k * k));
    if (choleskyInPlace(k, L) >= 0) throw new DomainError(`mixture.covariances[${c}]: expected a positive definite ${k} x ${k} covariance (a degenerate projection?)`);
    let logNorm = Math.log(w) - 0.5 * k * Math.log(2 * Math.PI);
    for (let a = 0; a < k; a++) logNorm -= Math.log(L[a * k + a]);
    for (let r = 0; r < n; r++) {
      let q = 0;
      for (let a = 0; a < k; a++) {
        let s = x[r * k + a] - m.means[c * k + a];
        for (let b = 0; b < a; b++) s -= L[a * k + b] * y[b];
        y[a] = s / L[a * k + a];
        q += y[a] * y[a];
      }
      logs[r * K + c] = logNorm - 0.5 * q;
    }
  }
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < K; c++) mx = Math.max(mx, logs[r * K + c]);
    if (mx === Number.NEGATIVE_INFINITY) continue;
    let s = 0;
    for (let c = 0; c < K; c++) s += Math.exp(logs[r * K + c] - mx);
    out[r] = Math.exp(mx) * s;
  }
  return out;
}

/**
 * The marginal of a projected mixture on some of its axes (e.g. `[0]`: the first coordinate).
 *
 * @param m the projected mixture.
 * @param axes distinct axis indices in [0, k).
 * @returns the mixture of the selected coordinates, in the order given.
 * @param m - a projected mixture
 * @param axes - the axes to keep
 * @returns the marginal mixture on those axes
 * @throws DomainError for an axis out of range or repeated
 */
export function projectedMarginal(m: ProjectedMixture, axes: readonly number[]): ProjectedMixture {
  const K = mixtureArg(m);
  const k = m.dim;
  if (!Array.isArray(axes) || axes.length < 1) throw new ShapeError('axes: expected a non-empty array of axis indices');
  axes.forEach((a, i) => {
    if (!Number.isInteger(a) || a < 0 || a >= k) throw new DomainError(`axes[${i}]: expected an integer in [0, ${k}), got ${a}`);
    if (axes.indexOf(a) !== i) throw new DomainError(`axes: expected distinct indices, ${a} appears twice`);
  });
  const j = axes.length;
  const means = new Float64Array(K * j);
  const covariances = new Float64Array(K * j * j);
  for (let c = 0; c < K; c++) {
    for (let a = 0; a < j; a++) {
      means[c * j + a] = m.means[c * k + axes[a]];
      for (let b = 0; b < j; b++) covariances[(c * j + a) * j + b] = m.covariances[(c * k + axes[a]) * k + axes[b]];
    }
  }
  return { dim: j, weights: Float64Array.from(m.weights), means, covariances };
}

/**
 * Per-axis bounds covering every component of positive weight to +- `sds` standard deviations.
 *
 * @param m the projected mixture.
 * @param sds half-width in component standard deviations (> 0). Default 3.5.
 * @returns k intervals [lo, hi].
 * @param m - a projected mixture
 * @param sds - half-width in component standard deviations (default 3.5)
 * @returns per axis [lo, hi] covering every component
 * @throws DomainError for a non-positive sds or an axis with zero spread
 */
export function mixtureBounds(m: ProjectedMixture, sds = 3.5): Array<[number, number]> {
  const K = mixtureArg(m);
  const k = m.dim;
  if (!(sds > 0) || !Number.isFinite(sds)) throw new DomainError(`sds: expected a finite number > 0, got ${sds}`);
  const out: Array<[number, number]> = Array.from({ length: k }, () => [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  for (let c = 0; c < K; c++) {
    if (!(m.weights[c] > 0)) continue;
    for (let a = 0; a < k; a++) {
      const mu = m.means[c * k + a];
      const sd = Math.sqrt(Math.max(0, m.covariances[(c * k + a) * k + a]));
      out[a][0] = Math.min(out[a][0], mu - sds * sd);
      out[a][1] = Math.max(out[a][1], mu + sds * sd);
    }
  }
  for (const [a, [lo, hi]] of out.entries()) if (!(hi > lo)) throw new DomainError(`mixture: axis ${a} has zero spread, no bounding interval`);
  return out;
}

/**
 * A plotting box of a 2-D projected mixture: every component to +- `sds` standard deviations,
 * squared up about its centre (equal axis ranges) unless `square` is false.
 *
 * @param m a projected mixture with dim 2.
 * @param options `sds` (default 3.5) and `square` (default true).
 * @throws ShapeError when m is not 2-D.
 * @param m - a projected mixture on 2 axes
 * @param options - sds (default 3.5) and square (equal axis ranges)
 * @returns the plot box { x: [lo, hi], y: [lo, hi] }
 * @throws ShapeError for a mixture not on 2 axes; DomainError as mixtureBounds
 */
export function mixtureBox(m: ProjectedMixture, options: { sds?: number; square?: boolean } = {}): PlaneBox {
  mixtureArg(m);
  if (m.dim !== 2) throw new ShapeError(`mixture: expected a 2-D projected mixture, got dim ${m.dim}`);
  const [[x0, x1], [y0, y1]] = mixtureBounds(m, options.sds ?? 3.5);
  if (options.square === false) return { x0, x1, y0, y1 };
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const h = Math.max(x1 - x0, y1 - y0) / 2;
  return { x0: cx - h, x1: cx + h, y0: cy - h, y1: cy + h };
}
