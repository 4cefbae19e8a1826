import { DomainError, NonFiniteError, ShapeError, assertFinite, assertInRange, assertInteger, erfc } from '@diffusion-theory/kernel';

/**
 * Theory against the mean of independent replicate runs (e.g. R online-SGD runs against the
 * summary-statistic ODE), point by point along a curve (training times tau). The error model is
 * the standard error of the MEAN over replicates, sd / sqrt(R), times a quantile (Student t with
 * R - 1 degrees of freedom covers the noise of the estimated sd), plus an optional absolute
 * finite-size allowance (a c / sqrt(d) or c / d term measured once by the caller).
 */

/** lgamma by the Lanczos approximation (g = 7, 9 terms; relative error ~1e-15 for x > 0). */
function logGamma(x: number): number {
  const c = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lbt) * betaFraction(a, b, x)) / a;
  return 1 - (Math.exp(lbt) * betaFraction(b, a, 1 - x)) / b;
}

/**
 * Distribution function of Student's t with `dof` degrees of freedom.
 *
 * @param t the point.
 * @param dof degrees of freedom (> 0, need not be an integer).
 * @throws DomainError when dof is not positive or t is NaN.
 * @param t - the point
 * @param dof - degrees of freedom (> 0)
 * @returns P(T <= t) for Student's t
 */
export function studentTCdf(t: number, dof: number): number {
  if (!(dof > 0) || !Number.isFinite(dof)) throw new DomainError(`dof: expected a finite number > 0, got ${dof}`);
  if (Number.isNaN(t)) throw new NonFiniteError('t: expected a number, got NaN');
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = 0.5 * incompleteBeta(dof / 2, 0.5, dof / (dof + t * t));
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile of the standard normal law (Acklam's rational approximation refined by one Halley step
 * on kernel `erfc`; relative error ~1e-15).
 *
 * @param p probability in (0, 1).
 * @throws DomainError when p is outside (0, 1).
 * @param p - probability in (0, 1)
 * @returns z with Phi(z) = p
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new DomainError(`p: expected a probability in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const e = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((e[0] * q + e[1]) * q + e[2]) * q + e[3]) * q + 1);
  } else if (p <= 1 - 0.02425) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((e[0] * q + e[1]) * q + e[2]) * q + e[3]) * q + 1);
  }
  const err = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = err * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Quantile of Student's t with `dof` degrees of freedom (bisection on `studentTCdf`, started
 * from the normal quantile; absolute error < 1e-10).
 *
 * @param p probability in (0, 1).
 * @param dof degrees of freedom (> 0).
 * @throws DomainError when p is outside (0, 1) or dof is not positive.
 * @param p - probability in (0, 1)
 * @param dof - degrees of freedom (> 0)
 * @returns t with P(T <= t) = p
 */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new DomainError(`p: expected a probability in (0, 1), got ${p}`);
  if (!(dof > 0) || !Number.isFinite(dof)) throw new DomainError(`dof: expected a finite number > 0, got ${dof}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, dof);
  let lo = 0;
  let hi = Math.max(1, 2 * normalQuantile(p));
  while (studentTCdf(hi, dof) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * The two-sided Student-t multiplier of a standard error for `comparisons` simultaneous tests at
 * family-wise level `alpha` (Bonferroni): t_{dof}(1 - alpha / (2 comparisons)).
 *
 * @param alpha family-wise level in (0, 1).
 * @param dof degrees of freedom (R - 1 for the mean of R replicates).
 * @param comparisons number of simultaneous comparisons (integer >= 1). Default 1.
 * @param alpha - family-wise false-alarm rate in (0, 1)
 * @param dof - degrees of freedom (> 0)
 * @param comparisons - number of simultaneous comparisons (Bonferroni; default 1)
 * @returns the two-sided Student t quantile at 1 - alpha / (2 comparisons)
 * @throws DomainError for arguments out of range
 */
export function tMultiplier(alpha: number, dof: number, comparisons = 1): number {
  assertInRange(alpha, Number.MIN_VALUE, 1 - Number.EPSILON, 'alpha');
  assertInteger(comparisons, 1, 'comparisons');
  return studentTQuantile(1 - alpha / (2 * comparisons), dof);
}

export interface ReplicateDeviationOptions {
  /**
   * Multiplier q of the standard error in the tolerance q se_i + bias at each point. Default
   * t_{R-1}(0.995), the two-sided 1 % Student-t quantile of one point.
   */
  quantile?: number;
  /**
   * Absolute allowance added at every point: the finite-size offset of the theory (a measured
   * c / sqrt(d), or an O(1/d) correction), >= 0. Default 0.
   */
  bias?: number;
}

/** The point of the curve where |mean - theory| / tolerance is largest. */
export interface WorstPoint {
  index: number;
  /** Mean over replicates there. */
  mean: number;
  theory: number;
  /** Standard error of the mean there. */
  se: number;
  /** quantile * se + bias. */
  tolerance: number;
  /** |mean - theory| / tolerance (0 when both are 0, Infinity when only the tolerance is). */
  ratio: number;
}

export interface ReplicateDeviation {
  /** Number of replicates R and of points. */
  replicates: number;
  points: number;
  /** Mean over replicates at each point. */
  mean: Float64Array;
  /** Run-to-run sample standard deviation (ddof = 1) at each point. */
  sd: Float64Array;
  /** Standard error of the mean, sd / sqrt(R). */
  se: Float64Array;
  /** mean - theory at each point (signed). */
  deviation: Float64Array;
  /** max over points of |mean - theory|, and its index. */
  maxAbsDeviation: number;
  maxIndex: number;
  /** max over points of the standard error of the mean. */
  maxSe: number;
  /** maxAbsDeviation / maxSe: the largest deviation in units of the largest standard error (Infinity when maxSe = 0 and a deviation is not). */
  maxDeviationInSe: number;
  /** The quantile and bias used. */
  quantile: number;
  bias: number;
  /** The point with the largest |mean - theory| / (quantile se + bias). */
  worst: WorstPoint;
}

/**
 * Replicate-vs-theory deviation along a curve: the mean over R replicate runs at each point, its
 * standard error sd / sqrt(R), the deviation from the theory, the largest deviation in units of
 * the largest standard error, and the point where the deviation is largest relative to the
 * tolerance `quantile * se + bias` (report that point in an agreement check: value = worst.mean,
 * expected = worst.theory, tolerance = worst.tolerance).
 *
 * @param runs R >= 2 replicate curves, each of the theory's length (runs[j][i]: replicate j at point i).
 * @param theory the predicted curve.
 * @param options quantile (default t_{R-1}(0.995)) and bias (default 0).
 * @throws ShapeError when fewer than 2 runs are given or the lengths differ; NonFiniteError on a non-finite value; DomainError on a negative bias or quantile.
 * @param runs - R >= 2 replicate curves of equal length
 * @param theory - the predicted curve (same length)
 * @param options - quantile multiplier, bias allowance, ...
 * @returns the worst standardised deviation of the replicate mean from the theory, with the point where it occurs
 */
export function replicateDeviation(runs: ArrayLike<ArrayLike<number>>, theory: ArrayLike<number>, options: ReplicateDeviationOptions = {}): ReplicateDeviation {
  if (!runs || typeof runs.length !== 'number') throw new ShapeError('runs: expected an array of replicate curves');
  const R = runs.length;
  if (R < 2) throw new ShapeError(`runs: expected at least 2 replicates (the standard error needs a spread), got ${R}`);
  if (!theory || typeof theory.length !== 'number') throw new ShapeError('theory: expected an array of numbers');
  const n = theory.length;
  if (n < 1) throw new ShapeError('theory: expected at least one point');
  assertFinite(theory, 'theory');
  for (let j = 0; j < R; j++) {
    if (!runs[j] || runs[j].length !== n) throw new ShapeError(`runs[${j}]: expected length ${n} (the theory's), got ${runs[j]?.length}`);
    assertFinite(runs[j], `runs[${j}]`);
  }
  const quantile = options.quantile ?? studentTQuantile(0.995, R - 1);
  const bias = options.bias ?? 0;
  if (!(quantile >= 0) || !Number.isFinite(quantile)) throw new DomainError(`quantile: expected a finite number >= 0, got ${quantile}`);
  if (!(bias >= 0) || !Number.isFinite(bias)) throw new DomainError(`bias: expected a finite number >= 0, got ${bias}`);
  const mean = new Float64Array(n);
  const sd = new Float64Array(n);
  const se = new Float64Array(n);
  const deviation = new Float64Array(n);
  let maxAbsDeviation = 0;
  let maxIndex = 0;
  let maxSe = 0;
  const worst: WorstPoint = { index: 0, mean: 0, theory: theory[0], se: 0, tolerance: bias, ratio: -1 };
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < R; j++) m += runs[j][i];
    m /= R;
    let v = 0;
    for (let j = 0; j < R; j++) v += (runs[j][i] - m) ** 2;
    const s = Math.sqrt(v / (R - 1));
    mean[i] = m;
    sd[i] = s;
    se[i] = s / Math.sqrt(R);
    deviation[i] = m - theory[i];
    const dev = Math.abs(deviation[i]);
    if (dev > maxAbsDeviation) {
      maxAbsDeviation = dev;
      maxIndex = i;
    }
    maxSe = Math.max(maxSe, se[i]);
    const tol = quantile * se[i] + bias;
    const ratio = tol > 0 ? dev / tol : dev > 0 ? Number.POSITIVE_INFINITY : 0;
    if (ratio > worst.ratio) Object.assign(worst, { index: i, mean: m, theory: theory[i], se: se[i], tolerance: tol, ratio });
  }
  const maxDeviationInSe = maxSe > 0 ? maxAbsDeviation / maxSe : maxAbsDeviation > 0 ? Number.POSITIVE_INFINITY : 0;
  return { replicates: R, points: n, mean, sd, se, deviation, maxAbsDeviation, maxIndex, maxSe, maxDeviationInSe, quantile, bias, worst };
}

/** Mean and standard error of the mean of one set of values. */
export interface MeanWithError {
  n: number;
  mean: number;
  sd: number;
  se: number;
}

/**
 * Mean, sample standard deviation (ddof = 1) and standard error of the mean of n >= 2 values.
 *
 * @throws ShapeError for fewer than 2 values; NonFiniteError on a non-finite value.
 * @param values - at least 2 numbers
 * @returns the mean, the sample standard deviation and the standard error of the mean
 */
export function meanWithError(values: ArrayLike<number>): MeanWithError {
  if (!values || typeof values.length !== 'number' || values.length < 2) throw new ShapeError(`values: expected at least 2 numbers, got ${values?.length}`);
  assertFinite(values, 'values');
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  const sd = Math.sqrt(v / (n - 1));
  return { n, mean: m, sd, se: sd / Math.sqrt(n) };
}

/** Difference of two independent means with its standard error and Welch-Satterthwaite degrees of freedom. */
export interface MeanDifference {
  /** mean(a) - mean(b). */
  difference: number;
  /** sqrt(se_a^2 + se_b^2). */
  se: number;
  /** Welch-Satterthwaite degrees of freedom of difference / se. */
  dof: number;
  a: MeanWithError;
  b: MeanWithError;
}

/**
 * Welch comparison of two independent sets of replicates (e.g. a statistic from R simulation runs
 * and the same statistic from R independent Monte-Carlo evaluations of the theory).
 *
 * @throws ShapeError when either set has fewer than 2 values.
 * @param a - first sample (at least 2 values)
 * @param b - second sample (at least 2 values)
 * @returns mean(a) - mean(b) with its (Welch) standard error
 */
export function meanDifference(a: ArrayLike<number>, b: ArrayLike<number>): MeanDifference {
  const A = meanWithError(a);
  const B = meanWithError(b);
  const va = A.se ** 2;
  const vb = B.se ** 2;
  const se = Math.sqrt(va + vb);
  const den = (va * va) / (A.n - 1) + (vb * vb) / (B.n - 1);
  const dof = den > 0 ? (va + vb) ** 2 / den : A.n + B.n - 2;
  return { difference: A.mean - B.mean, se, dof, a: A, b: B };
}
