import { NotPositiveDefiniteError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { choleskyInPlace } from './base-dense.js';
import { symmetricArg } from './validate.js';

/** Raw Cholesky of a validated symmetric copy; throws NotPositiveDefiniteError naming `name`. */
export function choleskyRaw(n: number, data: Float64Array, name: string): Float64Array {
  const fail = choleskyInPlace(n, data);
  if (fail >= 0) {
    throw new NotPositiveDefiniteError(
      `${name}: expected a symmetric positive definite matrix, but the Cholesky pivot ${fail} is ${data[fail * n + fail]} (must be > 0; leading minor of order ${fail + 1} is not positive)`,
    );
  }
  return data;
}

/**
 * Lower-triangular L with a = L L^T (a square, finite, symmetric positive definite; not modified).
 * @param a - square, finite, symmetric positive definite matrix (not modified)
 * @param name - the argument's name in error messages
 * @returns the lower-triangular factor L
 * @throws ShapeError / NonFiniteError / DomainError (not symmetric) for a bad `a`; NotPositiveDefiniteError
 *   naming the failing pivot
 * @example
 * ```ts
 * const L = cholesky(new NDArray(Float64Array.from([4, 2, 2, 3]), [2, 2]));
 * ```
 */
export function cholesky(a: NDArray, name = 'a'): NDArray {
  const { n, data } = symmetricArg(a, name);
  return new NDArray(choleskyRaw(n, data, name), [n, n]);
}
