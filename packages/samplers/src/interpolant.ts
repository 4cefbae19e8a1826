import {
  type Denoiser,
  DivergenceError,
  DomainError,
  type InterpolantSchedule,
  NDArray,
  ParameterError,
  type Rng,
  assertInteger,
  driftDenoiserCoef,
  driftLinearCoef,
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
   * 'euler-maruyama' (default; the scheme of spec section 1.3) or 'heun' (stochastic Heun:
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

/**
 * Sample the generative SDE of the stochastic interpolant (spec section 1.2)
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
 * Rows are integrated in blocks of ROW_BLOCK (= 256) rows over the whole grid, so a block's state stays
 * in cache. Randomness: n*dim normals from `rng` for X_0 (unless x0 is given); then `noise = rng.split(1)[0]`
 * and block j draws, at each step whose noise scale is > 0, rows*dim normals from `noise.stream(j)`.
 * Same rng path and options give identical samples.
 */
/** Rows integrated together (cache blocking); a fixed constant, so results do not depend on the machine. */
export const ROW_BLOCK = 256;

export function sampleInterpolant(opts: SampleInterpolantOptions): SampleResult {
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
  const f = new Float64Array(B * d);
  const noise = new Float64Array(B * d);
  const b0 = method === 'heun' ? new Float64Array(B * d) : f;
  const xp = method === 'heun' ? new Float64Array(B * d) : f;
  const G = new Float64Array(K + 1);
  const D = new Float64Array(K + 1);
  for (let k = 0; k <= K; k++) {
    if (k < K || method === 'heun') {
      G[k] = driftDenoiserCoef(schedule, grid[k]);
      D[k] = driftLinearCoef(schedule, grid[k]);
    }
  }
  const nBlocks = Math.ceil(n / B);
  for (let blk = 0; blk < nBlocks; blk++) {
    const r0 = blk * B;
    const rows = Math.min(B, n - r0);
    const m = rows * d;
    const xb = x.subarray(r0 * d, r0 * d + m);
    const fb = f.subarray(0, m);
    const nb = noise.subarray(0, m);
    const bb = b0.subarray(0, m);
    const pb = xp.subarray(0, m);
    const nrng = noiseRoot.stream(blk);
    const snap = (k: number) => {
      for (let i = 0; i < snapIdx.length; i++) if (snapIdx[i] === k) snapData[i].set(xb, r0 * d);
    };
    snap(0);
    for (let k = 0; k < K; k++) {
      const t = grid[k];
      const t1 = grid[k + 1];
      const h = t1 - t;
      const s = method === 'heun' ? Math.sqrt((schedule.epsilon(t) + schedule.epsilon(t1)) * h) : Math.sqrt(2 * schedule.epsilon(t) * h);
      if (s > 0) nrng.fillNormal(nb);
      if (method === 'euler-maruyama') {
        denoiser.denoise(xb, rows, t, fb);
        const g = G[k];
        const dl = D[k];
        if (s > 0) for (let i = 0; i < m; i++) xb[i] += h * (g * fb[i] + dl * xb[i]) + s * nb[i];
        else for (let i = 0; i < m; i++) xb[i] += h * (g * fb[i] + dl * xb[i]);
      } else {
        denoiser.denoise(xb, rows, t, fb);
        for (let i = 0; i < m; i++) bb[i] = G[k] * fb[i] + D[k] * xb[i];
        for (let i = 0; i < m; i++) pb[i] = xb[i] + h * bb[i] + (s > 0 ? s * nb[i] : 0);
        denoiser.denoise(pb, rows, t1, fb);
        const g1 = G[k + 1];
        const d1 = D[k + 1];
        for (let i = 0; i < m; i++) xb[i] += 0.5 * h * (bb[i] + g1 * fb[i] + d1 * pb[i]) + (s > 0 ? s * nb[i] : 0);
      }
      for (let i = 0; i < m; i++) {
        if (!Number.isFinite(xb[i])) {
          throw new DivergenceError(`sampleInterpolant: non-finite state after step ${k + 1} (t = ${t1}), row ${r0 + Math.floor(i / d)}`, k + 1);
        }
      }
      snap(k + 1);
    }
    onProgress?.(blk + 1, nBlocks);
  }
  const snapshots: Snapshot[] = snapIdx.map((k, i) => ({ t: grid[k], samples: new NDArray(snapData[i], [n, d]) }));
  const out: SampleResult = { samples: new NDArray(x, [n, d]) };
  if (saveAt !== undefined) out.snapshots = snapshots;
  return out;
}
