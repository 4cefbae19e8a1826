import type { WasmKernel } from './gemm-block.js';
import { SHARED_MAX_PAGES, gemmKernelBytes } from './wasm-gemm-module.js';

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
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

export interface WasmState {
  mem: WasmMemory;
  shared: boolean;
  bytes: Uint8Array;
  kernel: WasmKernel;
  f64: Float64Array;
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
    const bytes = gemmKernelBytes(shared);
    const inst = new W.Instance(new W.Module(bytes), { env: { mem } });
    wasm = { mem, shared, bytes, kernel: inst.exports.kernel as WasmKernel, f64: new Float64Array(mem.buffer) };
  } catch {
    wasm = null;
  }
  return wasm;
}

/** The shared WebAssembly memory and kernel bytes (null when wasm or shared memory is unavailable). */
export function wasmSharedState(): { mem: WasmMemory; bytes: Uint8Array } | null {
  const w = loadWasm();
  return w?.shared ? { mem: w.mem, bytes: w.bytes } : null;
}

/** Whether the WebAssembly SIMD micro-kernel is usable on this runtime. */
export function wasmGemmAvailable(): boolean {
  return loadWasm() !== null;
}
