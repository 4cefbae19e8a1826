/** Shapes shared by the quadrature engines of dae-moments.ts and dae-pairs.ts (kept apart so that the two do not import each other). */

/** Cross-time moments for a pair of grid times (t, t'), same xi at both. */
export interface PairMoments {
  Ess: Float64Array; // E[sigma_t sigma_t'^T]
  Espsi: Float64Array; // E[sigma_t psi_t'^T]
  Epsis: Float64Array; // E[psi_t sigma_t'^T]
  Epsipsi: Float64Array; // E[psi_t psi_t'^T]
}

/** Inputs shared by both engines for one cluster: Q, S (r x r), M (r), b, v (r). */
export interface ClusterFields {
  Q: Float64Array;
  S: Float64Array;
  M: Float64Array;
  b: number;
  v: Float64Array;
}

/** One grid time: alpha_t, beta_t, p_t. */
export interface TimePoint {
  alpha: number;
  beta: number;
  p: number;
}
