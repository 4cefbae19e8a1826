import { assertNumber, assertObject } from './check.js';
import type { NDArray } from './ndarray.js';
import type { Rng } from './rng.js';

/**
 * Anything that draws data x1: `sample(n, rng)` returns n x d rows; `sampleInto` (optional) fills
 * a row-major buffer of n x d without allocating. Targets, datasets and their Gaussian
 * surrogates are sample sources; trainers take any.
 */
export interface SampleSource {
  /** Dimension d of one sample. */
  readonly dim: number;
  sample(n: number, rng: Rng): NDArray;
  sampleInto?(out: Float64Array, n: number, rng: Rng): void;
}

/** The first two moments of a law on R^d: mean (length d) and covariance (d x d). */
export interface GaussianMoments {
  mean: Float64Array;
  covariance: NDArray;
}

/** A denoiser that is affine in x at a time t: D(x, t) = A x + c (A d x d, c length d). */
export interface AffineForm {
  A: NDArray;
  c: Float64Array;
}

/** An affine denoiser: its form at each time (`gaussian(...).affineDenoiser(schedule)`, a trained linear denoiser). */
export type AffineDenoiser = (t: number) => AffineForm;

/**
 * Summary statistics of the tied DAE's weights w (d x r) at one training time (the
 * summary statistics of Result 2.1 of Cui et al. 2025), flat row-major:
 * Q[k*r + l] = (w^T w / d)_{kl}; M[c*r + k] = (w^T mu_c / sqrt d)_k; G[k*R + j] = (w^T E / sqrt d)_{kj};
 * q[(s*r + k)*r + l] = (q_s)_{kl}; m[(c*Ng + s)*r + k] = (m_{c,s})_k; g[(s*r + k)*R + j] = (g_s)_{kj}.
 * These are the ODE state {q_s, m_{c,s}, g_s} with {b, v} and the derived Q, M, G; online SGD
 * measures them and the ODE evolves them, so one record serves both (and is an ODE initial state).
 */
export interface SummaryStats {
  /** Skip connection b. */
  b: number;
  /** Time-encoding weights v (length r). */
  v: Float64Array;
  Q: Float64Array;
  M?: Float64Array;
  G?: Float64Array;
  q?: Float64Array;
  m?: Float64Array;
  g?: Float64Array;
  /** Factor rows of the microscopic coordinates (ODE with one-coordinate groups), nMicro x r. */
  u?: Float64Array;
}

/**
 * A time series of SummaryStats, one entry per record n, the same fields stacked:
 * Q[n*r*r + k*r + l]; M[(n*K + c)*r + k]; G[(n*r + k)*R + j]; v[n*r + k]; b[n];
 * q[((n*Ng + s)*r + k)*r + l]; m[((n*K + c)*Ng + s)*r + k]; g[((n*Ng + s)*r + k)*R + j].
 * Returned by online SGD (with `step` and `loss`) and by the summary-statistic ODE (with `nfev`).
 */
export interface SummaryStatsRecord {
  r: number;
  /** Number of centroids (M), reference directions (G) and coordinate groups (q, m, g). */
  K: number;
  R: number;
  Ng: number;
  /** Training times tau = 2 eta n / d. */
  tau: Float64Array;
  b: Float64Array;
  v: Float64Array;
  Q: Float64Array;
  M?: Float64Array;
  G?: Float64Array;
  q?: Float64Array;
  m?: Float64Array;
  g?: Float64Array;
  u?: Float64Array;
}

/** The SummaryStats of record n (copies). */
export function statsAt(rec: SummaryStatsRecord, n: number): SummaryStats {
  assertObject(rec, 'rec');
  assertNumber(n, 'n');
  const { r, K, R, Ng } = rec;
  const sl = (a: Float64Array, size: number) => a.slice(n * size, (n + 1) * size);
  const st: SummaryStats = { b: rec.b[n], v: sl(rec.v, r), Q: sl(rec.Q, r * r) };
  if (rec.M) st.M = sl(rec.M, K * r);
  if (rec.G) st.G = sl(rec.G, r * R);
  if (rec.q) st.q = sl(rec.q, Ng * r * r);
  if (rec.m) st.m = sl(rec.m, K * Ng * r);
  if (rec.g) st.g = sl(rec.g, Ng * r * R);
  if (rec.u) {
    const nU = rec.u.length / rec.tau.length;
    st.u = rec.u.slice(n * nU, (n + 1) * nU);
  }
  return st;
}
