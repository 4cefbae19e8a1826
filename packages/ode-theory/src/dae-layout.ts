import { assertInteger, assertObject } from '@diffusion-theory/kernel';

/**
 * Flat state vector of the DAE summary-statistic ODE (Cui et al. 2025, Result 2.1), row-major throughout:
 *
 *   offset            block          shape            index
 *   0                 q_s            Ng x r x r       s*r*r + k*r + l
 *   oM = Ng r^2       m_{c,s}        K x Ng x r       oM + (c*Ng + s)*r + k
 *   oG = oM + K Ng r  g_s            Ng x r x R       oG + (s*r + k)*R + j
 *   oV = oG + Ng r R  v              r                oV + k
 *   oB = oV + r       b              1                oB
 *   oU = oB + 1       u_p            nMicro x r       oU + p*r + k     (factor rows; only with spec.micro)
 *
 * length = Ng r^2 + K Ng r + Ng r R + r + 1 + nMicro r.
 *
 * Factor block (microscopic groups in factor form, spec.micro): u_p = w_{i,:}/sqrt d of the p-th micro
 * coordinate i. For those groups the q_s, m_{c,s}, g_s slots are not read by the RHS (it rebuilds them as
 * sum_p u_p u_p^T, sum_p mu_{c,p} u_p, sum_p u_p E_p^T); they carry the integrated push-forward and are
 * replaced by the exact values from u in every record (solveDaeOde). nMicro = 0 gives the plain layout.
 */
export interface DaeStateLayout {
  r: number;
  K: number;
  Ng: number;
  R: number;
  oM: number;
  oG: number;
  oV: number;
  oB: number;
  /** Number of micro coordinates in factor form (0 without spec.micro). */
  nMicro: number;
  /** Offset of the factor block u (nMicro x r) = oB + 1. */
  oU: number;
  length: number;
}

export function daeStateLayout(dims: { r: number; K: number; Ng: number; R: number; nMicro?: number }): DaeStateLayout {
  assertObject(dims, 'dims');
  const { r, K, Ng, R } = dims;
  const nMicro = dims.nMicro ?? 0;
  assertInteger(r, 1, 'r');
  assertInteger(K, 1, 'K');
  assertInteger(Ng, 1, 'Ng');
  assertInteger(R, 0, 'R');
  assertInteger(nMicro, 0, 'nMicro');
  const oM = Ng * r * r;
  const oG = oM + K * Ng * r;
  const oV = oG + Ng * r * R;
  const oB = oV + r;
  const oU = oB + 1;
  return { r, K, Ng, R, oM, oG, oV, oB, nMicro, oU, length: oU + nMicro * r };
}
