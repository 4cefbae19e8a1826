import { assertFinite, assertInteger, assertPositive, DomainError, ShapeError, type SigmaDenoiser } from '@diffusion-theory/kernel';
import type { ShallowReluParams } from './shallow-relu.js';

/** A point set, row-major (structurally the `PointSet` of @diffusion-theory/targets). */
export interface PointRows {
  readonly d: number;
  readonly count: number;
  readonly points: Float64Array;
}

/** Which closed form (spec §3): eq 17, Prop 3 (eq 36), Prop 4 (eq 37). */
export type MinCostKind = 'orthogonal' | 'obtuse-simplex' | 'equilateral';

/**
 * The common form of the three closed forms: h(y) = o + sum_k u_k s_k([z_k - lo_k]_+ - [z_k - hi_k]_+),
 * z_k = u_k^T (y - o). Coordinate k is in its band when lo_k < z_k < hi_k (slope s_k there).
 */
export interface RidgeSum {
  readonly d: number;
  /** Number of ridge directions m. */
  readonly m: number;
  /** o, length d. */
  readonly origin: Float64Array;
  /** m x d unit directions u_k. */
  readonly U: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly slope: Float64Array;
}

/** A closed-form min-cost denoiser at one interpolation radius rho. */
export interface MinCostDenoiser extends RidgeSum {
  readonly kind: MinCostKind;
  readonly rho: number;
  /** h(y) on n rows of x (n x d). */
  denoise(x: Float64Array, n: number, out?: Float64Array): Float64Array;
  /** Input Jacobian dh/dy (d x d) at one point: sum over in-band k of s_k u_k u_k^T. */
  jacobian(x: Float64Array, out?: Float64Array): Float64Array;
  /** The explicit eq-4 network (2m balanced units, V = 0, c = o) computing the same function. */
  network(): ShallowReluParams;
  /** Eq-5 cost of that balanced network, 2 sum_k s_k: the min representation cost (eq 6) for these data. */
  readonly cost: number;
}

/** Geometry validated once; `at(rho)` builds the denoiser for any valid rho. */
interface Geometry {
  kind: MinCostKind;
  d: number;
  origin: Float64Array;
  U: Float64Array;
  lengths: Float64Array;
  rhoMax: number;
  rhoMaxText: string;
  ends(rho: number, k: number): [number, number, number];
}

function checkRows(set: PointRows, name: string, minCount: number): void {
  assertInteger(set.d, 1, `${name}.d`);
  assertInteger(set.count, minCount, `${name}.count`);
  if (!(set.points instanceof Float64Array) || set.points.length !== set.count * set.d) {
    throw new ShapeError(`${name}.points: expected a Float64Array of length count*d = ${set.count * set.d}, got ${set.points?.length}`);
  }
  assertFinite(set.points, `${name}.points`);
}

function directionsFrom(origin: Float64Array, rows: Float64Array[], d: number, name: string): { U: Float64Array; lengths: Float64Array } {
  const m = rows.length;
  const U = new Float64Array(m * d);
  const lengths = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += (rows[k][i] - origin[i]) ** 2;
    const nu = Math.sqrt(s);
    if (!(nu > 0)) throw new DomainError(`${name}: point ${k + 1} coincides with the special vertex x_0 (distinct points required)`);
    lengths[k] = nu;
    for (let i = 0; i < d; i++) U[k * d + i] = (rows[k][i] - origin[i]) / nu;
  }
  return { U, lengths };
}

function dotRows(U: Float64Array, d: number, a: number, b: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += U[a * d + i] * U[b * d + i];
  return s;
}

function rowsOf(set: PointRows): Float64Array[] {
  return Array.from({ length: set.count }, (_, k) => set.points.subarray(k * set.d, (k + 1) * set.d));
}

function orthogonalGeometry(set: PointRows, opts: { origin?: ArrayLike<number>; tol?: number }): Geometry {
  checkRows(set, 'set', opts.origin ? 1 : 2);
  const d = set.d;
  const rows = rowsOf(set);
  let origin: Float64Array;
  let others: Float64Array[];
  if (opts.origin) {
    if (opts.origin.length !== d) throw new ShapeError(`origin: expected length d = ${d}, got ${opts.origin.length}`);
    origin = Float64Array.from(opts.origin);
    assertFinite(origin, 'origin');
    others = rows;
  } else {
    origin = rows[0].slice();
    others = rows.slice(1);
  }
  const { U, lengths } = directionsFrom(origin, others, d, 'set');
  const tol = opts.tol ?? 1e-9;
  for (let a = 0; a < others.length; a++) {
    for (let b = a + 1; b < others.length; b++) {
      const c = dotRows(U, d, a, b);
      if (Math.abs(c) > tol) {
        throw new DomainError(
          `set: points are not orthogonal: (x_${a + 1} - x_0)^T(x_${b + 1} - x_0) / (nu_${a + 1} nu_${b + 1}) = ${c.toPrecision(6)}, expected 0 (|cos| <= ${tol}) for the orthogonal formula (eq 17)`,
        );
      }
    }
  }
  const rhoMax = Math.min(...lengths) / 2;
  return { kind: 'orthogonal', d, origin, U, lengths, rhoMax, rhoMaxText: 'min_k |x_k - x_0| / 2', ends: (rho, k) => [rho, lengths[k] - rho, lengths[k] / (lengths[k] - 2 * rho)] };
}

function obtuseGeometry(set: PointRows): Geometry {
  checkRows(set, 'set', 2);
  const d = set.d;
  const rows = rowsOf(set);
  const origin = rows[0].slice();
  const { U, lengths } = directionsFrom(origin, rows.slice(1), d, 'set');
  const m = lengths.length;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const c = dotRows(U, d, a, b);
      if (!(c < 0)) {
        throw new DomainError(
          `set: not an obtuse simplex: (x_${a + 2} - x_1)^T(x_${b + 2} - x_1) has cosine ${c.toPrecision(6)}, expected < 0 for every pair (Prop 3; x_1 = row 0 is the obtuse vertex)`,
        );
      }
    }
  }
  // affine independence: Gram-Schmidt rank of the edge vectors.
  const Q = new Float64Array(m * d);
  for (let k = 0; k < m; k++) {
    const v = U.slice(k * d, (k + 1) * d);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += v[i] * Q[j * d + i];
      for (let i = 0; i < d; i++) v[i] -= s * Q[j * d + i];
    }
    let nn = 0;
    for (let i = 0; i < d; i++) nn += v[i] * v[i];
    if (!(nn > 1e-18)) throw new DomainError(`set: not a simplex: the edges x_k - x_1 are linearly dependent (edge ${k + 2} lies in the span of the earlier ones); Prop 3 needs ${m} independent edges`);
    for (let i = 0; i < d; i++) Q[k * d + i] = v[i] / Math.sqrt(nn);
  }
  const rhoMax = Math.min(...lengths) / 2;
  return { kind: 'obtuse-simplex', d, origin, U, lengths, rhoMax, rhoMaxText: 'min_k |x_k - x_1| / 2', ends: (rho, k) => [rho, lengths[k] - rho, lengths[k] / (lengths[k] - 2 * rho)] };
}

function equilateralGeometry(set: PointRows, opts: { tol?: number }): Geometry {
  checkRows(set, 'set', 3);
  if (set.count !== 3) throw new DomainError(`set.count: expected 3 vertices of an equilateral triangle, got ${set.count}`);
  const d = set.d;
  const rows = rowsOf(set);
  const origin = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) origin[i] += r[i] / 3;
  const side = (a: number, b: number) => Math.sqrt(rows[a].reduce((s, v, i) => s + (v - rows[b][i]) ** 2, 0));
  const s01 = side(0, 1);
  const tol = opts.tol ?? 1e-9;
  for (const [a, b] of [[1, 2], [0, 2]] as const) {
    const s = side(a, b);
    if (Math.abs(s - s01) > tol * s01) throw new DomainError(`set: not equilateral: |x_${a + 1} - x_${b + 1}| = ${s} but |x_1 - x_2| = ${s01} (Prop 4)`);
  }
  const { U, lengths } = directionsFrom(origin, rows, d, 'set');
  const R = lengths[0];
  return { kind: 'equilateral', d, origin, U, lengths, rhoMax: R / 2, rhoMaxText: 'R / 2 (R = circumradius)', ends: (rho) => [-R / 2 + rho, R - rho, R / (1.5 * R - 2 * rho)] };
}

function build(g: Geometry, rho: number): MinCostDenoiser {
  assertPositive(rho, 'rho');
  if (!(rho < g.rhoMax)) throw new DomainError(`rho: expected 0 < rho < ${g.rhoMaxText} = ${g.rhoMax} (disjoint interpolation balls), got ${rho}`);
  const { d, origin, U } = g;
  const m = g.lengths.length;
  const lo = new Float64Array(m);
  const hi = new Float64Array(m);
  const slope = new Float64Array(m);
  for (let k = 0; k < m; k++) [lo[k], hi[k], slope[k]] = g.ends(rho, k);
  const uo = new Float64Array(m);
  for (let k = 0; k < m; k++) for (let i = 0; i < d; i++) uo[k] += U[k * d + i] * origin[i];
  let cost = 0;
  for (let k = 0; k < m; k++) cost += 2 * slope[k];
  // sparse rows of U (the standard-basis datasets are 1-sparse): evaluation costs O(nnz) per input
  const nzStart = new Int32Array(m + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < d; i++) {
      if (U[k * d + i] !== 0) {
        idx.push(i);
        val.push(U[k * d + i]);
      }
    }
    nzStart[k + 1] = idx.length;
  }
  const nzIdx = Int32Array.from(idx);
  const nzVal = Float64Array.from(val);
  const zs = new Float64Array(m);
  return {
    kind: g.kind,
    rho,
    d,
    m,
    origin,
    U,
    lo,
    hi,
    slope,
    cost,
    denoise(x, n, out) {
      assertInteger(n, 0, 'n');
      if (x.length !== n * d) throw new ShapeError(`x: expected length n*d = ${n * d}, got ${x.length}`);
      const y = out ?? new Float64Array(n * d);
      if (y.length !== n * d) throw new ShapeError(`out: expected length ${n * d}, got ${y.length}`);
      for (let r = 0; r < n; r++) {
        const o = r * d;
        for (let k = 0; k < m; k++) {
          let z = -uo[k];
          for (let q = nzStart[k]; q < nzStart[k + 1]; q++) z += nzVal[q] * x[o + nzIdx[q]];
          zs[k] = z;
        }
        for (let i = 0; i < d; i++) y[o + i] = origin[i];
        for (let k = 0; k < m; k++) {
          const z = zs[k];
          if (!Number.isFinite(z)) throw new DomainError(`x: row ${r} is not finite`);
          const v = slope[k] * (Math.max(0, z - lo[k]) - Math.max(0, z - hi[k]));
          if (v !== 0) for (let q = nzStart[k]; q < nzStart[k + 1]; q++) y[o + nzIdx[q]] += v * nzVal[q];
        }
      }
      return y;
    },
    jacobian(x, out) {
      if (x.length !== d) throw new ShapeError(`x: expected length d = ${d}, got ${x.length}`);
      const J = out ?? new Float64Array(d * d);
      if (J.length !== d * d) throw new ShapeError(`out: expected length ${d * d}, got ${J.length}`);
      J.fill(0);
      for (let k = 0; k < m; k++) {
        let z = -uo[k];
        for (let i = 0; i < d; i++) z += U[k * d + i] * x[i];
        if (z > lo[k] && z < hi[k]) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) J[i * d + j] += slope[k] * U[k * d + i] * U[k * d + j];
      }
      return J;
    },
    network() {
      const K = 2 * m;
      const A = new Float64Array(K * d);
      const W = new Float64Array(K * d);
      const b = new Float64Array(K);
      for (let k = 0; k < m; k++) {
        const t = Math.sqrt(slope[k]);
        for (let i = 0; i < d; i++) {
          const u = U[k * d + i];
          A[2 * k * d + i] = t * u;
          A[(2 * k + 1) * d + i] = -t * u;
          W[2 * k * d + i] = t * u;
          W[(2 * k + 1) * d + i] = t * u;
        }
        b[2 * k] = -t * (uo[k] + lo[k]);
        b[2 * k + 1] = -t * (uo[k] + hi[k]);
      }
      return { d, K, A, W, b, V: new Float64Array(d * d), c: origin.slice() };
    },
  };
}

function geometryOf(set: PointRows, kind: MinCostKind, opts: { origin?: ArrayLike<number>; tol?: number }): Geometry {
  if (kind === 'orthogonal') return orthogonalGeometry(set, opts);
  if (kind === 'obtuse-simplex') return obtuseGeometry(set);
  if (kind === 'equilateral') return equilateralGeometry(set, opts);
  throw new DomainError(`kind: expected 'orthogonal', 'obtuse-simplex' or 'equilateral', got ${String(kind)}`);
}

/**
 * The min-cost interpolating denoiser of an orthogonal dataset (eq 17, spec §3.1). Row 0 of `set` is x_0 unless
 * `origin` is given (then every row is an x_k, k >= 1).
 * @param set points with (x_i - x_0)^T (x_j - x_0) = 0 for i != j
 * @param opts rho: interpolation radius, 0 < rho < min_k nu_k / 2; origin: x_0 if not a row; tol: cosine tolerance (default 1e-9)
 * @returns the denoiser at rho (evaluation, Jacobian, eq-4 network, cost)
 * @throws DomainError naming the violated condition (points not orthogonal, rho >= min nu/2)
 * @example
 * const h = orthogonalMinCost({ d: 3, count: 3, points: Float64Array.of(0,0,0, 1,0,0, 0,2,0) }, { rho: 0.1 });
 * h.denoise(Float64Array.of(0.3, 1.95, -0.4), 1); // (0.25, 2, 0)
 */
export function orthogonalMinCost(set: PointRows, opts: { rho: number; origin?: ArrayLike<number>; tol?: number }): MinCostDenoiser {
  return build(orthogonalGeometry(set, opts), opts.rho);
}

/**
 * The min-cost denoiser of an obtuse simplex (Prop 3, eq 36); row 0 is the obtuse vertex x_1.
 * @throws DomainError when a pair of edges at x_1 is not obtuse, the edges are dependent, or rho >= min edge / 2
 */
export function obtuseSimplexMinCost(set: PointRows, opts: { rho: number }): MinCostDenoiser {
  return build(obtuseGeometry(set), opts.rho);
}

/**
 * A min-cost denoiser of an equilateral triangle (Prop 4, eq 37), anchored at the centroid.
 * @throws DomainError when the sides differ (relative tol, default 1e-9) or rho >= R/2
 */
export function equilateralMinCost(set: PointRows, opts: { rho: number; tol?: number }): MinCostDenoiser {
  return build(equilateralGeometry(set, opts), opts.rho);
}

/** A VE family of closed-form denoisers: a SigmaDenoiser with rho = alpha sigma, plus its Jacobian and fixed-sigma view. */
export interface MinCostFamily extends SigmaDenoiser {
  readonly kind: MinCostKind;
  readonly alpha: number;
  /** Largest sigma for which the closed form exists: rho_max / alpha. */
  readonly sigmaMax: number;
  /** The denoiser at this sigma (rho = alpha sigma). */
  at(sigma: number): MinCostDenoiser;
  jacobian(x: Float64Array, sigma: number, out?: Float64Array): Float64Array;
}

/**
 * The closed-form min-cost denoisers as a VE family (spec §4: sigma_t = sqrt t, rho_t = alpha sigma_t), in kernel's
 * SigmaDenoiser convention: `denoise(x, n, sigma)` = h*_{alpha sigma}(x). Geometry is validated once.
 * @param set the training points (see the three constructors for the row conventions)
 * @param opts kind, alpha > 0, origin / tol as for the constructors
 * @throws DomainError as the constructors; at evaluation, sigma >= sigmaMax (rho outside the validity domain)
 * @example
 * const fam = minCostFamily(orthogonalDataset({ n: 30, d: 30 }), { kind: 'orthogonal', alpha: 1 });
 * fam.denoise(y, 1, 0.095);
 */
export function minCostFamily(set: PointRows, opts: { kind: MinCostKind; alpha: number; origin?: ArrayLike<number>; tol?: number }): MinCostFamily {
  assertPositive(opts.alpha, 'alpha');
  const g = geometryOf(set, opts.kind, opts);
  const alpha = opts.alpha;
  let cache: MinCostDenoiser | undefined;
  const at = (sigma: number): MinCostDenoiser => {
    assertPositive(sigma, 'sigma');
    if (cache && cache.rho === alpha * sigma) return cache;
    cache = build(g, alpha * sigma);
    return cache;
  };
  return {
    kind: g.kind,
    alpha,
    dim: g.d,
    sigmaMax: g.rhoMax / alpha,
    at,
    denoise: (x, n, sigma, out) => at(sigma).denoise(x, n, out),
    jacobian: (x, sigma, out) => at(sigma).jacobian(x, out),
  };
}
