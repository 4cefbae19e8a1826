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
import { dgemm, gemmScratchDoubles } from '../ops/dgemm.js';
import { KIND, gemmPool, gemmThreads } from '../ops/gemm-threads.js';
import { mergeRows } from '../ops/merge-rows.js';
import { releaseWasm, reserveWasm } from '../ops/wasm-gemm-state.js';
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
  const lam = new Float64Array(k);
  const ut = mergeRowsAll(k, dk, zk, rho, lam, keep, typ);
  // Q[:, lo..lo+k) = Qs[:, keep] U, as two gemms that skip the zero blocks of Qs: rows above n1
  // use the columns of type 1 and 2 (and those rows of U), rows below the columns of type 2 and 3.
  for (const upper of [true, false]) {
    const { sel, ut: uk } = ut[upper ? 0 : 1];
    const r0 = upper ? 0 : n1;
    const rows = upper ? n1 : n - n1;
    const ks = sel.length;
    const qk = new Float64Array(rows * ks);
    for (let r = 0; r < rows; r++) {
      const src = (r0 + r) * n;
      for (let c = 0; c < ks; c++) qk[r * ks + c] = qs[src + keep[sel[c]]];
    }
    dgemm(false, true, rows, k, ks, 1, qk, ks, uk, ks, 0, q.subarray((lo + r0) * N + lo), N);
  }
  for (let i = 0; i < k; i++) d[lo + i] = lam[i];
}

/** mergeRows' arguments after the array. */
type MergeRowsArgs = Parameters<typeof mergeRows> extends [Float64Array, ...infer R] ? R : never;

/** Merges with at least this many non-deflated roots share their per-root work with the gemm worker threads. */
const MERGE_THREAD_MIN = 160;

/**
 * The per-root work of a merge (../ops/merge-rows.ts): roots, zhat, and U's rows, in three phases
 * shared between this thread and the ready gemm workers by equal ranges of roots when k is large
 * (in the shared WebAssembly memory; bit-identical for any thread count), else here in plain arrays.
 * Writes lam; returns, for the upper (rows < n1) and lower halves, the selected columns `sel` of
 * U (by type) gathered as ut = U[sel, :]^T (k x |sel|, row-major).
 */
function mergeRowsAll(
  k: number, dk: Float64Array, zk: Float64Array, rho: number, lam: Float64Array, keep: number[], typ: Uint8Array,
): Array<{ sel: number[]; ut: Float64Array }> {
  const al = (x: number) => (x + 7) & ~7;
  const parOff = 0;
  const dkOff = 8;
  const rzOff = al(dkOff + k);
  const zkOff = al(rzOff + k);
  const lamOff = al(zkOff + k);
  const zhOff = al(lamOff + k);
  const shOff = al(zhOff + k);
  const maxT = k >= MERGE_THREAD_MIN ? gemmThreads() : 1;
  const dOff = al(shOff + maxT * al(k));
  const uOff = al(dOff + k * k);
  const total = uOff + k * k;
  const w = maxT > 1 ? reserveWasm(total, gemmScratchDoubles()) : null;
  try {
    const pool = w?.shared ? gemmPool(w.mem, w.bytes, w.auxBytes) : null;
    const T = pool ? Math.min(maxT, pool.readyWorkers() + 1) : 1;
    const f = w ? w.f64 : new Float64Array(total);
    let zz = 0;
    for (let j = 0; j < k; j++) {
      const z2 = zk[j] * zk[j];
      zz += z2;
      f[rzOff + j] = rho * z2;
    }
    f[parOff] = rho;
    f[parOff + 1] = zz;
    f.set(dk, dkOff);
    f.set(zk, zkOff);
    const cut = (t: number) => Math.floor((k * t) / T);
    for (let phase = 0; phase < 3; phase++) {
      const args = (t: number): MergeRowsArgs => [phase, k, parOff, dkOff, rzOff, zkOff, lamOff, zhOff, shOff + t * al(k), dOff, uOff, cut(t), cut(t + 1)];
      const jobs: number[][] = [];
      for (let t = 1; t < T; t++) {
        const job: number[] = args(t);
        while (job.length < KIND) job.push(0);
        job[KIND] = 3;
        jobs.push(job);
      }
      const handles = pool && jobs.length > 0 ? pool.dispatch(jobs) : null;
      mergeRows(f, ...args(0));
      // A failed worker's range is recomputed here (each phase writes only its own range).
      if (handles && pool) for (const i of pool.wait(handles)) mergeRows(f, ...args(i + 1));
    }
    lam.set(f.subarray(lamOff, lamOff + k));
    return [true, false].map((upper) => {
      const sel: number[] = [];
      for (let p = 0; p < k; p++) if (typ[keep[p]] !== (upper ? 3 : 1)) sel.push(p);
      const ks = sel.length;
      const ut = new Float64Array(k * ks);
      for (let i = 0; i < k; i++) {
        const row = uOff + i * k;
        for (let c = 0; c < ks; c++) ut[i * ks + c] = f[row + sel[c]];
      }
      return { sel, ut };
    });
  } finally {
    if (w) releaseWasm();
  }
}
