import { ConvergenceError, ParameterError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { applyQ, eighInPlace, tql2, tridiagonalizeBlocked } from './base-eigh.js';
import { stein } from './base-stein.js';
import { symmetricArg } from './validate.js';

export interface EighResult {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** n x n orthonormal eigenvectors as COLUMNS: a = vectors diag(values) vectors^T. */
  vectors: NDArray;
}

/**
 * Symmetric eigendecomposition (Householder tridiagonalisation + implicit QL with shifts).
 * `a` must be square, finite and symmetric to 1e-8 relative (it is symmetrised); not modified.
 */
export function eigh(a: NDArray, name = 'a'): EighResult {
  const { n, data } = symmetricArg(a, name);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  if (!eighInPlace(n, data, values, vectors)) {
    throw new ConvergenceError(`eigh(${name}): the QL iteration did not converge within 60 iterations per eigenvalue`);
  }
  return { values, vectors: new NDArray(vectors, [n, n]) };
}

/** Eigenvalues of the symmetric `a`, ascending (no eigenvectors: about 4-5x faster than `eigh`). */
export function eigvalsh(a: NDArray, name = 'a'): Float64Array {
  const { n, data } = symmetricArg(a, name);
  const values = new Float64Array(n);
  if (!eighInPlace(n, data, values, null)) {
    throw new ConvergenceError(`eigvalsh(${name}): the QL iteration did not converge within 60 iterations per eigenvalue`);
  }
  return values;
}

/**
 * The k largest eigenpairs of the symmetric `a`, without computing the others: blocked
 * tridiagonal reduction, all eigenvalues by root-free QL (O(n^2)), eigenvectors of the tridiagonal
 * for the k largest only by inverse iteration with Gram-Schmidt inside clusters (dstein), then the
 * compact-WY back-transformation on n x k. `values` are DESCENDING (largest first); `vectors` is
 * n x k with the matching eigenvectors as columns.
 * @throws ParameterError if k is not an integer in [0, n]; ConvergenceError if QL fails.
 */
export function eighTop(a: NDArray, k: number, name = 'a'): EighResult {
  const { n, data } = symmetricArg(a, name);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ParameterError(`k: expected an integer in [0, ${n}] (the size of ${name}), got ${k}`);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(data[i]));
  if (scale === 0) scale = 1;
  const inv = 1 / scale;
  for (let i = 0; i < n * n; i++) data[i] *= inv;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const hh = new Float64Array(n);
  tridiagonalizeBlocked(n, data, d, e, hh);
  const all = d.slice();
  if (!tql2(n, all, e.slice(), null, 0)) {
    throw new ConvergenceError(`eighTop(${name}): the QL iteration did not converge within 60 iterations per eigenvalue`);
  }
  all.sort();
  const top = new Float64Array(k);
  for (let j = 0; j < k; j++) top[j] = all[n - 1 - j];
  const z = new Float64Array(n * k);
  stein(n, d, e, k, top, z);
  applyQ(n, data, hh, z, k);
  for (let j = 0; j < k; j++) top[j] *= scale;
  return { values: top, vectors: new NDArray(z, [n, k]) };
}
