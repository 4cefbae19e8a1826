import { type GaussianMoments, NDArray, ShapeError, assertFinite, dgemm, eigvalsh, isNDArray, sampleCovariance, sampleMean } from '@diffusion-theory/kernel';

/** @internal Validate an n x d sample matrix; returns its contiguous data. */
export function samplesArg(samples: NDArray, name = 'samples', minRows = 1): { n: number; d: number; data: Float64Array } {
  if (!isNDArray(samples) || samples.ndim !== 2) {
    throw new ShapeError(`${name}: expected a 2-D NDArray (n x d), got ${isNDArray(samples) ? `shape [${samples.shape.join(', ')}]` : typeof samples}`);
  }
  const [n, d] = samples.shape;
  if (n < minRows || d < 1) throw new ShapeError(`${name}: expected at least ${minRows} rows and 1 column, got shape [${n}, ${d}]`);
  const data = samples.contiguous().data;
  assertFinite(data, name);
  return { n, d, data };
}

/** @internal Validate a vector of length d. */
export function vectorArg(v: Float64Array | readonly number[], d: number, name: string): Float64Array {
  if (!(v instanceof Float64Array) && !Array.isArray(v)) throw new ShapeError(`${name}: expected a Float64Array or number[] of length ${d}`);
  if (v.length !== d) throw new ShapeError(`${name}: expected length ${d}, got ${v.length}`);
  assertFinite(v, name);
  return Float64Array.from(v);
}

/** @internal Validate a d x d matrix; returns a contiguous copy of its data. */
export function matrixArg(a: NDArray, d: number, name: string): Float64Array {
  if (!isNDArray(a) || a.ndim !== 2 || a.shape[0] !== d || a.shape[1] !== d) {
    throw new ShapeError(`${name}: expected an NDArray of shape [${d}, ${d}], got ${isNDArray(a) ? `[${a.shape.join(', ')}]` : typeof a}`);
  }
  const data = Float64Array.from(a.contiguous().data);
  assertFinite(data, name);
  return data;
}

/** Column means of a validated n x d batch (kernel `sampleMean`). */
function columnMeans(n: number, d: number, x: Float64Array): Float64Array {
  return sampleMean(new NDArray(x, [n, d]));
}

/** Sample covariance about a given mean (kernel `sampleCovariance`: one gemm, exactly symmetric). */
function covarianceOf(n: number, d: number, x: Float64Array, mean: Float64Array, ddof: number): Float64Array {
  return sampleCovariance(new NDArray(x, [n, d]), { mean, ddof }).data;
}

export interface MeanError {
  /** The sample mean (length d). */
  sampleMean: Float64Array;
  /** sampleMean - mean. */
  diff: Float64Array;
  /** |sampleMean_i - mean_i| per dimension. */
  perDim: Float64Array;
  /** Euclidean norm ||sampleMean - mean||. */
  norm: number;
  /** ||sampleMean - mean||^2 / d (the mean error of Cui et al. 2024, ICLR). */
  squaredPerDim: number;
}

/**
 * Error of the sample mean of `samples` (n x d) against a reference mean.
 * @param samples - n x d NDArray
 * @param mean - the reference mean (length d)
 * @returns the sample mean, the difference and its Euclidean norm
 * @throws ShapeError for a mean not of length d; NonFiniteError for non-finite samples
 * @example
 * ```ts
 * const { norm } = meanError(target.sample(5000, new Rng(0)), target.mean());
 * ```
 */
export function meanError(samples: NDArray, mean: Float64Array | readonly number[]): MeanError {
  const { n, d, data } = samplesArg(samples);
  const m = vectorArg(mean, d, 'mean');
  const sampleMean = columnMeans(n, d, data);
  const diff = Float64Array.from(sampleMean, (v, i) => v - m[i]);
  let s = 0;
  for (let i = 0; i < d; i++) s += diff[i] * diff[i];
  return { sampleMean, diff, perDim: diff.map(Math.abs), norm: Math.sqrt(s), squaredPerDim: s / d };
}

export interface CovarianceError {
  /** The sample covariance (divisor n - ddof). */
  sampleCovariance: NDArray;
  /** ||C^ - C||_F. */
  frobenius: number;
  /** ||C^ - C||_F / ||C||_F (Infinity when C = 0 and C^ != 0). */
  relFrobenius: number;
  /** Spectral norm ||C^ - C||_2 = max |eigenvalue of C^ - C|. */
  spectral: number;
  /** ||C^ - C||_2 / ||C||_2. */
  relSpectral: number;
}

/**
 * Error of the sample covariance of `samples` (n x d) against a reference covariance (d x d, symmetric).
 * @param samples - n x d NDArray (n >= 2)
 * @param cov - the reference covariance, d x d, symmetric
 * @param opts - ddof of the sample covariance (1, the default, for the unbiased estimate)
 * @returns the sample covariance and its relative Frobenius and spectral errors
 * @throws ShapeError for a covariance not d x d; NonFiniteError for non-finite entries
 */
export function covarianceError(samples: NDArray, cov: NDArray, opts: { ddof?: 0 | 1 } = {}): CovarianceError {
  const ddof = opts.ddof ?? 1;
  const { n, d, data } = samplesArg(samples, 'samples', ddof + 1);
  const C = matrixArg(cov, d, 'cov');
  const S = covarianceOf(n, d, data, columnMeans(n, d, data), ddof);
  const D = Float64Array.from(S, (v, i) => v - C[i]);
  let fd = 0;
  let fc = 0;
  for (let i = 0; i < d * d; i++) {
    fd += D[i] * D[i];
    fc += C[i] * C[i];
  }
  const ed = eigvalsh(new NDArray(D, [d, d]), 'sampleCovariance - cov');
  const ec = eigvalsh(new NDArray(C, [d, d]), 'cov');
  const spectral = Math.max(Math.abs(ed[0]), Math.abs(ed[d - 1]));
  const sc = Math.max(Math.abs(ec[0]), Math.abs(ec[d - 1]));
  const rel = (a: number, b: number) => (b > 0 ? a / b : a > 0 ? Number.POSITIVE_INFINITY : 0);
  const frobenius = Math.sqrt(fd);
  return {
    sampleCovariance: new NDArray(S, [d, d]),
    frobenius,
    relFrobenius: rel(frobenius, Math.sqrt(fc)),
    spectral,
    relSpectral: rel(spectral, sc),
  };
}

/** @internal Z = X B for samples X (n x d) and basis B (d x k). */
export function project(samples: NDArray, basis: NDArray): { n: number; k: number; z: Float64Array } {
  const { n, d, data } = samplesArg(samples);
  if (!isNDArray(basis) || basis.ndim !== 2 || basis.shape[0] !== d || basis.shape[1] < 1) {
    throw new ShapeError(`basis: expected an NDArray of shape [${d}, k] (k >= 1), got ${isNDArray(basis) ? `[${basis.shape.join(', ')}]` : typeof basis}`);
  }
  const k = basis.shape[1];
  const B = basis.contiguous().data;
  assertFinite(B, 'basis');
  const z = new Float64Array(n * k);
  dgemm(false, false, n, k, d, 1, data, d, B, k, 0, z, k);
  return { n, k, z };
}

/**
 * The empirical moments of samples projected on a basis: kernel GaussianMoments (mean, covariance)
 * of Z = X B, with the projections themselves.
 */
export interface ProjectedSampleMoments extends GaussianMoments {
  /** The projections Z = X B (n x k). */
  projections: NDArray;
  /** Sample mean of Z (length k). */
  mean: Float64Array;
  /** Sample covariance of Z (k x k, divisor n - 1; zeros when n = 1). */
  covariance: NDArray;
}

/**
 * Empirical moments of the samples X (n x d) projected on the columns of `basis` (d x k): Z = X B
 * (projected moments of E^T X, Cui et al. 2025, Corollary 2.3). The predicted counterpart for a trained DAE is
 * ode-theory's `projectedGeneratedMoments`.
 * @throws ShapeError for a samples or basis of the wrong shape; NonFiniteError for non-finite entries.
 * @param samples - n x d NDArray
 * @param basis - d x k NDArray (the directions E)
 * @returns the mean and covariance of E^T x over the samples
 */
export function projectedSampleMoments(samples: NDArray, basis: NDArray): ProjectedSampleMoments {
  const { n, k, z } = project(samples, basis);
  const mean = columnMeans(n, k, z);
  const covariance = n > 1 ? covarianceOf(n, k, z, mean, 1) : new Float64Array(k * k);
  return { projections: new NDArray(z, [n, k]), mean, covariance: new NDArray(covariance, [k, k]) };
}

/** @deprecated renamed `ProjectedSampleMoments`; this alias goes in the next minor release. */
export type ProjectedMoments = ProjectedSampleMoments;

/**
 * @deprecated renamed `projectedSampleMoments` (ode-theory's predicted moments are `projectedGeneratedMoments`);
 * this alias goes in the next minor release. For the projections alone, kernel `matmul(samples, basis)`.
 */
export const projectedMoments: (samples: NDArray, basis: NDArray) => ProjectedSampleMoments = projectedSampleMoments;
