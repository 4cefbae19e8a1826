import { NDArray, ShapeError, assertFinite } from '@diffusion-theory/kernel';

/**
 * Reference directions for the summary statistics of spec dae-asymptotics §4.1, all in the frame
 * of the weights w (d x r).
 */
export interface StatisticsReference {
  /** Centroids mu_c, K x d (O(1) norms). Gives M^c = w^T mu_c / sqrt d and, with groups, m_{c,s}. */
  mus?: NDArray;
  /** Orthonormal reference basis E, d x R. Gives G = w^T E / sqrt d and, with groups, g_s. */
  E?: NDArray;
  /**
   * Group index of each coordinate (length d; coordinates = the eigenbasis, so train in the target's
   * eigen frame). Gives q_s, m_{c,s}, g_s.
   */
  groups?: Int32Array | readonly number[];
}

/**
 * Summary statistics of one weight matrix (spec §4.1). Flat row-major arrays:
 * Q[k*r + l] = (w^T w / d)_{kl}; M[c*r + k] = M^c_k; G[k*R + j];
 * q[(s*r + k)*r + l] = (q_s)_{kl}; m[(c*Ng + s)*r + k] = (m_{c,s})_k; g[(s*r + k)*R + j] = (g_s)_{kj}.
 * These are exactly the ODE state {q_s, m_{c,s}, g_s} ∪ {b, v} and its derived Q, M, G.
 */
export interface SgdStats {
  b: number;
  v: Float64Array;
  Q: Float64Array;
  M?: Float64Array;
  G?: Float64Array;
  q?: Float64Array;
  m?: Float64Array;
  g?: Float64Array;
}

/** @internal validated reference data */
export interface PreparedReference {
  K: number;
  R: number;
  Ng: number;
  mus: Float64Array | null;
  E: Float64Array | null;
  groups: Int32Array | null;
}

export function prepareReference(ref: StatisticsReference | undefined, d: number): PreparedReference {
  const out: PreparedReference = { K: 0, R: 0, Ng: 0, mus: null, E: null, groups: null };
  if (!ref) return out;
  if (ref.mus !== undefined) {
    if (!(ref.mus instanceof NDArray) || ref.mus.ndim !== 2 || ref.mus.shape[1] !== d) {
      throw new ShapeError(`record.mus: expected an NDArray of shape [K, ${d}]`);
    }
    out.mus = ref.mus.contiguous().data;
    assertFinite(out.mus, 'record.mus');
    out.K = ref.mus.shape[0];
  }
  if (ref.E !== undefined) {
    if (!(ref.E instanceof NDArray) || ref.E.ndim !== 2 || ref.E.shape[0] !== d) {
      throw new ShapeError(`record.E: expected an NDArray of shape [${d}, R]`);
    }
    out.E = ref.E.contiguous().data;
    assertFinite(out.E, 'record.E');
    out.R = ref.E.shape[1];
  }
  if (ref.groups !== undefined) {
    if (ref.groups.length !== d) throw new ShapeError(`record.groups: expected length d = ${d}, got ${ref.groups.length}`);
    const g = Int32Array.from(ref.groups);
    let Ng = 0;
    for (let i = 0; i < d; i++) {
      if (!(g[i] >= 0)) throw new ShapeError(`record.groups: expected non-negative group indices, got ${g[i]} at ${i}`);
      Ng = Math.max(Ng, g[i] + 1);
    }
    out.groups = g;
    out.Ng = Ng;
  }
  return out;
}

/** Compute the statistics of (w, b, v) into fresh arrays. w is d x r row-major. */
export function computeStats(w: Float64Array, d: number, r: number, b: number, v: Float64Array, ref: PreparedReference): SgdStats {
  const { K, R, Ng, mus, E, groups } = ref;
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
      const wk = w[wo + k];
      for (let l = 0; l < r; l++) {
        const p = (wk * w[wo + l]) / d;
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
  const st: SgdStats = { b, v: v.slice(), Q };
  if (M) st.M = M;
  if (G) st.G = G;
  if (q) st.q = q;
  if (m) st.m = m;
  if (g) st.g = g;
  return st;
}

/**
 * The summary statistics (spec §4.1) of a weight matrix w (d x r): Q, and M, G, q_s, m_{c,s}, g_s
 * when the reference directions are given. Use it for the ODE initial condition ("the statistics of
 * the actual initial w", §4.8).
 */
export function summaryStatistics(w: NDArray, ref: StatisticsReference & { b?: number; v?: ArrayLike<number> } = {}): SgdStats {
  if (!(w instanceof NDArray) || w.ndim !== 2) throw new ShapeError('w: expected a d x r NDArray');
  const [d, r] = w.shape;
  const data = w.contiguous().data;
  assertFinite(data, 'w');
  const v = new Float64Array(r);
  if (ref.v) {
    if (ref.v.length !== r) throw new ShapeError(`v: expected length r = ${r}, got ${ref.v.length}`);
    for (let k = 0; k < r; k++) v[k] = ref.v[k];
  }
  return computeStats(data, d, r, ref.b ?? 0, v, prepareReference(ref, d));
}
