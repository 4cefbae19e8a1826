import { ConvergenceError, DomainError, NonFiniteError, describeValue } from '@diffusion-theory/kernel';
import { criticalValuesScan, densityContinuation, physicalRoot } from './continuation.js';
import { type SpectralLaw, lawFromDensity } from './law.js';
import { polyAdd, polyMul, polyRoots } from './poly.js';
import { type Groups, checkGroups, positive } from './validate.js';

/**
 * K-group model (spec §5): F (d x m), a fraction `fractions[k]` of its columns has i.i.d. entries
 * N(0, variances[k]/m); alpha = m/d.
 */
export interface GroupSpectrumOptions {
  /** Aspect ratio alpha = m/d > 0. */
  alpha: number;
  /** Column fractions f_k in [0, 1], summing to 1. */
  fractions: ArrayLike<number>;
  /** Column variance parameters s_k > 0. */
  variances: ArrayLike<number>;
  /**
   * Solver: 'polynomial' (roots of the degree-(K+1) polynomial, branch rule of spec §5.3),
   * 'continuation' (eta-continuation of the saddle-point equation, any K), or 'auto' (default:
   * polynomial up to POLYNOMIAL_MAX_GROUPS merged groups).
   */
  method?: 'auto' | 'polynomial' | 'continuation';
}

/**
 * Up to this many (merged) groups the density uses the roots of the expanded polynomial of degree
 * K+1 (the cubic eq 57 for K = 2); above it, the polynomial-free eta-continuation of the saddle-point
 * equation (continuation.ts), whose edges come from a sign scan of z'(q) between the poles.
 */
export const POLYNOMIAL_MAX_GROUPS = 3;

interface Model extends Groups {
  alpha: number;
}

function model(o: GroupSpectrumOptions): Model {
  positive(o.alpha, 'alpha', 'an aspect ratio m/d');
  return { alpha: o.alpha, ...checkGroups(o.fractions, o.variances) };
}

/** p_k(q) = alpha - s_k q as a polynomial (lowest degree first). */
function pk(m: Model, k: number): Float64Array {
  return Float64Array.of(m.alpha, -m.variances[k]);
}

/**
 * Coefficients (lowest degree first) of the degree-(K+1) polynomial in q whose roots contain the
 * Stieltjes transform at z (spec §5.2): z q prod p_k - alpha q sum_k f_k s_k prod_{j != k} p_j - prod p_k,
 * split as P0(q) + z Q(q) so complex z is cheap: returns [P0, Q].
 */
function stieltjesPolynomial(m: Model): [Float64Array, Float64Array] {
  const K = m.variances.length;
  let prod = Float64Array.of(1);
  for (let k = 0; k < K; k++) prod = polyMul(prod, pk(m, k));
  let cross: Float64Array = new Float64Array(1);
  for (let k = 0; k < K; k++) {
    let p: Float64Array = Float64Array.of(m.fractions[k] * m.variances[k]);
    for (let j = 0; j < K; j++) if (j !== k) p = polyMul(p, pk(m, j));
    cross = polyAdd(cross, p);
  }
  const zq = polyMul(Float64Array.of(0, 1), prod); // q prod
  const p0 = polyAdd(polyMul(Float64Array.of(0, -m.alpha), cross), prod, -1);
  return [p0, zq];
}

/** z(q) on the real q axis: 1/q + sum_k f_k s_k / (1 - s_k q / alpha). */
function zOfQ(m: Model, q: number): number {
  let z = 1 / q;
  for (let k = 0; k < m.variances.length; k++) z += (m.fractions[k] * m.variances[k]) / (1 - (m.variances[k] * q) / m.alpha);
  return z;
}

/** Result of the K-group law: a SpectralLaw plus the Stieltjes transform and root access. */
export interface GroupSpectralLaw extends SpectralLaw {
  /** The merged groups actually used (equal variances merged, empty groups dropped). */
  readonly fractions: Float64Array;
  readonly variances: Float64Array;
  /**
   * Stieltjes transform g(z) = (1/d) tr (z - Sigma)^{-1} at complex z = re + i im, im != 0
   * (the root of the polynomial with Im q of the opposite sign to Im z). Returns [Re g, Im g].
   */
  stieltjes(re: number, im: number): [number, number];
  /** All K+1 roots q_j of the polynomial at real z = x (for inspection of the branch rule). */
  rootsAt(x: number): { re: Float64Array; im: Float64Array };
}

/**
 * Density of the continuous part at real x > 0 by the branch rule of spec §5.3: the largest Im q_j
 * over the roots of the polynomial at z = x, divided by pi, if above the noise floor 1e-10 (1 + |q|).
 */
function densityAt(poly: [Float64Array, Float64Array], x: number, buf: Float64Array): number {
  if (!(x > 0)) return 0;
  const n = poly[1].length;
  for (let i = 0; i < n; i++) buf[i] = (i < poly[0].length ? poly[0][i] : 0) + x * poly[1][i];
  const { re, im } = polyRoots(buf);
  let best = 0;
  for (let j = 0; j < im.length; j++) {
    const v = Math.abs(im[j]);
    if (v > 1e-10 * (1 + Math.hypot(re[j], im[j])) && v > best) best = v;
  }
  return best / Math.PI;
}

/**
 * Support edges of the continuous part by critical values (spec §5.3 method b, any K): real roots q_c
 * of z'(q) = 0 (a polynomial of degree 2K after clearing denominators), x_c = z(q_c), kept where the
 * density switches between zero and positive.
 */
function criticalEdges(m: Model, dens: (x: number) => number): Float64Array {
  const K = m.variances.length;
  const a = m.alpha;
  const lin = (k: number) => Float64Array.of(1, -m.variances[k] / a);
  let prod2 = Float64Array.of(1);
  for (let k = 0; k < K; k++) prod2 = polyMul(prod2, polyMul(lin(k), lin(k)));
  let sum: Float64Array = new Float64Array(1);
  for (let k = 0; k < K; k++) {
    let p: Float64Array = Float64Array.of((m.fractions[k] * m.variances[k] ** 2) / a);
    for (let j = 0; j < K; j++) if (j !== k) p = polyMul(p, polyMul(lin(j), lin(j)));
    sum = polyAdd(sum, p);
  }
  const poly = polyAdd(polyMul(Float64Array.of(0, 0, 1), sum), prod2, -1);
  const { re, im } = polyRoots(poly);
  const cands: number[] = [];
  for (let j = 0; j < re.length; j++) {
    if (Math.abs(im[j]) > 1e-7 * (1 + Math.abs(re[j]))) continue;
    let q = re[j];
    for (let s = 0; s < 3; s++) {
      // Newton on z'(q) with z''(q)
      let d1 = -1 / (q * q);
      let d2 = 2 / (q * q * q);
      for (let k = 0; k < K; k++) {
        const sk = m.variances[k];
        const p = 1 - (sk * q) / a;
        d1 += (m.fractions[k] * sk * sk) / (a * p * p);
        d2 += (2 * m.fractions[k] * sk ** 3) / (a * a * p ** 3);
      }
      if (d2 === 0 || !Number.isFinite(d2)) break;
      const step = d1 / d2;
      if (Math.abs(step) > 0.1 * Math.abs(q)) break;
      q -= step;
    }
    const x = zOfQ(m, q);
    if (Number.isFinite(x) && x > 0) cands.push(x);
  }
  return selectEdges(m, cands, dens);
}

/** Keep the candidate edges where the density switches between zero and positive (sorted, deduplicated). */
function selectEdges(m: Model, candidates: number[], dens: (x: number) => number): Float64Array {
  const cands = [...candidates];
  if (Math.abs(m.alpha - 1) < 1e-12) cands.push(0); // the critical point at q = infinity: edge at x = 0
  cands.sort((u, v) => u - v);
  const edges: number[] = [];
  for (const x of cands) {
    if (edges.length > 0 && Math.abs(x - edges[edges.length - 1]) <= 1e-12 * Math.max(1, x)) continue;
    const below = x === 0 ? 0 : dens(x * (1 - 1e-6));
    const above = dens(x === 0 ? 1e-12 : x * (1 + 1e-6));
    if (below > 0 !== above > 0) edges.push(x);
  }
  if (edges.length % 2 !== 0) {
    throw new ConvergenceError(
      `groupSpectrum: found an odd number (${edges.length}) of support edges [${edges.join(', ')}]; the root finder lost an edge`,
    );
  }
  return Float64Array.from(edges);
}

/**
 * Limiting spectrum of Sigma = F F^T for K column-variance groups (spec §5): density by the
 * polynomial of degree K+1 (the paper's cubic eq 57 for K = 2, the MP quadratic for K = 1) with the
 * robust branch rule (K <= 3; for more groups the polynomial-free eta-continuation of the same equation),
 * exact support edges from the critical values of z(q), atom max(0, 1 - alpha)
 * at 0, CDF and quantiles by bulk-wise cosine-substituted quadrature. Normalisation g = q* (the paper's
 * extra factor alpha in eqs 55-60 is wrong, spec §11).
 * @param o alpha = m/d, group fractions (sum 1) and column variances (> 0).
 * @param nodes quadrature cells per bulk for the CDF (default 4000).
 * @returns the law with `stieltjes(re, im)` and `rootsAt(x)`.
 * @throws DomainError for alpha <= 0, fractions outside [0, 1] or not summing to 1, variances <= 0;
 *   ShapeError for arrays of different lengths; ConvergenceError if the edges cannot be paired.
 * @example
 * // Fig 4 of Ventura et al.: 75 % of columns with variance 1, 25 % with 0.01, alpha = 0.5
 * const law = groupSpectrum({ alpha: 0.5, fractions: [0.75, 0.25], variances: [1, 0.01] });
 * law.edges;              // [0.0038, 0.0260, 0.3031, 5.2020]
 * law.bulks.map(b => b.mass); // [0.125, 0.375]
 */
export function groupSpectrum(o: GroupSpectrumOptions, nodes = 4000): GroupSpectralLaw {
  const m = model(o);
  const poly = stieltjesPolynomial(m);
  const buf = new Float64Array(poly[1].length);
  const method = o.method ?? 'auto';
  const viaPolynomial = method === 'polynomial' || (method === 'auto' && m.variances.length <= POLYNOMIAL_MAX_GROUPS);
  const density = viaPolynomial ? (x: number) => densityAt(poly, x, buf) : (x: number) => densityContinuation(m, x);
  const edges = viaPolynomial ? criticalEdges(m, density) : selectEdges(m, criticalValuesScan(m), density);
  const law = lawFromDensity(m.alpha, Math.max(0, 1 - m.alpha), edges, density, nodes);
  return {
    ...law,
    fractions: m.fractions,
    variances: m.variances,
    stieltjes(re: number, im: number): [number, number] {
      if (!Number.isFinite(re) || !Number.isFinite(im)) throw new NonFiniteError(`z: expected a finite complex number, got ${re} + ${im}i`);
      if (im === 0) throw new DomainError(`z: expected Im z != 0 (use density() on the real axis), got ${describeValue(im)}`);
      if (!viaPolynomial) {
        const [qr, qi] = physicalRoot(m, re, Math.abs(im));
        return [qr, im < 0 ? qi : -qi];
      }
      const n = poly[1].length;
      const cr = new Float64Array(n);
      const ci = new Float64Array(n);
      const zi = im < 0 ? im : -im;
      for (let i = 0; i < n; i++) {
        cr[i] = (i < poly[0].length ? poly[0][i] : 0) + re * poly[1][i];
        ci[i] = zi * poly[1][i];
      }
      const r = polyRoots(cr, ci);
      let j = 0;
      for (let i = 1; i < r.im.length; i++) if (r.im[i] > r.im[j]) j = i;
      return [r.re[j], im < 0 ? r.im[j] : -r.im[j]];
    },
    rootsAt(x: number) {
      const n = poly[1].length;
      const c = new Float64Array(n);
      for (let i = 0; i < n; i++) c[i] = (i < poly[0].length ? poly[0][i] : 0) + x * poly[1][i];
      return polyRoots(c);
    },
  };
}

/** Options of the damped fixed-point solver. */
export interface FixedPointOptions {
  /** Damping omega in (0, 1] (default 0.5). */
  damping?: number;
  /** Stop when |q_{n+1} - q_n| <= tol |q_n| (default 1e-13). */
  tol?: number;
  /** Iteration cap (default 100000); exceeding it throws ConvergenceError. */
  maxIter?: number;
}

/**
 * Stieltjes transform of the K-group law at complex z (Im z != 0) by damped fixed-point iteration of
 * the saddle-point equations (eqs 53-54): q <- (1-w) q + w / (z + qhat(q)),
 * qhat = -alpha sum_k f_k s_k / (alpha - s_k q), started at q = 1/z. Always lands on the physical
 * branch; converges slowly as Im z -> 0 (the polynomial solver `groupSpectrum` is exact on the axis).
 * (1/pi) Im g(x - i eps) is the density smoothed by a Cauchy kernel of width eps.
 * @returns [Re g, Im g].
 * @throws DomainError for bad groups or Im z = 0; ConvergenceError if maxIter is reached.
 */
export function stieltjesFixedPoint(o: GroupSpectrumOptions, re: number, im: number, fo: FixedPointOptions = {}): [number, number] {
  const m = model(o);
  if (!Number.isFinite(re) || !Number.isFinite(im) || im === 0) {
    throw new DomainError(`z: expected a finite complex number with Im z != 0, got ${re} + ${im}i`);
  }
  const w = fo.damping ?? 0.5;
  const tol = fo.tol ?? 1e-13;
  const maxIter = fo.maxIter ?? 100000;
  const n2 = re * re + im * im;
  let qr = re / n2;
  let qi = -im / n2;
  const a = m.alpha;
  for (let it = 0; it < maxIter; it++) {
    let hr = re;
    let hi = im;
    for (let k = 0; k < m.variances.length; k++) {
      const s = m.variances[k];
      const dr = a - s * qr;
      const di = -s * qi;
      const d2 = dr * dr + di * di;
      const c = a * m.fractions[k] * s;
      hr -= (c * dr) / d2;
      hi -= (c * -di) / d2;
    }
    const h2 = hr * hr + hi * hi;
    const nr = (1 - w) * qr + (w * hr) / h2;
    const ni = (1 - w) * qi - (w * hi) / h2;
    const diff = Math.hypot(nr - qr, ni - qi);
    qr = nr;
    qi = ni;
    if (diff <= tol * Math.hypot(qr, qi)) return [qr, qi];
  }
  throw new ConvergenceError(`stieltjesFixedPoint: no convergence within ${maxIter} iterations at z = ${re} + ${im}i`);
}

/**
 * Real coefficients (A, B, C, D) of the paper's cubic eq 57 at real z = x for two groups
 * (fractions f, 1-f; variances s1, s2): A q^3 + B q^2 + C q + D = 0.
 * @throws DomainError for bad parameters.
 */
export function cubicCoefficients(x: number, o: { alpha: number; f: number; s1: number; s2: number }): [number, number, number, number] {
  const { alpha: a, f, s1, s2 } = o;
  checkGroups([f, 1 - f], [s1, s2]);
  positive(a, 'alpha', 'an aspect ratio m/d');
  const A = x;
  const B = a - 1 - (x * a) / s1 - (x * a) / s2;
  const C = ((a * a) / (s1 * s2)) * (x - f * s1 - (1 - f) * s2) + a / s1 + a / s2;
  const D = -(a * a) / (s1 * s2);
  return [A, B, C, D];
}

/**
 * Support edges for two groups from the discriminant of eq 57 as a quartic in x (spec §5.3 method a):
 * its real positive roots, kept where the density switches. An independent check of `groupSpectrum`'s edges.
 * @throws DomainError for bad parameters.
 */
export function cubicDiscriminantEdges(o: { alpha: number; f: number; s1: number; s2: number }): Float64Array {
  const law = groupSpectrum({ alpha: o.alpha, fractions: [o.f, 1 - o.f], variances: [o.s1, o.s2] }, 16);
  // A, B, C affine in x, D constant: disc(x) has degree <= 4; recover its coefficients exactly by
  // expanding the products of affine polynomials.
  const c0 = cubicCoefficients(0, o);
  const c1 = cubicCoefficients(1, o);
  const A = [c0[0], c1[0] - c0[0]];
  const B = [c0[1], c1[1] - c0[1]];
  const C = [c0[2], c1[2] - c0[2]];
  const D = [c0[3]];
  const m = polyMul;
  let disc: Float64Array<ArrayBuffer> = polyMul(m(m(A, B), C), D).map((v) => 18 * v);
  disc = polyAdd(disc, m(m(m(B, B), B), D), -4);
  disc = polyAdd(disc, m(m(B, B), m(C, C)));
  disc = polyAdd(disc, m(A, m(m(C, C), C)), -4);
  disc = polyAdd(disc, m(m(A, A), m(D, D)), -27);
  const { re, im } = polyRoots(disc);
  const edges: number[] = [];
  for (let j = 0; j < re.length; j++) {
    if (Math.abs(im[j]) > 1e-9 * (1 + Math.abs(re[j])) || !(re[j] > 0)) continue;
    const x = re[j];
    if (law.density(x * (1 - 1e-6)) > 0 !== law.density(x * (1 + 1e-6)) > 0) edges.push(x);
  }
  return Float64Array.from(edges.sort((u, v) => u - v));
}
