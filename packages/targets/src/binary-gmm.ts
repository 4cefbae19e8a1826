import { DomainError, NDArray, ParameterError, type Rng, type SampleSource, ShapeError, assertFinite, assertInRange, assertInteger, assertObject } from '@diffusion-theory/kernel';

/**
 * The binary isotropic Gaussian mixture of the ICLR-2024 model (Cui, Krzakala, Vanden-Eijnden, Zdeborova;
 * Cui et al. 2024, ICLR, target T8):
 *   rho = 1/2 N(-mu, sigma^2 I_d) + 1/2 N(mu, sigma^2 I_d),   x1 = s mu + z,  s = +-1,  z ~ N(0, sigma^2 I_d).
 * Scaling: |mu|^2 = d by default (centroids grow with d, unlike the targets of eq. 8 of Cui et al. 2025; any mu may be passed,
 * e.g. |mu| = O(1) for the bimodal target T2 of Cui et al. 2025).
 */
export interface BinaryIsotropicGmmOptions {
  /** Dimension d >= 1. */
  d: number;
  /** Cluster standard deviation sigma > 0 (data units). */
  sigma: number;
  /**
   * The centroid: a vector of length d, or 'ones' (mu = (1, ..., 1), default) or 'random' (a uniformly random
   * direction scaled to |mu|^2 = d; needs `muRng`).
   */
  mu?: Float64Array | readonly number[] | 'ones' | 'random';
  /** Generator for mu = 'random'. */
  muRng?: Rng;
}

export interface BinaryGmmSample {
  /** n x d draws x1 = s mu + z. */
  x1: NDArray;
  /** The signs s = +-1 (cluster labels), length n. */
  s: Float64Array;
}

export interface BinaryGmmTrainingSet extends BinaryGmmSample {
  /** n x d base noise x0 ~ N(0, I_d), independent of x1. */
  x0: NDArray;
  /** xi = sum_mu s^mu x0^mu (length d). */
  xi: Float64Array;
  /** eta = sum_mu s^mu (x1^mu - s^mu mu) = sum_mu s^mu z^mu (length d). */
  eta: Float64Array;
}

export interface BinaryIsotropicGmm {
  readonly kind: 'binary-isotropic-gmm';
  readonly dim: number;
  readonly sigma: number;
  /** The centroid mu (a copy). */
  mu(): Float64Array;
  /** E[x1] = 0 (length d). */
  mean(): Float64Array;
  /** Per-coordinate variance along directions orthogonal to mu: sigma^2; along mu/|mu|: sigma^2 + |mu|^2. */
  covarianceEigen(): { muDirection: number; orthogonal: number };
  /** n draws with their signs. */
  sample(n: number, rng: Rng): BinaryGmmSample;
  /** The draws x1 alone as a kernel SampleSource (`source.sample(n, rng)` is `sample(n, rng).x1`), e.g. for trainers. */
  readonly source: SampleSource;
  /** n training pairs (x0, x1) with the ICLR statistics xi and eta. */
  trainingSet(n: number, rng: Rng): BinaryGmmTrainingSet;
  /** log rho at the n rows of x (row-major n x d). */
  logDensity(x: Float64Array, n: number): Float64Array;
}

/**
 * The binary isotropic Gaussian mixture (1/2) N(mu, sigma^2 I) + (1/2) N(-mu, sigma^2 I) of the
 * ICLR-2024 model (Cui et al. 2024, ICLR) and of target T2 of Cui et al. 2025.
 * @param opts - d, sigma (> 0), mu (a vector of length d, 'ones' or 'random' with muRng)
 * @returns the mixture with sample(n, rng) -> { x1, s }, source, trainingSet, logDensity and the exact denoisers
 * @throws ShapeError for mu not of length d; DomainError for d or sigma out of range; ParameterError for an
 *   unknown mu or a missing muRng
 */
export function binaryIsotropicGmm(opts: BinaryIsotropicGmmOptions): BinaryIsotropicGmm {
  assertObject(opts, 'opts');
  const { d, sigma } = opts;
  assertInteger(d, 1, 'd');
  assertInRange(sigma, Number.MIN_VALUE, Number.POSITIVE_INFINITY, 'sigma');
  const spec = opts.mu ?? 'ones';
  let mu: Float64Array;
  if (spec === 'ones') {
    mu = new Float64Array(d).fill(1);
  } else if (spec === 'random') {
    if (!opts.muRng) throw new ParameterError("muRng: required when mu = 'random'");
    mu = opts.muRng.normals(d);
    let s = 0;
    for (const x of mu) s += x * x;
    const f = Math.sqrt(d / s);
    for (let i = 0; i < d; i++) mu[i] *= f;
  } else if (typeof spec === 'string') {
    throw new ParameterError(`mu: expected a vector, 'ones' or 'random', got '${spec}'`);
  } else {
    mu = Float64Array.from(spec);
    if (mu.length !== d) throw new ShapeError(`mu: expected length d = ${d}, got ${mu.length}`);
    assertFinite(mu, 'mu');
  }
  let mu2 = 0;
  for (const x of mu) mu2 += x * x;
  const sample = (n: number, rng: Rng): BinaryGmmSample => {
    assertInteger(n, 0, 'n');
    if (!rng || typeof rng.fillNormal !== 'function') throw new ParameterError('rng: expected an Rng');
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = rng.uniform() < 0.5 ? -1 : 1;
    const x = rng.normals(n * d);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) x[o + j] = s[i] * mu[j] + sigma * x[o + j];
    }
    return { x1: new NDArray(x, [n, d]), s };
  };
  return {
    kind: 'binary-isotropic-gmm',
    dim: d,
    sigma,
    mu: () => mu.slice(),
    mean: () => new Float64Array(d),
    covarianceEigen: () => ({ muDirection: sigma * sigma + mu2, orthogonal: sigma * sigma }),
    sample,
    source: { dim: d, sample: (n: number, rng: Rng) => sample(n, rng).x1 },
    trainingSet(n: number, rng: Rng): BinaryGmmTrainingSet {
      assertInteger(n, 1, 'n');
      const [r1, r0] = rng.split(2);
      const { x1, s } = sample(n, r1);
      const x0 = r0.normals(n * d);
      const xi = new Float64Array(d);
      const eta = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const o = i * d;
        for (let j = 0; j < d; j++) {
          xi[j] += s[i] * x0[o + j];
          eta[j] += s[i] * x1.data[o + j] - mu[j];
        }
      }
      return { x1, s, x0: new NDArray(x0, [n, d]), xi, eta };
    },
    logDensity(x: Float64Array, n: number): Float64Array {
      assertInteger(n, 0, 'n');
      if (x.length !== n * d) throw new ShapeError(`x: expected length n*d = ${n * d}, got ${x.length}`);
      const s2 = sigma * sigma;
      const out = new Float64Array(n);
      const c = -0.5 * d * Math.log(2 * Math.PI * s2) - Math.log(2);
      for (let i = 0; i < n; i++) {
        let xx = 0;
        let xm = 0;
        for (let j = 0; j < d; j++) {
          const v = x[i * d + j];
          xx += v * v;
          xm += v * mu[j];
        }
        // log(e^{-|x-mu|^2/2s2} + e^{-|x+mu|^2/2s2}) = -(xx + mu2)/(2 s2) + log(2 cosh(xm/s2))
        const a = Math.abs(xm / s2);
        out[i] = c - (xx + mu2) / (2 * s2) + a + Math.log1p(Math.exp(-2 * a));
      }
      if (!Number.isFinite(mu2)) throw new DomainError('mu: non-finite norm');
      return out;
    },
  };
}
