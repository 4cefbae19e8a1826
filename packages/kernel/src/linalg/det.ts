import type { NDArray } from '../ndarray.js';
import { luInPlace } from './base-dense.js';
import { choleskyRaw } from './cholesky.js';
import { squareArg, symmetricArg } from './validate.js';

/** log det of a symmetric positive definite matrix via Cholesky (NotPositiveDefiniteError otherwise). */
export function logdet(a: NDArray): number {
  const { n, data } = symmetricArg(a, 'a');
  choleskyRaw(n, data, 'a');
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(data[i * n + i]);
  return 2 * s;
}

/** Sign and log|det| of a square matrix via LU; a singular matrix gives { sign: 0, logAbsDet: -Infinity }. */
export function slogdet(a: NDArray): { sign: number; logAbsDet: number } {
  const { n, data } = squareArg(a, 'a');
  const piv = new Int32Array(n);
  let sign = luInPlace(n, data, piv);
  if (sign === 0) return { sign: 0, logAbsDet: Number.NEGATIVE_INFINITY };
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i * n + i];
    if (d < 0) sign = -sign;
    s += Math.log(Math.abs(d));
  }
  return { sign, logAbsDet: s };
}
