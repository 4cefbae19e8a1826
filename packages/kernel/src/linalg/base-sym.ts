/**
 * Unchecked spectral functions of small symmetric matrices on raw row-major Float64Array:
 * f(A) = V diag(f(lambda)) V^T, the symmetric pseudo-inverse and the PSD square root.
 * Meant for hot loops over tiny r x r matrices (no NDArray, no validation).
 */
import { gemmNT } from './base-dense.js';
import { eighInPlace } from './base-eigh.js';

/**
 * out (n x n) = V diag(f(lambda_i)) V^T for the symmetric `a` (destroyed; lower triangle read).
 * `values` (length n) receives the eigenvalues ascending. Returns false if eigh failed.
 */
export function symFunctionInPlace(
  n: number,
  a: Float64Array,
  f: (lambda: number, i: number, values: Float64Array) => number,
  out: Float64Array,
  values: Float64Array = new Float64Array(n),
): boolean {
  const v = new Float64Array(n * n);
  if (!eighInPlace(n, a, values, v)) return false;
  const fv = new Float64Array(n);
  for (let i = 0; i < n; i++) fv[i] = f(values[i], i, values);
  // out[r][c] = sum_i V[r][i] f_i V[c][i]: row dot products of (V diag f) and V.
  const vf = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let i = 0; i < n; i++) vf[r * n + i] = v[r * n + i] * fv[i];
  gemmNT(n, n, n, vf, v, out);
  // Exact symmetry.
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < r; c++) {
      const m = 0.5 * (out[r * n + c] + out[c * n + r]);
      out[r * n + c] = m;
      out[c * n + r] = m;
    }
  }
  return true;
}

/**
 * Moore-Penrose pseudo-inverse of the symmetric `a` (destroyed) into `out`: eigenvalues with
 * |lambda| <= rcond * max|lambda| are treated as zero (default rcond = n * 2^-52).
 */
export function symPinvInPlace(n: number, a: Float64Array, out: Float64Array, rcond = n * 2 ** -52): boolean {
  return symFunctionInPlace(n, a, (l, _i, vals) => {
    const cut = rcond * Math.max(Math.abs(vals[0]), Math.abs(vals[vals.length - 1]));
    return Math.abs(l) > cut ? 1 / l : 0;
  }, out);
}

/**
 * PSD square root of the symmetric `a` (destroyed) into `out`; negative eigenvalues are clipped
 * to 0 without complaint (callers that care check `values`).
 */
export function symSqrtInPlace(n: number, a: Float64Array, out: Float64Array, values?: Float64Array): boolean {
  return symFunctionInPlace(n, a, (l) => (l > 0 ? Math.sqrt(l) : 0), out, values);
}
