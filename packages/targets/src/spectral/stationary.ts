import { assertFinite, assertInteger, DomainError, eigh, NDArray, NotPositiveDefiniteError, ShapeError } from '@diffusion-theory/kernel';
import { type SpectralGaussian, spectralGaussianFromEigen } from './rotated-gaussian.js';

export interface StationaryProcessOptions {
  /**
   * First row c[0..N-1] of the covariance: Sigma_ij = c[|i - j|] (Toeplitz, non-circular boundary) or,
   * with `circular`, c[min(|i-j|, N-|i-j|)] (circulant; needs c symmetric in the sense c[k] used for both lags).
   */
  firstRow: Float64Array | readonly number[];
  /** Circular boundary (a circulant covariance); default false (Toeplitz). */
  circular?: boolean;
}

/**
 * A stationary 1-D zero-mean Gaussian process on N pixels with covariance given by its first row
 * (spec spectral-bias §8). Eigenbasis in descending eigenvalue order.
 * @param opts - first row and boundary
 * @returns SpectralGaussian with the covariance and its eigenbasis
 * @throws ShapeError on an empty row; NonFiniteError on NaN; NotPositiveDefiniteError when the covariance has an eigenvalue < -1e-12 * max
 * @example
 * const p = stationaryProcess({ firstRow: [1, 0.5, 0.25, 0.125] });
 */
export function stationaryProcess(opts: StationaryProcessOptions): SpectralGaussian {
  const row = Float64Array.from(opts?.firstRow ?? []);
  const n = row.length;
  if (n < 1) throw new ShapeError('firstRow: expected length N >= 1');
  assertFinite(row, 'firstRow');
  if (!(row[0] > 0)) throw new DomainError(`firstRow: expected a positive variance c[0], got ${row[0]}`);
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const lag = Math.abs(i - j);
      cov[i * n + j] = row[opts.circular ? Math.min(lag, n - lag) : lag];
    }
  }
  const { values, vectors } = eigh(new NDArray(cov.slice(), [n, n]), 'covariance');
  const scale = Math.max(...values.map(Math.abs));
  if (values[0] < -1e-12 * scale) {
    throw new NotPositiveDefiniteError(`firstRow: the covariance is not positive semi-definite (smallest eigenvalue ${values[0]})`);
  }
  // eigh is ascending: reverse the order
  const V = vectors.contiguous().data;
  const basis = new Float64Array(n * n);
  const spec = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    spec[k] = Math.max(values[n - 1 - k], 0);
    for (let i = 0; i < n; i++) basis[i * n + k] = V[i * n + (n - 1 - k)];
  }
  const g = spectralGaussianFromEigen(new NDArray(basis, [n, n]), spec);
  return { ...g, covariance: new NDArray(cov, [n, n]) };
}

/**
 * AR(1)-type stationary process: Sigma_ij = rho^|i - j| on N pixels (Toeplitz; spec §18 R13-R15 use N = 8, rho = 0.6).
 * @param n - number of pixels N >= 1
 * @param rho - correlation, |rho| < 1
 * @param opts - `circular: true` for rho^{min(|i-j|, N-|i-j|)} (circulant)
 * @returns SpectralGaussian
 * @throws DomainError when |rho| >= 1 or n is not an integer >= 1
 */
export function ar1Process(n: number, rho: number, opts: { circular?: boolean } = {}): SpectralGaussian {
  assertInteger(n, 1, 'n');
  if (!(Math.abs(rho) < 1)) throw new DomainError(`rho: expected |rho| < 1, got ${rho}`);
  const row = new Float64Array(n);
  for (let k = 0; k < n; k++) row[k] = rho ** k;
  return stationaryProcess({ firstRow: row, circular: opts.circular });
}
