import { ConvergenceError, DomainError, ParameterError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { applyQ, eighInPlace, tridiagonalizeBlocked } from './base-eigh.js';
import { sterfTql2Layout } from './base-sterf.js';
import { bisectIndexRange, indexRangeOf } from './base-stebz.js';
import { stein } from './base-stein.js';
import { ldexpInPlace, rescaleExtreme } from './scale.js';
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
 * @param a - square, finite, symmetric matrix (not modified); below 2^-256 or above 2^256 it is scaled by a power of two
 * @param name - the argument's name in error messages
 * @returns eigenvalues ascending and the orthonormal eigenvectors as columns
 * @throws ShapeError for a non-square matrix; NonFiniteError for NaN / Infinity; DomainError when not
 *   symmetric; ConvergenceError when QL fails
 * @example
 * ```ts
 * const { values, vectors } = eigh(new NDArray(Float64Array.from([2, 1, 1, 2]), [2, 2])); // values [1, 3]
 * ```
 */
export function eigh(a: NDArray, name = 'a'): EighResult {
  const { n, data, maxAbs } = symmetricArg(a, name);
  const e = rescaleExtreme(data, maxAbs);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  if (!eighInPlace(n, data, values, vectors, 'auto', true)) {
    throw new ConvergenceError(`eigh(${name}): the QL iteration did not converge within 60 iterations per eigenvalue`);
  }
  ldexpInPlace(values, e);
  return { values, vectors: new NDArray(vectors, [n, n]) };
}

/** Eigenvalues of the symmetric `a`, ascending (no eigenvectors: about 4-5x faster than `eigh`). */
export function eigvalsh(a: NDArray, name = 'a'): Float64Array {
  const { n, data, maxAbs } = symmetricArg(a, name);
  const e = rescaleExtreme(data, maxAbs);
  const values = new Float64Array(n);
  if (!eighInPlace(n, data, values, null, 'auto', true)) {
    throw new ConvergenceError(`eigvalsh(${name}): the root-free QL / QR iteration did not converge within 30 sweeps per eigenvalue`);
  }
  ldexpInPlace(values, e);
  return values;
}

/** Householder reduction of the (scaled) symmetric matrix to tridiagonal form, kept for the back-transformation. */
interface Reduced {
  n: number;
  data: Float64Array;
  d: Float64Array;
  e: Float64Array;
  hh: Float64Array;
  scale: number;
}

function reduce({ n, data }: { n: number; data: Float64Array }): Reduced {
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(data[i]));
  if (scale === 0) scale = 1;
  const inv = 1 / scale;
  for (let i = 0; i < n * n; i++) data[i] *= inv;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const hh = new Float64Array(n);
  if (n > 0) tridiagonalizeBlocked(n, data, d, e, hh);
  return { n, data, d, e, hh, scale };
}

/** Eigenvectors of the reduced matrix for the eigenvalues `lam` (scaled, adjacent within clusters), back-transformed. */
function vectorsFor(r: Reduced, lam: Float64Array): NDArray {
  const k = lam.length;
  const z = new Float64Array(r.n * k);
  if (k > 0) {
    stein(r.n, r.d, r.e, k, lam, z);
    applyQ(r.n, r.data, r.hh, z, k);
  }
  return new NDArray(z, [r.n, k]);
}

/**
 * The k largest eigenpairs of the symmetric `a`, without computing the others: blocked
 * tridiagonal reduction, all eigenvalues by root-free QL (O(n^2)), eigenvectors of the tridiagonal
 * for the k largest only by inverse iteration with Gram-Schmidt inside clusters (dstein), then the
 * compact-WY back-transformation on n x k. `values` are DESCENDING (largest first); `vectors` is
 * n x k with the matching eigenvectors as columns.
 * @throws DomainError if k is not an integer in [0, n]; ConvergenceError if QL fails.
 */
export function eighTop(a: NDArray, k: number, name = 'a'): EighResult {
  const arg = symmetricArg(a, name);
  if (!Number.isInteger(k) || k < 0 || k > arg.n) throw new DomainError(`k: expected an integer in [0, ${arg.n}] (the size of ${name}), got ${k}`);
  const e = rescaleExtreme(arg.data, arg.maxAbs);
  const r = reduce(arg);
  const { n } = r;
  const all = r.d.slice();
  // All eigenvalues by the root-free QL / QR (dsterf; sorted on return), then vectors for the top k only.
  if (!sterfTql2Layout(n, all, r.e)) {
    throw new ConvergenceError(`eighTop(${name}): the root-free QL / QR iteration did not converge within 30 sweeps per eigenvalue`);
  }
  const top = new Float64Array(k);
  for (let j = 0; j < k; j++) top[j] = all[n - 1 - j];
  const vectors = vectorsFor(r, top);
  for (let j = 0; j < k; j++) top[j] *= r.scale;
  ldexpInPlace(top, e);
  return { values: top, vectors };
}

/** Which eigenpairs `eighRange` computes: ascending 0-based indices `from..to` (inclusive), or the values in (lower, upper]. */
export type EighSelection = { from: number; to: number } | { lower: number; upper: number };

/** Options of `eighRange`. */
export interface EighRangeOptions {
  /** Compute eigenvectors (default true); with false, `vectors` is an n x 0 array. */
  vectors?: boolean;
}

/**
 * A subset of the eigenpairs of the symmetric `a`, selected by index (`{from, to}`, 0-based,
 * ascending, inclusive) or by value (`{lower, upper}`: every eigenvalue in the half-open interval
 * (lower, upper]), without computing the others. Blocked tridiagonal reduction (O(n^3), through
 * gemm), then bisection on Sturm counts for the selected eigenvalues only (O(n) per step, dstebz),
 * inverse iteration for their eigenvectors (dstein) and the compact-WY back-transformation on the
 * n x m block. Accuracy of the values: about 2 eps ||a|| absolute, as for `eigh`.
 * @param a square, finite, symmetric (to 1e-8 relative); not modified.
 * @param select `{from, to}` with 0 <= from <= to + 1 <= n (from = to + 1 selects nothing), or
 *   `{lower, upper}` with finite lower < upper.
 * @returns values ASCENDING and the matching eigenvectors as the columns of an n x m array.
 * @throws ShapeError / NonFiniteError / DomainError for a bad `a`; ParameterError for a bad selection.
 * @example
 * // the eigenpairs of a covariance above a noise floor of 0.5
 * const { values, vectors } = eighRange(cov, { lower: 0.5, upper: Number.MAX_VALUE });
 */
export function eighRange(a: NDArray, select: EighSelection, opts: EighRangeOptions = {}, name = 'a'): EighResult {
  const arg = symmetricArg(a, name);
  const n0 = arg.n;
  if ('from' in select) {
    const { from, to } = select;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to >= n0 || from > to + 1) {
      throw new ParameterError(`select: expected integers 0 <= from <= to + 1 <= ${n0} (the size of ${name}), got from = ${from}, to = ${to}`);
    }
  } else if (!('lower' in select) || !(select.lower < select.upper) || Number.isNaN(select.lower) || Number.isNaN(select.upper)) {
    const s = select as { lower?: number; upper?: number };
    throw new ParameterError(`select: expected {from, to} or {lower, upper} with lower < upper, got lower = ${s.lower}, upper = ${s.upper}`);
  }
  const e = rescaleExtreme(arg.data, arg.maxAbs);
  const r = reduce(arg);
  const s2 = 2 ** -Math.max(-1000, Math.min(1000, e));
  let il: number;
  let iu: number;
  if ('from' in select) [il, iu] = [select.from, select.to];
  else [il, iu] = r.n === 0 ? [0, -1] : indexRangeOf(r.n, r.d, r.e, (select.lower * s2) / r.scale, (select.upper * s2) / r.scale);
  const m = Math.max(0, iu - il + 1);
  const values = new Float64Array(m);
  if (m > 0) bisectIndexRange(r.n, r.d, r.e, il, iu, values);
  const vectors = opts.vectors === false ? new NDArray(new Float64Array(0), [r.n, 0]) : vectorsFor(r, values);
  for (let j = 0; j < m; j++) values[j] *= r.scale;
  ldexpInPlace(values, e);
  return { values, vectors };
}
