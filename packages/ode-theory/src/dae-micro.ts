import { DomainError, ParameterError, ShapeError, assertObject, assertNumber } from '@diffusion-theory/kernel';
import type { DaeStateLayout } from './dae-layout.js';
import { symEigen } from './small-linalg.js';
import type { SpectralMixtureSpec } from './spectral-mixture.js';

/**
 * Microscopic groups in factor form (the Result 2.1 ODE of Cui et al. 2025, per coordinate).
 *
 * A microscopic group s (|s| = O(1), rho_s = 0) has q_s = sum_{i in s} u_i u_i^T with u_i = w_{i,:}/sqrt d,
 * m_{c,s} = sum_i mu_{c,i} u_i, g_s = sum_i u_i E_{i,:}. Row i of w evolves (in tau) as
 *   du_i/dtau = E_{c,t}[ mu_{c,i} a_{c,t} + K_{c,t,s}^T u_i ] - (lambda/2) u_i,
 * whose push-forward is exactly the q_s, m_{c,s}, g_s equations of Cui et al. 2025, Result 2.1 (rho_s = 0: no noise term).
 * The rank-<=|s| manifold is invariant but transversally unstable for a large spike ell; the factor
 * form stays on it by construction.
 */

/** Which groups are in factor form, and how many micro coordinates each has. */
export function microGroupCounts(spec: SpectralMixtureSpec): Int32Array {
  const count = new Int32Array(spec.Ng);
  if (spec.micro) for (const s of spec.micro.coords) count[s]++;
  return count;
}

/**
 * Overwrite, in place, the q_s, m_{c,s}, g_s slots of every factor-form group of the packed state y
 * with their exact values from the factor block u. Allocation-free; no-op without spec.micro.
 */
export function syncMicroStats(spec: SpectralMixtureSpec, layout: DaeStateLayout, y: Float64Array, isMicro: Uint8Array): void {
  const mi = spec.micro;
  if (!mi || layout.nMicro === 0) return;
  const { r, K, Ng, R, oM, oG, oU } = layout;
  const n = layout.nMicro;
  const rr = r * r;
  for (let s = 0; s < Ng; s++) {
    if (!isMicro[s]) continue;
    y.fill(0, s * rr, (s + 1) * rr);
    for (let c = 0; c < K; c++) y.fill(0, oM + (c * Ng + s) * r, oM + (c * Ng + s + 1) * r);
    y.fill(0, oG + s * r * R, oG + (s + 1) * r * R);
  }
  for (let p = 0; p < n; p++) {
    const s = mi.coords[p];
    const uo = oU + p * r;
    const qo = s * rr;
    for (let k = 0; k < r; k++) {
      const uk = y[uo + k];
      for (let l = 0; l < r; l++) y[qo + k * r + l] += uk * y[uo + l];
    }
    for (let c = 0; c < K; c++) {
      const a = mi.mu[c * n + p];
      if (a === 0) continue;
      const mo = oM + (c * Ng + s) * r;
      for (let k = 0; k < r; k++) y[mo + k] += a * y[uo + k];
    }
    if (R > 0) {
      const go = oG + s * r * R;
      for (let k = 0; k < r; k++) {
        const uk = y[uo + k];
        for (let j = 0; j < R; j++) y[go + k * R + j] += uk * mi.E[p * R + j];
      }
    }
  }
}

/** Boolean mask (1 = factor form) of the groups listed in spec.micro. */
export function microMask(spec: SpectralMixtureSpec): Uint8Array {
  const out = new Uint8Array(spec.Ng);
  if (spec.micro) for (const s of spec.micro.coords) out[s] = 1;
  return out;
}

/**
 * Reconstruct the factor rows u (nMicro x r, order of spec.micro.coords) from group statistics, for
 * specs whose factor-form groups all have ONE coordinate (covariance spikes). Then q_s = u u^T must be
 * rank one (checked: second eigenvalue <= 1e-8 * first, up to round-off) and u = ±sqrt(l_1) v_1 (top
 * eigenpair). Sign convention: the sign that reproduces m_{c,s} = mu_{c,i} u and g_s = u E_i, i.e. that
 * makes sum_c mu_{c,i} <m_{c,s}, u> + sum_j E_{i,j} <g_s[:, j], u> >= 0; when that is 0 (mu_i = 0 and
 * E_i = 0, or q_s = 0) the sign is +, with the first non-zero component of u positive. With mu_i = 0
 * the dynamics of u are odd (u -> -u maps solutions to solutions), so q, m, g do not depend on that choice.
 * A group with more than one coordinate cannot be reconstructed from sums: pass DaeInit.u.
 */
export function microFactorsFromStats(
  spec: SpectralMixtureSpec,
  r: number,
  st: { q: ArrayLike<number>; m: ArrayLike<number>; g?: ArrayLike<number> },
): Float64Array {
  assertObject(spec, 'spec');
  assertNumber(r, 'r');
  assertObject(st, 'st');
  const mi = spec.micro;
  if (!mi) throw new ParameterError('spec.micro: no microscopic groups in factor form to reconstruct');
  const { K, Ng, R } = spec;
  const n = mi.coords.length;
  const rr = r * r;
  if (st.q.length !== Ng * rr) throw new ShapeError(`init.q: expected length Ng x r x r = ${Ng * rr}, got ${st.q.length}`);
  if (st.m.length !== K * Ng * r) throw new ShapeError(`init.m: expected length K x Ng x r = ${K * Ng * r}, got ${st.m.length}`);
  const count = microGroupCounts(spec);
  const eig = symEigen(r);
  const qs = new Float64Array(rr);
  const u = new Float64Array(n * r);
  for (let p = 0; p < n; p++) {
    const s = mi.coords[p];
    if (count[s] !== 1) {
      throw new ParameterError(`init.u: group ${s} has ${count[s]} micro coordinates; its factor rows cannot be rebuilt from q_s, pass init.u (the rows w_{i,:}/sqrt d)`);
    }
    for (let i = 0; i < rr; i++) qs[i] = st.q[s * rr + i];
    eig.run(qs);
    const l1 = eig.values[0];
    const l2 = r > 1 ? eig.values[1] : 0;
    let scale = 0;
    for (let i = 0; i < rr; i++) scale = Math.max(scale, Math.abs(qs[i]));
    if (l1 < 0 || Math.abs(l2) > 1e-8 * Math.max(l1, 0) + 1e-14 * scale + 1e-300 || eig.values[r - 1] < -(1e-8 * l1 + 1e-300)) {
      throw new DomainError(`init.q: group ${s} (one micro coordinate) needs a rank-one PSD q_s = u u^T, got eigenvalues [${Array.from(eig.values).join(', ')}]; pass init.u`);
    }
    const a = Math.sqrt(Math.max(l1, 0));
    for (let k = 0; k < r; k++) u[p * r + k] = a * eig.vectors[k * r];
    let score = 0;
    for (let c = 0; c < K; c++) {
      const mc = mi.mu[c * n + p];
      if (mc === 0) continue;
      for (let k = 0; k < r; k++) score += mc * st.m[(c * Ng + s) * r + k] * u[p * r + k];
    }
    if (R > 0 && st.g) {
      for (let j = 0; j < R; j++) {
        const e = mi.E[p * R + j];
        if (e === 0) continue;
        for (let k = 0; k < r; k++) score += e * st.g[(s * r + k) * R + j] * u[p * r + k];
      }
    }
    let flip = score < 0;
    if (score === 0) {
      for (let k = 0; k < r; k++) {
        if (u[p * r + k] !== 0) {
          flip = u[p * r + k] < 0;
          break;
        }
      }
    }
    if (flip) for (let k = 0; k < r; k++) u[p * r + k] = -u[p * r + k];
  }
  return u;
}
