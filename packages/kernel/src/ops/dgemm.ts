import { gemmKernelBytes } from './wasm-gemm-module.js';

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
 * If WebAssembly SIMD is unavailable the JS path is used throughout.
 */

const KC = 256;
const MC = 64;
const NC = 2048;

interface WasmState {
  mem: WebAssembly.Memory;
  kernel: (pa: number, pb: number, pc: number, mp: number, np: number, kc: number, ldcBytes: number) => void;
  f64: Float64Array;
}

let wasm: WasmState | null | undefined;

function loadWasm(): WasmState | null {
  if (wasm !== undefined) return wasm;
  try {
    const mem = new WebAssembly.Memory({ initial: 64 });
    const mod = new WebAssembly.Module(gemmKernelBytes());
    const inst = new WebAssembly.Instance(mod, { env: { mem } });
    wasm = { mem, kernel: inst.exports.kernel as WasmState['kernel'], f64: new Float64Array(mem.buffer) };
  } catch {
    wasm = null;
  }
  return wasm;
}

/** Whether the WebAssembly SIMD micro-kernel is usable on this runtime. */
export function wasmGemmAvailable(): boolean {
  return loadWasm() !== null;
}

/** Force a gemm path (for tests and benchmarks): 'auto' (default), 'js' or 'wasm'. */
let forced: 'auto' | 'js' | 'wasm' = 'auto';
export function setGemmPath(path: 'auto' | 'js' | 'wasm'): void {
  forced = path;
}

function ensureDoubles(w: WasmState, n: number): Float64Array {
  const need = n * 8;
  if (w.mem.buffer.byteLength < need) {
    w.mem.grow(Math.ceil((need - w.mem.buffer.byteLength) / 65536));
    w.f64 = new Float64Array(w.mem.buffer);
  }
  return w.f64;
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
  if (useWasm && loadWasm()) dgemmWasm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  else dgemmJs(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

/** Direct JS loops (i-p-j order for row-major B, dot products for B^T). */
export function dgemmJs(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number,
): void {
  scaleC(m, n, beta, C, ldc);
  for (let i = 0; i < m; i++) {
    const ci = i * ldc;
    if (!transB) {
      for (let p = 0; p < k; p++) {
        const a = alpha * (transA ? A[p * lda + i] : A[i * lda + p]);
        if (a === 0) continue;
        const bp = p * ldb;
        for (let j = 0; j < n; j++) C[ci + j] += a * B[bp + j];
      }
    } else if (!transA) {
      const ai = i * lda;
      for (let j = 0; j < n; j++) {
        const bj = j * ldb;
        let s = 0;
        for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
        C[ci + j] += alpha * s;
      }
    } else {
      for (let j = 0; j < n; j++) {
        const bj = j * ldb;
        let s = 0;
        for (let p = 0; p < k; p++) s += A[p * lda + i] * B[bj + p];
        C[ci + j] += alpha * s;
      }
    }
  }
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
  // Layout (in doubles): [Cpad mp*np][Apack MC*KC][Bpack KC*ncMax].
  const cOff = 0;
  const aOff = mp * np;
  const bOff = aOff + MC * KC;
  const f = ensureDoubles(w, bOff + KC * ncMax);
  f.fill(0, cOff, cOff + mp * np);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      const nPanels = (nc + 3) >> 2;
      packB(transB, B, ldb, pc, kc, jc, nc, f, bOff);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        const mPanels = (mc + 3) >> 2;
        packA(transA, A, lda, ic, mc, pc, kc, f, aOff);
        w.kernel(aOff * 8, bOff * 8, (cOff + ic * np + jc) * 8, mPanels, nPanels, kc, np * 8);
      }
    }
  }
  for (let i = 0; i < m; i++) {
    const ci = i * ldc;
    const pi = cOff + i * np;
    if (beta === 0) for (let j = 0; j < n; j++) C[ci + j] = alpha * f[pi + j];
    else for (let j = 0; j < n; j++) C[ci + j] = alpha * f[pi + j] + beta * C[ci + j];
  }
}

/** Pack op(A)[ic:ic+mc, pc:pc+kc] as [panel][p][4], zero-padding the last panel. */
function packA(
  transA: boolean, A: Float64Array, lda: number, ic: number, mc: number, pc: number, kc: number,
  f: Float64Array, off: number,
): void {
  for (let i0 = 0; i0 < mc; i0 += 4) {
    const rows = Math.min(4, mc - i0);
    let o = off + i0 * kc;
    for (let p = 0; p < kc; p++, o += 4) {
      for (let r = 0; r < 4; r++) {
        const i = ic + i0 + r;
        f[o + r] = r < rows ? (transA ? A[(pc + p) * lda + i] : A[i * lda + pc + p]) : 0;
      }
    }
  }
}

/** Pack op(B)[pc:pc+kc, jc:jc+nc] as [panel][p][4], zero-padding the last panel. */
function packB(
  transB: boolean, B: Float64Array, ldb: number, pc: number, kc: number, jc: number, nc: number,
  f: Float64Array, off: number,
): void {
  for (let j0 = 0; j0 < nc; j0 += 4) {
    const cols = Math.min(4, nc - j0);
    let o = off + j0 * kc;
    if (!transB && cols === 4) {
      for (let p = 0; p < kc; p++, o += 4) {
        const s = (pc + p) * ldb + jc + j0;
        f[o] = B[s];
        f[o + 1] = B[s + 1];
        f[o + 2] = B[s + 2];
        f[o + 3] = B[s + 3];
      }
      continue;
    }
    for (let p = 0; p < kc; p++, o += 4) {
      for (let c = 0; c < 4; c++) {
        const j = jc + j0 + c;
        f[o + c] = c < cols ? (transB ? B[j * ldb + pc + p] : B[(pc + p) * ldb + j]) : 0;
      }
    }
  }
}
