import {
  type NDArray,
  type PreparedSummaryStatsReference,
  ShapeError,
  type SummaryStats,
  type SummaryStatsReference,
  assertFinite,
  isNDArray,
  prepareSummaryStatsReference,
  summaryStatsOf,
} from '@diffusion-theory/kernel';

/**
 * Reference directions for the summary statistics (Cui et al. 2025, Result 2.1): kernel's
 * `SummaryStatsReference` (`mus` K x d, `E` d x R, `groups` of length d; optional `Ng`, `microscopic`).
 */
export type StatisticsReference = SummaryStatsReference;

/**
 * Summary statistics of one weight matrix: kernel's `SummaryStats`.
 * @deprecated use `SummaryStats` from @diffusion-theory/kernel; this alias goes in the next minor release.
 */
export type SgdStats = SummaryStats;

/**
 * @deprecated use `PreparedSummaryStatsReference` from @diffusion-theory/kernel.
 */
export type PreparedReference = PreparedSummaryStatsReference;

/**
 * Validate the record references for dimension d (errors name `record.mus`, `record.E`, `record.groups`).
 * @deprecated use `prepareSummaryStatsReference(ref, d, 'record')` from @diffusion-theory/kernel.
 * @param ref - centroids mus (K x d), reference directions E (d x R), groups (length d) or undefined
 * @param d - dimension the reference must match
 * @returns the reference with validated, contiguous arrays (reused by every record)
 * @throws ShapeError for arrays whose shapes do not match d; DomainError for group indices out of range
 */
export function prepareReference(ref: StatisticsReference | undefined, d: number): PreparedReference {
  return prepareSummaryStatsReference(ref, d, 'record');
}

/**
 * The statistics of (w, b, v), w d x r row-major.
 * @deprecated use `summaryStatsOf(w, d, r, ref, { b, v })` from @diffusion-theory/kernel (the one place they are computed).
 * @param w - weights, d x r row-major
 * @param d - dimension
 * @param r - width
 * @param b - skip-connection strength
 * @param v - time-encoding weights (length r)
 * @param ref - a prepared reference (prepareReference)
 * @returns the kernel SummaryStats of the weights
 * @throws ShapeError for arrays of the wrong length
 */
export function computeStats(w: Float64Array, d: number, r: number, b: number, v: Float64Array, ref: PreparedReference): SummaryStats {
  return summaryStatsOf(w, d, r, ref, { b, v });
}

/**
 * The summary statistics (Cui et al. 2025, Result 2.1) of a weight matrix w (d x r): Q, and M, G, q_s, m_{c,s}, g_s
 * when the reference directions are given (kernel `summaryStatsOf`, with w checked finite). Use it
 * for the ODE initial condition ("the statistics of the actual initial w", Cui et al. 2025, Result 2.1).
 * @throws ShapeError for a w that is not d x r; NonFiniteError for non-finite weights.
 * @param w - weights, d x r NDArray
 * @param ref - optional mus, E, groups, and b, v of the model
 * @returns the kernel SummaryStats (Q, and M, G, q_s, m_{c,s}, g_s when the reference has them)
 */
export function summaryStatistics(w: NDArray, ref: StatisticsReference & { b?: number; v?: ArrayLike<number> } = {}): SummaryStats {
  if (!isNDArray(w) || w.ndim !== 2) throw new ShapeError('w: expected a d x r NDArray');
  const [d, r] = w.shape;
  const data = w.contiguous().data;
  assertFinite(data, 'w');
  const { b, v, ...reference } = ref;
  return summaryStatsOf(data, d, r, prepareSummaryStatsReference(reference, d, 'reference'), { b, v });
}
