import { assertInteger } from './check.js';
import { DomainError, NonFiniteError, ShapeError } from './errors.js';
import { type NDArray, isNDArray } from './ndarray.js';
import type { SummaryStats } from './vocabulary.js';

/**
 * Reference directions of the summary statistics (Cui et al. 2025, Result 2.1), in the frame of the
 * weights w (d x r). Each one present adds its statistics to the result.
 */
export interface SummaryStatsReference {
  /** Centroids mu_c, K x d (O(1) norms): M^c = w^T mu_c / sqrt d and, with groups, m_{c,s}. */
  mus?: NDArray | null;
  /** Reference basis E, d x R: G = w^T E / sqrt d and, with groups, g_s. */
  E?: NDArray | null;
  /**
   * Group of each coordinate (length d, integers in [0, Ng); coordinates are the eigenbasis, so
   * train in the target's eigenframe): q_s, m_{c,s}, g_s.
   */
  groups?: ArrayLike<number>;
  /** Number of groups Ng (default: max(groups) + 1; larger leaves trailing groups empty). */
  Ng?: number;
  /**
   * Per group (length Ng): whether it is microscopic. Adds `u`, the rows w_{i,:} / sqrt d of the
   * coordinates of microscopic groups in ascending i (the factor form of those groups).
   */
  microscopic?: readonly boolean[];
}

/** A validated SummaryStatsReference for one d (flat data; reuse it between records). */
export interface PreparedSummaryStatsReference {
  readonly kind: 'prepared-summary-stats-reference';
  readonly d: number;
  readonly K: number;
  readonly R: number;
  readonly Ng: number;
  readonly mus: Float64Array | null;
  readonly E: Float64Array | null;
  readonly groups: Int32Array | null;
  readonly microscopic: Uint8Array | null;
}

function isPrepared(ref: unknown): ref is PreparedSummaryStatsReference {
  return !!ref && (ref as PreparedSummaryStatsReference).kind === 'prepared-summary-stats-reference';
}

function flatFinite(a: NDArray, name: string): Float64Array {
  const data = a.contiguous().data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new NonFiniteError(`${name}: expected finite entries, got ${data[i]} at flat index ${i}`);
  }
  return data;
}

/**
 * Validate the reference directions once for dimension d. Throws ShapeError (wrong shapes or
 * lengths) or DomainError (non-finite entries, a group index that is not an integer in [0, Ng)),
 * naming `name.field`.
 */
export function prepareSummaryStatsReference(
  ref: SummaryStatsReference | PreparedSummaryStatsReference | undefined,
  d: number,
  name = 'reference',
): PreparedSummaryStatsReference {
  assertInteger(d, 1, 'd');
  if (isPrepared(ref)) {
    if (ref.d !== d) throw new ShapeError(`${name}: prepared for d = ${ref.d}, expected d = ${d}`);
    return ref;
  }
  let K = 0;
  let R = 0;
  let Ng = 0;
  let mus: Float64Array | null = null;
  let E: Float64Array | null = null;
  let groups: Int32Array | null = null;
  let microscopic: Uint8Array | null = null;
  if (ref === undefined || ref === null) return { kind: 'prepared-summary-stats-reference', d, K, R, Ng, mus, E, groups, microscopic };
  if (typeof ref !== 'object') throw new ShapeError(`${name}: expected { mus?, E?, groups?, Ng?, microscopic? }`);
  if (ref.mus !== undefined && ref.mus !== null) {
    if (!isNDArray(ref.mus) || ref.mus.ndim !== 2 || ref.mus.shape[1] !== d) {
      throw new ShapeError(`${name}.mus: expected an NDArray of shape [K, ${d}], got ${isNDArray(ref.mus) ? `[${ref.mus.shape.join(', ')}]` : typeof ref.mus}`);
    }
    mus = flatFinite(ref.mus, `${name}.mus`);
    K = ref.mus.shape[0];
  }
  if (ref.E !== undefined && ref.E !== null) {
    if (!isNDArray(ref.E) || ref.E.ndim !== 2 || ref.E.shape[0] !== d) {
      throw new ShapeError(`${name}.E: expected an NDArray of shape [${d}, R], got ${isNDArray(ref.E) ? `[${ref.E.shape.join(', ')}]` : typeof ref.E}`);
    }
    E = flatFinite(ref.E, `${name}.E`);
    R = ref.E.shape[1];
  }
  if (ref.groups !== undefined) {
    if (ref.groups === null || typeof ref.groups.length !== 'number') throw new ShapeError(`${name}.groups: expected an array of length d = ${d}`);
    if (ref.groups.length !== d) throw new ShapeError(`${name}.groups: expected length d = ${d}, got ${ref.groups.length}`);
    groups = new Int32Array(d);
    let max = -1;
    for (let i = 0; i < d; i++) {
      const s = ref.groups[i];
      if (!Number.isInteger(s) || s < 0) throw new DomainError(`${name}.groups[${i}]: expected a non-negative integer group index, got ${s}`);
      groups[i] = s;
      max = Math.max(max, s);
    }
    Ng = max + 1;
    if (ref.Ng !== undefined) {
      assertInteger(ref.Ng, 1, `${name}.Ng`);
      if (max >= ref.Ng) throw new DomainError(`${name}.groups: expected group indices in [0, Ng = ${ref.Ng}), got ${max}`);
      Ng = ref.Ng;
    }
    if (ref.microscopic !== undefined) {
      if (!Array.isArray(ref.microscopic) || ref.microscopic.length !== Ng) {
        throw new ShapeError(`${name}.microscopic: expected one flag per group (Ng = ${Ng}), got length ${(ref.microscopic as { length?: number })?.length}`);
      }
      microscopic = Uint8Array.from(ref.microscopic, (m) => (m ? 1 : 0));
    }
  } else if (ref.Ng !== undefined || ref.microscopic !== undefined) {
    throw new ShapeError(`${name}.groups: expected the group of each coordinate when Ng or microscopic is given`);
  }
  return { kind: 'prepared-summary-stats-reference', d, K, R, Ng, mus, E, groups, microscopic };
}

/**
 * The summary statistics (Cui et al. 2025, Result 2.1) of a weight matrix w (d x r, row-major):
 *   Q = w^T w / d,  M^c = w^T mu_c / sqrt d,  G = w^T E / sqrt d,
 *   q_s = (1/d) sum_{i in s} w_i w_i^T,  m_{c,s} = d^{-1/2} sum_{i in s} mu_{c,i} w_i,  g_s = d^{-1/2} sum_{i in s} w_i E_i^T,
 * each present when its reference is (M: mus; G: E; q: groups; m: groups and mus; g: groups and E;
 * u: microscopic groups), with b and v (default 0) copied in. The one place this is computed:
 * online SGD records it and it is the ODE's initial state from actual weights (Cui et al. 2025, Result 2.1).
 * Allocates only the result; a non-finite w gives non-finite statistics (callers that train check them).
 * @param w d x r weights: a Float64Array of length d*r or an NDArray of shape [d, r].
 * @param reference the reference directions (raw or prepared with prepareSummaryStatsReference).
 * @param params b and v (length r) to carry into the result.
 * @throws ShapeError for a w or v of the wrong size; see prepareSummaryStatsReference.
 */
export function summaryStatsOf(
  w: Float64Array | NDArray,
  d: number,
  r: number,
  reference?: SummaryStatsReference | PreparedSummaryStatsReference,
  params: { b?: number; v?: ArrayLike<number> } = {},
): SummaryStats {
  assertInteger(d, 1, 'd');
  assertInteger(r, 1, 'r');
  let wd: Float64Array;
  if (isNDArray(w)) {
    if (w.ndim !== 2 || w.shape[0] !== d || w.shape[1] !== r) throw new ShapeError(`w: expected shape [${d}, ${r}], got [${w.shape.join(', ')}]`);
    wd = w.contiguous().data;
  } else if (w instanceof Float64Array) {
    if (w.length !== d * r) throw new ShapeError(`w: expected length d*r = ${d * r}, got ${w.length}`);
    wd = w;
  } else throw new ShapeError('w: expected a Float64Array (d x r, row-major) or an NDArray');
  const ref = prepareSummaryStatsReference(reference, d);
  const b = params.b ?? 0;
  if (typeof b !== 'number') throw new DomainError(`b: expected a number, got ${typeof b}`);
  const v = new Float64Array(r);
  if (params.v !== undefined) {
    if (params.v.length !== r) throw new ShapeError(`v: expected length r = ${r}, got ${params.v.length}`);
    for (let k = 0; k < r; k++) v[k] = params.v[k];
  }
  const { K, R, Ng, mus, E, groups, microscopic } = ref;
  const Q = new Float64Array(r * r);
  const M = mus ? new Float64Array(K * r) : undefined;
  const G = E ? new Float64Array(r * R) : undefined;
  const q = groups ? new Float64Array(Ng * r * r) : undefined;
  const m = groups && mus ? new Float64Array(K * Ng * r) : undefined;
  const g = groups && E ? new Float64Array(Ng * r * R) : undefined;
  const inv = 1 / Math.sqrt(d);
  for (let i = 0; i < d; i++) {
    const wo = i * r;
    const s = groups ? groups[i] : 0;
    for (let k = 0; k < r; k++) {
      const wk = wd[wo + k];
      for (let l = 0; l < r; l++) {
        const p = (wk * wd[wo + l]) / d;
        Q[k * r + l] += p;
        if (q) q[(s * r + k) * r + l] += p;
      }
      if (M && mus) {
        for (let c = 0; c < K; c++) {
          const mc = mus[c * d + i];
          if (mc === 0) continue;
          M[c * r + k] += wk * mc * inv;
          if (m) m[(c * Ng + s) * r + k] += wk * mc * inv;
        }
      }
      if (G && E) {
        for (let j = 0; j < R; j++) {
          const ej = E[i * R + j];
          if (ej === 0) continue;
          G[k * R + j] += wk * ej * inv;
          if (g) g[(s * r + k) * R + j] += wk * ej * inv;
        }
      }
    }
  }
  const st: SummaryStats = { b, v, Q };
  if (M) st.M = M;
  if (G) st.G = G;
  if (q) st.q = q;
  if (m) st.m = m;
  if (g) st.g = g;
  if (groups && microscopic) {
    let n = 0;
    for (let i = 0; i < d; i++) if (microscopic[groups[i]]) n++;
    const u = new Float64Array(n * r);
    let o = 0;
    for (let i = 0; i < d; i++) {
      if (!microscopic[groups[i]]) continue;
      for (let k = 0; k < r; k++) u[o++] = wd[i * r + k] * inv;
    }
    st.u = u;
  }
  return st;
}
