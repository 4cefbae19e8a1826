/**
 * Result 2.2 resolved by spectral group: the generated variance per coordinate, averaged over the
 * coordinates of each group of the target's eigenbasis (Cui et al. 2025, Result 2.2; eq. 8).
 */
import { DomainError, ShapeError, assertFinite, assertInRange } from '@diffusion-theory/kernel';
import { type MatrixInput, pinvSymSmall, symmetricData } from './generated-density.js';

export interface GeneratedGroupVarianceOptions {
  /** Q = w^T w / d (r x r). */
  Q: MatrixInput;
  /**
   * Per-group q_s = (1/d) sum_{i in s} w_i^T w_i, Ng x r x r flat (q[(s*r + k)*r + l], the
   * SummaryStats layout; from online SGD records or the ODE state).
   */
  q: ArrayLike<number>;
  /** Number of coordinates |s| of each group (length Ng, each >= 1). */
  groupSizes: ArrayLike<number>;
  /** Covariance of Z_{t_f} = w^T X_{t_f} / sqrt d (r x r), e.g. kernel sampleCovariance of zProcess's Z. */
  zCovariance: MatrixInput;
  /** v_{t_f}, the variance per direction off span(w) (offSubspaceVariance or zProcess's vtf), >= 0. */
  vtf: number;
}

export interface GeneratedGroupVariance {
  /** Mean over the coordinates i of group s of Var(X_i) at t_f: inW + offW. */
  variance: Float64Array;
  /** The part from Z (inside W = span(w)): tr(Q^+ C_Z Q^+ q_s) / |s|. */
  inW: Float64Array;
  /** The part off W: v_{t_f} (|s| - tr(Q^+ q_s)) / |s|. */
  offW: Float64Array;
}

/**
 * The generated variance per spectral group (Result 2.2 in the eigenbasis). X_{t_f} =
 * (w / sqrt d) Q^+ Z_{t_f} + Y with Y independent of Z, Cov(Y) = v_{t_f} Pi_{W-perp}, and
 * Pi_W = (w / sqrt d) Q^+ (w^T / sqrt d); so coordinate i has
 *   Var(X_i) = v_{t_f} (1 - w_i^T Q^+ w_i / d) + w_i^T Q^+ C_Z Q^+ w_i / d,
 * and the sum over a group depends on w only through q_s:
 *   sum_{i in s} Var(X_i) = v_{t_f} (|s| - tr(Q^+ q_s)) + tr(Q^+ C_Z Q^+ q_s).
 * Exact at finite d given the weights (Q, q_s from actual weights) or, with the ODE's q_s, the
 * d -> infinity prediction.
 *
 * @returns per group: variance, inW, offW.
 * @throws ShapeError when q is not Ng x r x r for the r of Q or a size is missing; DomainError on a negative vtf or a group size < 1.
 */
export function generatedGroupVariance(o: GeneratedGroupVarianceOptions): GeneratedGroupVariance {
  if (!o || typeof o !== 'object') throw new ShapeError('options: expected { Q, q, groupSizes, zCovariance, vtf }');
  const { data: Q, n: r } = symmetricData(o.Q, 'Q');
  const { data: C, n: rc } = symmetricData(o.zCovariance, 'zCovariance');
  if (rc !== r) throw new ShapeError(`zCovariance: expected ${r} x ${r} (the shape of Q), got ${rc} x ${rc}`);
  assertInRange(o.vtf, 0, Number.POSITIVE_INFINITY, 'vtf');
  const sizes = o.groupSizes;
  if (!sizes || typeof sizes.length !== 'number' || sizes.length < 1) throw new ShapeError('groupSizes: expected a non-empty array of group sizes');
  const Ng = sizes.length;
  if (!o.q || o.q.length !== Ng * r * r) throw new ShapeError(`q: expected length Ng r^2 = ${Ng * r * r} (Ng = ${Ng}, r = ${r}), got ${o.q?.length}`);
  assertFinite(o.q, 'q');
  const Qp = pinvSymSmall(Q, r);
  // A = Q^+ C Q^+
  const QpC = new Float64Array(r * r);
  const A = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) for (let k = 0; k < r; k++) QpC[i * r + j] += Qp[i * r + k] * C[k * r + j];
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) for (let k = 0; k < r; k++) A[i * r + j] += QpC[i * r + k] * Qp[k * r + j];
  const variance = new Float64Array(Ng);
  const inW = new Float64Array(Ng);
  const offW = new Float64Array(Ng);
  for (let s = 0; s < Ng; s++) {
    const size = sizes[s];
    if (!(Number.isInteger(size) && size >= 1)) throw new DomainError(`groupSizes[${s}]: expected an integer >= 1, got ${size}`);
    let trP = 0; // tr(Q^+ q_s)
    let trA = 0; // tr(A q_s)
    for (let k = 0; k < r; k++) {
      for (let l = 0; l < r; l++) {
        const qs = o.q[(s * r + l) * r + k];
        trP += Qp[k * r + l] * qs;
        trA += A[k * r + l] * qs;
      }
    }
    inW[s] = trA / size;
    offW[s] = (o.vtf * (size - trP)) / size;
    variance[s] = inW[s] + offW[s];
  }
  return { variance, inW, offW };
}
