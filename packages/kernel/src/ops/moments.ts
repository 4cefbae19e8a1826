import { DomainError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { dgemm } from './dgemm.js';
import { flatFinite, matrixFinite } from './validate.js';

/** The sample mean (1/n) sum_i x_i of the rows of an n x d batch (n >= 1). */
export function sampleMean(x: NDArray): Float64Array {
  const { data, n, d } = matrixFinite(x, 'x');
  if (n === 0) throw new ShapeError('x: expected at least one row (sample)');
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) mu[j] += data[r + j];
  }
  for (let j = 0; j < d; j++) mu[j] /= n;
  return mu;
}

export interface CovarianceOptions {
  /** A known mean (length d) to center with instead of the sample mean (then ddof = 0 is usual). */
  mean?: Float64Array | NDArray;
  /** Delta degrees of freedom: divide by n - ddof (default 1, the unbiased estimator). */
  ddof?: number;
}

/**
 * The d x d sample covariance (1/(n - ddof)) sum_i (x_i - mu)(x_i - mu)^T of an n x d batch,
 * computed two-pass (center, then one gemm X_c^T X_c) and exactly symmetrised.
 */
export function sampleCovariance(x: NDArray, options: CovarianceOptions = {}): NDArray {
  const { ddof = 1 } = options;
  const { data, n, d } = matrixFinite(x, 'x');
  if (!Number.isInteger(ddof) || ddof < 0) throw new DomainError(`ddof: expected an integer >= 0, got ${ddof}`);
  if (n - ddof <= 0) throw new DomainError(`x: expected more than ddof = ${ddof} rows (samples), got ${n}`);
  let mu: Float64Array;
  if (options.mean !== undefined) {
    mu = flatFinite(options.mean, 'mean');
    if (mu.length !== d) throw new ShapeError(`mean: expected length ${d} (columns of x), got ${mu.length}`);
  } else {
    mu = sampleMean(x);
  }
  const xc = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) xc[r + j] = data[r + j] - mu[j];
  }
  const cov = new Float64Array(d * d);
  dgemm(true, false, d, d, n, 1 / (n - ddof), xc, d, xc, d, 0, cov, d);
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const s = 0.5 * (cov[i * d + j] + cov[j * d + i]);
      cov[i * d + j] = s;
      cov[j * d + i] = s;
    }
  }
  return new NDArray(cov, [d, d]);
}
