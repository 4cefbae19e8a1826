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

/** The reduction kernels on the gemm's memory (null without WebAssembly SIMD): loadWasm's instance of the aux module. */
export function reductionKernels(): ReductionKernels | null {
  if (kernels !== undefined) return kernels;
  const ex = loadWasm()?.aux as Record<string, RowKernel> | null | undefined;
  kernels = ex ? { symv: ex.symv, axpys: ex.axpys, dots: ex.dots } : null;
  return kernels;
}
