import { dgemm, wasmGemmAvailable } from '../ops/dgemm.js';
import type { Backend, ElementwiseFn } from './types.js';

/** Elementwise functions in float64 (shared by the cpu backend and the checked ops). */
export function elementwiseFn(f: ElementwiseFn): (v: number) => number {
  switch (f) {
    case 'identity':
      return (v) => v;
    case 'tanh':
      return Math.tanh;
    case 'relu':
      return (v) => Math.max(v, 0);
    case 'sigmoid':
      return (v) => 1 / (1 + Math.exp(-v));
    case 'sin':
      return Math.sin;
    case 'exp':
      return Math.exp;
  }
}

/** The float64 reference backend: `dgemm` (WebAssembly SIMD micro-kernel, JS fallback). */
export const cpuBackend: Backend = {
  name: 'cpu',
  precision: 'f64',
  get mode(): string {
    return wasmGemmAvailable() ? 'wasm-simd' : 'js';
  },
  gemm: dgemm,
  batchedAffineMap(n, d, a, X, b, f, Y) {
    const len = n * d;
    if (f === 'identity') {
      const c = a + b;
      for (let i = 0; i < len; i++) Y[i] = c * X[i];
      return;
    }
    if (f === 'relu') {
      for (let i = 0; i < len; i++) {
        const v = X[i];
        Y[i] = a * v + (v > 0 ? b * v : 0);
      }
      return;
    }
    const g = elementwiseFn(f);
    for (let i = 0; i < len; i++) {
      const v = X[i];
      Y[i] = a * v + b * g(v);
    }
  },
};
