import { ConvergenceError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { transposeInto } from './base-dense.js';
import { svdTall, svdValsTall } from './base-svd.js';
import { ldexpInPlace, rescaleExtreme } from './scale.js';
import { matrixArg } from './validate.js';

export interface SvdResult {
  /** m x k left singular vectors (orthonormal columns), k = min(m, n). */
  u: NDArray;
  /** k singular values, descending, >= 0. */
  s: Float64Array;
  /** k x n right singular vectors as rows (orthonormal rows). */
  vt: NDArray;
}

/** Raw thin SVD of a row-major m x n matrix (not modified); any m, n. */
export function svdRaw(m: number, n: number, data: Float64Array): { u: Float64Array; s: Float64Array; vt: Float64Array; k: number } | null {
  const k = Math.min(m, n);
  const s = new Float64Array(k);
  if (m >= n) {
    const u = new Float64Array(m * k);
    const vt = new Float64Array(k * n);
    if (!svdTall(m, n, data, u, s, vt)) return null;
    return { u, s, vt, k };
  }
  // Wide: A^T = U' S V'^T, so A = V' S U'^T: u = V' = (V'^T)^T, vt = U'^T.
  const at = new Float64Array(n * m);
  transposeInto(m, n, data, at);
  const u2 = new Float64Array(n * k);
  const vt2 = new Float64Array(k * m);
  if (!svdTall(n, m, at, u2, s, vt2)) return null;
  const u = new Float64Array(m * k);
  const vt = new Float64Array(k * n);
  transposeInto(k, m, vt2, u);
  transposeInto(n, k, u2, vt);
  return { u, s, vt, k };
}

/**
 * Thin singular value decomposition a = u diag(s) vt (k = min(m, n), s descending).
 * Gram-preconditioned one-sided Jacobi: accurate to working precision (relative to ||a||),
 * orthonormal u and vt; rank-deficient input gets an orthonormal completion of u.
 */
export function svd(a: NDArray, name = 'a'): SvdResult {
  const { m, n, data, maxAbs } = matrixArg(a, name);
  const e = rescaleExtreme(data, maxAbs);
  const r = svdRaw(m, n, data);
  if (!r) throw new ConvergenceError(`svd(${name}): the Jacobi iteration did not converge within 60 sweeps`);
  ldexpInPlace(r.s, e);
  return { u: new NDArray(r.u, [m, r.k]), s: r.s, vt: new NDArray(r.vt, [r.k, n]) };
}

/**
 * Singular values of `a` only, descending (k = min(m, n) of them), accurate to about
 * eps ||a||_2 absolutely like `svd`, without the singular vectors: the Gram eigenvalues for every
 * sigma above 1e-2 sigma_max (one Gram product and a values-only symmetric eigensolve), and the
 * Jacobi path of `svd` on the projection of `a` onto the small-sigma subspace only (see
 * `svdValsTall` in base-svd.ts). Rank-deficient input gives exact zeros up to that accuracy.
 * @param a finite m x n matrix (not modified).
 * @throws ShapeError / NonFiniteError for a bad `a`; ConvergenceError if an iteration fails.
 * @example
 * const s = svdvals(x);            // condition number s[0] / s[s.length - 1]
 */
export function svdvals(a: NDArray, name = 'a'): Float64Array {
  const { m, n, data, maxAbs } = matrixArg(a, name);
  const e = rescaleExtreme(data, maxAbs);
  const k = Math.min(m, n);
  const s = new Float64Array(k);
  let ok: boolean;
  if (m >= n) ok = svdValsTall(m, n, data, s);
  else {
    const at = new Float64Array(n * m);
    transposeInto(m, n, data, at);
    ok = svdValsTall(n, m, at, s);
  }
  if (!ok) throw new ConvergenceError(`svdvals(${name}): an inner iteration did not converge`);
  ldexpInPlace(s, e);
  return s;
}
