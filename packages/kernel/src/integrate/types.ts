/**
 * Right-hand side of an ODE system y' = f(t, y) on R^n. Writes f(t, y) into `dydt`
 * (length n) and must not allocate or keep references to `y` / `dydt`.
 */
export type OdeRhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

/**
 * A fixed-step one-step method (diffrax style): `init(n)` builds the scratch state for an
 * n-dimensional system once, `step` advances y(t) to y(t + h) into `yOut` without allocating.
 * `yOut` must not alias `y`.
 */
export interface FixedStepSolver<S = unknown> {
  readonly name: string;
  /** Classical (deterministic) order of convergence. */
  readonly order: number;
  /** Number of evaluations of f per step. */
  readonly stages: number;
  init(n: number): S;
  step(f: OdeRhs, t: number, h: number, y: Float64Array, state: S, yOut: Float64Array): void;
}

/** Where a solve stopped when it did not succeed: `step` (1-based) went from time `t`. */
export interface FailedAt {
  step: number;
  t: number;
}

/** True when every entry is finite (x * 0 is NaN exactly for NaN and +-Infinity). */
export function allFinite(y: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * 0;
  return s === 0;
}
