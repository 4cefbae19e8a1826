import { DomainError, type InterpolantSchedule, ParameterError, ShapeError, assertInteger, assertObject } from '@diffusion-theory/kernel';

export interface TimeGridOptions {
  /** Final time t_f in (0, 1]; must have alpha(t_f) > 0 (so t_f < 1 for every interpolant). Default 0.99. */
  tEnd?: number;
  /** Number of uniform steps; default 100. */
  steps?: number;
  /** An explicit increasing grid t_0 < t_1 < ... < t_K in [0, 1) (overrides tEnd and steps, which must then be absent). */
  grid?: Float64Array | readonly number[];
}

/**
 * The time grid of the interpolant samplers: by default t_k = k tEnd / steps, k = 0..steps.
 * The discretisation of Cui et al. (grid k/N, K = round(t_f N) steps) is `paperGrid(N, t_f)`.
 * Validates the grid against the schedule: every grid time must have alpha_t > 0 (the drift has
 * 1/alpha_t), which excludes t = 1.
 * @param schedule - the interpolant schedule (alpha_t must be > 0 on the grid)
 * @param opts - tEnd (in (0, 1], default 0.99) and steps (default 100), or an explicit increasing grid
 * @returns the grid times t_0 < ... < t_K
 * @throws DomainError for times outside [0, 1], a grid that is not increasing or a time with alpha_t = 0;
 *   ParameterError when grid and (tEnd, steps) are both given; ShapeError for a grid of fewer than 2 times
 */
export function timeGrid(schedule: InterpolantSchedule, opts: TimeGridOptions): Float64Array {
  assertObject(schedule, 'schedule');
  assertObject(opts, 'opts');
  let grid: Float64Array;
  if (opts.grid !== undefined) {
    if (opts.tEnd !== undefined || opts.steps !== undefined) {
      throw new ParameterError('grid: give either grid or (tEnd, steps), not both');
    }
    const g = opts.grid;
    if (!(g instanceof Float64Array) && !Array.isArray(g)) throw new ShapeError('grid: expected a Float64Array or number[] of times');
    if (g.length < 2) throw new ShapeError(`grid: expected at least 2 times, got ${g.length}`);
    grid = Float64Array.from(g);
    for (let k = 0; k < grid.length; k++) {
      const t = grid[k];
      if (!Number.isFinite(t) || t < 0 || t > 1) throw new DomainError(`grid: expected times in [0, 1], got ${t} at index ${k}`);
      if (k > 0 && !(t > grid[k - 1])) throw new DomainError(`grid: expected strictly increasing times, got ${grid[k - 1]} then ${t} at index ${k}`);
    }
  } else {
    const tEnd = opts.tEnd ?? 0.99;
    const steps = opts.steps ?? 100;
    if (typeof tEnd !== 'number' || !(tEnd > 0 && tEnd <= 1)) throw new DomainError(`tEnd: expected a number in (0, 1], got ${tEnd}`);
    assertInteger(steps, 1, 'steps');
    grid = new Float64Array(steps + 1);
    for (let k = 0; k <= steps; k++) grid[k] = (k * tEnd) / steps;
  }
  for (let k = 0; k < grid.length; k++) {
    const a = schedule.alpha(grid[k]);
    if (!(a > 0)) {
      const what = opts.grid !== undefined ? `grid[${k}]` : 'tEnd';
      throw new DomainError(`${what}: expected a time with alpha_t > 0, got t = ${grid[k]} where alpha_t = ${a}; the sampler drift has 1/alpha_t, so stop at a time < 1 (e.g. tEnd = 0.99)`);
    }
  }
  return grid;
}

/**
 * The grid of the discretised sampler of Cui et al. 2025 (App. B.4 / D.1):
 * t_k = k / N for k = 0..K with K = round(tEnd N). With method 'euler-maruyama' this reproduces
 * X_{k+1} = X_k + (1/N) [Gamma f + Delta X] + sqrt(2 eps_{t_k} / N) xi_k exactly.
 * @param N - grid resolution (integer >= 1)
 * @param tEnd - final time in (0, 1)
 * @returns t_k = k / N for k = 0..round(tEnd N)
 * @throws DomainError for N not a positive integer, tEnd outside (0, 1) or round(tEnd N) = 0
 */
export function paperGrid(N: number, tEnd: number): Float64Array {
  assertInteger(N, 1, 'N');
  if (typeof tEnd !== 'number' || !(tEnd > 0 && tEnd < 1)) throw new DomainError(`tEnd: expected a number in (0, 1), got ${tEnd}`);
  const K = Math.round(tEnd * N);
  if (K < 1) throw new DomainError(`tEnd: round(tEnd N) = ${K}; expected at least one step`);
  return Float64Array.from({ length: K + 1 }, (_, k) => k / N);
}

/** Grid indices nearest to each requested time (for snapshots). */
export function snapshotIndices(grid: Float64Array, saveAt: readonly number[] | undefined): number[] {
  if (saveAt === undefined) return [];
  if (!Array.isArray(saveAt)) throw new ShapeError('saveAt: expected an array of times');
  const t0 = grid[0];
  const t1 = grid[grid.length - 1];
  return saveAt.map((s, i) => {
    if (typeof s !== 'number' || !(s >= t0 - 1e-12 && s <= t1 + 1e-12)) {
      throw new DomainError(`saveAt[${i}]: expected a time in [${t0}, ${t1}], got ${s}`);
    }
    let best = 0;
    for (let k = 1; k < grid.length; k++) if (Math.abs(grid[k] - s) < Math.abs(grid[best] - s)) best = k;
    return best;
  });
}
