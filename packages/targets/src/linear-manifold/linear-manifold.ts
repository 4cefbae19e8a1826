import {
  DomainError,
  NDArray,
  NonFiniteError,
  type Rng,
  type SampleSource,
  ShapeError,
  assertFinite,
  assertInteger,
  dgemm,
  describeValue,
} from '@diffusion-theory/kernel';

/**
 * Column-variance profile of a random embedding F (d x m): column mu has i.i.d. N(0, s_mu/m) entries.
 * - `single`: every s_mu = variance;
 * - `groups`: a fraction f_k of the columns (k_1 = round(f_1 m), cumulative rounding) has variance s_k,
 *   in the order given (so the first round(f_1 m) columns are group 1);
 * - `uniform`: s_mu i.i.d. uniform on [lo, hi] (Fig 5-right of Ventura et al.).
 */
export type ColumnVarianceProfile =
  | { kind: 'single'; variance: number }
  | { kind: 'groups'; fractions: readonly number[]; variances: readonly number[] }
  | { kind: 'uniform'; lo: number; hi: number };

/**
 * Per-column variance parameters s_mu (length m) of a profile.
 * @param rng needed for the `uniform` profile only.
 * @throws DomainError for m < 1, non-positive variances, fractions outside [0, 1] or not summing to 1,
 *   lo > hi; ShapeError for fractions/variances of different lengths.
 */
export function columnVariances(m: number, profile: ColumnVarianceProfile, rng?: Rng): Float64Array {
  assertInteger(m, 1, 'm');
  const s = new Float64Array(m);
  if (profile.kind === 'single') {
    if (!(profile.variance > 0 && Number.isFinite(profile.variance))) {
      throw new DomainError(`profile.variance: expected a column variance > 0, got ${describeValue(profile.variance)}`);
    }
    s.fill(profile.variance);
    return s;
  }
  if (profile.kind === 'uniform') {
    const { lo, hi } = profile;
    if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) throw new DomainError(`profile: expected 0 < lo <= hi < Infinity, got lo ${lo}, hi ${hi}`);
    if (!rng) throw new DomainError('rng: the uniform variance profile needs an Rng');
    for (let i = 0; i < m; i++) s[i] = lo + (hi - lo) * rng.uniform();
    return s;
  }
  const { fractions: f, variances: v } = profile;
  if (f.length !== v.length || f.length === 0) {
    throw new ShapeError(`profile: expected fractions and variances of the same non-zero length, got ${f.length} and ${v.length}`);
  }
  let sum = 0;
  for (let k = 0; k < f.length; k++) {
    if (!(f[k] >= 0 && f[k] <= 1)) throw new DomainError(`profile.fractions[${k}]: expected a fraction in [0, 1], got ${describeValue(f[k])}`);
    if (!(v[k] > 0 && Number.isFinite(v[k]))) throw new DomainError(`profile.variances[${k}]: expected a column variance > 0, got ${describeValue(v[k])}`);
    sum += f[k];
  }
  if (Math.abs(sum - 1) > 1e-9) throw new DomainError(`profile.fractions: expected fractions summing to 1, got ${sum}`);
  let cum = 0;
  let start = 0;
  for (let k = 0; k < f.length; k++) {
    cum += f[k];
    const end = k === f.length - 1 ? m : Math.round(cum * m);
    for (let i = start; i < end; i++) s[i] = v[k];
    start = end;
  }
  return s;
}

/**
 * A random embedding F (d x m, row-major) with column mu drawn i.i.d. N(0, s_mu/m).
 * @throws DomainError for d, m < 1 or a variance vector that is not length m and positive.
 */
export function randomEmbedding(d: number, variances: Float64Array, rng: Rng): NDArray {
  assertInteger(d, 1, 'd');
  const m = variances.length;
  if (m < 1) throw new ShapeError('variances: expected at least one column variance');
  assertFinite(variances, 'variances');
  const sd = Float64Array.from(variances, (s, i) => {
    if (!(s > 0)) throw new DomainError(`variances[${i}]: expected > 0, got ${s}`);
    return Math.sqrt(s / m);
  });
  const data = rng.fillNormal(new Float64Array(d * m));
  for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) data[i * m + j] *= sd[j];
  return new NDArray(data, [d, m]);
}

/** Linear-manifold data y = F z, z ~ N(0, I_m) (spec §2), with its VE forward process. */
export interface LinearManifold extends SampleSource {
  /** Ambient dimension d. */
  readonly dim: number;
  /** Latent dimension m. */
  readonly latentDim: number;
  /** The embedding F (d x m). */
  readonly embedding: NDArray;
  /** n draws y = F z, n x d. */
  sample(n: number, rng: Rng): NDArray;
  /** Sigma = F F^T (d x d). */
  covariance(): NDArray;
  /** F^T F (m x m): its eigenvalues are the non-zero eigenvalues of Sigma. */
  gram(): NDArray;
  /**
   * VE forward process (spec §2): x_t = x_0 + sqrt(t) eps for n fresh data points.
   * @returns x0, eps and xt, each n x d row-major.
   */
  forward(n: number, t: number, rng: Rng): { x0: Float64Array; eps: Float64Array; xt: Float64Array };
}

/** Options of `linearManifold`: a given F, or d, m and a column-variance profile to draw one. */
export type LinearManifoldOptions = { embedding: NDArray } | { d: number; m: number; profile: ColumnVarianceProfile; rng: Rng };

/**
 * Linear-manifold target y = F z with F given, or drawn from a column-variance profile.
 * @throws ShapeError / NonFiniteError for a bad F; DomainError for bad sizes or profiles.
 * @example
 * const lm = linearManifold({ d: 100, m: 40, profile: { kind: 'groups', fractions: [0.75, 0.25], variances: [1, 0.01] }, rng });
 * const { xt, eps } = lm.forward(128, 0.3, rng);
 */
export function linearManifold(opts: LinearManifoldOptions): LinearManifold {
  let F: NDArray;
  if ('embedding' in opts) {
    F = opts.embedding;
    if (F.shape.length !== 2) throw new ShapeError(`embedding: expected a d x m matrix, got shape [${F.shape.join(', ')}]`);
    assertFinite(F.data, 'embedding');
  } else {
    assertInteger(opts.m, 1, 'm');
    F = randomEmbedding(opts.d, columnVariances(opts.m, opts.profile, opts.rng.named('variances')), opts.rng.named('embedding'));
  }
  const [d, m] = F.shape;
  const sample = (n: number, rng: Rng): NDArray => {
    assertInteger(n, 0, 'n');
    const z = rng.fillNormal(new Float64Array(n * m));
    const y = new Float64Array(n * d);
    dgemm(false, true, n, d, m, 1, z, m, F.data, m, 0, y, d);
    return new NDArray(y, [n, d]);
  };
  return {
    dim: d,
    latentDim: m,
    embedding: F,
    sample,
    covariance() {
      const c = new Float64Array(d * d);
      dgemm(false, true, d, d, m, 1, F.data, m, F.data, m, 0, c, d);
      return new NDArray(c, [d, d]);
    },
    gram() {
      const g = new Float64Array(m * m);
      dgemm(true, false, m, m, d, 1, F.data, m, F.data, m, 0, g, m);
      return new NDArray(g, [m, m]);
    },
    forward(n: number, t: number, rng: Rng) {
      if (!(t > 0 && Number.isFinite(t))) throw new DomainError(`t: expected a VE time > 0, got ${describeValue(t)}`);
      const x0 = sample(n, rng.named('data')).data;
      const eps = rng.named('noise').fillNormal(new Float64Array(n * d));
      const st = Math.sqrt(t);
      const xt = Float64Array.from(x0, (v, i) => v + st * eps[i]);
      if (!xt.every(Number.isFinite)) throw new NonFiniteError('forward: non-finite x_t');
      return { x0, eps, xt };
    },
  };
}
