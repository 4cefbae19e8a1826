import { gemmBlock, gemmLowerBlocks } from './gemm-block.js';
import { type GemmPool, KIND, gemmPool, gemmThreads } from './gemm-threads.js';
import { type WasmState, ensureWasmDoubles, loadWasm, wasmScratchBase } from './wasm-gemm-state.js';

export { wasmGemmAvailable, wasmGemmFma } from './wasm-gemm-state.js';

/**
 * Unchecked base routines (stdlib style): raw row-major Float64Array + dimensions, no validation.
 *
 * `dgemm` computes C = alpha op(A) op(B) + beta C with op(X) = X or X^T, C m x n, op(A) m x k,
 * op(B) k x n. As in BLAS, beta = 0 overwrites C (NaN in C does not propagate) and alpha = 0
 * or k = 0 only scales C.
 *
 * Paths (chosen by size; all give the naive triple loop's result to ~1e-15 relative):
 * - small (m n k < 32^3) or very thin (k < 8, or m or n < 4): direct JS loops;
 * - otherwise: cache-blocked GotoBLAS scheme with A and B packed into 4-row / 4-column
 *   panels in WebAssembly memory and a 4x4 f64x2 SIMD micro-kernel (see wasm-gemm-module.ts).
 * - large (m n k >= 128^3, m >= 64) with worker threads enabled and ready: C split by row blocks
 *   between the calling thread and workers sharing the WebAssembly memory (gemm-threads.ts;
 *   on by default wherever the host has more than one core; bit-identical for any thread count).
 * If WebAssembly SIMD is unavailable the JS path is used throughout.
 */

const KC = 256;
const MC = 64;
const NC = 512;

/** Doubles of dgemm scratch (packing areas) that the in-place gemms need beyond a reserved region, for every thread. */
export function gemmScratchDoubles(): number {
  return Math.max(1, gemmThreads()) * align8(MC * KC + KC * NC) + 64;
}

/** Force a gemm path (for tests and benchmarks): 'auto' (default), 'js' or 'wasm'. */
let forced: 'auto' | 'js' | 'wasm' = 'auto';
export function setGemmPath(path: 'auto' | 'js' | 'wasm'): void {
  forced = path;
}


/** Scale C (m x n, ldc) by beta; beta = 0 writes zeros. */
function scaleC(m: number, n: number, beta: number, C: Float64Array, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const r = i * ldc;
    if (beta === 0) C.fill(0, r, r + n);
    else for (let j = 0; j < n; j++) C[r + j] *= beta;
  }
}

export function dgemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    scaleC(m, n, beta, C, ldc);
    return;
  }
  const useWasm = forced === 'wasm' || (forced === 'auto' && m * n * k >= 32768 && k >= 8 && m >= 4 && n >= 4);
  if (useWasm && loadWasm()) {
    try {
      dgemmWasm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      return;
    } catch (e) {
      // Only a failed memory.grow (a product too large for wasm memory) lands here, before C is touched.
      if (!(e instanceof RangeError)) throw e;
    }
  }
  if (forced === 'auto' && (n <= 4 || k <= 4) && m >= 16) {
    dgemmThin(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  dgemmJs(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

let thinPack = new Float64Array(0);

/**
 * Thin products (n <= 4 or k <= 4, e.g. a batch times a d x r weight matrix with r small): op(B) is
 * packed once into contiguous rows, then every row of C is done in one pass with the few
 * accumulators (n <= 4: dot products over a contiguous row of op(A); k <= 4: one fused axpy over
 * the row of C). Memory-bound, about 3x the generic JS loops on these shapes.
 */
function dgemmThin(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number,
): void {
  scaleC(m, n, beta, C, ldc);
  const bp = transB ? 1 : ldb;
  const bj = transB ? ldb : 1;
  const ai = transA ? 1 : lda;
  const ap = transA ? lda : 1;
  if (thinPack.length < n * k) thinPack = new Float64Array(n * k);
  const P = thinPack;
  if (n <= 4) {
    // P row j = column j of op(B) (length k)
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) P[j * k + p] = B[p * bp + j * bj];
    for (let i = 0; i < m; i++) {
      const ia = i * ai;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const a = A[ia + p * ap];
        s0 += a * P[p];
        if (n > 1) s1 += a * P[k + p];
        if (n > 2) s2 += a * P[2 * k + p];
        if (n > 3) s3 += a * P[3 * k + p];
      }
      const ci = i * ldc;
      C[ci] += alpha * s0;
      if (n > 1) C[ci + 1] += alpha * s1;
      if (n > 2) C[ci + 2] += alpha * s2;
      if (n > 3) C[ci + 3] += alpha * s3;
    }
    return;
  }
  // k <= 4: P row p = row p of op(B) (length n)
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) P[p * n + j] = B[p * bp + j * bj];
  for (let i = 0; i < m; i++) {
    const ia = i * ai;
    const ci = i * ldc;
    const a0 = alpha * A[ia];
    const a1 = k > 1 ? alpha * A[ia + ap] : 0;
    const a2 = k > 2 ? alpha * A[ia + 2 * ap] : 0;
    const a3 = k > 3 ? alpha * A[ia + 3 * ap] : 0;
    if (k === 1) for (let j = 0; j < n; j++) C[ci + j] += a0 * P[j];
    else if (k === 2) for (let j = 0; j < n; j++) C[ci + j] += a0 * P[j] + a1 * P[n + j];
    else if (k === 3) for (let j = 0; j < n; j++) C[ci + j] += a0 * P[j] + a1 * P[n + j] + a2 * P[2 * n + j];
    else for (let j = 0; j < n; j++) C[ci + j] += a0 * P[j] + a1 * P[n + j] + a2 * P[2 * n + j] + a3 * P[3 * n + j];
  }
}

/**
 * Direct JS loops: the axpy form C[i,:] += a_ip B[p,:] when B's rows are contiguous (or k is
 * tiny), the dot-product form C[i,j] += <A[i,:], B[:,j]> when B^T's rows are (or n is tiny).
 */
export function dgemmJs(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number,
): void {
  scaleC(m, n, beta, C, ldc);
  // Element (p, j) of op(B) is B[p * bp + j * bj]; element (i, p) of op(A) is A[i * ai + p * ap].
  const bp = transB ? 1 : ldb;
  const bj = transB ? ldb : 1;
  const ai = transA ? 1 : lda;
  const ap = transA ? lda : 1;
  const axpy = transB ? k < 8 : n >= 8;
  for (let i = 0; i < m; i++) {
    const ci = i * ldc;
    const ia = i * ai;
    if (axpy) {
      for (let p = 0; p < k; p++) {
        const a = alpha * A[ia + p * ap];
        if (a === 0) continue;
        const b0 = p * bp;
        if (bj === 1) for (let j = 0; j < n; j++) C[ci + j] += a * B[b0 + j];
        else for (let j = 0; j < n; j++) C[ci + j] += a * B[b0 + j * bj];
      }
    } else {
      for (let j = 0; j < n; j++) {
        const b0 = j * bj;
        let s = 0;
        if (ap === 1 && bp === 1) for (let p = 0; p < k; p++) s += A[ia + p] * B[b0 + p];
        else for (let p = 0; p < k; p++) s += A[ia + p * ap] * B[b0 + p * bp];
        C[ci + j] += alpha * s;
      }
    }
  }
}

const THREAD_MIN_MNK = 128 * 128 * 128;
/** In place (no copies of A and B into the shared memory) threads pay off from smaller products. */
const THREAD_MIN_MNK_IN_PLACE = 1 << 22;

let lastThreads = 0;
/** Threads used by the last WebAssembly gemm (1 = calling thread only); for tests and benchmarks. */
export function lastGemmThreadCount(): number {
  return lastThreads;
}

function dgemmWasm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number,
): void {
  const w = loadWasm() as WasmState;
  const mp = (m + 3) & ~3;
  const np = (n + 3) & ~3;
  const ncMax = Math.min(NC, np);
  const packSize = align8(MC * KC + KC * ncMax);
  const pool: GemmPool | null = w.shared && m * n * k >= THREAD_MIN_MNK && m >= 64 ? gemmPool(w.mem, w.bytes, w.auxBytes) : null;
  const workers = pool ? pool.readyWorkers() : 0;
  lastThreads = workers + 1;
  // Layout (in doubles, after any reserved region): [Cpad mp*np][pack area per thread][copies of A and B when threaded].
  const cOff = wasmScratchBase();
  const packOff = align8(cOff + mp * np);
  if (workers === 0) {
    // A and B copied into the memory so that the SIMD copies pack them (faster than packing from here).
    const aLen = transA ? (k - 1) * lda + m : (m - 1) * lda + k;
    const bLen = transB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
    const aOff = packOff + packSize;
    const bOff = align8(aOff + aLen);
    const inMem = w.aux !== null;
    const f = ensureWasmDoubles(w, inMem ? bOff + bLen : packOff + packSize);
    if (inMem) {
      f.set(A.subarray(0, aLen), aOff);
      f.set(B.subarray(0, bLen), bOff);
    }
    f.fill(0, cOff, cOff + mp * np);
    gemmBlock(f, w.kernel, transA, transB, inMem ? f : A, inMem ? aOff : 0, lda, inMem ? f : B, inMem ? bOff : 0, ldb, 0, m, n, k, np, cOff, packOff, packOff + MC * KC, KC, MC, NC, false, w.aux);
  } else {
    // A and B are copied into the shared memory, where every thread packs them with the SIMD copies;
    // each thread clears its own rows of C, and this thread copies its rows out while the workers finish.
    const T = workers + 1;
    const chunk = Math.min(m, Math.ceil(m / T / 4) * 4);
    const aLen = transA ? (k - 1) * lda + m : (m - 1) * lda + k;
    const bLen = transB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
    const aOff = packOff + T * packSize;
    const bOff = align8(aOff + aLen);
    const f = ensureWasmDoubles(w, bOff + bLen);
    f.set(A.subarray(0, aLen), aOff);
    f.set(B.subarray(0, bLen), bOff);
    const own = { zeroC: true, ownDone: () => copyOut(0, chunk) };
    for (const [r0, r1] of rowBlocksThreaded(w, pool as GemmPool, T, f, transA, transB, aOff, lda, bOff, ldb, m, n, k, np, cOff, packOff, packSize, own)) {
      // A worker failed: redo its rows here.
      gemmBlock(f, w.kernel, transA, transB, f, aOff, lda, f, bOff, ldb, r0, r1, n, k, np, cOff, packOff, packOff + MC * KC, KC, MC, NC, true, w.aux);
    }
    copyOut(chunk, m);
    return;
  }
  copyOut(0, m);

  /** Rows [r0, r1) of C = alpha (the padded product) + beta C. */
  function copyOut(r0: number, r1: number): void {
    const f = w.f64;
    if (alpha === 1 && beta === 0) {
      // The common case as block copies (memcpy) instead of an element loop.
      if (np === n && ldc === n) C.set(f.subarray(cOff + r0 * n, cOff + r1 * n), r0 * n);
      else for (let i = r0; i < r1; i++) C.set(f.subarray(cOff + i * np, cOff + i * np + n), i * ldc);
      return;
    }
    for (let i = r0; i < r1; i++) {
      const ci = i * ldc;
      const pi = cOff + i * np;
      if (beta === 0) for (let j = 0; j < n; j++) C[ci + j] = alpha * f[pi + j];
      else for (let j = 0; j < n; j++) C[ci + j] = alpha * f[pi + j] + beta * C[ci + j];
    }
  }
}

/** Options of rowBlocksThreaded (default: accumulate in place). */
interface RowBlockOptions {
  /** Clear the rows of C first (every thread its own). */
  zeroC: boolean;
  /** Called when this thread's rows are done, before waiting for the workers. */
  ownDone?: () => void;
}

/**
 * Rows [0, m) of the product split between this thread and T - 1 workers in row blocks of multiples
 * of 4 (this thread takes the first), the operands in the wasm memory `f` (C at cOff, row stride
 * ldc). Every element of C is
 * the same micro-kernel sum whichever thread computes its row. Returns the row ranges of failed workers.
 */
function rowBlocksThreaded(
  w: WasmState, pool: GemmPool, T: number, f: Float64Array, transA: boolean, transB: boolean,
  aOff: number, lda: number, bOff: number, ldb: number, m: number, n: number, k: number,
  ldc: number, cOff: number, packOff: number, packSize: number,
  own: RowBlockOptions = { zeroC: false },
): Array<[number, number]> {
  const chunk = Math.ceil(m / T / 4) * 4;
  const jobs: Array<{ job: number[]; r0: number; r1: number }> = [];
  for (let t = 1; t < T; t++) {
    const r0 = Math.min(m, t * chunk);
    const r1 = Math.min(m, (t + 1) * chunk);
    if (r0 >= r1) continue;
    const ap = packOff + t * packSize;
    jobs.push({ job: [transA ? 1 : 0, transB ? 1 : 0, aOff, lda, bOff, ldb, r0, r1, n, k, ldc, cOff, ap, ap + MC * KC, KC, MC, NC, own.zeroC ? 1 : 0], r0, r1 });
  }
  const handles = pool.dispatch(jobs.map((j) => j.job));
  gemmBlock(f, w.kernel, transA, transB, f, aOff, lda, f, bOff, ldb, 0, Math.min(m, chunk), n, k, ldc, cOff, packOff, packOff + MC * KC, KC, MC, NC, own.zeroC, w.aux);
  own.ownDone?.();
  return pool.wait(handles).map((i) => [jobs[i].r0, jobs[i].r1]);
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * C += op(A) op(B) with all three operands already in the WebAssembly memory (offsets in doubles,
 * row-major with leading dimensions), accumulated into C in place: no copies. The micro-kernel
 * writes whole 4 x 4 tiles, so C's rows up to m rounded up to 4 and columns up to n rounded up to 4
 * must lie in the caller's storage, and a row's padding columns must not be another row's entries
 * (ldc >= n rounded up to 4): the padding receives + 0 (op(A) and op(B) are zero-padded), which
 * leaves finite entries unchanged. Threads split C by row blocks of 4 as dgemm does (bit-identical
 * for any thread count). For the blocked reductions (reserveWasm); false when the kernel is unavailable.
 */
export function dgemmInWasm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  aOff: number, lda: number, bOff: number, ldb: number, cOff: number, ldc: number,
): boolean {
  const w = loadWasm();
  if (!w) return false;
  if (m === 0 || n === 0 || k === 0) return true;
  const np = (n + 3) & ~3;
  const packSize = align8(MC * KC + KC * Math.min(NC, np));
  const packOff = align8(wasmScratchBase());
  const pool: GemmPool | null = w.shared && m * n * k >= THREAD_MIN_MNK_IN_PLACE && m >= 128 ? gemmPool(w.mem, w.bytes, w.auxBytes) : null;
  const workers = pool ? pool.readyWorkers() : 0;
  const T = workers + 1;
  const f = ensureWasmDoubles(w, packOff + T * packSize);
  lastThreads = T;
  if (workers === 0) {
    gemmBlock(f, w.kernel, transA, transB, f, aOff, lda, f, bOff, ldb, 0, m, n, k, ldc, cOff, packOff, packOff + MC * KC, KC, MC, NC, false, w.aux);
    return true;
  }
  if (rowBlocksThreaded(w, pool as GemmPool, T, f, transA, transB, aOff, lda, bOff, ldb, m, n, k, ldc, cOff, packOff, packSize).length > 0) {
    // A worker failed part-way: its rows of C may hold a partial sum, which cannot be undone in place.
    throw new Error('dgemmInWasm: a gemm worker thread failed');
  }
  return true;
}

/**
 * The lower triangle (columns <= row) of C[0..m) += A^T B in place in the WebAssembly memory (A:
 * k x m at aOff, leading dimension lda; B: k x m at bOff, ldb; C at cOff, ldc; offsets in doubles),
 * for the trailing update of the tridiagonal reduction: RB-row blocks (the rectangle left of the
 * diagonal block in one gemm, the diagonal block in 32-row strips; gemmLowerBlocks), rows shared
 * between the threads by area. No copies: C accumulates in place. The strips are computed whole, so
 * row i also gets the product in columns i + 1 .. (its strip's end) - 1 of the upper triangle, which
 * the caller must treat as scratch; and the micro-kernel writes whole 4 x 4 tiles, so rows up to
 * m + 3 and 3 more columns must lie in the caller's storage (they receive + 0: the packed operands
 * are zero-padded). Bit-identical for any thread count. False when the WebAssembly kernel is unavailable.
 */
export function dgemmLowerInWasm(k: number, m: number, aOff: number, lda: number, bOff: number, ldb: number, cOff: number, ldc: number): boolean {
  const w = loadWasm();
  if (!w) return false;
  if (m === 0 || k === 0) return true;
  const RB = 128;
  const DS = 32;
  const packSize = align8(MC * KC + KC * NC);
  const packOff = align8(wasmScratchBase());
  const pool: GemmPool | null = w.shared && m * m * k >= THREAD_MIN_MNK_IN_PLACE ? gemmPool(w.mem, w.bytes, w.auxBytes) : null;
  const T = Math.min(pool ? pool.readyWorkers() + 1 : 1, Math.ceil(m / 64));
  const f = ensureWasmDoubles(w, packOff + T * packSize);
  lastThreads = T;
  if (T === 1) {
    gemmLowerBlocks(f, w.kernel, aOff, lda, bOff, ldb, k, cOff, ldc, 0, m, RB, DS, packOff, packOff + MC * KC, KC, MC, NC, w.aux);
    return true;
  }
  // Split the rows into T runs of about equal area (rows [0, r) hold about r^2 / 2 entries), cut at
  // multiples of DS: the lower triangle does not depend on where the cuts fall (gemmLowerBlocks), and
  // with strips starting where they would anyway, neither does the scratch above the diagonal.
  const cuts = [0];
  for (let t = 1; t < T; t++) cuts.push(Math.max(cuts[t - 1], Math.min(m, Math.round((m * Math.sqrt(t / T)) / DS) * DS)));
  cuts.push(m);
  const jobs: Array<{ job: number[]; r0: number; r1: number }> = [];
  for (let t = 1; t < T; t++) {
    const r0 = cuts[t];
    const r1 = cuts[t + 1];
    if (r0 >= r1) continue;
    const ap = packOff + t * packSize;
    const job = [aOff, lda, bOff, ldb, k, cOff, ldc, r0, r1, RB, DS, ap, ap + MC * KC, KC, MC, NC];
    while (job.length < KIND) job.push(0);
    job[KIND] = 2;
    jobs.push({ job, r0, r1 });
  }
  const handles = (pool as GemmPool).dispatch(jobs.map((j) => j.job));
  gemmLowerBlocks(f, w.kernel, aOff, lda, bOff, ldb, k, cOff, ldc, 0, cuts[1], RB, DS, packOff, packOff + MC * KC, KC, MC, NC, w.aux);
  if ((pool as GemmPool).wait(handles).length > 0) {
    // A worker failed part-way: its rows of C may hold a partial sum, which cannot be undone in place.
    throw new Error('dgemmLowerInWasm: a gemm worker thread failed');
  }
  return true;
}
