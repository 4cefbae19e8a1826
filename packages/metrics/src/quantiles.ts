import { DomainError, ShapeError, assertFinite } from '@diffusion-theory/kernel';

/** Linear interpolation between order statistics of a sorted array at fractional rank pos (0-based). */
function atRank(sorted: Float64Array, pos: number): number {
  const n = sorted.length;
  const p = Math.min(n - 1, Math.max(0, pos));
  const lo = Math.floor(p);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (p - lo) * (sorted[hi] - sorted[lo]);
}

function samplesArg(x: ArrayLike<number>, name: string, min: number): Float64Array {
  if (!x || typeof x.length !== 'number') throw new ShapeError(`${name}: expected an array of numbers`);
  if (x.length < min) throw new ShapeError(`${name}: expected at least ${min} samples, got ${x.length}`);
  assertFinite(x, name);
  return Float64Array.from(x).sort();
}

function probabilityArg(p: number, name: string): void {
  if (!(p > 0 && p < 1)) throw new DomainError(`${name}: expected a probability in (0, 1), got ${p}`);
}

/**
 * Sample quantile at probability p by linear interpolation between order statistics (type 7 of
 * Hyndman and Fan, the default of R and NumPy): x_(h) with h = p (n - 1), 0-based.
 *
 * @param x samples (n >= 1; not modified).
 * @param p probability in [0, 1].
 * @throws ShapeError on an empty sample; NonFiniteError on a non-finite sample; DomainError for p outside [0, 1].
 * @param x - the sample
 * @param p - probability in [0, 1]
 * @returns the p-quantile (linear interpolation between order statistics)
 */
export function sampleQuantile(x: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new DomainError(`p: expected a probability in [0, 1], got ${p}`);
  const s = samplesArg(x, 'x', 1);
  return atRank(s, p * (s.length - 1));
}

/** A sample quantile with its standard error. */
export interface QuantileEstimate {
  /** The probability. */
  p: number;
  /** The sample quantile (type 7). */
  value: number;
  /**
   * Standard error of the quantile: sqrt(p (1 - p) / n) / f(q), with 1 / f(q) estimated by the
   * spacing of the order statistics around rank n p (see `quantilesWithError`).
   */
  se: number;
  /**
   * The distribution-free order-statistic interval at ranks n p -+ z sqrt(n p (1 - p)) (about a
   * two-sided normal-z confidence interval of the quantile).
   */
  lower: number;
  upper: number;
}

export interface QuantileErrorOptions {
  /**
   * Half-width of the rank window in binomial standard deviations sqrt(n p (1 - p)) (> 0). The
   * standard error is (x_(np + z s) - x_(np - z s)) / (2 z): wider windows give a steadier
   * estimate of the local density, narrower ones follow sharp features. Default 2.
   */
  z?: number;
}

/**
 * Sample quantiles with their standard errors by the order-statistic (density) formula: the
 * asymptotic law of the p-quantile of n i.i.d. draws is N(q, p (1 - p) / (n f(q)^2)), and the
 * ranks n p -+ z sqrt(n p (1 - p)) bracket q with binomial probability ~ that of -+z normal sd, so
 *   se = (x_(np + z s) - x_(np - z s)) / (2 z),   s = sqrt(n p (1 - p))
 * estimates sqrt(p (1 - p) / n) / f(q) without a density estimate (a Siddiqui-Bloch-Gastwirth
 * spacing estimator). It adapts to sharp features and heavy tails where a kernel density at q
 * would be biased.
 *
 * @param x samples (n >= 10; not modified).
 * @param ps probabilities in (0, 1).
 * @param options z (default 2).
 * @returns one estimate per probability, in the order of ps.
 * @throws ShapeError for fewer than 10 samples or no probabilities; DomainError for a probability outside (0, 1) or z <= 0.
 */
export function quantilesWithError(x: ArrayLike<number>, ps: readonly number[], options: QuantileErrorOptions = {}): QuantileEstimate[] {
  const s = samplesArg(x, 'x', 10);
  if (!Array.isArray(ps) || ps.length === 0) throw new ShapeError('ps: expected a non-empty array of probabilities');
  const z = options.z ?? 2;
  if (!(z > 0) || !Number.isFinite(z)) throw new DomainError(`z: expected a finite number > 0, got ${z}`);
  const n = s.length;
  return ps.map((p, i) => {
    probabilityArg(p, `ps[${i}]`);
    const value = atRank(s, p * (n - 1));
    const half = z * Math.sqrt(n * p * (1 - p));
    const lower = atRank(s, p * (n - 1) - half);
    const upper = atRank(s, p * (n - 1) + half);
    // the clamped window at the sample's ends is narrower than 2 half: rescale by the ranks used
    const lo = Math.max(0, p * (n - 1) - half);
    const hi = Math.min(n - 1, p * (n - 1) + half);
    const se = hi > lo ? ((upper - lower) / (hi - lo)) * (half / z) : 0;
    return { p, value, se, lower, upper };
  });
}

/** Difference of the same quantiles of two independent samples, with its standard error. */
export interface QuantileDifference {
  p: number;
  /** quantile(a) - quantile(b). */
  difference: number;
  /** sqrt(se_a^2 + se_b^2). */
  se: number;
  a: QuantileEstimate;
  b: QuantileEstimate;
}

/**
 * Compare the p-quantiles of two independent samples (e.g. simulated and theoretical draws of a
 * generated law): differences with standard error sqrt(se_a^2 + se_b^2) from `quantilesWithError`.
 *
 * @throws as `quantilesWithError`.
 * @param a - first sample
 * @param b - second sample
 * @param ps - probabilities in (0, 1)
 * @param options - z multiplier of the standard errors
 * @returns per p: the two quantiles, their difference and its standard error
 */
export function quantileDifferences(a: ArrayLike<number>, b: ArrayLike<number>, ps: readonly number[], options: QuantileErrorOptions = {}): QuantileDifference[] {
  const qa = quantilesWithError(a, ps, options);
  const qb = quantilesWithError(b, ps, options);
  return ps.map((p, i) => ({ p, difference: qa[i].value - qb[i].value, se: Math.hypot(qa[i].se, qb[i].se), a: qa[i], b: qb[i] }));
}
