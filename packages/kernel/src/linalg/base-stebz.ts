/**
 * Eigenvalues of a symmetric tridiagonal by bisection on Sturm counts (LAPACK dstebz style),
 * unchecked, raw arrays. Used for a subset of eigenvalues (an index range or a value interval)
 * in O(n) per count, without computing the others.
 */

const EPS = 2 ** -52;
const SAFMIN = 2 ** -1021;

/** Bounds and safeguards of T = tridiag(e, d, e) (d length n, e[i] = T[i][i-1], e[0] unused). */
export interface TridiagBounds {
  /** Gershgorin interval containing every eigenvalue. */
  lo: number;
  hi: number;
  /** Smallest allowed |pivot| in the Sturm recurrence (dstebz's pivmin). */
  pivmin: number;
  /** max |T| (row sums), for absolute tolerances. */
  tnorm: number;
}

export function tridiagBounds(n: number, d: Float64Array, e: Float64Array): TridiagBounds {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let emax2 = 0;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(e[i]) : 0) + (i + 1 < n ? Math.abs(e[i + 1]) : 0);
    lo = Math.min(lo, d[i] - r);
    hi = Math.max(hi, d[i] + r);
    if (i > 0) emax2 = Math.max(emax2, e[i] * e[i]);
  }
  const tnorm = Math.max(Math.abs(lo), Math.abs(hi));
  const pivmin = SAFMIN * Math.max(1, emax2);
  // Widen a little so that eigenvalues on the Gershgorin boundary count strictly inside.
  const pad = 2 * EPS * tnorm * n + 2 * pivmin;
  return { lo: lo - pad, hi: hi + pad, pivmin, tnorm };
}

/** Number of eigenvalues of T strictly less than x (Sturm count through the LDL^T pivots of T - x I). */
export function sturmCount(n: number, d: Float64Array, e: Float64Array, x: number, pivmin: number): number {
  let count = 0;
  let q = d[0] - x;
  if (Math.abs(q) < pivmin) q = -pivmin;
  if (q < 0) count++;
  for (let i = 1; i < n; i++) {
    q = d[i] - x - (e[i] * e[i]) / q;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

/**
 * Eigenvalues with (0-based, ascending) indices il..iu of T, by bisection to an absolute accuracy of
 * about 2 eps ||T|| (the accuracy of any backward-stable method). Writes them ascending into `out`
 * (length >= iu - il + 1).
 */
export function bisectIndexRange(n: number, d: Float64Array, e: Float64Array, il: number, iu: number, out: Float64Array): void {
  const { lo, hi, pivmin, tnorm } = tridiagBounds(n, d, e);
  const atol = 2 * EPS * Math.max(tnorm, pivmin);
  for (let j = il; j <= iu; j++) {
    // The j-th eigenvalue x_j satisfies count(x) <= j for x <= x_j and count(x) >= j + 1 for x > x_j.
    let a = j > il ? Math.max(lo, out[j - il - 1] - atol) : lo;
    let b = hi;
    while (b - a > atol + 2 * EPS * Math.max(Math.abs(a), Math.abs(b))) {
      const mid = 0.5 * (a + b);
      if (mid <= a || mid >= b) break;
      if (sturmCount(n, d, e, mid, pivmin) <= j) a = mid;
      else b = mid;
    }
    out[j - il] = 0.5 * (a + b);
  }
}

/** Index range [il, iu] (0-based) of the eigenvalues of T in the half-open interval (lower, upper]; iu < il when none. */
export function indexRangeOf(n: number, d: Float64Array, e: Float64Array, lower: number, upper: number): [number, number] {
  const { pivmin } = tridiagBounds(n, d, e);
  // count(x) counts eigenvalues < x; for (lower, upper] use the next float above each end.
  const il = sturmCount(n, d, e, nextUp(lower), pivmin);
  const iu = sturmCount(n, d, e, nextUp(upper), pivmin) - 1;
  return [il, iu];
}

function nextUp(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return Number.MIN_VALUE;
  return x > 0 ? x * (1 + EPS) : x * (1 - EPS);
}
