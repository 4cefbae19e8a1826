import { DomainError, ShapeError } from './errors.js';

/**
 * The loss time grid G = {t_j} with weights omega_j on which the per-sample denoising loss is
 * evaluated (Cui et al. 2025, eqs. 4–6): L = sum_j omega_j E ||x1 - D(x_{t_j}, t_j)||^2 / d.
 * One rule for trainers, denoisers and the theory: times in [0, 1]; weights optional
 * (default uniform 1/J); when given, finite, >= 0 and summing to 1 (to 1e-9).
 */
export interface LossTimeGrid {
  times: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

/** A validated grid with explicit weights. */
export interface ResolvedLossTimeGrid {
  times: Float64Array;
  weights: Float64Array;
}

/**
 * Validate a loss time grid and fill in default weights. Throws ShapeError (lengths) or
 * DomainError (a time outside [0, 1], a negative or non-finite weight, weights not summing to 1),
 * each naming `name` and the offending entry.
 */
export function resolveLossTimeGrid(grid: LossTimeGrid, name = 'grid'): ResolvedLossTimeGrid {
  if (!grid || typeof grid !== 'object' || grid.times === undefined) throw new ShapeError(`${name}: expected { times, weights? }`);
  const J = grid.times.length;
  if (J === 0) throw new ShapeError(`${name}.times: expected at least one time`);
  const times = Float64Array.from(grid.times);
  for (let j = 0; j < J; j++) {
    if (!(times[j] >= 0 && times[j] <= 1)) throw new DomainError(`${name}.times[${j}]: expected a time in [0, 1], got ${times[j]}`);
  }
  if (grid.weights === undefined) return { times, weights: new Float64Array(J).fill(1 / J) };
  if (grid.weights.length !== J) throw new ShapeError(`${name}.weights: expected ${J} weights (one per time), got ${grid.weights.length}`);
  const weights = Float64Array.from(grid.weights);
  let sum = 0;
  for (let j = 0; j < J; j++) {
    if (!(weights[j] >= 0) || !Number.isFinite(weights[j])) throw new DomainError(`${name}.weights[${j}]: expected a finite weight >= 0, got ${weights[j]}`);
    sum += weights[j];
  }
  if (Math.abs(sum - 1) > 1e-9) throw new DomainError(`${name}.weights: expected weights summing to 1, got sum ${sum}`);
  return { times, weights };
}
