import { assertFinite, assertInteger, assertPositive, DivergenceError, DomainError, ShapeError, type SigmaDenoiser } from '@diffusion-theory/kernel';

/**
 * VE probability flow and score flow with sigma_t = sqrt t (spec min-norm-denoisers §4, §8), over any
 * SigmaDenoiser D(x, sigma) (e.g. a closed-form min-cost family with rho = alpha sigma, or trained networks).
 */

/** One denoiser for every level, or one per level of the grid (index k is used at sigmas[k]). */
export type DenoiserSequence = SigmaDenoiser | readonly SigmaDenoiser[];

function checkStart(y0: Float64Array, n: number, dim: number): void {
  assertInteger(n, 0, 'n');
  if (!(y0 instanceof Float64Array) || y0.length !== n * dim) throw new ShapeError(`y0: expected a Float64Array of length n*dim = ${n * dim}, got ${y0?.length}`);
  assertFinite(y0, 'y0');
}

function pick(den: DenoiserSequence, k: number, levels: number): SigmaDenoiser {
  if (Array.isArray(den)) {
    if (den.length !== levels) throw new ShapeError(`denoiser: expected one denoiser per level (${levels}), got ${den.length}`);
    return den[k];
  }
  return den as SigmaDenoiser;
}

function dimOf(den: DenoiserSequence): number {
  const d = Array.isArray(den) ? den[0]?.dim : (den as SigmaDenoiser).dim;
  if (!Number.isInteger(d) || d < 1) throw new DomainError('denoiser: expected a SigmaDenoiser (or a non-empty array of them) with a positive dim');
  return d;
}

/** Options of {@link veProbabilityFlowDiscrete}. */
export interface VeProbabilityFlowDiscreteOptions {
  /** The denoiser(s): one for all levels, or one per sigmas[k], k < S. */
  denoiser: DenoiserSequence;
  /** Strictly decreasing noise grid sigma_0 > ... > sigma_S >= 0 (the last level is usually 0). */
  sigmas: readonly number[];
  /** n x dim starting points at sigma_0; not modified. */
  y0: Float64Array;
  n: number;
  /** Called after step k (1-based) with the live state (copy to keep). */
  onStep?: (k: number, sigma: number, y: Float64Array) => void;
}

/**
 * The discretised VE probability flow (eq 21): y_{k+1} = y_k + (sigma_k^2 - sigma_{k+1}^2)/(2 sigma_k^2) (D_k(y_k) - y_k).
 * The last step to sigma = 0 moves halfway to D(y) (spec §8).
 * @returns the endpoint (n x dim)
 * @throws ShapeError / DomainError for a bad grid or start; DivergenceError on a non-finite state
 * @example
 * const y = veProbabilityFlowDiscrete({ denoiser: family, sigmas: [0.3, 0.2, 0.1, 0], y0, n: 1 });
 */
export function veProbabilityFlowDiscrete(opts: VeProbabilityFlowDiscreteOptions): Float64Array {
  const { denoiser, sigmas, y0, n } = opts;
  const dim = dimOf(denoiser);
  checkStart(y0, n, dim);
  if (sigmas.length < 2) throw new DomainError(`sigmas: expected at least 2 levels, got ${sigmas.length}`);
  for (let k = 0; k < sigmas.length; k++) {
    if (!(Number.isFinite(sigmas[k]) && sigmas[k] >= 0)) throw new DomainError(`sigmas[${k}]: expected a finite number >= 0, got ${sigmas[k]}`);
    if (k > 0 && !(sigmas[k] < sigmas[k - 1])) throw new DomainError(`sigmas: expected strictly decreasing levels, got sigmas[${k - 1}] = ${sigmas[k - 1]}, sigmas[${k}] = ${sigmas[k]}`);
  }
  const S = sigmas.length - 1;
  const y = y0.slice();
  const h = new Float64Array(y.length);
  for (let k = 0; k < S; k++) {
    const s0 = sigmas[k];
    const s1 = sigmas[k + 1];
    pick(denoiser, k, S).denoise(y, n, s0, h);
    const f = (s0 * s0 - s1 * s1) / (2 * s0 * s0);
    for (let i = 0; i < y.length; i++) y[i] += f * (h[i] - y[i]);
    if (!allFinite(y)) throw new DivergenceError(`veProbabilityFlowDiscrete: non-finite state after step ${k + 1} (sigma ${s0} -> ${s1})`, k + 1);
    opts.onStep?.(k + 1, s1, y);
  }
  return y;
}

function allFinite(y: Float64Array): boolean {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return false;
  return true;
}

/** Options of {@link veProbabilityFlow}. */
export interface VeProbabilityFlowOptions {
  denoiser: SigmaDenoiser;
  /** Starting level sigma_T > 0. */
  sigmaT: number;
  /** Final level sigma_end, 0 < sigma_end < sigma_T (the flow's t -> 0 limit is reached up to a factor sigma_end/sigma_T). Default 1e-9 sigma_T. */
  sigmaEnd?: number;
  y0: Float64Array;
  n: number;
  /** RK4 steps in r = -log sigma (uniform). Default 2000. */
  steps?: number;
  /** Save the state at every `saveEvery`-th step (plus the end) into `path`. Default: no path. */
  saveEvery?: number;
}

/**
 * The continuous VE probability flow (eq 11) integrated by RK4 in log-noise time r = -log sigma (eq 12):
 * dy/dr = D(y, e^{-r}) - y, from sigma_T down to sigma_end.
 * @returns endpoint y, the sigmas and states saved (path: one n x dim array per saved sigma)
 * @throws DomainError for a bad span; DivergenceError on a non-finite state
 */
export function veProbabilityFlow(opts: VeProbabilityFlowOptions): { y: Float64Array; sigmas: number[]; path: Float64Array[] } {
  const { denoiser, sigmaT, y0, n } = opts;
  assertPositive(sigmaT, 'sigmaT');
  const sigmaEnd = opts.sigmaEnd ?? 1e-9 * sigmaT;
  assertPositive(sigmaEnd, 'sigmaEnd');
  if (!(sigmaEnd < sigmaT)) throw new DomainError(`sigmaEnd: expected < sigmaT = ${sigmaT}, got ${sigmaEnd}`);
  const steps = opts.steps ?? 2000;
  assertInteger(steps, 1, 'steps');
  checkStart(y0, n, denoiser.dim);
  const r0 = -Math.log(sigmaT);
  const h = (Math.log(sigmaT) - Math.log(sigmaEnd)) / steps;
  const len = y0.length;
  const y = y0.slice();
  const k1 = new Float64Array(len);
  const k2 = new Float64Array(len);
  const k3 = new Float64Array(len);
  const k4 = new Float64Array(len);
  const tmp = new Float64Array(len);
  const f = (r: number, x: Float64Array, out: Float64Array) => {
    denoiser.denoise(x, n, Math.exp(-r), out);
    for (let i = 0; i < len; i++) out[i] -= x[i];
  };
  const sigmas = [sigmaT];
  const path = opts.saveEvery ? [y.slice()] : [];
  for (let s = 0; s < steps; s++) {
    const r = r0 + s * h;
    f(r, y, k1);
    for (let i = 0; i < len; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
    f(r + 0.5 * h, tmp, k2);
    for (let i = 0; i < len; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
    f(r + 0.5 * h, tmp, k3);
    for (let i = 0; i < len; i++) tmp[i] = y[i] + h * k3[i];
    f(r + h, tmp, k4);
    for (let i = 0; i < len; i++) y[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    if (!allFinite(y)) throw new DivergenceError(`veProbabilityFlow: non-finite state at RK4 step ${s + 1}`, s + 1);
    if (opts.saveEvery && ((s + 1) % opts.saveEvery === 0 || s + 1 === steps)) {
      path.push(y.slice());
      sigmas.push(Math.exp(-(r + h)));
    }
  }
  return { y, sigmas: opts.saveEvery ? sigmas : [sigmaT, sigmaEnd], path };
}

/** Options of {@link veScoreFlow}. */
export interface VeScoreFlowOptions {
  denoiser: SigmaDenoiser;
  /** The fixed noise level sigma_0 of the score s(y) = (D(y, sigma_0) - y)/sigma_0^2. */
  sigma: number;
  /** Step size gamma (eq 22); gamma / sigma^2 < 2 is required for stability of saturated directions. */
  gamma: number;
  steps: number;
  y0: Float64Array;
  n: number;
  /** Save every `saveEvery`-th state (plus the start and the end). */
  saveEvery?: number;
}

/**
 * The score flow (eq 22): y_{k+1} = y_k + gamma (D(y_k, sigma) - y_k)/sigma^2. With gamma = sigma^2 it is the
 * fixed-point iteration y <- D(y).
 * @returns the endpoint and the saved states
 * @throws DomainError when gamma / sigma^2 >= 2 (unstable) or inputs are bad; DivergenceError on a non-finite state
 * @example
 * const { y } = veScoreFlow({ denoiser: family, sigma: 0.095, gamma: 5e-4, steps: 3000, y0, n });
 */
export function veScoreFlow(opts: VeScoreFlowOptions): { y: Float64Array; path: Float64Array[] } {
  const { denoiser, sigma, gamma, steps, y0, n } = opts;
  assertPositive(sigma, 'sigma');
  assertPositive(gamma, 'gamma');
  assertInteger(steps, 0, 'steps');
  const g = gamma / (sigma * sigma);
  if (!(g < 2)) throw new DomainError(`gamma: expected gamma / sigma^2 < 2 for a stable score flow, got ${g}`);
  checkStart(y0, n, denoiser.dim);
  const y = y0.slice();
  const h = new Float64Array(y.length);
  const path = opts.saveEvery ? [y.slice()] : [];
  for (let s = 0; s < steps; s++) {
    denoiser.denoise(y, n, sigma, h);
    for (let i = 0; i < y.length; i++) y[i] += g * (h[i] - y[i]);
    if (!allFinite(y)) throw new DivergenceError(`veScoreFlow: non-finite state at step ${s + 1}`, s + 1);
    if (opts.saveEvery && ((s + 1) % opts.saveEvery === 0 || s + 1 === steps)) path.push(y.slice());
  }
  return { y, path };
}

/**
 * The library's default noise grid of the 150-denoiser protocol (spec §9 resolution): `high` levels equally spaced in
 * sigma from sigmaMax down to (not including) sigmaLow, then `low` levels sigmaLow j/low, j = low..1, then 0.
 * @returns a strictly decreasing grid ending at 0 (length high + low + 1)
 * @throws DomainError for bad counts or sigmaLow >= sigmaMax
 */
export function veNoiseGrid(opts: { sigmaMax?: number; sigmaLow?: number; high?: number; low?: number } = {}): number[] {
  const sigmaMax = opts.sigmaMax ?? 10;
  const sigmaLow = opts.sigmaLow ?? 0.1;
  const high = opts.high ?? 100;
  const low = opts.low ?? 50;
  assertPositive(sigmaMax, 'sigmaMax');
  assertPositive(sigmaLow, 'sigmaLow');
  assertInteger(high, 0, 'high');
  assertInteger(low, 1, 'low');
  if (!(sigmaLow < sigmaMax) && high > 0) throw new DomainError(`sigmaLow: expected < sigmaMax = ${sigmaMax}, got ${sigmaLow}`);
  const g: number[] = [];
  for (let j = 0; j < high; j++) g.push(sigmaMax - ((sigmaMax - sigmaLow) * j) / high);
  for (let j = low; j >= 1; j--) g.push((sigmaLow * j) / low);
  g.push(0);
  return g;
}
