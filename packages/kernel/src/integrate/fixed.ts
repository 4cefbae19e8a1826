import { assertFinite, assertObject } from '../check.js';
import { ParameterError } from '../errors.js';
import { euler } from './euler.js';
import { checkSpan, gridTime, saveIndices } from './grid.js';
import { heun } from './heun.js';
import { rk4 } from './rk4.js';
import { type FailedAt, type FixedStepSolver, type OdeRhs, allFinite } from './types.js';

/** The fixed-step solvers by name. */
export const fixedStepSolvers = { euler, heun, rk4 } as const;
export type FixedStepMethod = keyof typeof fixedStepSolvers;

export interface IntegrateFixedOptions {
  f: OdeRhs;
  /** Initial value y(t0); not modified. */
  y0: Float64Array;
  t0: number;
  /** End time; t1 < t0 integrates backwards (h = (t1 - t0) / steps < 0). */
  t1: number;
  /** Number of uniform steps (integer >= 1). */
  steps: number;
  /** A solver name or object. Default 'rk4'. */
  method?: FixedStepMethod | FixedStepSolver<unknown>;
  /**
   * What to save. Default 'end'. `'all'` saves every grid point; an array of times saves, for each
   * time, the grid point nearest to it that is not past it (no interpolation; times on the grid
   * map to themselves up to 1e-9 relative rounding). `ts` reports the grid times actually saved.
   */
  saveAt?: readonly number[] | 'all' | 'end';
  /** Save every `saveEvery`-th grid point (0, s, 2s, ...) plus the end; ignored when saveAt is given. */
  saveEvery?: number;
  /** Called after step k (1-based) with the new time and state (a live buffer: copy to keep it). */
  onStep?: (k: number, t: number, y: Float64Array) => void;
  /** Check the state after every step and stop with status 'non_finite'. Default true. */
  checkFinite?: boolean;
}

export interface IntegrateFixedResult {
  /** Times of the saved states. */
  ts: Float64Array;
  /** Saved states (copies), one per entry of ts. On failure only those reached. */
  ys: Float64Array[];
  /** The last finite state reached (y(t1) on success). */
  y: Float64Array;
  status: 'success' | 'non_finite';
  /** On 'non_finite': the 1-based step that produced a non-finite state and its start time. */
  failedAt?: FailedAt;
}

function resolveSolver(method: IntegrateFixedOptions['method']): FixedStepSolver<unknown> {
  if (method === undefined) return rk4 as FixedStepSolver<unknown>;
  if (typeof method === 'string') {
    const s = (fixedStepSolvers as Record<string, FixedStepSolver<unknown>>)[method];
    if (!s) throw new ParameterError(`method: expected one of ${Object.keys(fixedStepSolvers).join(', ')}, got '${method}'`);
    return s;
  }
  if (typeof method !== 'object' || typeof method.step !== 'function' || typeof method.init !== 'function') {
    throw new ParameterError('method: expected a solver name or an object with init and step');
  }
  return method;
}

/**
 * Integrate y' = f(t, y) from t0 to t1 with `steps` uniform steps of a fixed-step solver
 * (Euler order 1, Heun order 2, RK4 order 4; default RK4). Never throws half-way: a
 * non-finite state stops the solve with status 'non_finite' and `failedAt`.
 * No allocation per step beyond the saved copies.
 */
export function integrateFixed(opts: IntegrateFixedOptions): IntegrateFixedResult {
  assertObject(opts, 'opts');
  const { f, y0, t0, t1, steps, onStep } = opts;
  if (typeof f !== 'function') throw new ParameterError('f: expected a function (t, y, dydt) => void');
  if (!(y0 instanceof Float64Array)) throw new ParameterError('y0: expected a Float64Array');
  assertFinite(y0, 'y0');
  checkSpan(t0, t1, steps);
  const solver = resolveSolver(opts.method);
  const idx = saveIndices(opts.saveAt, opts.saveEvery, t0, t1, steps);
  const checkFinite = opts.checkFinite ?? true;

  const n = y0.length;
  const state = solver.init(n);
  let y = y0.slice();
  let yNext = new Float64Array(n);
  const h = (t1 - t0) / steps;
  const ts: number[] = [];
  const ys: Float64Array[] = [];
  let s = 0;
  while (s < idx.length && idx[s] === 0) {
    ts.push(t0);
    ys.push(y.slice());
    s++;
  }
  for (let k = 1; k <= steps; k++) {
    const t = gridTime(t0, t1, steps, k - 1);
    const tk = gridTime(t0, t1, steps, k);
    solver.step(f, t, k === steps ? t1 - t : h, y, state, yNext);
    if (checkFinite && !allFinite(yNext)) {
      return { ts: Float64Array.from(ts), ys, y, status: 'non_finite', failedAt: { step: k, t } };
    }
    const tmp = y;
    y = yNext;
    yNext = tmp;
    if (onStep) onStep(k, tk, y);
    while (s < idx.length && idx[s] === k) {
      ts.push(tk);
      ys.push(y.slice());
      s++;
    }
  }
  return { ts: Float64Array.from(ts), ys, y, status: 'success' };
}
