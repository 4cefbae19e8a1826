import { ConvergenceError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { eighInPlace } from './base-eigh.js';
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
