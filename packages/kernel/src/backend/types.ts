/** Named elementwise functions a backend can apply in `batchedAffineMap` (kernels cannot take closures). */
export type ElementwiseFn = 'identity' | 'tanh' | 'relu' | 'sigmoid' | 'sin' | 'exp';

export const ELEMENTWISE_FNS: readonly ElementwiseFn[] = ['identity', 'tanh', 'relu', 'sigmoid', 'sin', 'exp'];

/**
 * One compute backend (tfjs-style: every backend implements the same operation names, and the
 * same tests run on every registered backend). Inputs and outputs are always Float64Array on the
 * host; an `f32` backend computes in float32 and its results carry float32 rounding.
 */
export interface Backend {
  /** Registry key: 'cpu', 'gpu.js', or a third-party name. */
  readonly name: 'cpu' | 'gpu.js' | string;
  /** Arithmetic precision of the computation (not of the host arrays). */
  readonly precision: 'f64' | 'f32';
  /** What actually executes the kernels, e.g. 'wasm-simd' for cpu; gpu.js reports `new GPU().mode`. */
  readonly mode: string;
  /** False when the backend cannot run in this process (absent: always available). */
  available?(): boolean;
  /** When unavailable: the error that says why and what to install (thrown by `getBackend`). */
  whyUnavailable?(): Error | undefined;
  /** C = alpha op(A) op(B) + beta C, the base `dgemm` signature (row-major, unchecked). */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
    beta: number, C: Float64Array, ldc: number,
  ): void;
  /**
   * Y[i, j] = a X[i, j] + b f(X[i, j]) over an n x d row-major batch (unchecked; Y may be X).
   * For example one explicit step x + dt (-x + tanh x) is `a = 1 - dt, b = dt, f = 'tanh'`.
   */
  batchedAffineMap?(n: number, d: number, a: number, X: Float64Array, b: number, f: ElementwiseFn, Y: Float64Array): void;
}
