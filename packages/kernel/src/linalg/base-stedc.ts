/**
 * Divide and conquer for the symmetric tridiagonal eigenproblem (LAPACK dstedc / dlaed0-3 style),
 * unchecked, raw row-major Float64Array.
 *
 * T is split at its middle into T1 (+) T2 + rho v v^T (rho = |beta| > 0, v = e_k + sign(beta) e_{k+1});
 * the halves are solved recursively (implicit QL below LEAF), and the merge solves
 * D + rho z z^T with z = [last row of Q1, sign(beta) first row of Q2] / sqrt(2):
 * - deflation (dlaed2): tiny |z_j| keeps (d_j, e_j); close d's are separated by a Givens rotation;
 * - the secular equation 1 + rho sum z_j^2 / (d_j - lambda) = 0 for each remaining root by a
 *   bracketed Newton iteration in coordinates shifted to the nearer pole (so every d_j - lambda is
 *   formed without cancellation);
 * - Gu-Eisenstat: z is recomputed from the roots by the Loewner formula, so the eigenvectors
 *   (D - lambda_i)^-1 zhat are numerically orthogonal however close the roots are;
 * - the new eigenvectors are one gemm: Q[:, K] U (n x k times k x k, through the SIMD dgemm).
 */
import { dgemm } from '../ops/dgemm.js';
import { tql2 } from './base-tql2.js';

const EPS = 2 ** -52;
const LEAF = 32;

/**
 * Eigen-decomposition of the symmetric tridiagonal with diagonal `d` (length n) and off-diagonal
 * `e` (e[i] = T[i+1][i], length >= n-1). On exit `d` holds the eigenvalues ascending and `q`
 * (n x n, row-major) the eigenvectors as columns. `e` is destroyed. Returns false if a leaf's QL
 * iteration failed.
 */
export function stedc(n: number, d: Float64Array, e: Float64Array, q: Float64Array): boolean {
  q.fill(0, 0, n * n);
  if (n === 0) return true;
  if (!solve(0, n, d, e, q, n)) return false;
  // Final sort (ascending) of values and columns.
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((x, y) => d[x] - d[y]);
  let sorted = true;
  for (let i = 0; i < n; i++) if (idx[i] !== i) sorted = false;
  if (sorted) return true;
  const tmp = new Float64Array(n);
  for (let i = 0; i < n; i++) tmp[i] = d[idx[i]];
  d.set(tmp.subarray(0, n));
  for (let r = 0; r < n; r++) {
    const row = r * n;
    for (let j = 0; j < n; j++) tmp[j] = q[row + idx[j]];
    q.set(tmp, row);
  }
  return true;
}

/** Solve the block lo..lo+n-1 into q[lo.., lo..] (ld = N); values into d[lo..] (unsorted). */
function solve(lo: number, n: number, d: Float64Array, e: Float64Array, q: Float64Array, N: number): boolean {
  if (n <= LEAF) {
    const z = new Float64Array(n * n);
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
    const dd = d.slice(lo, lo + n);
    const ee = new Float64Array(n);
    for (let i = 1; i < n; i++) ee[i] = e[lo + i - 1];
    if (!tql2(n, dd, ee, z, n)) return false;
    d.set(dd, lo);
    for (let i = 0; i < n; i++) q.set(z.subarray(i * n, i * n + n), (lo + i) * N + lo);
    return true;
  }
  const n1 = n >> 1;
  const beta = e[lo + n1 - 1];
  const rho = Math.abs(beta);
  d[lo + n1 - 1] -= rho;
  d[lo + n1] -= rho;
  if (!solve(lo, n1, d, e, q, N)) return false;
  if (!solve(lo + n1, n - n1, d, e, q, N)) return false;
  merge(lo, n, n1, beta < 0 ? -1 : 1, rho, d, q, N);
  return true;
}

function merge(lo: number, n: number, n1: number, sgn: number, rho0: number, d: Float64Array, q: Float64Array, N: number): void {
  // z = Q^T v / sqrt(2), rho = 2 rho0.
  const r2 = Math.SQRT1_2;
  const zraw = new Float64Array(n);
  for (let j = 0; j < n1; j++) zraw[j] = q[(lo + n1 - 1) * N + lo + j] * r2;
  for (let j = n1; j < n; j++) zraw[j] = sgn * q[(lo + n1) * N + lo + j] * r2;
  const rho = 2 * rho0;
  // Sort by d ascending; Qs = columns of the block in that order (n x n, row-major, contiguous).
  const perm = Array.from({ length: n }, (_, i) => i);
  perm.sort((x, y) => d[lo + x] - d[lo + y]);
  const ds = new Float64Array(n);
  const z = new Float64Array(n);
  const qs = new Float64Array(n * n);
  // Column types (dlaed2): 1 = zero below row n1 (from Q1), 3 = zero above (from Q2), 2 = dense.
  const typ = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    ds[j] = d[lo + perm[j]];
    z[j] = zraw[perm[j]];
    typ[j] = perm[j] < n1 ? 1 : 3;
  }
  for (let r = 0; r < n; r++) {
    const src = (lo + r) * N + lo;
    const dst = r * n;
    for (let j = 0; j < n; j++) qs[dst + j] = q[src + perm[j]];
  }
  let dmax = 0;
  let zmax = 0;
  for (let j = 0; j < n; j++) {
    dmax = Math.max(dmax, Math.abs(ds[j]));
    zmax = Math.max(zmax, Math.abs(z[j]));
  }
  const tol = 8 * EPS * Math.max(dmax, rho * zmax);
  // Deflation: keep[] lists the non-deflated indices (into the sorted order), ascending.
  const keep: number[] = [];
  const defl: number[] = [];
  let prev = -1;
  for (let j = 0; j < n; j++) {
    if (rho * Math.abs(z[j]) <= tol) {
      defl.push(j);
      continue;
    }
    if (prev >= 0) {
      const s0 = z[prev];
      const c0 = z[j];
      const tau = Math.hypot(c0, s0);
      const c = c0 / tau;
      const s = -s0 / tau;
      const t = ds[j] - ds[prev];
      if (Math.abs(t * c * s) <= tol) {
        // Rotate columns prev and j so that z[prev] = 0; prev deflates.
        z[j] = tau;
        z[prev] = 0;
        for (let r = 0; r < n; r++) {
          const a = qs[r * n + prev];
          const b = qs[r * n + j];
          qs[r * n + prev] = c * a + s * b;
          qs[r * n + j] = c * b - s * a;
        }
        const dp = ds[prev];
        const dj = ds[j];
        ds[prev] = dp * c * c + dj * s * s;
        ds[j] = dp * s * s + dj * c * c;
        if (typ[prev] !== typ[j]) typ[j] = 2;
        defl.push(prev);
        prev = j;
        continue;
      }
      keep.push(prev);
    }
    prev = j;
  }
  if (prev >= 0) keep.push(prev);
  const k = keep.length;
  // Deflated pairs: value ds[j], vector column j of qs.
  for (let t = 0; t < defl.length; t++) {
    const j = defl[t];
    const col = lo + k + t;
    d[col] = ds[j];
    for (let r = 0; r < n; r++) q[(lo + r) * N + col] = qs[r * n + j];
  }
  if (k === 0) return;
  // The kept d's must be increasing for the secular solver; a Givens update can reorder them slightly.
  keep.sort((x, y) => ds[x] - ds[y]);
  const dk = new Float64Array(k);
  const zk = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    dk[i] = ds[keep[i]];
    zk[i] = z[keep[i]];
  }
  // delta[i*k + j] = d_j - lambda_i, lambda_i = org_i + tau_i.
  const delta = new Float64Array(k * k);
  const lam = new Float64Array(k);
  secular(k, dk, zk, rho, delta, lam);
  // Loewner / Gu-Eisenstat: zhat_i^2 = (lambda_i - d_i)/rho * prod_{j != i} (lambda_j - d_i)/(d_j - d_i).
  const zh = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let p = -delta[i * k + i] / rho;
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      p *= -delta[j * k + i] / (dk[j] - dk[i]);
    }
    zh[i] = Math.sqrt(Math.max(p, 0)) * (zk[i] < 0 ? -1 : 1);
  }
  // U[j][i] = zhat_j / (d_j - lambda_i), columns normalised.
  const u = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    const row = i * k;
    for (let j = 0; j < k; j++) {
      const v = zh[j] / delta[row + j];
      delta[row + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < k; j++) u[j * k + i] = delta[row + j] * inv;
  }
  // Q[:, lo..lo+k) = Qs[:, keep] U, as two gemms that skip the zero blocks of Qs: rows above n1
  // use the columns of type 1 and 2 (and those rows of U), rows below the columns of type 2 and 3.
  for (const upper of [true, false]) {
    const sel: number[] = [];
    for (let p = 0; p < k; p++) if (typ[keep[p]] !== (upper ? 3 : 1)) sel.push(p);
    const r0 = upper ? 0 : n1;
    const rows = upper ? n1 : n - n1;
    const ks = sel.length;
    const qk = new Float64Array(rows * ks);
    const uk = new Float64Array(ks * k);
    for (let r = 0; r < rows; r++) {
      const src = (r0 + r) * n;
      for (let c = 0; c < ks; c++) qk[r * ks + c] = qs[src + keep[sel[c]]];
    }
    for (let c = 0; c < ks; c++) uk.set(u.subarray(sel[c] * k, sel[c] * k + k), c * k);
    dgemm(false, false, rows, k, ks, 1, qk, ks, uk, k, 0, q.subarray((lo + r0) * N + lo), N);
  }
  for (let i = 0; i < k; i++) d[lo + i] = lam[i];
}

/**
 * Roots of 1 + rho sum_j z_j^2 / (d_j - lambda) for increasing d (length k), rho > 0, z_j != 0:
 * lambda_i in (d_i, d_{i+1}) (the last in (d_{k-1}, d_{k-1} + rho |z|^2]). Writes lambda and
 * delta[i*k + j] = d_j - lambda_i, each formed as (d_j - origin) - tau with the origin the pole
 * nearer the root.
 */
export function secular(k: number, d: Float64Array, z: Float64Array, rho: number, delta: Float64Array, lam: Float64Array): void {
  const z2 = new Float64Array(k);
  let zz = 0;
  for (let j = 0; j < k; j++) {
    z2[j] = z[j] * z[j];
    zz += z2[j];
  }
  const sh = new Float64Array(k);
  const rz = new Float64Array(k);
  for (let j = 0; j < k; j++) rz[j] = rho * z2[j];
  for (let i = 0; i < k; i++) {
    let org: number;
    let lo: number;
    let hi: number;
    let guess = Number.NaN;
    if (i < k - 1) {
      const gap = d[i + 1] - d[i];
      const mid = d[i] + 0.5 * gap;
      let f = 1;
      for (let j = 0; j < k; j++) f += (rho * z2[j]) / (d[j] - mid);
      // Initial guess (dlaed4): the two nearest poles exact, the rest frozen at the midpoint:
      // c + r_i / (d_i - lambda) + r_{i+1} / (d_{i+1} - lambda) = 0 with c = f(mid) - both terms there.
      const ri = rho * z2[i];
      const rn = rho * z2[i + 1];
      const c = f - ri / (-0.5 * gap) - rn / (0.5 * gap);
      if (f >= 0) {
        org = i;
        lo = 0;
        hi = 0.5 * gap;
        guess = quadRoot(c, -(c * gap + ri + rn), ri * gap, lo, hi);
      } else {
        org = i + 1;
        lo = -0.5 * gap;
        hi = 0;
        guess = quadRoot(c, c * gap - ri - rn, -rn * gap, lo, hi);
      }
    } else {
      org = i;
      lo = 0;
      hi = rho * zz * (1 + 8 * EPS) + 4 * EPS * Math.abs(d[i]);
    }
    const dorg = d[org];
    for (let j = 0; j < k; j++) sh[j] = d[j] - dorg;
    // Start from the bracket's midpoint; Newton steps, bisection when a step leaves the bracket.
    let tau = guess > lo && guess < hi ? guess : 0.5 * (lo + hi);
    for (let it = 0; it < 300; it++) {
      let f = 1;
      let fp = 0;
      let err = 1;
      for (let j = 0; j < k; j++) {
        const inv = 1 / (sh[j] - tau);
        const t = rz[j] * inv;
        f += t;
        err += Math.abs(t);
        fp += t * inv;
      }
      if (f === 0 || Math.abs(f) <= 2 * EPS * k * err) break;
      if (f > 0) hi = tau;
      else lo = tau;
      let next = tau - f / fp;
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      if (next === tau || next <= lo || next >= hi) {
        // Bracket exhausted at floating-point resolution.
        const m = 0.5 * (lo + hi);
        if (m === lo || m === hi) break;
        next = m;
      }
      tau = next;
    }
    if (tau === 0) tau = org === i ? Number.MIN_VALUE : -Number.MIN_VALUE;
    lam[i] = dorg + tau;
    const row = i * k;
    for (let j = 0; j < k; j++) delta[row + j] = sh[j] - tau;
  }
}

/** The root of A x^2 + B x + C = 0 inside (lo, hi) (stable formulas), NaN if none. */
function quadRoot(A: number, B: number, C: number, lo: number, hi: number): number {
  if (A === 0) {
    const x = -C / B;
    return x > lo && x < hi ? x : Number.NaN;
  }
  const disc = B * B - 4 * A * C;
  if (!(disc >= 0)) return Number.NaN;
  const q = -0.5 * (B + (B >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc)));
  const x1 = q / A;
  const x2 = q === 0 ? Number.NaN : C / q;
  if (x1 > lo && x1 < hi) return x1;
  if (x2 > lo && x2 < hi) return x2;
  return Number.NaN;
}
