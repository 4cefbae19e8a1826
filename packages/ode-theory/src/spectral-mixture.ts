import { DomainError, ParameterError, ShapeError, assertFinite, assertInteger, describeValue, assertObject } from '@diffusion-theory/kernel';

/**
 * A target as a finite Gaussian mixture with spectral groups (Cui et al. 2025, eq. 8), in plain data.
 * Same shape as `@diffusion-theory/targets`' SpectralMixtureSpec (defined here so that ode-theory
 * does not depend on targets).
 *
 * - K clusters with weights pi (length K, summing to 1);
 * - Ng spectral groups; ell[c*Ng+s] = eigenvalue of cluster c's covariance on group s (>= 0);
 * - rho[s] = limiting mass |s|/d of group s (0 for microscopic groups, Cui et al. 2025, Result 2.1);
 * - T[(c*K+c2)*Ng+s] = sum_{i in s} mu_{c,i} mu_{c2,i};
 * - P[(c*Ng+s)*R+r] = sum_{i in s} mu_{c,i} E_{i,r} (R reference directions, R may be 0);
 * - Lambda = sum_c pi_c sum_s rho_s ell_{c,s} (average spread); d = the finite dimension (informative);
 * - groupSizes (optional): |s| at the finite d (finite-d corrections);
 * - micro (optional): the per-coordinate data of microscopic groups (see SpectralMixtureMicro). When
 *   present, those groups are evolved in factor form (one r-vector u_i = w_{i,:}/sqrt d per coordinate),
 *   which keeps q_s of rank <= |s| exactly (dae-ode.ts).
 */
export interface SpectralMixtureSpec {
  K: number;
  Ng: number;
  d: number;
  pi: Float64Array;
  ell: Float64Array;
  rho: Float64Array;
  T: Float64Array;
  P: Float64Array;
  R: number;
  Lambda: number;
  micro?: SpectralMixtureMicro;
  /**
   * Number of coordinates |s| of each group at the finite d (optional; targets' constants() give it).
   * Read only by finite-d corrections (finiteDSkipCorrection's Lambda_d); the ODE uses rho.
   */
  groupSizes?: ArrayLike<number>;
}

/**
 * Per-coordinate data of the microscopic groups (|s| = O(1), rho_s = 0; Cui et al. 2025, eq. 8; Result 2.1), in the
 * eigenbasis. nMicro = coords.length coordinates, listed in a fixed order that the factor rows u of the
 * initial condition (DaeInit.u) follow:
 * - coords[p]            group index s of micro coordinate p (every listed group must have rho_s = 0);
 * - mu[c*nMicro + p]     centroid component mu_{c,i} of cluster c on that coordinate (K x nMicro);
 * - E[p*R + j]           reference row E_{i,j} (nMicro x R).
 * Consistency (checked by validateSpectralMixture): for every listed group s,
 * T_{cc',s} = sum_{p in s} mu_{c,p} mu_{c',p} and P_{c,s} = sum_{p in s} mu_{c,p} E_{p,:} — i.e. all
 * coordinates of a listed group must be listed. Groups with rho_s = 0 that are not listed stay in q-form.
 */
export interface SpectralMixtureMicro {
  coords: Int32Array;
  mu: Float64Array;
  E: Float64Array;
}

/** Validate the plain shape; throws ShapeError / DomainError / NonFiniteError naming the field. */
export function validateSpectralMixture(spec: SpectralMixtureSpec, name = 'spec'): void {
  if (!spec || typeof spec !== 'object') throw new ParameterError(`${name}: expected a SpectralMixtureSpec object`);
  const { K, Ng, R } = spec;
  assertInteger(K, 1, `${name}.K`);
  assertInteger(Ng, 1, `${name}.Ng`);
  assertInteger(R, 0, `${name}.R`);
  const arrays: Array<[keyof SpectralMixtureSpec, number]> = [
    ['pi', K],
    ['ell', K * Ng],
    ['rho', Ng],
    ['T', K * K * Ng],
    ['P', K * Ng * R],
  ];
  for (const [key, len] of arrays) {
    const a = spec[key] as unknown;
    if (!(a instanceof Float64Array)) throw new ShapeError(`${name}.${key}: expected a Float64Array of length ${len}`);
    if (a.length !== len) throw new ShapeError(`${name}.${key}: expected length ${len}, got ${a.length}`);
    assertFinite(a, `${name}.${key}`);
  }
  let s = 0;
  for (let c = 0; c < K; c++) {
    if (spec.pi[c] < 0) throw new DomainError(`${name}.pi: expected weights >= 0, got ${spec.pi[c]} at ${c}`);
    s += spec.pi[c];
  }
  if (Math.abs(s - 1) > 1e-9) throw new DomainError(`${name}.pi: expected weights summing to 1, got sum ${s}`);
  for (let i = 0; i < K * Ng; i++) {
    if (spec.ell[i] < 0) throw new DomainError(`${name}.ell: expected eigenvalues >= 0, got ${spec.ell[i]} at ${i}`);
  }
  for (let i = 0; i < Ng; i++) {
    if (spec.rho[i] < 0 || spec.rho[i] > 1) throw new DomainError(`${name}.rho: expected masses in [0, 1], got ${spec.rho[i]} at ${i}`);
  }
  if (!Number.isFinite(spec.Lambda) || spec.Lambda < 0) throw new DomainError(`${name}.Lambda: expected a finite number >= 0, got ${spec.Lambda}`);
  if (spec.micro !== undefined) validateMicro(spec, `${name}.micro`);
}

function validateMicro(spec: SpectralMixtureSpec, name: string): void {
  const { K, Ng, R } = spec;
  const mi = spec.micro as SpectralMixtureMicro;
  if (!mi || typeof mi !== 'object') throw new ParameterError(`${name}: expected { coords, mu, E } or undefined`);
  if (!(mi.coords instanceof Int32Array)) throw new ShapeError(`${name}.coords: expected an Int32Array (group index of each micro coordinate)`);
  const n = mi.coords.length;
  for (const [key, len] of [
    ['mu', K * n],
    ['E', n * R],
  ] as const) {
    const a = mi[key] as unknown;
    if (!(a instanceof Float64Array)) throw new ShapeError(`${name}.${key}: expected a Float64Array of length ${len}`);
    if (a.length !== len) throw new ShapeError(`${name}.${key}: expected length ${len} (${key === 'mu' ? 'K x nMicro' : 'nMicro x R'}), got ${a.length}`);
    assertFinite(a, `${name}.${key}`);
  }
  const listed = new Uint8Array(Ng);
  for (let p = 0; p < n; p++) {
    const s = mi.coords[p];
    if (s < 0 || s >= Ng) throw new DomainError(`${name}.coords[${p}]: expected a group index in [0, ${Ng}), got ${s}`);
    if (spec.rho[s] !== 0) throw new DomainError(`${name}.coords[${p}]: group ${s} has rho = ${spec.rho[s]}; only microscopic groups (rho_s = 0) can be in factor form`);
    listed[s] = 1;
  }
  // T and P of the listed groups must be the sums over their micro coordinates
  const Ts = new Float64Array(K * K * Ng);
  const Tabs = new Float64Array(K * K * Ng);
  const Ps = new Float64Array(K * Ng * R);
  const Pabs = new Float64Array(K * Ng * R);
  for (let p = 0; p < n; p++) {
    const s = mi.coords[p];
    for (let c = 0; c < K; c++) {
      const a = mi.mu[c * n + p];
      for (let c2 = 0; c2 < K; c2++) {
        const x = a * mi.mu[c2 * n + p];
        Ts[(c * K + c2) * Ng + s] += x;
        Tabs[(c * K + c2) * Ng + s] += Math.abs(x);
      }
      for (let j = 0; j < R; j++) {
        const x = a * mi.E[p * R + j];
        Ps[(c * Ng + s) * R + j] += x;
        Pabs[(c * Ng + s) * R + j] += Math.abs(x);
      }
    }
  }
  const tol = (ref: number, abs: number) => 1e-9 * (1 + Math.abs(ref) + abs);
  for (let s = 0; s < Ng; s++) {
    if (!listed[s]) continue;
    for (let c = 0; c < K; c++) {
      for (let c2 = 0; c2 < K; c2++) {
        const i = (c * K + c2) * Ng + s;
        if (Math.abs(spec.T[i] - Ts[i]) > tol(spec.T[i], Tabs[i])) {
          throw new DomainError(`${name}: T[${c},${c2},${s}] = ${spec.T[i]} but sum_i mu_{${c},i} mu_{${c2},i} over the micro coordinates of group ${s} = ${Ts[i]} (list every coordinate of the group)`);
        }
      }
      for (let j = 0; j < R; j++) {
        const i = (c * Ng + s) * R + j;
        if (Math.abs(spec.P[i] - Ps[i]) > tol(spec.P[i], Pabs[i])) {
          throw new DomainError(`${name}: P[${c},${s},${j}] = ${spec.P[i]} but sum_i mu_{${c},i} E_{i,${j}} over the micro coordinates of group ${s} = ${Ps[i]}`);
        }
      }
    }
  }
}

/** Lambda = sum_c pi_c sum_s rho_s ell_{c,s} (microscopic groups, rho_s = 0, do not contribute). */
export function spreadLambda(spec: Pick<SpectralMixtureSpec, 'K' | 'Ng' | 'pi' | 'rho' | 'ell'>): number {
  assertObject(spec, 'spec');
  let L = 0;
  for (let c = 0; c < spec.K; c++) for (let s = 0; s < spec.Ng; s++) L += spec.pi[c] * spec.rho[s] * spec.ell[c * spec.Ng + s];
  return L;
}

/**
 * Build a SpectralMixtureSpec from centroids given by their coordinates and a group labelling
 * (a convenience for tests and small examples; targets has the full constructor).
 * mus[c] has length d; groupOf[i] in [0, Ng); E is d x R row-major (or omitted: R = 0);
 * rho defaults to |s|/d; pass rho explicitly to mark microscopic groups with 0.
 * @param o - d; pi (K weights summing to 1); mus (K centroids of length d); groupOf (length d, in [0, Ng));
 *   Ng; ell (K x Ng eigenvalues >= 0); optional rho (Ng masses), E (d x R) and R
 * @returns the validated SpectralMixtureSpec (T, P, Lambda computed)
 * @throws ShapeError for arrays of the wrong length (a centroid not of length d names `mus[c]`);
 *   NonFiniteError for non-finite centroids; DomainError for bad weights, groups or eigenvalues
 * @example
 * ```ts
 * const mu = new Float64Array(100); mu[0] = 2;
 * const spec = spectralMixtureFromCentroids({ d: 100, pi: [0.5, 0.5], mus: [mu, mu.map((x) => -x)],
 *   groupOf: new Int32Array(100), Ng: 1, ell: [1, 1] });
 * ```
 */
export function spectralMixtureFromCentroids(o: {
  d: number;
  pi: ArrayLike<number>;
  mus: ArrayLike<number>[];
  groupOf: ArrayLike<number>;
  Ng: number;
  ell: ArrayLike<number>;
  rho?: ArrayLike<number>;
  E?: Float64Array;
  R?: number;
}): SpectralMixtureSpec {
  if (!o || typeof o !== 'object') throw new ParameterError('spectralMixtureFromCentroids: expected an options object { d, pi, mus, groupOf, Ng, ell }');
  const { d, Ng } = o;
  assertInteger(d, 1, 'd');
  assertInteger(Ng, 1, 'Ng');
  for (const key of ['pi', 'mus', 'groupOf', 'ell'] as const) {
    if (o[key] === null || typeof o[key] !== 'object' || typeof o[key].length !== 'number') throw new ShapeError(`${key}: expected an array, got ${describeValue(o[key])}`);
  }
  const K = o.pi.length;
  const R = o.R ?? 0;
  assertInteger(R, 0, 'R');
  if (o.mus.length !== K) throw new ShapeError(`mus: expected ${K} centroids (one per weight in pi), got ${o.mus.length}`);
  for (let c = 0; c < K; c++) {
    const mu = o.mus[c];
    if (!mu || typeof mu.length !== 'number' || mu.length !== d) throw new ShapeError(`mus[${c}]: expected a centroid of length d = ${d}, got ${describeValue(mu)}`);
    assertFinite(mu, `mus[${c}]`);
  }
  if (o.groupOf.length !== d) throw new ShapeError(`groupOf: expected length ${d}, got ${o.groupOf.length}`);
  if (o.ell.length !== K * Ng) throw new ShapeError(`ell: expected length K * Ng = ${K * Ng}, got ${o.ell.length}`);
  if (o.rho !== undefined && o.rho.length !== Ng) throw new ShapeError(`rho: expected length Ng = ${Ng}, got ${o.rho.length}`);
  if (R > 0 && !(o.E instanceof Float64Array && o.E.length === d * R)) throw new ShapeError(`E: expected a Float64Array of length d * R = ${d * R}, got ${describeValue(o.E)}`);
  const T = new Float64Array(K * K * Ng);
  const P = new Float64Array(K * Ng * R);
  const count = new Float64Array(Ng);
  for (let i = 0; i < d; i++) {
    const s = o.groupOf[i];
    if (!Number.isInteger(s) || s < 0 || s >= Ng) throw new DomainError(`groupOf[${i}]: expected an integer in [0, ${Ng}), got ${s}`);
    count[s]++;
    for (let c = 0; c < K; c++) {
      const mc = o.mus[c][i];
      for (let c2 = 0; c2 < K; c2++) T[(c * K + c2) * Ng + s] += mc * o.mus[c2][i];
      if (o.E) for (let r = 0; r < R; r++) P[(c * Ng + s) * R + r] += mc * o.E[i * R + r];
    }
  }
  const rho = o.rho ? Float64Array.from(o.rho) : count.map((n) => n / d);
  const spec: SpectralMixtureSpec = { K, Ng, d, pi: Float64Array.from(o.pi), ell: Float64Array.from(o.ell), rho, T, P, R, Lambda: 0 };
  spec.Lambda = spreadLambda(spec);
  validateSpectralMixture(spec, 'spectralMixtureFromCentroids');
  return spec;
}
