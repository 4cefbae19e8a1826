/**
 * The reduction's SIMD kernels (../ops/wasm-reduction-module.ts) instantiated on the gemm's
 * WebAssembly memory, where the blocked reduction keeps its working set (reserveWasm).
 */

import { loadWasm } from '../ops/wasm-gemm-state.js';

export { SYMV_ROWS } from '../ops/wasm-reduction-module.js';

export type RowKernel = (a0: number, a1: number, a2: number, a3: number, a4: number, a5: number) => void;


export interface ReductionKernels {
  symv: RowKernel;
  axpys: RowKernel;
  dots: RowKernel;
}

let kernels: ReductionKernels | null | undefined;

/** The reduction kernels on the gemm's memory (null without WebAssembly SIMD). */
export function reductionKernels(): ReductionKernels | null {
  if (kernels !== undefined) return kernels;
  try {
    const w = loadWasm();
    if (!w) throw new Error('no WebAssembly gemm');
    const W = (globalThis as { WebAssembly?: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } }).WebAssembly;
    if (!W) throw new Error('no WebAssembly');
    const inst = new W.Instance(new W.Module(w.auxBytes), { env: { mem: w.mem } });
    const ex = inst.exports as Record<string, RowKernel>;
    kernels = { symv: ex.symv, axpys: ex.axpys, dots: ex.dots };
  } catch {
    kernels = null;
  }
  return kernels;
}
