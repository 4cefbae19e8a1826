/**
 * Batched drift of an SDE on R^dim for n samples stored row-major (n x dim): writes the drift
 * b(t, x_i) of every row into `out` (length n*dim). Must not allocate per call in hot loops.
 */
export type SdeDrift = (t: number, x: Float64Array, n: number, out: Float64Array) => void;

/**
 * State-dependent diagonal diffusion (multiplicative noise, Ito): writes g(t, x_i) per coordinate
 * of every row into `out` (n x dim), the noise being g(t, X) * dW coordinate-wise.
 */
export interface DiagonalDiffusion {
  diagonal: (t: number, x: Float64Array, n: number, out: Float64Array) => void;
}

/**
 * A fixed-step SDE method for dX = b(t, X) dt + g(t) dW with scalar (isotropic, additive)
 * diffusion g(t). `step` receives the standard normals `z` of this step (dW = sqrt(|h|) z)
 * and writes X(t + h) into `xOut` (not aliasing `x`).
 */
export interface SdeSolver<S = unknown> {
  readonly name: string;
  /** Strong order for additive noise. */
  readonly strongOrder: number;
  /** Weak order. */
  readonly weakOrder: number;
  init(len: number): S;
  step(
    drift: SdeDrift,
    g: (t: number) => number,
    t: number,
    h: number,
    x: Float64Array,
    n: number,
    z: Float64Array,
    state: S,
    xOut: Float64Array,
    /** Only for solvers with `multiplicative: true`: diagonal state-dependent diffusion (replaces g). */
    gDiag?: DiagonalDiffusion['diagonal'],
  ): void;
  /** Whether the solver supports state-dependent diagonal diffusion (Ito). */
  readonly multiplicative: boolean;
}
