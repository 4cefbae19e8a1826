import { assertFinite, assertInRange, assertInteger, assertPositive, DomainError, type Rng, ShapeError } from '@diffusion-theory/kernel';

/**
 * Clean training sets of the min-norm denoiser paper (spec min-norm-denoisers §1, §3, §9).
 * Points are stored row-major: `points[k * d + i]` is coordinate i of point k.
 */
export interface PointSet {
  /** Ambient dimension. */
  readonly d: number;
  /** Number of points. */
  readonly count: number;
  /** count x d, row-major. */
  readonly points: Float64Array;
}

/** An orthogonal dataset: x_0 (the special vertex, origin by default) and n mutually orthogonal x_k - x_0. */
export interface OrthogonalDataset extends PointSet {
  /** n = number of non-origin points. */
  readonly n: number;
  /** Whether x_0 is one of the rows of `points` (row 0). */
  readonly includeOrigin: boolean;
  /** nu_k = |x_k - x_0|, length n. */
  readonly norms: Float64Array;
  /** u_k = (x_k - x_0)/nu_k, n x d row-major. */
  readonly directions: Float64Array;
  /** x_0, length d. */
  readonly origin: Float64Array;
}

export interface OrthogonalDatasetOptions {
  /** Number n of orthogonal (non-origin) points, 1 <= n <= d. */
  n: number;
  /** Dimension d >= n. */
  d: number;
  /** Norms nu_k (length n, each > 0). Default all 1 (orthonormal). */
  norms?: ArrayLike<number>;
  /** Put x_0 = 0 in the point list (row 0). Default true (spec §14.3). */
  includeOrigin?: boolean;
  /** 'standard': x_k = nu_k e_k (recommended for L-infinity classification, spec §11); 'random': a Haar-random orthonormal frame from `rng`. Default 'standard'. */
  basis?: 'standard' | 'random';
  /** Required for basis 'random'. */
  rng?: Rng;
}

/**
 * N orthogonal (orthonormal by default) points in R^d, with or without the origin x_0 = 0.
 * @param opts see {@link OrthogonalDatasetOptions}
 * @returns the dataset (points, norms, unit directions)
 * @throws DomainError for n, d out of range or non-positive norms; ParameterError-free
 * @example
 * const ds = orthogonalDataset({ n: 30, d: 30 }); // the paper's 30 orthonormal points (+ origin)
 */
export function orthogonalDataset(opts: OrthogonalDatasetOptions): OrthogonalDataset {
  const { n, d } = opts;
  assertInteger(d, 1, 'd');
  assertInteger(n, 1, 'n');
  if (n > d) throw new DomainError(`n: expected at most d = ${d} orthogonal points, got ${n}`);
  const norms = new Float64Array(n).fill(1);
  if (opts.norms !== undefined) {
    if (opts.norms.length !== n) throw new ShapeError(`norms: expected length n = ${n}, got ${opts.norms.length}`);
    for (let k = 0; k < n; k++) {
      assertPositive(opts.norms[k], `norms[${k}]`);
      norms[k] = opts.norms[k];
    }
  }
  const basis = opts.basis ?? 'standard';
  const directions = new Float64Array(n * d);
  if (basis === 'standard') {
    for (let k = 0; k < n; k++) directions[k * d + k] = 1;
  } else if (basis === 'random') {
    if (!opts.rng) throw new DomainError("rng: required for basis 'random'");
    gramSchmidtRandom(directions, n, d, opts.rng);
  } else {
    throw new DomainError(`basis: expected 'standard' or 'random', got ${String(basis)}`);
  }
  const includeOrigin = opts.includeOrigin ?? true;
  const off = includeOrigin ? 1 : 0;
  const points = new Float64Array((n + off) * d);
  for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) points[(k + off) * d + i] = norms[k] * directions[k * d + i];
  return { d, count: n + off, points, n, includeOrigin, norms, directions, origin: new Float64Array(d) };
}

function gramSchmidtRandom(out: Float64Array, n: number, d: number, rng: Rng): void {
  for (let k = 0; k < n; k++) {
    for (;;) {
      const v = rng.normals(d);
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += v[i] * out[j * d + i];
        for (let i = 0; i < d; i++) v[i] -= dot * out[j * d + i];
      }
      let nn = 0;
      for (let i = 0; i < d; i++) nn += v[i] * v[i];
      if (nn > 1e-12) {
        const s = 1 / Math.sqrt(nn);
        for (let i = 0; i < d; i++) out[k * d + i] = v[i] * s;
        break;
      }
    }
  }
}

/**
 * An obtuse triangle in the plane with the obtuse vertex x_1 at the origin (spec §3.2 indexing):
 * x_2 = l_2 (1, 0), x_3 = l_3 (cos theta, sin theta).
 * @param opts angleDeg: the angle theta at x_1 in degrees, 90 < theta < 180 (default 120); lengths [l_2, l_3] (default [1, 1])
 * @returns the 3 points (row 0 = the obtuse vertex)
 * @throws DomainError when the angle is not obtuse or a length is not positive
 */
export function obtuseTriangle(opts: { angleDeg?: number; lengths?: [number, number] } = {}): PointSet {
  const theta = opts.angleDeg ?? 120;
  assertInRange(theta, 0, 180, 'angleDeg');
  if (!(theta > 90 && theta < 180)) throw new DomainError(`angleDeg: expected an obtuse angle 90 < theta < 180 degrees, got ${theta}`);
  const [l2, l3] = opts.lengths ?? [1, 1];
  assertPositive(l2, 'lengths[0]');
  assertPositive(l3, 'lengths[1]');
  const r = (theta * Math.PI) / 180;
  return { d: 2, count: 3, points: Float64Array.of(0, 0, l2, 0, l3 * Math.cos(r), l3 * Math.sin(r)) };
}

/**
 * The equilateral triangle of Prop 2 / eq 154: x_k = x_0 + R u_k, u_1 = (0, 1), u_2 = (sqrt3/2, -1/2), u_3 = (-sqrt3/2, -1/2).
 * @param opts R: circumradius (default 1); centroid x_0 (default the origin)
 * @returns the 3 vertices (not the centroid)
 * @throws DomainError for R <= 0; NonFiniteError for a non-finite centroid
 */
export function equilateralTriangle(opts: { R?: number; centroid?: [number, number] } = {}): PointSet {
  const R = opts.R ?? 1;
  assertPositive(R, 'R');
  const [cx, cy] = opts.centroid ?? [0, 0];
  assertFinite([cx, cy], 'centroid');
  const h = Math.sqrt(3) / 2;
  return { d: 2, count: 3, points: Float64Array.of(cx, cy + R, cx + h * R, cy - R / 2, cx - h * R, cy - R / 2) };
}

/** Noisy copies y_{k,m} = x_k + sigma eps_{k,m} of a point set (spec §1). */
export interface NoisyTrainingSet {
  readonly d: number;
  /** Number of rows = count * M. */
  readonly size: number;
  /** size x d noisy inputs y_{k,m} (row k*M + m). */
  readonly inputs: Float64Array;
  /** size x d clean targets x_k. */
  readonly targets: Float64Array;
  /** Index k of the clean point of each row. */
  readonly labels: Int32Array;
  readonly sigma: number;
  readonly M: number;
}

/**
 * M noisy samples per clean point at noise level sigma. Point k draws from the named stream
 * `rng.named('noisy-copies', k)`, so adding points does not change the noise of the others.
 * @param set the clean points
 * @param opts M >= 1 copies per point, sigma >= 0 noise level, rng
 * @returns inputs, clean targets and labels
 * @throws DomainError for bad M or sigma
 */
export function noisyTrainingSet(set: PointSet, opts: { M: number; sigma: number; rng: Rng }): NoisyTrainingSet {
  const { M, sigma, rng } = opts;
  assertInteger(M, 1, 'M');
  assertInRange(sigma, 0, Number.POSITIVE_INFINITY, 'sigma');
  if (set.points.length !== set.count * set.d) throw new ShapeError(`set.points: expected length count*d = ${set.count * set.d}, got ${set.points.length}`);
  assertFinite(set.points, 'set.points');
  const { d, count } = set;
  const size = count * M;
  const inputs = new Float64Array(size * d);
  const targets = new Float64Array(size * d);
  const labels = new Int32Array(size);
  for (let k = 0; k < count; k++) {
    const eps = rng.named('noisy-copies', k).normals(M * d);
    for (let m = 0; m < M; m++) {
      const row = k * M + m;
      labels[row] = k;
      for (let i = 0; i < d; i++) {
        const x = set.points[k * d + i];
        targets[row * d + i] = x;
        inputs[row * d + i] = x + sigma * eps[m * d + i];
      }
    }
  }
  return { d, size, inputs, targets, labels, sigma, M };
}
