import { assertFinite, assertInteger, assertObject } from '../check.js';
import { DomainError, ParameterError, ShapeError } from '../errors.js';
import type { Rng } from '../rng.js';
import { eulerMaruyamaSolver } from './euler-maruyama-solver.js';
import { checkSpan, gridTime, saveIndices } from './grid.js';
import { heunSdeSolver } from './heun-sde-solver.js';
import type { DiagonalDiffusion, SdeDrift, SdeSolver } from './sde-types.js';
import { type FailedAt, allFinite } from './types.js';

export interface SdeOptions {
  /** Batched drift b(t, x) for n rows of x (n x dim, row-major), written into `out`. */
  drift: SdeDrift;
  /**
   * Scalar diffusion g(t) >= 0 (the noise is g(t) dW with W a standard dim-dimensional Brownian
   * motion, the same g for every coordinate and sample). A number is a constant g; the number 0
   * gives the plain ODE and draws no normals. `{ diagonal }` is a state-dependent diagonal
   * diffusion (multiplicative Ito noise), supported by eulerMaruyama only.
   */
  diffusion: number | ((t: number) => number) | DiagonalDiffusion;
  /** Initial states, n x dim row-major; not modified. */
  x0: Float64Array;
  n: number;
  dim: number;
  t0: number;
  /** End time; t1 < t0 steps backwards in time (h < 0, dW = sqrt(|h|) z). */
  t1: number;
  /** Number of uniform steps (integer >= 1). */
  steps: number;
  /**
   * Source of the noise. Every step draws exactly one `rng.fillNormal` of length n*dim, in step
   * order (so a run can be replayed: the Brownian increment of step k, row i, coordinate j is
   * sqrt(|h|) times entry i*dim + j of the k-th fill).
   */
  rng: Rng;
  /** Times at which to keep a snapshot (snapped to the grid point not past each time, as in integrateFixed). */
  saveAt?: readonly number[];
  /** Grid indices (0..steps) at which to keep a snapshot; used when saveAt is not given. */
  saveSteps?: readonly number[];
  /** Called after step k (1-based) with the new time and the live state buffer. */
  onStep?: (k: number, t: number, x: Float64Array) => void;
  /** Check the state after every step; stop with status 'non_finite'. Default true. */
  checkFinite?: boolean;
}

export interface SdeResult {
  /** Final state (n x dim); on failure the last finite state. */
  x: Float64Array;
  /** Times of the snapshots. */
  ts: Float64Array;
  /** Snapshots (copies, n x dim each). */
  snapshots: Float64Array[];
  status: 'success' | 'non_finite';
  failedAt?: FailedAt;
}

/**
 * Driver of the fixed-step SDE solvers. All buffers (state, drift, noise) are allocated once;
 * the loop allocates nothing except the requested snapshots.
 */
export function integrateSde(opts: SdeOptions & { solver: SdeSolver<unknown> }): SdeResult {
  assertObject(opts, 'opts');
  const { drift, diffusion, x0, n, dim, t0, t1, steps, rng, onStep, solver } = opts;
  if (typeof drift !== 'function') throw new ParameterError('drift: expected a function (t, x, n, out) => void');
  assertInteger(n, 0, 'n');
  assertInteger(dim, 1, 'dim');
  if (!(x0 instanceof Float64Array)) throw new ParameterError('x0: expected a Float64Array');
  if (x0.length !== n * dim) throw new ShapeError(`x0: expected length n*dim = ${n}*${dim} = ${n * dim}, got ${x0.length}`);
  assertFinite(x0, 'x0');
  checkSpan(t0, t1, steps);
  if (!rng || typeof rng.fillNormal !== 'function') throw new ParameterError('rng: expected an Rng');
  let g: (t: number) => number = () => 0;
  let gDiag: DiagonalDiffusion['diagonal'] | undefined;
  let noise = true;
  if (typeof diffusion === 'number') {
    if (!(diffusion >= 0) || !Number.isFinite(diffusion)) throw new DomainError(`diffusion: expected a finite number >= 0, got ${diffusion}`);
    g = () => diffusion;
    noise = diffusion !== 0;
  } else if (typeof diffusion === 'function') {
    g = diffusion;
  } else if (diffusion && typeof diffusion === 'object' && typeof diffusion.diagonal === 'function') {
    if (!solver.multiplicative) {
      throw new ParameterError(`diffusion: ${solver.name} supports only additive noise g(t) dW, got a state-dependent diagonal diffusion`);
    }
    gDiag = diffusion.diagonal;
  } else {
    throw new ParameterError('diffusion: expected a number, a function of t, or { diagonal(t, x, n, out) }');
  }
  let idx: Int32Array;
  if (opts.saveAt === undefined && opts.saveSteps !== undefined) {
    idx = Int32Array.from(opts.saveSteps);
    opts.saveSteps.forEach((k, i) => {
      if (!Number.isInteger(k) || k < 0 || k > steps || (i > 0 && k < opts.saveSteps![i - 1])) {
        throw new DomainError(`saveSteps[${i}]: expected non-decreasing integers in [0, ${steps}], got ${k}`);
      }
    });
  } else {
    idx = opts.saveAt === undefined ? new Int32Array(0) : saveIndices(opts.saveAt, undefined, t0, t1, steps);
  }
  const checkFinite = opts.checkFinite ?? true;

  const len = n * dim;
  const state = solver.init(len);
  const z = new Float64Array(len);
  let x = x0.slice();
  let xNext = new Float64Array(len);
  const h = (t1 - t0) / steps;
  const ts: number[] = [];
  const snapshots: Float64Array[] = [];
  let s = 0;
  while (s < idx.length && idx[s] === 0) {
    ts.push(t0);
    snapshots.push(x.slice());
    s++;
  }
  for (let k = 1; k <= steps; k++) {
    const t = gridTime(t0, t1, steps, k - 1);
    const tk = gridTime(t0, t1, steps, k);
    if (noise) rng.fillNormal(z);
    solver.step(drift, g, t, k === steps ? t1 - t : h, x, n, z, state, xNext, gDiag);
    if (checkFinite && !allFinite(xNext)) {
      return { x, ts: Float64Array.from(ts), snapshots, status: 'non_finite', failedAt: { step: k, t } };
    }
    const tmp = x;
    x = xNext;
    xNext = tmp;
    if (onStep) onStep(k, tk, x);
    while (s < idx.length && idx[s] === k) {
      ts.push(tk);
      snapshots.push(x.slice());
      s++;
    }
  }
  return { x, ts: Float64Array.from(ts), snapshots, status: 'success' };
}

/**
 * Batched Euler-Maruyama for dX = b(t, X) dt + g(t) dW, n samples in dim dimensions (row-major).
 * The fast fixed-step path for samplers: one drift call and one `rng.fillNormal(n*dim)` per step,
 * no allocation per step. Strong order 1/2 (1 for additive noise), weak order 1.
 */
export function eulerMaruyama(opts: SdeOptions): SdeResult {
  return integrateSde({ ...opts, solver: eulerMaruyamaSolver as SdeSolver<unknown> });
}

/**
 * Stochastic Heun for additive noise g(t) dW (the only kind these drivers support): two drift
 * calls and one `rng.fillNormal(n*dim)` per step; strong order 1, weak order 2.
 */
export function heunSde(opts: SdeOptions): SdeResult {
  return integrateSde({ ...opts, solver: heunSdeSolver as SdeSolver<unknown> });
}
