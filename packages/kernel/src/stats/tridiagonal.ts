import { ConvergenceError } from '../errors.js';

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `d` (length n) and off-diagonal
 * `e` (e[i] couples i and i+1, i < n-1) by the implicit QL method with Wilkinson shifts.
 * Overwrites `d` with the eigenvalues (unsorted) and `e` with garbage; O(n^2), no allocation.
 * `e` must have length n (e[n-1] is scratch).
 */
export function tridiagonalEigenvaluesInPlace(d: Float64Array, e: Float64Array): void {
  const n = d.length;
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new ConvergenceError(`tridiagonal QL: no convergence for eigenvalue ${l} after 60 iterations`);
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let deflated = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            deflated = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (deflated) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
}
