import { assertFinite, assertInRange, assertPositive, DomainError, normalCdf, ShapeError } from '@diffusion-theory/kernel';

/**
 * Closed-form theory of the score flow (SF) and probability flow (PF) of the min-cost denoiser of an orthogonal
 * dataset (spec min-norm-denoisers §5), per hyperbox coordinate c = u_k^T y with norm nu. Orthogonal coordinates
 * behave like c <= rho.
 */

function checkNuRho(nu: number, rho: number): void {
  assertPositive(nu, 'nu');
  assertPositive(rho, 'rho');
  if (!(rho < nu / 2)) throw new DomainError(`rho: expected rho < nu/2 = ${nu / 2} (closed form exists), got ${rho}`);
}

/**
 * SF trajectory of one coordinate (eqs 45-51): c_t for SF time t (dy/dt = score at fixed sigma).
 * @param c0 start coordinate; @param t SF time >= 0
 * @param opts nu, rho (< nu/2), sigma
 * @returns c_t
 * @throws DomainError for rho >= nu/2 or t < 0
 */
export function sfCoordinate(c0: number, t: number, opts: { nu: number; rho: number; sigma: number }): number {
  const { nu, rho, sigma } = opts;
  checkNuRho(nu, rho);
  assertPositive(sigma, 'sigma');
  assertInRange(t, 0, Number.POSITIVE_INFINITY, 't');
  assertFinite([c0], 'c0');
  const s2 = sigma * sigma;
  if (c0 <= rho) return c0 * Math.exp(-t / s2);
  if (c0 >= nu - rho) return nu + (c0 - nu) * Math.exp(-t / s2);
  // in the band until it exits; then the saturated law from the edge
  const lam = sfBandRate(opts);
  const exit = sfBandExitTime(c0, opts);
  if (t <= exit) return nu / 2 + (c0 - nu / 2) * Math.exp(lam * t);
  const edge = c0 > nu / 2 ? nu - rho : rho;
  const target = c0 > nu / 2 ? nu : 0;
  return target + (edge - target) * Math.exp(-(t - exit) / s2);
}

/** Band growth rate lambda = 2 rho / ((nu - 2 rho) sigma^2) of SF (eq 49). */
export function sfBandRate(opts: { nu: number; rho: number; sigma: number }): number {
  checkNuRho(opts.nu, opts.rho);
  assertPositive(opts.sigma, 'sigma');
  return (2 * opts.rho) / ((opts.nu - 2 * opts.rho) * opts.sigma ** 2);
}

/**
 * Band-exit time of SF (eq 52, absolute value added [C]): sigma^2 (nu - 2 rho)/(2 rho) log((nu/2 - rho)/|c0 - nu/2|).
 * Infinity at c0 = nu/2 (the unstable fixed point); 0 outside the band.
 */
export function sfBandExitTime(c0: number, opts: { nu: number; rho: number; sigma: number }): number {
  const { nu, rho } = opts;
  const lam = sfBandRate(opts);
  if (!(c0 > rho && c0 < nu - rho)) return 0;
  const dist = Math.abs(c0 - nu / 2);
  if (dist === 0) return Number.POSITIVE_INFINITY;
  return Math.log((nu / 2 - rho) / dist) / lam;
}

/** SF endpoint of a coordinate (Thm 2): nu if c0 > nu/2, 0 if c0 < nu/2, nu/2 at the unstable point. */
export function sfEndpointCoordinate(c0: number, nu: number): number {
  assertPositive(nu, 'nu');
  return c0 > nu / 2 ? nu : c0 < nu / 2 ? 0 : nu / 2;
}

/**
 * PF trajectory of one coordinate with the exact eq-17 denoiser, sigma_t = sqrt t, rho_t = alpha sqrt t
 * (spec §5.4 table): c_t for 0 <= t <= T.
 * @param cT coordinate at the start time T (alpha sqrt T < nu/2 required)
 * @throws DomainError outside the validity domain or for t not in [0, T]
 */
export function pfCoordinate(cT: number, t: number, opts: { nu: number; alpha: number; T: number }): number {
  const { nu, alpha, T } = opts;
  assertPositive(alpha, 'alpha');
  assertPositive(T, 'T');
  const rhoT = alpha * Math.sqrt(T);
  checkNuRho(nu, rhoT);
  assertInRange(t, 0, T, 't');
  assertFinite([cT], 'cT');
  const q = Math.sqrt(t / T);
  if (cT <= rhoT) return cT * q;
  if (cT >= nu - rhoT) return nu + (cT - nu) * q;
  return nu / 2 + ((cT - nu / 2) * (nu - 2 * alpha * Math.sqrt(t))) / (nu - 2 * rhoT);
}

/** PF endpoint (t -> 0) of a coordinate = one-shot denoising at rho_T (spec §5.4 consequence 2). */
export function pfEndpointCoordinate(cT: number, opts: { nu: number; rhoT: number }): number {
  const { nu, rhoT } = opts;
  checkNuRho(nu, rhoT);
  if (cT <= rhoT) return 0;
  if (cT >= nu - rhoT) return nu;
  return ((cT - rhoT) * nu) / (nu - 2 * rhoT);
}

/** PF band endpoint under the Taylor-approximated score (eq 86 at t = 0): nu/2 + (cT - nu/2) e^{2 rho_T / nu}. */
export function taylorPfBandEndpoint(cT: number, opts: { nu: number; rhoT: number }): number {
  checkNuRho(opts.nu, opts.rhoT);
  return opts.nu / 2 + (cT - opts.nu / 2) * Math.exp((2 * opts.rhoT) / opts.nu);
}

/**
 * Theorem 3's threshold tau (eq 87 with the absolute value [C]) and the largest T keeping the coordinate in the band
 * (alpha sqrt T < nu/2 - |cT - nu/2|). The vertex branch needs T > tau and T < bandLimit, which never holds (spec §5.4.4).
 */
export function theorem3Threshold(cT: number, opts: { nu: number; alpha: number }): { tau: number; bandLimit: number } {
  const { nu, alpha } = opts;
  assertPositive(nu, 'nu');
  assertPositive(alpha, 'alpha');
  const dist = Math.abs(cT - nu / 2);
  if (!(dist < nu / 2) || dist === 0) throw new DomainError(`cT: expected 0 < |cT - nu/2| < nu/2 (strictly inside (0, nu), off the midpoint), got ${cT}`);
  const tau = (nu / (2 * alpha)) ** 2 * Math.log(nu / 2 / dist) ** 2;
  const bandLimit = ((nu / 2 - dist) / alpha) ** 2;
  return { tau, bandLimit };
}

/** A stationary point of SF for an orthogonal dataset, in hyperbox coordinates, with its stability (Thm 1). */
export interface StationaryPoint {
  /** Coordinates c_k in {0, nu_k/2, nu_k}; the orthogonal part is 0. */
  c: Float64Array;
  stable: boolean;
  /** Eigenvalues of the score Jacobian along u_k: -1/sigma^2 (saturated) or (s_k - 1)/sigma^2 (band, at nu_k/2). */
  eigenvalues: Float64Array;
}

/**
 * All 3^n stationary points of SF (spec §5.1) and their stability; the 2^n stable ones are the hyperbox vertices.
 * @param opts nu (length n <= 12), rho < min nu/2, sigma
 * @throws DomainError for n > 12 (3^n too large) or rho out of range
 */
export function orthogonalStationaryPoints(opts: { nu: ArrayLike<number>; rho: number; sigma: number }): StationaryPoint[] {
  const n = opts.nu.length;
  if (n < 1 || n > 12) throw new DomainError(`nu: expected 1..12 norms (3^n stationary points are enumerated), got ${n}`);
  for (let k = 0; k < n; k++) checkNuRho(opts.nu[k], opts.rho);
  assertPositive(opts.sigma, 'sigma');
  const s2 = opts.sigma ** 2;
  const out: StationaryPoint[] = [];
  const total = 3 ** n;
  for (let code = 0; code < total; code++) {
    const c = new Float64Array(n);
    const ev = new Float64Array(n);
    let rest = code;
    let stable = true;
    for (let k = 0; k < n; k++) {
      const digit = rest % 3;
      rest = (rest - digit) / 3;
      const nu = opts.nu[k];
      c[k] = (digit * nu) / 2;
      if (digit === 1) {
        ev[k] = (nu / (nu - 2 * opts.rho) - 1) / s2;
        stable = false;
      } else ev[k] = -1 / s2;
    }
    out.push({ c, stable, eigenvalues: ev });
  }
  return out;
}

/**
 * Theorem 4 / eq 103 for an obtuse simplex: is the vertex sum sum_{i in I} x_i (|I| >= 2, x_0 = 0 the obtuse vertex)
 * a stable stationary point of SF at radius rho? Condition: min_{k in I} sum_{i in I \ k} (u_k^T u_i) nu_i > -rho.
 * @param opts points: m x d edge vectors x_i - x_0 (row-major); I: indices into those rows; rho
 * @returns stable flag and the left-hand side of eq 103
 */
export function obtuseVertexSumStable(opts: { points: Float64Array; d: number; I: readonly number[]; rho: number }): { stable: boolean; margin: number } {
  const { points, d, I, rho } = opts;
  assertPositive(rho, 'rho');
  if (points.length % d !== 0) throw new ShapeError(`points: expected a multiple of d = ${d} entries, got ${points.length}`);
  assertFinite(points, 'points');
  const m = points.length / d;
  if (I.length < 2) throw new DomainError(`I: expected at least 2 indices (a virtual point), got ${I.length}`);
  for (const i of I) if (!(Number.isInteger(i) && i >= 0 && i < m)) throw new DomainError(`I: index ${i} outside 0..${m - 1}`);
  const nu = (i: number) => Math.sqrt(points.subarray(i * d, (i + 1) * d).reduce((s, v) => s + v * v, 0));
  let min = Number.POSITIVE_INFINITY;
  for (const k of I) {
    let s = 0;
    for (const i of I) {
      if (i === k) continue;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += points[k * d + j] * points[i * d + j];
      s += dot / nu(k); // (u_k^T u_i) nu_i = u_k^T x_i
    }
    min = Math.min(min, s);
  }
  return { stable: min > -rho, margin: min };
}

/** Endpoint class fractions (spec §11): training / virtual / boundary / other. */
export interface ClassFractions {
  training: number;
  virtual: number;
  boundary: number;
  other: number;
}

/**
 * SF endpoint fractions from y_0 ~ N(0, s^2 I), unit norms (spec §11): p = 1 - Phi(1/(2s)), training =
 * (1-p)^n + n p (1-p)^{n-1}, virtual = rest.
 */
export function sfClassFractions(opts: { n: number; s: number }): ClassFractions {
  const { n, s } = opts;
  if (!(Number.isInteger(n) && n >= 1)) throw new DomainError(`n: expected an integer >= 1, got ${n}`);
  assertPositive(s, 's');
  const p = 1 - normalCdf(1 / (2 * s));
  const training = (1 - p) ** n + n * p * (1 - p) ** (n - 1);
  return { training, virtual: 1 - training, boundary: 0, other: 0 };
}

/**
 * PF endpoint fractions from independent span coordinates with per-coordinate probabilities (spec §11):
 * p0 (ends within tau of 0), p1 (within tau of nu), pint = 1 - p0 - p1.
 */
export function pfClassFractionsFromProbabilities(p0: ArrayLike<number>, p1: ArrayLike<number>): ClassFractions {
  const n = p0.length;
  if (p1.length !== n) throw new ShapeError(`p1: expected length ${n}, got ${p1.length}`);
  let all0 = 1;
  let allV = 1;
  let allInt = 1;
  for (let k = 0; k < n; k++) {
    all0 *= p0[k];
    allV *= p0[k] + p1[k];
    allInt *= 1 - p0[k] - p1[k];
  }
  let one1 = 0;
  for (let k = 0; k < n; k++) {
    let prod = p1[k];
    for (let j = 0; j < n; j++) if (j !== k) prod *= p0[j];
    one1 += prod;
  }
  const training = all0 + one1;
  const virtual = allV - training;
  return { training, virtual, other: allInt, boundary: 1 - training - virtual - allInt };
}

function pfThreshold(nu: number, rhoT: number, tau: number): number {
  checkNuRho(nu, rhoT);
  assertPositive(tau, 'tau');
  if (!(tau < nu / 2)) throw new DomainError(`tau: expected < nu/2 = ${nu / 2} (vertex neighbourhoods disjoint), got ${tau}`);
  return rhoT + (tau * (nu - 2 * rhoT)) / nu;
}

/**
 * PF endpoint fractions (continuous flow, exact eq 17, unit norms) when the n span coordinates of y_T are i.i.d.
 * N(mean, sd^2): a coordinate ends near 0 iff c_T < l = rho_T + tau (1 - 2 rho_T), near 1 iff c_T > 1 - l.
 */
export function pfClassFractionsGaussian(opts: { n: number; rhoT: number; tau: number; mean: number; sd: number }): ClassFractions {
  const { n, rhoT, tau, mean, sd } = opts;
  assertPositive(sd, 'sd');
  const l = pfThreshold(1, rhoT, tau);
  const p0 = normalCdf((l - mean) / sd);
  const p1 = 1 - normalCdf((1 - l - mean) / sd);
  return pfClassFractionsFromProbabilities(new Float64Array(n).fill(p0), new Float64Array(n).fill(p1));
}

/**
 * PF endpoint fractions for forward-noised data y_T = x_J + sigma_T eps, J uniform over the n + 1 points
 * {0, e_1..e_n} (unit norms), rho_T = alpha sigma_T unless `rhoT` overrides it (spec §11, §16.8).
 */
export function pfClassFractionsForwardNoised(opts: { n: number; alpha: number; sigmaT: number; tau: number; includeOrigin?: boolean; rhoT?: number }): ClassFractions {
  const { n, alpha, sigmaT, tau } = opts;
  assertPositive(alpha, 'alpha');
  assertPositive(sigmaT, 'sigmaT');
  const l = pfThreshold(1, opts.rhoT ?? alpha * sigmaT, tau);
  const p0 = (m: number) => normalCdf((l - m) / sigmaT);
  const p1 = (m: number) => 1 - normalCdf((1 - l - m) / sigmaT);
  const acc: ClassFractions = { training: 0, virtual: 0, boundary: 0, other: 0 };
  const js = opts.includeOrigin === false ? Array.from({ length: n }, (_, j) => j + 1) : Array.from({ length: n + 1 }, (_, j) => j);
  for (const J of js) {
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const m = J === k + 1 ? 1 : 0;
      a[k] = p0(m);
      b[k] = p1(m);
    }
    const f = pfClassFractionsFromProbabilities(a, b);
    acc.training += f.training / js.length;
    acc.virtual += f.virtual / js.length;
    acc.boundary += f.boundary / js.length;
    acc.other += f.other / js.length;
  }
  return acc;
}
