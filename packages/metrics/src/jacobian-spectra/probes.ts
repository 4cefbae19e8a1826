import {
  DomainError,
  NDArray,
  NonFiniteError,
  type Rng,
  ShapeError,
  type VectorField,
  assertInteger,
  dgemm,
  describeValue,
  eigvalsh,
  svdvals,
} from '@diffusion-theory/kernel';

/** Options of the probe estimators (spec §8, Algorithms 1-2 of Ventura et al. / Stanczuk et al.). */
export interface JacobianProbeOptions {
  /** Time t_0 passed to the score model (> 0). */
  t: number;
  /** Noise scale sigma_{t0} of the probes; default sqrt(t) (VE). */
  sigma?: number;
  /** Number of probes K (>= 1). */
  probes: number;
  /** Base point x_0 (length d), e.g. a data point. */
  x0: Float64Array;
  rng: Rng;
  /** Probes evaluated per model call (default 1024). */
  batch?: number;
  /** Algorithm 1 only: subtract the column mean of S first (removes the rank-one term s(x_0)); default true. */
  centre?: boolean;
}

/** Singular values from a probe estimator, DESCENDING, at three normalisations. */
export interface JacobianSpectrumEstimate {
  /** Singular values of the d x K probe matrix S. */
  raw: Float64Array;
  /** raw / (sigma sqrt K): estimates the singular values of grad_x s. */
  gradient: Float64Array;
  /** gradient * t: comparable with lambda, the eigenvalues of -J_t (spec §8). */
  lambda: Float64Array;
}

function check(score: VectorField, o: JacobianProbeOptions): { d: number; sigma: number; batch: number } {
  const d = score.dim;
  if (!(o.t > 0 && Number.isFinite(o.t))) throw new DomainError(`t: expected a time > 0, got ${describeValue(o.t)}`);
  const sigma = o.sigma ?? Math.sqrt(o.t);
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new DomainError(`sigma: expected a noise scale > 0, got ${describeValue(sigma)}`);
  assertInteger(o.probes, 1, 'probes');
  if (o.x0.length !== d) throw new ShapeError(`x0: expected length d = ${d}, got ${o.x0.length}`);
  const batch = o.batch ?? 1024;
  assertInteger(batch, 1, 'batch');
  return { d, sigma, batch };
}

/**
 * Shared loop: columns of S in batches, accumulating the Gram S S^T (d x d) and the column sum, so
 * K may be large (20000) at O(d^2) memory. Singular values = sqrt(eig(S S^T - K mean mean^T)) when centring.
 */
function probeGram(score: VectorField, o: JacobianProbeOptions, antithetic: boolean): JacobianSpectrumEstimate {
  const { d, sigma, batch } = check(score, o);
  const K = o.probes;
  const gram = new Float64Array(d * d);
  const colSum = new Float64Array(d);
  const rng = o.rng.named(antithetic ? 'algorithm2' : 'algorithm1');
  for (let start = 0; start < K; start += batch) {
    const b = Math.min(batch, K - start);
    const eps = rng.fillNormal(new Float64Array(b * d));
    const xp = new Float64Array(b * d);
    for (let i = 0; i < b; i++) for (let j = 0; j < d; j++) xp[i * d + j] = o.x0[j] + sigma * eps[i * d + j];
    const cols = score.evaluate(xp, b, o.t);
    if (antithetic) {
      const xm = new Float64Array(b * d);
      for (let i = 0; i < b * d; i++) xm[i] = 2 * o.x0[i % d] - xp[i];
      const sm = score.evaluate(xm, b, o.t);
      for (let i = 0; i < b * d; i++) cols[i] = 0.5 * (cols[i] - sm[i]);
    }
    for (let i = 0; i < b * d; i++) {
      if (!Number.isFinite(cols[i])) throw new NonFiniteError(`score: non-finite output at probe ${start + Math.floor(i / d)}`);
      colSum[i % d] += cols[i];
    }
    // gram += cols^T cols (cols is b x d row-major: one probe per row)
    dgemm(true, false, d, d, b, 1, cols, d, cols, d, 1, gram, d);
  }
  if (!antithetic && (o.centre ?? true)) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) gram[i * d + j] -= (colSum[i] * colSum[j]) / K;
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (gram[i * d + j] + gram[j * d + i]);
      gram[i * d + j] = v;
      gram[j * d + i] = v;
    }
  }
  const ev = eigvalsh(new NDArray(gram, [d, d]), 'probe Gram');
  const raw = Float64Array.from(ev, (v) => Math.sqrt(Math.max(0, v))).reverse();
  const gradient = Float64Array.from(raw, (v) => v / (sigma * Math.sqrt(K)));
  const lambda = Float64Array.from(gradient, (v) => v * o.t);
  return { raw, gradient, lambda };
}

/**
 * Algorithm 1 (Stanczuk et al.; spec §8): probes x_i = x_0 + sigma eps_i, S = [s(x_i, t)], singular
 * values of S (optionally centred, default). Works with any batched score model.
 * @returns singular values DESCENDING: raw, normalised to grad s, and times t (compare with lambda).
 * @throws DomainError / ShapeError for bad options; NonFiniteError if the model returns NaN.
 * @example
 * const est = jacobianSpectrumAlgorithm1(score, { t: 0.3, probes: 20000, x0, rng });
 */
export function jacobianSpectrumAlgorithm1(score: VectorField, o: JacobianProbeOptions): JacobianSpectrumEstimate {
  return probeGram(score, o, false);
}

/**
 * Algorithm 2 (symmetrised; spec §8 resolution of the paper's N(x_0, -sigma^2 I)): antithetic pairs
 * x_i^± = x_0 ± sigma eps_i, column i = [s(x_i^+) - s(x_i^-)]/2 ≈ sigma grad s eps_i.
 * Resolution: a block of n equal singular values is smeared over [1 - sqrt(n/K), 1 + sqrt(n/K)].
 * @returns singular values DESCENDING: raw, normalised to grad s, and times t (compare with lambda).
 * @throws DomainError / ShapeError for bad options; NonFiniteError if the model returns NaN.
 * @example
 * const est = jacobianSpectrumAlgorithm2(score, { t: 0.3, probes: 20000, x0, rng });
 * est.lambda; // ≈ eigenvalues of -J_t, descending
 */
export function jacobianSpectrumAlgorithm2(score: VectorField, o: JacobianProbeOptions): JacobianSpectrumEstimate {
  return probeGram(score, o, true);
}

/**
 * Singular values (DESCENDING) of an exact input Jacobian grad_x s (d x d), and times t (lambda).
 * @throws ShapeError / NonFiniteError for a bad matrix; DomainError for t <= 0.
 */
export function exactJacobianSpectrum(jacobian: NDArray, t: number): { gradient: Float64Array; lambda: Float64Array } {
  if (!(t > 0 && Number.isFinite(t))) throw new DomainError(`t: expected a time > 0, got ${describeValue(t)}`);
  const gradient = svdvals(jacobian, 'jacobian');
  return { gradient, lambda: Float64Array.from(gradient, (v) => v * t) };
}
