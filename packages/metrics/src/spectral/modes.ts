import { assertFinite, DomainError, gemm, isNDArray, NDArray, ShapeError } from '@diffusion-theory/kernel';

function squareBasis(basis: NDArray, d: number, name = 'basis'): NDArray {
  if (!isNDArray(basis) || basis.ndim !== 2 || basis.shape[0] !== d) throw new ShapeError(`${name}: expected a ${d} x k matrix of column vectors`);
  return basis;
}

/**
 * Per-mode variance of a covariance in a given basis (spec spectral-bias §13.5): lambda_hat_k = u_k^T Sigma u_k.
 * @param covariance - d x d
 * @param basis - d x k, column k = u_k
 * @returns Float64Array of k values
 * @throws ShapeError on mismatched shapes; NonFiniteError on NaN
 * @example
 * modeVariances(generatedCov, g.basis);
 */
export function modeVariances(covariance: NDArray, basis: NDArray): Float64Array {
  if (!isNDArray(covariance) || covariance.ndim !== 2 || covariance.shape[0] !== covariance.shape[1]) throw new ShapeError('covariance: expected a square matrix');
  const d = covariance.shape[0];
  squareBasis(basis, d);
  const cu = gemm(covariance, basis); // d x k
  const k = basis.shape[1];
  const U = basis.contiguous().data;
  const out = new Float64Array(k);
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) out[j] += U[i * k + j] * cu.data[i * k + j];
  return out;
}

/**
 * Per-mode sample variances of generated samples: project x_i onto the basis and take the variance
 * of each coordinate (divisor n - 1 about the sample mean, or divisor n about a given mean).
 * @param samples - n x d
 * @param basis - d x k
 * @param opts - `mean`: centre at this vector (divisor n) instead of the sample mean
 * @returns Float64Array of k variances
 * @throws ShapeError on mismatched shapes; DomainError when n < 2 without a given mean
 */
export function sampleModeVariances(samples: NDArray, basis: NDArray, opts: { mean?: Float64Array } = {}): Float64Array {
  if (!isNDArray(samples) || samples.ndim !== 2) throw new ShapeError('samples: expected an n x d matrix');
  const [n, d] = samples.shape;
  squareBasis(basis, d);
  const k = basis.shape[1];
  const y = gemm(samples, basis).data; // n x k
  const out = new Float64Array(k);
  if (opts.mean !== undefined) {
    if (opts.mean.length !== d) throw new ShapeError(`mean: expected length ${d}`);
    const mu = gemm(new NDArray(Float64Array.from(opts.mean), [1, d]), basis).data;
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[j] += (y[i * k + j] - mu[j]) ** 2;
    for (let j = 0; j < k; j++) out[j] /= n;
    return out;
  }
  if (n < 2) throw new DomainError(`samples: expected n >= 2 rows, got ${n}`);
  const m = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) m[j] += y[i * k + j];
  for (let j = 0; j < k; j++) m[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[j] += (y[i * k + j] - m[j]) ** 2;
  for (let j = 0; j < k; j++) out[j] /= n - 1;
  return out;
}

/**
 * Alignment score kappa = sum_k (U^T Sigma U)_kk^2 / sum_jk (U^T Sigma U)_jk^2 (spec §13.5): 1 iff U
 * diagonalises Sigma, 1/d for a matrix whose rotated entries are all equal.
 * @param covariance - d x d
 * @param basis - d x d orthogonal
 * @returns kappa in (0, 1]
 * @throws ShapeError on mismatched shapes; DomainError when Sigma = 0
 */
export function alignmentScore(covariance: NDArray, basis: NDArray): number {
  if (!isNDArray(covariance) || covariance.ndim !== 2 || covariance.shape[0] !== covariance.shape[1]) throw new ShapeError('covariance: expected a square matrix');
  const d = covariance.shape[0];
  squareBasis(basis, d);
  const r = gemm(basis, gemm(covariance, basis), { transA: true }).data;
  assertFinite(r, 'covariance');
  const k = basis.shape[1];
  let diag = 0;
  let all = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = r[i * k + j] ** 2;
      all += v;
      if (i === j) diag += v;
    }
  }
  if (!(all > 0)) throw new DomainError('covariance: expected a non-zero matrix');
  return diag / all;
}
