/**
 * Unchecked symmetric eigensolver core on raw row-major Float64Array (stdlib "base" style).
 *
 * Householder tridiagonalisation (lower triangle, row-streaming symmetric matvec and rank-2
 * update), explicit accumulation of Q, then implicit QL with Wilkinson-type shifts (tql2).
 * The QL rotations of one sweep are recorded and applied afterwards to the rows of Z four rows
 * at a time, so each sweep streams Z once through contiguous memory with a register carry.
 * Callers validate; these functions trust their arguments.
 */

import { dgemm } from '../ops/dgemm.js';
import { stedc } from './base-stedc.js';
import { sterfTql2Layout } from './base-sterf.js';
import { tql2 } from './base-tql2.js';

export { tql2 };
import { SYMV_ROWS, reductionKernels } from './wasm-symv.js';
import { dgemmInWasm, dgemmLowerInWasm, gemmScratchDoubles } from '../ops/dgemm.js';
import { releaseWasm, reserveWasm } from '../ops/wasm-gemm-state.js';
import { CLAIM_GEN, KIND, gemmPool } from '../ops/gemm-threads.js';

/** Chunks of the reduction's symmetric mat-vec (at most this many threads share it). */
const SYMV_CHUNKS = 4;
/** Mat-vecs of at least this many 4-row blocks are shared with the gemm worker threads. */
const SYMV_THREAD_MIN_BLOCKS = 96;
/** Generation of the last claimed mat-vec (marks its chunks done in the pool's claim words). */
let claimGen = 0;


/**
 * 'ql': the previous unblocked path (Householder, explicit Q, implicit QL on the rows of Q);
 * 'dc': blocked reduction, divide and conquer, compact-WY back-transformation;
 * 'auto' (default): blocked reduction always, divide and conquer above DC_MIN, QL below.
 */
export type EighMethod = 'auto' | 'ql' | 'dc';
const DC_MIN = 64;


/**
 * The Householder reflector of row i (columns 0..l = i - 1 of `a` at offset ri): scales the row,
 * turns it into u (the row is overwritten) and sets e[i] = T[i][i-1]. Returns h = |u|^2 / 2, or 0
 * when no reflection is needed (then e[i] = a[ri + l] and the row is left as it was).
 */
function reflector(a: Float64Array, ri: number, l: number, e: Float64Array, i: number): number {
  let scale = 0;
  for (let k = 0; k <= l; k++) scale += Math.abs(a[ri + k]);
  if (l === 0 || scale === 0) {
    e[i] = a[ri + l];
    return 0;
  }
  let h = 0;
  for (let k = 0; k <= l; k++) {
    const u = a[ri + k] / scale;
    a[ri + k] = u;
    h += u * u;
  }
  const f = a[ri + l];
  const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
  e[i] = scale * g;
  h -= f * g;
  a[ri + l] = f - g;
  return h;
}

/**
 * Householder reduction of the symmetric matrix `a` (n x n row-major; only the lower triangle
 * is read) to tridiagonal form T = Q^T A Q. On exit `d` holds the diagonal, `e[i]` the entry
 * T[i][i-1] (e[0] = 0), row i of `a` holds the Householder vector u_i in columns 0..i-1 and
 * `hh[i]` its h = |u|^2/2 (0 when no reflection was needed). P_i = I - u_i u_i^T / h_i.
 */
export function tridiagonalize(n: number, a: Float64Array, d: Float64Array, e: Float64Array, hh: Float64Array): void {
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 1; i--) {
    const l = i - 1;
    const ri = i * n;
    const h = reflector(a, ri, l, e, i);
    if (h === 0) {
      hh[i] = 0;
      continue;
    }
    // p = A[0..l, 0..l] u, streaming rows of the lower triangle (two rows per pass).
    p.fill(0, 0, i);
    let j = 0;
    for (; j + 1 <= l; j += 2) {
      const r0 = j * n;
      const r1 = r0 + n;
      const u0 = a[ri + j];
      const u1 = a[ri + j + 1];
      let acc0 = 0;
      let acc1 = 0;
      for (let k = 0; k < j; k++) {
        const a0 = a[r0 + k];
        const a1 = a[r1 + k];
        const uk = a[ri + k];
        acc0 += a0 * uk;
        acc1 += a1 * uk;
        p[k] += a0 * u0 + a1 * u1;
      }
      const a10 = a[r1 + j];
      p[j] += acc0 + a[r0 + j] * u0 + a10 * u1;
      p[j + 1] += acc1 + a10 * u0 + a[r1 + j + 1] * u1;
    }
    for (; j <= l; j++) {
      const rj = j * n;
      const uj = a[ri + j];
      let acc = 0;
      for (let k = 0; k < j; k++) {
        const akj = a[rj + k];
        acc += akj * a[ri + k];
        p[k] += akj * uj;
      }
      p[j] += acc + a[rj + j] * uj;
    }
    let up = 0;
    for (let k = 0; k <= l; k++) {
      p[k] /= h;
      up += a[ri + k] * p[k];
    }
    const kk = up / (2 * h);
    for (let k = 0; k <= l; k++) p[k] -= kk * a[ri + k];
    // A -= u q^T + q u^T on the lower triangle (two rows per pass).
    j = 0;
    for (; j + 1 <= l; j += 2) {
      const r0 = j * n;
      const r1 = r0 + n;
      const u0 = a[ri + j];
      const q0 = p[j];
      const u1 = a[ri + j + 1];
      const q1 = p[j + 1];
      for (let k = 0; k <= j; k++) {
        const pk = p[k];
        const uk = a[ri + k];
        a[r0 + k] -= u0 * pk + q0 * uk;
        a[r1 + k] -= u1 * pk + q1 * uk;
      }
      a[r1 + j + 1] -= u1 * q1 + q1 * u1;
    }
    for (; j <= l; j++) {
      const rj = j * n;
      const uj = a[ri + j];
      const qj = p[j];
      for (let k = 0; k <= j; k++) a[rj + k] -= uj * p[k] + qj * a[ri + k];
    }
    hh[i] = h;
  }
  hh[0] = 0;
  e[0] = 0;
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
}

/**
 * Form Q = P_{n-1} ... P_1 (n x n row-major) into `z` from the output of `tridiagonalize`.
 * Reflectors are applied in pairs, P_{i+1} P_i N = N - u (u^T N)/h - u' w' with
 * w' = (u'^T N - (u'^T u)(u^T N)/h)/h', so the growing leading block of Q streams through
 * memory once per two reflectors.
 */
export function accumulateQ(n: number, a: Float64Array, hh: Float64Array, z: Float64Array): void {
  z.fill(0);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let i = 1;
  for (; i < n; i += 2) {
    // Block rows/cols 0..b-1 with b = i + 1 (pair) or i (single last reflector).
    const pair = i + 1 < n;
    const h = hh[i];
    const h2 = pair ? hh[i + 1] : 0;
    if (h === 0 && h2 === 0) continue;
    const b = pair ? i + 1 : i;
    const ru = i * n; // u: a[ru + k], k < i (u[i] = 0)
    const rv = (i + 1) * n; // u': a[rv + k], k <= i
    const fu = h === 0 ? 0 : 1;
    const fv = h2 === 0 ? 0 : 1;
    x.fill(0, 0, b);
    y.fill(0, 0, b);
    let k = 0;
    for (; k + 2 <= b; k += 2) {
      const u0 = k < i ? fu * a[ru + k] : 0;
      const u1 = k + 1 < i ? fu * a[ru + k + 1] : 0;
      const v0 = fv * (pair ? a[rv + k] : 0);
      const v1 = fv * (pair ? a[rv + k + 1] : 0);
      const r0 = k * n;
      const r1 = r0 + n;
      for (let j = 0; j < b; j++) {
        const z0 = z[r0 + j];
        const z1 = z[r1 + j];
        x[j] += u0 * z0 + u1 * z1;
        y[j] += v0 * z0 + v1 * z1;
      }
    }
    for (; k < b; k++) {
      const u0 = k < i ? fu * a[ru + k] : 0;
      const v0 = fv * (pair ? a[rv + k] : 0);
      const r0 = k * n;
      for (let j = 0; j < b; j++) {
        const z0 = z[r0 + j];
        x[j] += u0 * z0;
        y[j] += v0 * z0;
      }
    }
    // w = x / h, w' = (y - (u'.u) w) / h'
    let uv = 0;
    if (fu && fv) for (let t = 0; t < i; t++) uv += a[rv + t] * a[ru + t];
    const ih = fu ? 1 / h : 0;
    const ih2 = fv ? 1 / h2 : 0;
    for (let j = 0; j < b; j++) {
      const w = x[j] * ih;
      x[j] = w;
      y[j] = (y[j] - uv * w) * ih2;
    }
    for (k = 0; k + 2 <= b; k += 2) {
      const u0 = k < i ? fu * a[ru + k] : 0;
      const u1 = k + 1 < i ? fu * a[ru + k + 1] : 0;
      const v0 = fv * (pair ? a[rv + k] : 0);
      const v1 = fv * (pair ? a[rv + k + 1] : 0);
      const r0 = k * n;
      const r1 = r0 + n;
      for (let j = 0; j < b; j++) {
        const xj = x[j];
        const yj = y[j];
        z[r0 + j] -= u0 * xj + v0 * yj;
        z[r1 + j] -= u1 * xj + v1 * yj;
      }
    }
    for (; k < b; k++) {
      const u0 = k < i ? fu * a[ru + k] : 0;
      const v0 = fv * (pair ? a[rv + k] : 0);
      const r0 = k * n;
      for (let j = 0; j < b; j++) z[r0 + j] -= u0 * x[j] + v0 * y[j];
    }
  }
}


/** Sort `values` ascending and permute the columns of `vectors` (n x n row-major) alike. */
function sortAscending(n: number, values: Float64Array, vectors: Float64Array | null): void {
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((x, y) => values[x] - values[y]);
  let sorted = true;
  for (let i = 0; i < n; i++) if (idx[i] !== i) sorted = false;
  if (sorted) return;
  const tmp = new Float64Array(n);
  for (let i = 0; i < n; i++) tmp[i] = values[idx[i]];
  values.set(tmp);
  if (!vectors) return;
  for (let r = 0; r < n; r++) {
    const row = r * n;
    for (let j = 0; j < n; j++) tmp[j] = vectors[row + idx[j]];
    vectors.set(tmp, row);
  }
}

/**
 * Symmetric eigendecomposition, unchecked. `a` (n x n row-major, lower triangle read) is
 * destroyed. `values` (length n) receives the eigenvalues ascending; `vectors` (n*n, row-major)
 * when non-null receives the orthonormal eigenvectors as columns (A = V diag(values) V^T).
 * Returns false if the QL iteration did not converge (values/vectors then undefined).
 */
export function eighInPlace(
  n: number, a: Float64Array, values: Float64Array, vectors: Float64Array | null, method: EighMethod = 'auto',
  prescaled = false,
): boolean {
  if (n === 0) return true;
  // Scale to max|a| = 1 (lower triangle) so that no intermediate over- or underflows; `prescaled`:
  // the caller has brought max|a| into [2^-256, 2^256] (rescaleExtreme), where this never scales.
  let scale = 0;
  if (!prescaled) for (let i = 0; i < n; i++) for (let j = i * n; j <= i * n + i; j++) scale = Math.max(scale, Math.abs(a[j]));
  if (scale > 0 && (scale < 2 ** -500 || scale > 2 ** 500)) {
    const inv = 1 / scale;
    for (let i = 0; i < n; i++) for (let j = i * n; j <= i * n + i; j++) a[j] *= inv;
  } else {
    scale = 1;
  }
  const e = new Float64Array(n);
  const hh = new Float64Array(n);
  if (method === 'ql') tridiagonalize(n, a, values, e, hh);
  else tridiagonalizeBlocked(n, a, values, e, hh, 16, vectors !== null);
  const dc = vectors !== null && (method === 'dc' || (method === 'auto' && n > DC_MIN));
  if (vectors && dc) {
    // Divide and conquer on T, then V = Q Z by compact-WY blocks through gemm.
    const off = new Float64Array(n);
    for (let i = 1; i < n; i++) off[i - 1] = e[i];
    if (!stedc(n, values, off, vectors)) return false;
    applyQ(n, a, hh, vectors, n);
  } else if (vectors) {
    accumulateQ(n, a, hh, vectors);
    if (!tql2(n, values, e, vectors, n)) return false;
    sortAscending(n, values, vectors);
  } else {
    // Eigenvalues only: the root-free QL / QR on the squared off-diagonal (dsterf).
    if (!sterfTql2Layout(n, values, e)) return false;
  }
  if (scale !== 1) for (let i = 0; i < n; i++) values[i] *= scale;
  return true;
}

/** Column c of V (r x b, row stride ldv, at vOff) is u_{j1-1-c} (H_1 = P_{j1-1} leftmost), zero-padded below its support. */
function blockV(n: number, a: Float64Array, j1: number, r: number, b: number, V: Float64Array, vOff: number, ldv: number): void {
  for (let row = 0; row < r; row++) {
    const vr = vOff + row * ldv;
    for (let c = 0; c < b; c++) {
      const i = j1 - 1 - c;
      V[vr + c] = row < i ? a[i * n + row] : 0;
    }
  }
}

/** G[p][c] = (V^T V)[p][c] for p < c (b x b, stride b; the strict upper triangle): the JS path's Gram for blockT. */
function gramUpper(V: Float64Array, vOff: number, ldv: number, r: number, b: number, G: Float64Array): void {
  G.fill(0, 0, b * b);
  for (let row = 0; row < r; row++) {
    const vr = vOff + row * ldv;
    for (let c = 1; c < b; c++) {
      const vc = V[vr + c];
      if (vc === 0) continue;
      for (let p = 0; p < c; p++) G[p * b + c] += V[vr + p] * vc;
    }
  }
}

/**
 * T (b x b, stride b) upper triangular of the compact-WY block: T[c][c] = tau_c, T[0:c, c] = -tau_c
 * T[0:c, 0:c] (V[:, 0:c]^T v_c), from the Gram matrix G = V^T V (row stride ldg, at gOff in `f`): only
 * G[p][c], p < c, is read.
 */
function blockT(f: Float64Array, gOff: number, ldg: number, b: number, hh: Float64Array, j1: number, T: Float64Array): void {
  T.fill(0, 0, b * b);
  for (let c = 0; c < b; c++) {
    const h = hh[j1 - 1 - c];
    const tau = h === 0 ? 0 : 1 / h;
    T[c * b + c] = tau;
    if (c === 0 || tau === 0) continue;
    for (let p = 0; p < c; p++) {
      let s = 0;
      for (let q = p; q < c; q++) s += T[p * b + q] * f[gOff + q * ldg + c];
      T[p * b + c] = -tau * s;
    }
  }
}

/**
 * applyQ with Z, V and the block products in the gemm's WebAssembly memory (reserveWasm), every
 * product accumulating in place (dgemmInWasm): per block W^T = Z^T V, W2^T = W^T (-T)^T, Z += V W2
 * (W2^T transposed), no copies in or out of the memory per product. False (nothing done) when the
 * memory is unavailable.
 */
function applyQWasm(n: number, a: Float64Array, hh: Float64Array, z: Float64Array, cols: number, nb: number): boolean {
  const al = (x: number) => (x + 7) & ~7;
  const ldz = (cols + 3) & ~3; // a row's tile padding stays in its own row
  const zOff = 0;
  const vOff = al(zOff + (n + 4) * ldz);
  const tOff = al(vOff + (n + 4) * nb);
  const wOff = al(tOff + nb * nb);
  const w2Off = al(wOff + (cols + 4) * nb);
  const gOff = al(w2Off + (cols + 4) * nb);
  const total = al(gOff + (nb + 4) * nb);
  const w = reserveWasm(total, gemmScratchDoubles());
  if (!w) return false;
  try {
    let f = w.f64;
    f.fill(0, 0, total);
    for (let i = 0; i < n; i++) f.set(z.subarray(i * cols, (i + 1) * cols), zOff + i * ldz);
    const T = new Float64Array(nb * nb);
    for (let j0 = 1; j0 < n; j0 += nb) {
      const j1 = Math.min(n, j0 + nb);
      const b = j1 - j0;
      const r = j1 - 1;
      f.fill(0, vOff, vOff + (r + 4) * nb);
      blockV(n, a, j1, r, b, f, vOff, nb);
      // T from G = V^T V through the SIMD gemm (the r b^2 inner products are most of dlarft's work).
      f.fill(0, gOff, gOff + (nb + 4) * nb);
      dgemmInWasm(true, false, b, b, r, vOff, nb, vOff, nb, gOff, nb);
      f = w.f64;
      blockT(f, gOff, nb, b, hh, j1, T);
      // -T, so that the second product gives W2^T = -(W^T T^T) and the third adds
      for (let p = 0; p < b; p++) for (let q = 0; q < b; q++) f[tOff + p * nb + q] = -T[p * b + q];
      // W^T (cols x b) = Z[0:r]^T V
      f.fill(0, wOff, wOff + (cols + 4) * nb);
      dgemmInWasm(true, false, cols, b, r, zOff, ldz, vOff, nb, wOff, nb);
      f = w.f64;
      // W2^T = W^T (-T)^T, then Z[0:r] += V (W2^T)^T
      f.fill(0, w2Off, w2Off + (cols + 4) * nb);
      dgemmInWasm(false, true, cols, b, b, wOff, nb, tOff, nb, w2Off, nb);
      dgemmInWasm(false, true, r, cols, b, vOff, nb, w2Off, nb, zOff, ldz);
      f = w.f64;
    }
    for (let i = 0; i < n; i++) z.set(f.subarray(zOff + i * ldz, zOff + i * ldz + cols), i * cols);
  } finally {
    releaseWasm();
  }
  return true;
}

/**
 * Back-transformation Z <- Q Z with Q = P_{n-1} ... P_1 from `tridiagonalize` (reflectors in the
 * rows of `a`, h in `hh`), without forming Q: the reflectors are applied nb at a time as compact
 * WY blocks I - V T V^T (LAPACK dlarft/dlarfb), three gemms per block on the leading rows of Z.
 * `z` is n x cols row-major. About 2 n^2 cols flops, all but O(n nb cols) of them in gemm.
 */
export function applyQ(n: number, a: Float64Array, hh: Float64Array, z: Float64Array, cols: number, nb = 32): void {
  if (useWasmSymv && applyQWasm(n, a, hh, z, cols, nb)) return;
  const V = new Float64Array(n * nb);
  const T = new Float64Array(nb * nb);
  const W = new Float64Array(nb * cols);
  const W2 = new Float64Array(nb * cols);
  const G = new Float64Array(nb * nb);
  // P_1 acts first: blocks of reflectors j0..j1-1 in increasing order.
  for (let j0 = 1; j0 < n; j0 += nb) {
    const j1 = Math.min(n, j0 + nb);
    const b = j1 - j0;
    const r = j1 - 1; // u_i has support 0..i-1, so rows 0..r-1 are touched
    blockV(n, a, j1, r, b, V, 0, b);
    gramUpper(V, 0, b, r, b, G);
    blockT(G, 0, b, b, hh, j1, T);
    // Z[0:r] -= V (T (V^T Z[0:r])).
    dgemm(true, false, b, cols, r, 1, V, b, z, cols, 0, W, cols);
    dgemm(false, false, b, cols, b, 1, T, b, W, cols, 0, W2, cols);
    dgemm(false, false, r, cols, b, -1, V, b, W2, cols, 1, z, cols);
  }
}

/**
 * Blocked Householder tridiagonalisation (LAPACK dsytrd/dlatrd, UPLO = 'U' on the column-major
 * view of this row-major lower triangle): same outputs as `tridiagonalize`. Reflectors are made
 * nb at a time; inside a panel the matrix is kept as A - V W^T - W V^T without forming it (the
 * row about to be reduced is updated, the symmetric matvec is corrected by two thin products),
 * and the trailing block gets the rank-2nb update through the SIMD gemm (lower triangle by row
 * blocks). Half the flops move to gemm and the matrix streams once per reflector instead of three times.
 * `keepReflectors = false` (eigenvalues only) may leave `a` as it was instead of holding the reflectors.
 */
export function tridiagonalizeBlocked(n: number, a: Float64Array, d: Float64Array, e: Float64Array, hh: Float64Array, nb = 16, keepReflectors = true): void {
  if (n < 4 * nb) {
    tridiagonalize(n, a, d, e, hh);
    return;
  }
  if (useWasmSymv && tridiagonalizeBlockedWasm(n, a, d, e, hh, nb, keepReflectors)) return;
  tridiagonalizeBlockedJs(n, a, d, e, hh, nb);
}

/** The same algorithm in plain JS (no WebAssembly SIMD, or its memory is held by an outer caller). */
function tridiagonalizeBlockedJs(n: number, a: Float64Array, d: Float64Array, e: Float64Array, hh: Float64Array, nb = 16): void {
  const A = a;
  const p = new Float64Array(n);
  // The panel's reflectors u (V) and vectors w (W), one contiguous row of length n per reflector.
  const V = new Float64Array(n * nb);
  const W = new Float64Array(n * nb);
  const y1 = new Float64Array(nb);
  const y2 = new Float64Array(nb);
  const nb2 = 2 * nb;
  const X = new Float64Array(n * nb2);
  const Y = new Float64Array(n * nb2);
  for (let ihi = n - 1; ihi >= 1; ihi -= nb) {
    const ilo = Math.max(1, ihi - nb + 1);
    V.fill(0);
    W.fill(0);
    for (let i = ihi; i >= ilo; i--) {
      const jc = ihi - i; // panel columns 0..jc-1 hold the earlier reflectors of this panel
      const ri = i * n;
      // Row i (columns 0..i) -= V W[i]^T + W V[i]^T.
      for (let t = 0; t < jc; t++) {
        const o = t * n;
        const wit = W[o + i];
        const vit = V[o + i];
        for (let c = 0; c <= i; c++) A[ri + c] -= V[o + c] * wit + W[o + c] * vit;
      }
      d[i] = A[ri + i];
      const l = i - 1;
      const h = reflector(A, ri, l, e, i);
      if (h === 0) {
        hh[i] = 0;
        continue;
      }
      // p = A[0..l, 0..l] u on the stored lower triangle (panel-start state).
      p.fill(0, 0, i);
      let j = 0;
      for (; j + 3 <= l; j += 4) {
        const r0 = j * n;
        const r1 = r0 + n;
        const r2 = r1 + n;
        const r3 = r2 + n;
        const u0 = A[ri + j];
        const u1 = A[ri + j + 1];
        const u2 = A[ri + j + 2];
        const u3 = A[ri + j + 3];
        let acc0 = 0;
        let acc1 = 0;
        let acc2 = 0;
        let acc3 = 0;
        for (let k = 0; k < j; k++) {
          const a0 = A[r0 + k];
          const a1 = A[r1 + k];
          const a2 = A[r2 + k];
          const a3 = A[r3 + k];
          const uk = A[ri + k];
          acc0 += a0 * uk;
          acc1 += a1 * uk;
          acc2 += a2 * uk;
          acc3 += a3 * uk;
          p[k] += a0 * u0 + a1 * u1 + a2 * u2 + a3 * u3;
        }
        // The 4 x 4 diagonal block (lower triangle, symmetric).
        for (let x = 0; x < 4; x++) {
          let sx = 0;
          for (let y = 0; y < 4; y++) {
            const ax = x >= y ? A[(j + x) * n + j + y] : A[(j + y) * n + j + x];
            sx += ax * A[ri + j + y];
          }
          p[j + x] += sx;
        }
        p[j] += acc0;
        p[j + 1] += acc1;
        p[j + 2] += acc2;
        p[j + 3] += acc3;
      }
      for (; j + 1 <= l; j += 2) {
        const r0 = j * n;
        const r1 = r0 + n;
        const u0 = A[ri + j];
        const u1 = A[ri + j + 1];
        let acc0 = 0;
        let acc1 = 0;
        for (let k = 0; k < j; k++) {
          const a0 = A[r0 + k];
          const a1 = A[r1 + k];
          const uk = A[ri + k];
          acc0 += a0 * uk;
          acc1 += a1 * uk;
          p[k] += a0 * u0 + a1 * u1;
        }
        const a10 = A[r1 + j];
        p[j] += acc0 + A[r0 + j] * u0 + a10 * u1;
        p[j + 1] += acc1 + a10 * u0 + A[r1 + j + 1] * u1;
      }
      for (; j <= l; j++) {
        const rj = j * n;
        const uj = A[ri + j];
        let acc = 0;
        for (let k = 0; k < j; k++) {
          const akj = A[rj + k];
          acc += akj * A[ri + k];
          p[k] += akj * uj;
        }
        p[j] += acc + A[rj + j] * uj;
      }
      // p -= V (W^T u) + W (V^T u) for the panel's earlier reflectors.
      for (let t = 0; t < jc; t++) {
        const o = t * n;
        let s1 = 0;
        let s2 = 0;
        for (let r = 0; r <= l; r++) {
          const ur = A[ri + r];
          s1 += W[o + r] * ur;
          s2 += V[o + r] * ur;
        }
        y1[t] = s1;
        y2[t] = s2;
      }
      for (let t = 0; t < jc; t++) {
        const o = t * n;
        const a1 = y1[t];
        const a2 = y2[t];
        for (let r = 0; r <= l; r++) p[r] -= V[o + r] * a1 + W[o + r] * a2;
      }
      let up = 0;
      for (let k = 0; k <= l; k++) {
        p[k] /= h;
        up += A[ri + k] * p[k];
      }
      const kk = up / (2 * h);
      const o = jc * n;
      for (let k = 0; k <= l; k++) {
        V[o + k] = A[ri + k];
        W[o + k] = p[k] - kk * A[ri + k];
      }
      hh[i] = h;
    }
    // Trailing block A[0..ilo-1] -= V W^T + W V^T = X Y^T with X = [V W], Y = [W V]; lower triangle by row blocks.
    const m = ilo;
    if (m === 0) continue;
    const b = ihi - ilo + 1;
    for (let r = 0; r < m; r++) {
      for (let t = 0; t < b; t++) {
        const v = V[t * n + r];
        const w = W[t * n + r];
        X[r * nb2 + t] = v;
        X[r * nb2 + b + t] = w;
        Y[r * nb2 + t] = w;
        Y[r * nb2 + b + t] = v;
      }
    }
    const RB = 128;
    for (let r0 = 0; r0 < m; r0 += RB) {
      const r1 = Math.min(m, r0 + RB);
      dgemm(false, true, r1 - r0, r1, 2 * b, -1, X.subarray(r0 * nb2), nb2, Y, nb2, 1, A.subarray(r0 * n), n);
    }
  }
  hh[0] = 0;
  e[0] = 0;
  d[0] = A[0];
}

/**
 * The blocked reduction with everything in the WebAssembly memory (reserveWasm): the matrix, the
 * panel's W and V rows and the vectors; the symmetric mat-vec, the row update of the panel and its
 * corrections run in SIMD kernels (wasm-symv.ts), the trailing rank-2nb update in the gemm
 * micro-kernel accumulating into the matrix in place (dgemmLowerInWasm). Returns false (nothing done)
 * when the kernels or the memory are unavailable.
 */
function tridiagonalizeBlockedWasm(n: number, a: Float64Array, d: Float64Array, e: Float64Array, hh: Float64Array, nb: number, keepReflectors: boolean): boolean {
  const k = reductionKernels();
  if (!k) return false;
  const al = (x: number) => (x + 7) & ~7;
  // Layout (doubles): A n*n | p n | WV 2nb rows of n (W_0..W_{nb-1}, V_0..V_{nb-1}) | NX 2nb rows (-V, -W) | coefficients 2nb.
  const pOff = al(n * n);
  const wvOff = al(pOff + n + 2);
  const vOff = wvOff + nb * n;
  const nxOff = al(wvOff + 2 * nb * n);
  const cfOff = al(nxOff + 2 * nb * n);
  // S - 1 more mat-vec buffers (chunk 0 uses p itself) and the constant 1.
  const S = SYMV_CHUNKS;
  const pBuf = [pOff];
  for (let c = 1; c < S; c++) pBuf.push(al(cfOff + 2 * nb + 2) + (c - 1) * al(n + 2));
  const oneOff = al(cfOff + 2 * nb + 2) + (S - 1) * al(n + 2);
  const total = al(oneOff + 1);
  const tb = new Int32Array(S + 1);
  // One job array, given to every worker of every shared mat-vec (word KIND = 1 marks the job kind).
  const job: number[] = new Array(KIND + 1).fill(0);
  const jobs: number[][] = [];
  let aloneLeft = 0;
  let sharedCalls = 0;
  let sharedMs = 0;
  let soloMs = 0;
  const w = reserveWasm(total, gemmScratchDoubles());
  if (!w) return false;
  const pool = w.shared ? gemmPool(w.mem, w.bytes, w.auxBytes) : null;
  let A = w.f64;
  /** Zero row t of V and W and its two rows of NX = [-V; -W]. */
  const clearPanelRow = (t: number): void => {
    for (const off of [vOff + t * n, wvOff + t * n, nxOff + t * n, nxOff + (nb + t) * n]) A.fill(0, off, off + n);
  };
  try {
    A.set(a.subarray(0, n * n));
    A[oneOff] = 1;
    const { symv, axpys, dots } = k;
    const R = SYMV_ROWS;
    for (let ihi = n - 1; ihi >= 1; ihi -= nb) {
      const ilo = Math.max(1, ihi - nb + 1);
      for (let i = ihi; i >= ilo; i--) {
        const jc = ihi - i; // rows 0..jc-1 of W and V hold the panel's earlier reflectors
        const ri = i * n;
        if (jc > 0) {
          // Row i (columns 0..i) -= sum_t W_t V_t[i] + V_t W_t[i].
          for (let t = 0; t < jc; t++) {
            A[cfOff + t] = -A[vOff + t * n + i];
            A[cfOff + nb + t] = -A[wvOff + t * n + i];
          }
          const len2 = (i + 1) >> 1;
          axpys(wvOff * 8, n * 8, cfOff * 8, jc, ri * 8, len2);
          axpys(vOff * 8, n * 8, (cfOff + nb) * 8, jc, ri * 8, len2);
          if ((i + 1) & 1) {
            let s = 0;
            for (let t = 0; t < jc; t++) s += A[wvOff + t * n + i] * A[cfOff + t] + A[vOff + t * n + i] * A[cfOff + nb + t];
            A[ri + i] += s;
          }
        }
        d[i] = A[ri + i];
        const l = i - 1;
        const h = reflector(A, ri, l, e, i);
        if (h === 0) {
          // No reflector: its rows of V, W and NX are zero (the later columns of the panel read them).
          hh[i] = 0;
          clearPanelRow(jc);
          continue;
        }
        // p = A[0..l, 0..l] u on the stored lower triangle (panel-start state): R-row blocks with
        // their diagonal blocks in SIMD, the last rows here.
        // S chunks of block rows with equal areas, each into its own buffer and summed in a fixed order,
        // so the bits do not depend on how many threads took chunks (workers take the later chunks).
        const nblocks = Math.floor(i / R);
        for (let c = 0; c < S; c++) tb[c] = Math.floor(nblocks * Math.sqrt(c / S));
        tb[S] = nblocks;
        A.fill(0, pOff, pOff + i);
        for (let c = 1; c < S; c++) A.fill(0, pBuf[c], pBuf[c] + R * tb[c + 1]);
        const share = pool !== null && nblocks >= SYMV_THREAD_MIN_BLOCKS && aloneLeft-- <= 0;
        const T = share && pool ? Math.min(S, pool.readyWorkers() + 1) : 1;
        if (T > 1 && pool) {
          // The chunks go to whichever thread claims them first (an atomic counter), so a thread that is
          // slow or descheduled leaves the rest to the others; a chunk's buffer is the same whoever fills it.
          const t0 = performance.now();
          const claims = pool.claims;
          claimGen = (claimGen % 0x3fffffff) + 1;
          const gen = claimGen;
          Atomics.store(claims, 0, 0);
          job[0] = 0;
          job[1] = n * 8;
          job[2] = ri * 8;
          job[3] = S;
          for (let c = 0; c < S; c++) {
            job[4 + 3 * c] = tb[c];
            job[5 + 3 * c] = tb[c + 1];
            job[6 + 3 * c] = pBuf[c] * 8;
          }
          job[CLAIM_GEN] = gen;
          job[KIND] = 1;
          jobs.length = 0;
          for (let j = 1; j < T; j++) jobs.push(job);
          const handles = pool.dispatch(jobs);
          let mine = 0;
          for (let c = Atomics.add(claims, 0, 1); c < S; c = Atomics.add(claims, 0, 1)) {
            symv(0, n * 8, ri * 8, pBuf[c] * 8, tb[c + 1], tb[c]);
            Atomics.store(claims, 1 + c, gen);
            mine++;
          }
          const t1 = performance.now();
          pool.wait(handles);
          for (let c = 0; c < S; c++) {
            if (Atomics.load(claims, 1 + c) === gen) continue;
            // A worker failed with this chunk claimed: redo it here (same chunk, same buffer, same bits).
            A.fill(0, pBuf[c], pBuf[c] + R * tb[c + 1]);
            symv(0, n * 8, ri * 8, pBuf[c] * 8, tb[c + 1], tb[c]);
          }
          // Sharing pays only if the workers take chunks about as fast as this thread. On an oversubscribed
          // host the spinning threads take turns on one core, and a worker's first calls run unoptimised
          // code: by windows of 16 shared mat-vecs, if they took longer than this thread alone would have
          // (its own time scaled by S / the chunks it took), the next 64 go alone, then it tries again.
          sharedMs += performance.now() - t0;
          soloMs += mine > 0 ? ((t1 - t0) * S) / mine : 0;
          if (++sharedCalls === 16) {
            if (sharedMs > 0.9 * soloMs) aloneLeft = 64;
            sharedCalls = 0;
            sharedMs = 0;
            soloMs = 0;
          }
        } else {
          for (let c = 0; c < S; c++) symv(0, n * 8, ri * 8, pBuf[c] * 8, tb[c + 1], tb[c]);
        }
        for (let c = 1; c < S; c++) if (tb[c + 1] > tb[c]) axpys(pBuf[c] * 8, 0, oneOff * 8, 1, pOff * 8, (R * tb[c + 1]) >> 1);
        for (let j = nblocks * R; j <= l; j++) {
          const rj = j * n;
          const uj = A[ri + j];
          let acc = 0;
          for (let c = 0; c < j; c++) {
            const ajc = A[rj + c];
            acc += ajc * A[ri + c];
            A[pOff + c] += ajc * uj;
          }
          A[pOff + j] += acc + A[rj + j] * uj;
        }
        if (jc > 0) {
          // p -= V (W^T u) + W (V^T u) over the panel's earlier reflectors (support 0..l).
          const len2 = i >> 1;
          dots(wvOff * 8, n * 8, ri * 8, jc, cfOff * 8, len2);
          dots(vOff * 8, n * 8, ri * 8, jc, (cfOff + nb) * 8, len2);
          if (i & 1) {
            const ul = A[ri + l];
            for (let t = 0; t < jc; t++) {
              A[cfOff + t] += A[wvOff + t * n + l] * ul;
              A[cfOff + nb + t] += A[vOff + t * n + l] * ul;
            }
          }
          for (let t = 0; t < 2 * nb; t++) A[cfOff + t] = t % nb < jc ? -A[cfOff + t] : 0;
          // coefficient of V_t is -(W_t . u), of W_t is -(V_t . u)
          axpys(vOff * 8, n * 8, cfOff * 8, jc, pOff * 8, len2);
          axpys(wvOff * 8, n * 8, (cfOff + nb) * 8, jc, pOff * 8, len2);
          if (i & 1) {
            let s = 0;
            for (let t = 0; t < jc; t++) s += A[vOff + t * n + l] * A[cfOff + t] + A[wvOff + t * n + l] * A[cfOff + nb + t];
            A[pOff + l] += s;
          }
        }
        let up = 0;
        for (let c = 0; c <= l; c++) {
          A[pOff + c] /= h;
          up += A[ri + c] * A[pOff + c];
        }
        const kk = up / (2 * h);
        const ov = vOff + jc * n;
        const ow = wvOff + jc * n;
        const nv = nxOff + jc * n;
        const nw = nxOff + (nb + jc) * n;
        for (let c = 0; c <= l; c++) {
          const u = A[ri + c];
          const wc = A[pOff + c] - kk * u;
          A[ov + c] = u;
          A[ow + c] = wc;
          A[nv + c] = -u;
          A[nw + c] = -wc;
        }
        hh[i] = h;
      }
      // Rows beyond a short last panel are zero; the others are read only inside their support 0..l,
      // which each panel writes, so nothing is cleared between panels.
      for (let t = ihi - ilo + 1; t < nb; t++) clearPanelRow(t);
      // Trailing block A[0..ilo-1] -= V W^T + W V^T = NX^T WV with NX = [-V; -W] (2nb x n), by row
      // blocks of the lower triangle, accumulated in place.
      const m = ilo;
      if (m === 0) continue;
      // By row blocks: the rectangle left of each diagonal block in one gemm, the diagonal block in
      // strips (little of the upper triangle computed); rows shared between threads by area.
      dgemmLowerInWasm(2 * nb, m, nxOff, n, wvOff, n, 0, n);
      A = w.f64; // a grow of the memory (more threads than the slack allowed for) replaces the view
    }
    hh[0] = 0;
    e[0] = 0;
    d[0] = A[0];
    if (keepReflectors) a.set(A.subarray(0, n * n));
  } finally {
    releaseWasm();
  }
  return true;
}

let useWasmSymv = true;
/** Use the WebAssembly SIMD mat-vec in the blocked reduction (default true; false: plain JS, for tests and benchmarks). */
export function setWasmSymv(on: boolean): void {
  useWasmSymv = on;
}
