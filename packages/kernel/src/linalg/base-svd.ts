/**
 * Unchecked thin SVD core (raw row-major Float64Array).
 *
 * For A (m x n, m >= n): eigendecomposition of the Gram matrix A^T A gives a preconditioner
 * V0; B = A V0 then has nearly orthogonal columns and one-sided (Hestenes) Jacobi finishes the
 * job, accumulating its rotations into V. Jacobi is what makes the result accurate (it is
 * backward stable independently of the Gram step, which only makes it converge in 0-2 sweeps):
 * A = U diag(s) V^T with U = B / s column-wise. Columns of B and V are kept as contiguous rows.
 */

import { dgemm } from '../ops/dgemm.js';
import { applyQ, eighInPlace, tridiagonalizeBlocked } from './base-eigh.js';
import { stein } from './base-stein.js';
import { sterfTql2Layout } from './base-sterf.js';

const EPS = 2 ** -52;

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let p = 0;
  for (; p + 4 <= len; p += 4) {
    s0 += x[xo + p] * y[yo + p];
    s1 += x[xo + p + 1] * y[yo + p + 1];
    s2 += x[xo + p + 2] * y[yo + p + 2];
    s3 += x[xo + p + 3] * y[yo + p + 3];
  }
  for (; p < len; p++) s0 += x[xo + p] * y[yo + p];
  return s0 + s1 + s2 + s3;
}

function rotateRows(x: Float64Array, ja: number, jb: number, len: number, c: number, s: number): void {
  for (let p = 0; p < len; p++) {
    const a = x[ja + p];
    const b = x[jb + p];
    x[ja + p] = c * a - s * b;
    x[jb + p] = s * a + c * b;
  }
}

/**
 * One sweep of one-sided Jacobi on the n rows (length m) of `bt`, rotating the rows (length nv)
 * of `vt` alike. `g` = bt bt^T at the start of the sweep (n x n) supplies the inner products and
 * is rotated along with the rows (O(n) per rotation instead of fresh O(m) dots for every later
 * pair of a touched row); the caller's stopping test uses a freshly computed bt bt^T each sweep.
 * A pair is rotated when |<b_j, b_k>| > tol |b_j| |b_k|. Returns the number of rotations; `g` is
 * destroyed.
 */
export function jacobiSweep(n: number, m: number, bt: Float64Array, nv: number, vt: Float64Array, tol: number, g: Float64Array): number {
  const nrm = new Float64Array(n);
  for (let j = 0; j < n; j++) nrm[j] = g[j * n + j];
  let rotations = 0;
  for (let j = 0; j < n - 1; j++) {
    for (let k = j + 1; k < n; k++) {
      const aa = nrm[j];
      const bb = nrm[k];
      if (aa === 0 || bb === 0) continue;
      const ab = g[j * n + k];
      if (Math.abs(ab) <= tol * Math.sqrt(aa * bb)) continue;
      rotations++;
      const zeta = (bb - aa) / (2 * ab);
      const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
      const c = 1 / Math.sqrt(1 + t * t);
      const s = c * t;
      rotateRows(bt, j * m, k * m, m, c, s);
      rotateRows(vt, j * nv, k * nv, nv, c, s);
      nrm[j] = aa - t * ab;
      nrm[k] = bb + t * ab;
      // g: rows and columns j, k rotated like the rows of bt; the pair itself is now orthogonal.
      const rj = j * n;
      const rk = k * n;
      for (let l = 0; l < n; l++) {
        const gj = g[rj + l];
        const gk = g[rk + l];
        const nj = c * gj - s * gk;
        const nk = s * gj + c * gk;
        g[rj + l] = nj;
        g[rk + l] = nk;
        g[l * n + j] = nj;
        g[l * n + k] = nk;
      }
      g[rj + j] = nrm[j];
      g[rk + k] = nrm[k];
      g[rj + k] = 0;
      g[rk + j] = 0;
    }
  }
  return rotations;
}

/** max over j < k of |g_jk| / sqrt(g_jj g_kk) (pairs with a zero diagonal skipped). */
function maxRelOffDiagonal(n: number, g: Float64Array): number {
  let mx = 0;
  for (let j = 0; j < n; j++) {
    const aa = g[j * n + j];
    if (aa === 0) continue;
    for (let k = j + 1; k < n; k++) {
      const bb = g[k * n + k];
      if (bb === 0) continue;
      const r = Math.abs(g[j * n + k]) / Math.sqrt(aa * bb);
      if (r > mx) mx = r;
    }
  }
  return mx;
}

/**
 * Thin SVD of A (m x n row-major, m >= n, not modified): u (m x n), s (n, descending),
 * vt (n x n) with A = U diag(s) V^T. Returns false if an inner iteration failed to converge.
 */
export function svdTall(m: number, n: number, a0: Float64Array, u: Float64Array, s: Float64Array, vt: Float64Array): boolean {
  if (n === 0) return true;
  // Work on A / max|a| so that the Gram matrix neither overflows nor underflows.
  let scale = 0;
  for (let i = 0; i < m * n; i++) scale = Math.max(scale, Math.abs(a0[i]));
  if (scale === 0) scale = 1;
  const inv = 1 / scale;
  const a = new Float64Array(m * n);
  for (let i = 0; i < m * n; i++) a[i] = a0[i] * inv;
  // Products through the WebAssembly SIMD dgemm (issue 8; was the local blocked gemmNT).
  const g = new Float64Array(n * n);
  gram(true, n, m, a, g);
  const w = new Float64Array(n);
  const v = new Float64Array(n * n);
  if (!eighInPlace(n, g, w, v)) return false;
  // Work copy of V^T, largest eigenvalue first.
  const vw = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vw[j * n + i] = v[i * n + (n - 1 - j)];
  // B^T = V^T A^T: row j is A v_j.
  const bt = new Float64Array(n * m);
  dgemm(false, true, n, m, n, 1, vw, n, a, n, 0, bt, m);
  // Jacobi until every pair of columns of B is orthogonal to tol (relative); the convergence
  // check is one blocked product B^T B per sweep (usually 0-2 sweeps after preconditioning).
  const tol = EPS * Math.max(8, Math.sqrt(m));
  const g2 = new Float64Array(n * n);
  let converged = false;
  for (let sweep = 0; sweep <= 60 && !converged; sweep++) {
    gram(false, n, m, bt, g2);
    if (maxRelOffDiagonal(n, g2) <= tol) converged = true;
    else if (sweep < 60) jacobiSweep(n, m, bt, n, vw, tol, g2);
  }
  if (!converged) return false;
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) norms[j] = Math.sqrt(dot(bt, j * m, bt, j * m, m));
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => norms[y] - norms[x]);
  const missing: number[] = [];
  for (let jj = 0; jj < n; jj++) {
    const j = order[jj];
    const sj = norms[j];
    s[jj] = sj * scale;
    vt.set(vw.subarray(j * n, j * n + n), jj * n);
    if (!(sj > 1e-280)) {
      s[jj] = 0;
      missing.push(jj);
      for (let r = 0; r < m; r++) u[r * n + jj] = 0;
      continue;
    }
    const isj = 1 / sj;
    for (let r = 0; r < m; r++) u[r * n + jj] = bt[j * m + r] * isj;
  }
  if (missing.length) completeColumns(m, n, u, missing);
  return true;
}

/**
 * out (n x n) = X X^T for X = x (n x m, row-major; trans = false) or X = x^T (x m x n; trans = true),
 * exactly symmetric: the upper triangle by 128-column blocks through dgemm (about half the flops
 * of the full product), mirrored below.
 */
function gram(trans: boolean, n: number, m: number, x: Float64Array, out: Float64Array): void {
  const CB = 128;
  for (let c0 = 0; c0 < n; c0 += CB) {
    const c1 = Math.min(n, c0 + CB);
    if (trans) dgemm(true, false, c1, c1 - c0, m, 1, x, n, x.subarray(c0), n, 0, out.subarray(c0), n);
    else dgemm(false, true, c1, c1 - c0, m, 1, x, m, x.subarray(c0 * m), m, 0, out.subarray(c0), n);
  }
  for (let r = 1; r < n; r++) for (let c = 0; c < r; c++) out[r * n + c] = out[c * n + r];
}

/** Fill the listed (zero) columns of U (m x n) with unit vectors orthogonal to all others. */
function completeColumns(m: number, n: number, u: Float64Array, missing: number[]): void {
  const isMissing = new Uint8Array(n);
  for (const j of missing) isMissing[j] = 1;
  const x = new Float64Array(m);
  let cand = 0;
  for (const j of missing) {
    for (; cand < m; cand++) {
      x.fill(0);
      x[cand] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let c = 0; c < n; c++) {
          if (isMissing[c]) continue;
          let d = 0;
          for (let r = 0; r < m; r++) d += u[r * n + c] * x[r];
          for (let r = 0; r < m; r++) x[r] -= d * u[r * n + c];
        }
      }
      let nn = 0;
      for (let r = 0; r < m; r++) nn += x[r] * x[r];
      if (nn > 0.25) {
        const inv = 1 / Math.sqrt(nn);
        for (let r = 0; r < m; r++) u[r * n + j] = x[r] * inv;
        isMissing[j] = 0;
        cand++;
        break;
      }
    }
  }
}

/**
 * Singular values only of A (m x n row-major, m >= n, not modified), descending, into `s`.
 * The Gram matrix G = A^T A (scaled) gives every sigma_j with sigma_j^2 well above eps sigma_max^2
 * directly from its eigenvalues: the absolute error of sqrt(lambda_j) is about
 * eps sigma_max^2 / (2 sigma_j), at most 1.1e-14 sigma_max above the split theta = 1e-2 sigma_max.
 * The tail below the split (moved up until the eigenvalue just above it is at least twice the
 * largest one below, so that the tail's invariant subspace is accurate to eps sigma_max^2 / gap)
 * is not read from G: its eigenvectors V_t (inverse iteration on the reduced G, then the WY
 * back-transformation) give B = A V_t, whose singular values by the full Jacobi path are accurate
 * to about eps sigma_max absolutely, like `svdTall`. A full-rank, well-conditioned A therefore
 * costs one Gram product and one values-only eigensolve. Returns false if an iteration failed.
 */
export function svdValsTall(m: number, n: number, a0: Float64Array, s: Float64Array): boolean {
  if (n === 0) return true;
  let scale = 0;
  for (let i = 0; i < m * n; i++) scale = Math.max(scale, Math.abs(a0[i]));
  if (scale === 0) {
    s.fill(0, 0, n);
    return true;
  }
  const inv = 1 / scale;
  const a = new Float64Array(m * n);
  for (let i = 0; i < m * n; i++) a[i] = a0[i] * inv;
  const g = new Float64Array(n * n);
  gram(true, n, m, a, g);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const hh = new Float64Array(n);
  tridiagonalizeBlocked(n, g, d, e, hh);
  const lam = d.slice();
  if (!sterfTql2Layout(n, lam, e)) return false; // ascending
  const top = Math.max(lam[n - 1], 0);
  const THETA2 = 1e-4; // split at sigma = 1e-2 sigma_max
  // k = tail size: every eigenvalue below THETA2 * top, extended upward until a factor-2 gap.
  let k = 0;
  while (k < n && lam[k] < THETA2 * top) k++;
  while (k > 0 && k < n && lam[k] < 2 * Math.max(lam[k - 1], 0)) k++;
  for (let j = k; j < n; j++) s[n - 1 - j] = Math.sqrt(Math.max(lam[j], 0)) * scale;
  if (k === 0) return true;
  // Tail: V_t (n x k) = eigenvectors of the k smallest, B = A V_t (m x k), singular values of B.
  const vt = new Float64Array(n * k);
  stein(n, d, e, k, lam, vt);
  applyQ(n, g, hh, vt, k);
  const b = new Float64Array(m * k);
  dgemm(false, false, m, k, n, 1, a, n, vt, k, 0, b, k);
  const sb = new Float64Array(k);
  if (!svdTall(m, k, b, new Float64Array(m * k), sb, new Float64Array(k * k))) return false;
  for (let j = 0; j < k; j++) s[n - k + j] = sb[j] * scale;
  return true;
}
