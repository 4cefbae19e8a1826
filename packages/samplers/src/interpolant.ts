import {
  type Denoiser,
  DivergenceError,
  DomainError,
  type InterpolantSchedule,
  NDArray,
  ParameterError,
  type Rng,
  type SdeDrift,
  type SdeSolver,
  assertInteger,
  driftDenoiserCoef,
  driftLinearCoef,
  eulerMaruyamaSolver,
  heunSdeSolver,
  assertObject,
} from '@diffusion-theory/kernel';
import { initialState } from './initial-state.js';
import { type TimeGridOptions, snapshotIndices, timeGrid } from './grid.js';

export interface SampleInterpolantOptions extends TimeGridOptions {
  /** Any interpolant-convention denoiser f(t, x) ~ E[x1 | x_t = x]. */
  denoiser: Denoiser;
  /** alpha, beta and the diffusion coefficient epsilon_t (epsilon = 0: probability-flow ODE). */
  schedule: InterpolantSchedule;
  /** Number of samples (rows). */
  n: number;
  /** Source of X_0 ~ N(0, I) (unless x0 is given) and of the Brownian increments. */
  rng: Rng;
  /**
   * 'euler-maruyama' (default; the scheme of Cui et al. 2025, App. B.4 / D.1) or 'heun' (stochastic Heun:
   * predictor-corrector with the same noise increment; second order for the ODE, the better choice when epsilon = 0).
   */
  method?: 'euler-maruyama' | 'heun';
  /** Initial state, n x dim row-major (not modified); default n draws of N(0, I). */
  x0?: Float64Array;
  /** Times at which to keep a copy of the state (each snapped to the nearest grid time). */
  saveAt?: readonly number[];
  /** Called after each block of ROW_BLOCK rows has been integrated, with (blocks done, total blocks). */
  onProgress?: (done: number, total: number) => void;
}

export interface Snapshot {
  /** The grid time of the snapshot. */
  t: number;
  samples: NDArray;
}

export interface SampleResult {
  /** n x dim: the state at the last grid time. */
  samples: NDArray;
  /** Present when saveAt was given, in the order of saveAt. */
  snapshots?: Snapshot[];
}

/** Rows integrated together (cache blocking); a fixed constant, so results do not depend on the machine. */
export const ROW_BLOCK = 256;

/**
 * Sample the generative SDE of the stochastic interpolant (Cui et al. 2025, eq. 1)
 *   dX = [Gamma_t f(t, X) + Delta_t X] dt + sqrt(2 eps_t) dW,   X_0 ~ N(0, I),
 *   Gamma_t = beta' - (alpha'/alpha) beta + eps beta / alpha^2,  Delta_t = alpha'/alpha - eps / alpha^2,
 * on the grid t_k = k tEnd / steps (k = 0..steps) or an explicit `grid`. With the exact f,
 * Law(X_t) = Law(alpha_t x0 + beta_t x1), so the output at tEnd < 1 is a sample of x_tEnd, not of x_1.
 *
 * Euler-Maruyama step (delta = t_{k+1} - t_k):
 *   X_{k+1} = X_k + delta b(t_k, X_k) + sqrt(2 eps_{t_k} delta) xi_k.
 * Heun step (same xi_k in predictor and corrector; noise variance (eps_{t_k} + eps_{t_{k+1}}) delta):
 *   X~ = X_k + delta b(t_k, X_k) + s xi_k,  X_{k+1} = X_k + delta/2 [b(t_k, X_k) + b(t_{k+1}, X~)] + s xi_k.
 *
 * Each step is one step of kernel's SDE solver objects (`eulerMaruyamaSolver`, `heunSdeSolver`) with the
 * drift b(t, x) = Gamma_t f(t, x) + Delta_t x evaluated at the grid times; the scheme above is theirs.
 * Rows are integrated in blocks of ROW_BLOCK (= 256) rows over the whole grid, so a block's state stays
 * in cache. Randomness: n*dim normals from `rng` for X_0 (unless x0 is given); then `noise = rng.split(1)[0]`
 * and block j draws, at each step whose noise scale is > 0, rows*dim normals from `noise.stream(j)`.
 * Same rng path and options give identical samples.
 * @param opts - denoiser, schedule, n, rng; optional tEnd / steps or grid, method, x0, saveAt, onProgress
 * @returns the n x dim samples at the last grid time (and snapshots at saveAt)
 * @throws ParameterError / ShapeError / DomainError for invalid options (e.g. a grid time with alpha_t = 0)
 * @example
 * ```ts
 * const target = gaussian({ dim: 2 });
 * const { samples } = sampleInterpolant({ denoiser: target.denoiser(linearInterpolant()), schedule: linearInterpolant(),
 *   n: 1000, rng: new Rng(1), tEnd: 0.99, steps: 100, method: 'heun' });
 * ```
 */
export function sampleInterpolant(opts: SampleInterpolantOptions): SampleResult {
  assertObject(opts, 'opts');
  const { denoiser, schedule, n, rng, x0, saveAt, onProgress } = opts ?? ({} as SampleInterpolantOptions);
  const method = opts.method ?? 'euler-maruyama';
  if (!denoiser || typeof denoiser.denoise !== 'function') throw new ParameterError('denoiser: expected a Denoiser with denoise(x, n, t, out)');
  const d = denoiser.dim;
  assertInteger(d, 1, 'denoiser.dim');
  if (schedule?.kind !== 'interpolant') throw new ParameterError("schedule: expected an InterpolantSchedule (kind 'interpolant')");
  assertInteger(n, 1, 'n');
  if (!rng || typeof rng.fillNormal !== 'function') throw new ParameterError('rng: expected an Rng');
  if (method !== 'euler-maruyama' && method !== 'heun') throw new ParameterError(`method: expected 'euler-maruyama' or 'heun', got ${String(method)}`);
  const grid = timeGrid(schedule, opts);
  const K = grid.length - 1;
  const snapIdx = snapshotIndices(grid, saveAt);
  for (let k = 0; k < grid.length; k++) {
    const e = schedule.epsilon(grid[k]);
    if (!(e >= 0) || !Number.isFinite(e)) throw new DomainError(`schedule.epsilon: expected a finite number >= 0, got ${e} at t = ${grid[k]}`);
  }

  const len = n * d;
  const x = initialState(x0, len, rng);

  // Snapshot buffers are filled block by block.
  const snapData = snapIdx.map(() => new Float64Array(len));
  // Rows are independent: integrate them in blocks of ROW_BLOCK rows over the whole time grid, so the
  // state, drift and noise of a block stay in cache (the batch as a whole is tens of MB). Block j draws
  // its noise from noiseRoot.stream(j): results do not depend on how many blocks run, only on the seed.
  const noiseRoot = rng.split(1)[0];
  const B = Math.min(n, ROW_BLOCK);
  const solver = (method === 'heun' ? heunSdeSolver : eulerMaruyamaSolver) as SdeSolver<unknown>;
  // The drift b(t, x) = Gamma_t f(t, x) + Delta_t x at the grid times: the solver calls it at t_k
  // (and, Heun, at t_k + h, snapped to t_{k+1} so the denoiser sees the grid time itself).
  const G = new Float64Array(K + 1);
  const D = new Float64Array(K + 1);
  for (let k = 0; k <= K; k++) {
    G[k] = driftDenoiserCoef(schedule, grid[k]);
    D[k] = driftLinearCoef(schedule, grid[k]);
  }
  // The first drift call of step k also checks that the state it starts from is finite (no extra pass).
  let kNow = 0;
  let startFinite = true;
  const drift: SdeDrift = (t, xs, rows, out) => {
    const first = t === grid[kNow];
    const k = first ? kNow : kNow + 1;
    denoiser.denoise(xs, rows, grid[k], out);
    const g = G[k];
    const dl = D[k];
    let z = 0;
    for (let i = 0; i < out.length; i++) {
      const xi = xs[i];
      z += xi * 0;
      out[i] = g * out[i] + dl * xi;
    }
    if (first) startFinite = z === 0;
  };
  // Noise scale of step k per unit sqrt(h): EM sqrt(2 eps_{t_k}); Heun sqrt(eps_{t_k} + eps_{t_{k+1}}) in
  // predictor and corrector alike (a constant g over the step makes the solver's (g(t) + g(t+h)) / 2 that value).
  let gNow = 0;
  const diffusion = () => gNow;
  const noise = new Float64Array(B * d);
  const other = new Float64Array(B * d);
  let state = solver.init(B * d);
  const nBlocks = Math.ceil(n / B);
  for (let blk = 0; blk < nBlocks; blk++) {
    const r0 = blk * B;
    const rows = Math.min(B, n - r0);
    const m = rows * d;
    const xb = x.subarray(r0 * d, r0 * d + m);
    const nb = noise.subarray(0, m);
    if (m !== B * d) state = solver.init(m);
    nb.fill(0);
    const nrng = noiseRoot.stream(blk);
    // ping-pong between the block's rows of x and `other`; the final state is copied back once
    let cur: Float64Array = xb;
    let next: Float64Array = other.subarray(0, m);
    const snap = (k: number) => {
      for (let i = 0; i < snapIdx.length; i++) if (snapIdx[i] === k) snapData[i].set(cur, r0 * d);
    };
    snap(0);
    for (let k = 0; k < K; k++) {
      const t = grid[k];
      const t1 = grid[k + 1];
      const h = t1 - t;
      gNow = method === 'heun' ? Math.sqrt(schedule.epsilon(t) + schedule.epsilon(t1)) : Math.sqrt(2 * schedule.epsilon(t));
      if (gNow > 0) nrng.fillNormal(nb);
      kNow = k;
      solver.step(drift, diffusion, t, h, cur, rows, nb, state, next);
      if (!startFinite) diverged(cur, k, r0);
      const tmp = cur;
      cur = next;
      next = tmp;
      snap(k + 1);
    }
    for (let i = 0; i < m; i++) if (!Number.isFinite(cur[i])) diverged(cur, K, r0);
    if (cur !== xb) xb.set(cur);
    onProgress?.(blk + 1, nBlocks);
  }
  /** The state after step k (0 = the start) is not finite: throw with the step and the first bad row. */
  function diverged(state: Float64Array, k: number, r0: number): never {
    let i = 0;
    while (i < state.length && Number.isFinite(state[i])) i++;
    throw new DivergenceError(`sampleInterpolant: non-finite state after step ${k} (t = ${grid[k]}), row ${r0 + Math.floor(i / d)}`, k);
  }
  const snapshots: Snapshot[] = snapIdx.map((k, i) => ({ t: grid[k], samples: new NDArray(snapData[i], [n, d]) }));
  const out: SampleResult = { samples: new NDArray(x, [n, d]) };
  if (saveAt !== undefined) out.snapshots = snapshots;
  return out;
}
