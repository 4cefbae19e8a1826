import { DomainError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { luInPlace, luSolveInPlace, trsmInPlace } from './base-dense.js';
import { choleskyRaw } from './cholesky.js';
import { type RhsCopy, rhsArg, squareArg, symmetricArg } from './validate.js';

function rhsResult(r: RhsCopy, n: number): NDArray {
  return new NDArray(r.data, r.vector ? [n] : [n, r.k]);
}

function luRaw(n: number, data: Float64Array, name: string): Int32Array {
  const piv = new Int32Array(n);
  if (luInPlace(n, data, piv) === 0) {
    throw new DomainError(`${name}: expected a non-singular matrix, but LU with partial pivoting met an exactly zero pivot`);
  }
  return piv;
}

/** Solve a x = b by LU with partial pivoting; b of shape [n] (result [n]) or [n, k] (result [n, k]). */
export function solve(a: NDArray, b: NDArray): NDArray {
  const { n, data } = squareArg(a, 'a');
  const r = rhsArg(b, n, 'b');
  const piv = luRaw(n, data, 'a');
  luSolveInPlace(n, r.k, data, piv, r.data);
  return rhsResult(r, n);
}

/** Solve a x = b for symmetric positive definite `a` via Cholesky (NotPositiveDefiniteError otherwise). */
export function solveSPD(a: NDArray, b: NDArray): NDArray {
  const { n, data } = symmetricArg(a, 'a');
  const r = rhsArg(b, n, 'b');
  choleskyRaw(n, data, 'a');
  trsmInPlace(n, r.k, data, r.data, true, false);
  trsmInPlace(n, r.k, data, r.data, true, true);
  return rhsResult(r, n);
}

export interface SolveTriangularOptions {
  /** Use the lower triangle of `t` (default true); otherwise the upper. The other triangle is ignored. */
  lower?: boolean;
  /** Solve t^T x = b instead of t x = b (default false). */
  transpose?: boolean;
}

/** Solve t x = b (or t^T x = b) with t triangular; throws DomainError on a zero diagonal entry. */
export function solveTriangular(t: NDArray, b: NDArray, options: SolveTriangularOptions = {}): NDArray {
  const { lower = true, transpose = false } = options;
  const { n, data } = squareArg(t, 't');
  for (let i = 0; i < n; i++) {
    if (data[i * n + i] === 0) throw new DomainError(`t: expected a non-singular triangular matrix, but t[${i}][${i}] = 0`);
  }
  const r = rhsArg(b, n, 'b');
  trsmInPlace(n, r.k, data, r.data, lower, transpose);
  return rhsResult(r, n);
}

/** Inverse of a non-singular square matrix via LU with partial pivoting. */
export function inv(a: NDArray): NDArray {
  const { n, data } = squareArg(a, 'a');
  const piv = luRaw(n, data, 'a');
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
  luSolveInPlace(n, n, data, piv, x);
  return new NDArray(x, [n, n]);
}

export interface LuResult {
  /** Unit lower-triangular factor (n x n). */
  l: NDArray;
  /** Upper-triangular factor (n x n). */
  u: NDArray;
  /** Row permutation: row i of l u equals row perm[i] of a. */
  perm: Int32Array;
  /** Sign of the permutation (+1 or -1). */
  sign: number;
}

/** LU with partial pivoting, a[perm] = l u. Works for singular `a` too (u then has a zero pivot). */
export function lu(a: NDArray): LuResult {
  const { n, data } = squareArg(a, 'a');
  const perm = new Int32Array(n);
  luInPlace(n, data, perm);
  let sign = 1;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (seen[i]) continue;
    let len = 0;
    for (let j = i; !seen[j]; j = perm[j]) {
      seen[j] = 1;
      len++;
    }
    if (len % 2 === 0) sign = -sign;
  }
  const l = new Float64Array(n * n);
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j < i) l[i * n + j] = data[i * n + j];
      else u[i * n + j] = data[i * n + j];
    }
    l[i * n + i] = 1;
  }
  return { l: new NDArray(l, [n, n]), u: new NDArray(u, [n, n]), perm, sign };
}
