import type { PackKernels, WasmKernel } from './gemm-block.js';
import { SHARED_MAX_PAGES, gemmKernelBytes } from './wasm-gemm-module.js';
import { SYMV_ROWS, reductionKernelBytes } from './wasm-reduction-module.js';

/**
 * The WebAssembly gemm kernel and its memory, loaded once (shared between dgemm.ts and the worker
 * pool of gemm-threads.ts, which both import it; kept apart from both so they do not import each other).
 */

/** The little of the WebAssembly JS API used here (lib ES2022 without DOM does not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

export interface WasmState {
  mem: WasmMemory;
  shared: boolean;
  bytes: Uint8Array;
  /** The tridiagonal reduction's kernels (wasm-reduction-module.ts) for the same memory; workers instantiate them too. */
  auxBytes: Uint8Array;
  kernel: WasmKernel;
  /**
   * The aux module (wasm-reduction-module.ts) instantiated on this thread over the same memory: the
   * reduction's kernels (symv, axpys, dots) and the gemm's SIMD panel packing (null where it failed).
   */
  aux: (PackKernels & Record<string, unknown>) | null;
  /** Whether `kernel` accumulates with fused multiply-adds (relaxed SIMD). */
  fma: boolean;
  f64: Float64Array;
}

/** Environment variable: '0' keeps the multiply + add kernel even where relaxed SIMD is available. */
export const FMA_ENV_VAR = 'DIFFUSION_THEORY_WASM_FMA';

/**
 * Whether this runtime accepts the relaxed-SIMD kernel. Node >= 22 and current browsers do by default.
 * Node 20 (V8 11.3) implements relaxed SIMD behind `--experimental-wasm-relaxed-simd`; there the flag is
 * switched on through `v8.setFlagsFromString` (it only admits the relaxed-SIMD opcodes in modules
 * compiled afterwards) unless $DIFFUSION_THEORY_WASM_FMA is '0'.
 */
function relaxedSimd(W: WasmApi, shared: boolean): boolean {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.env?.[FMA_ENV_VAR] === '0') return false;
  const probe = gemmKernelBytes(shared, true);
  if (W.validate(probe)) return true;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  if (!v8?.setFlagsFromString) return false;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return W.validate(probe);
}

let wasm: WasmState | null | undefined;

export function loadWasm(): WasmState | null {
  if (wasm !== undefined) return wasm;
  try {
    const W = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!W) throw new Error('no WebAssembly');
    // A shared memory (when SharedArrayBuffer exists) lets worker threads join large gemms.
    let shared = typeof SharedArrayBuffer === 'function';
    let mem: WasmMemory;
    try {
      mem = shared ? new W.Memory({ initial: 64, maximum: SHARED_MAX_PAGES, shared: true }) : new W.Memory({ initial: 64 });
    } catch {
      shared = false;
      mem = new W.Memory({ initial: 64 });
    }
    const fma = relaxedSimd(W, shared);
    const bytes = gemmKernelBytes(shared, fma);
    const inst = new W.Instance(new W.Module(bytes), { env: { mem } });
    const auxBytes = reductionKernelBytes(SYMV_ROWS, shared, fma);
    let aux: WasmState['aux'] = null;
    try {
      aux = new W.Instance(new W.Module(auxBytes), { env: { mem } }).exports as WasmState['aux'];
    } catch {
      aux = null;
    }
    wasm = { mem, shared, bytes, auxBytes, kernel: inst.exports.kernel as WasmKernel, aux, fma, f64: new Float64Array(mem.buffer) };
  } catch {
    wasm = null;
  }
  return wasm;
}

/** The shared WebAssembly memory and kernel bytes (null when wasm or shared memory is unavailable). */
export function wasmSharedState(): { mem: WasmMemory; bytes: Uint8Array; auxBytes: Uint8Array } | null {
  const w = loadWasm();
  return w?.shared ? { mem: w.mem, bytes: w.bytes, auxBytes: w.auxBytes } : null;
}

/**
 * A caller's region at the start of the WebAssembly memory (doubles [0, reserved)): the blocked
 * reductions keep their working matrix there so that gemm accumulates into it in place
 * (`dgemmLowerInWasm`) and their SIMD kernels read it without copies. dgemm's own scratch starts after it.
 * One region at a time (JS is single-threaded and the reductions do not nest).
 */
let reserved = 0;

/** Start (in doubles) of dgemm's scratch: after the reserved region. */
export function wasmScratchBase(): number {
  return reserved;
}

/** Grow the memory to hold `doubles` doubles; returns the current view (a grow replaces it). */
export function ensureWasmDoubles(w: WasmState, doubles: number): Float64Array {
  const need = doubles * 8;
  if (w.mem.buffer.byteLength < need) w.mem.grow(Math.ceil((need - w.mem.buffer.byteLength) / 65536));
  if (w.f64.length * 8 !== w.mem.buffer.byteLength) w.f64 = new Float64Array(w.mem.buffer);
  return w.f64;
}

/**
 * Reserve doubles [0, doubles) of the WebAssembly memory, plus `slack` doubles beyond for dgemm's
 * scratch (so that gemms of that size do not grow the memory, which would replace the view).
 * Returns the state, or null (no WebAssembly, the memory cannot grow, or a region is already held).
 * Release with `releaseWasm()`.
 */
export function reserveWasm(doubles: number, slack: number): WasmState | null {
  const w = loadWasm();
  if (!w || reserved !== 0) return null;
  try {
    ensureWasmDoubles(w, doubles + slack + 8);
  } catch {
    return null;
  }
  reserved = (doubles + 7) & ~7;
  return w;
}

export function releaseWasm(): void {
  reserved = 0;
}

/** Whether the gemm micro-kernel accumulates with fused multiply-adds (relaxed SIMD; see README). */
export function wasmGemmFma(): boolean {
  return loadWasm()?.fma ?? false;
}

/** Whether the WebAssembly SIMD micro-kernel is usable on this runtime. */
export function wasmGemmAvailable(): boolean {
  return loadWasm() !== null;
}
