import {
  type Denoiser,
  DomainError,
  type InterpolantSchedule,
  ParameterError,
  ShapeError,
  assertFinite,
  assertInRange,
  checkBatch,
  assertObject,
} from '@diffusion-theory/kernel';

export interface TweedieBinaryGmmOptions {
  /** The centroid mu (length d). Any norm: |mu|^2 = d in the ICLR scaling (Cui et al. 2024, ICLR), |mu| = O(1) in the scaling of eq. 8 of Cui et al. 2025 (T2). */
  mu: Float64Array | readonly number[];
  /** Cluster standard deviation sigma >= 0. */
  sigma: number;
  /** Interpolant x_t = alpha_t x0 + beta_t x1. */
  schedule: InterpolantSchedule;
}

/**
 * The Tweedie-optimal (Bayes) denoiser of rho = 1/2 N(mu, sigma^2 I) + 1/2 N(-mu, sigma^2 I)
 * (Cui et al. 2024, ICLR): with D_t = alpha_t^2 + beta_t^2 sigma^2,
 *   f*_t(x) = E[x1 | x_t = x] = (beta_t sigma^2 / D_t) x + (alpha_t^2 / D_t) mu tanh(beta_t mu^T x / D_t).
 * The same formula serves both scalings (only |mu| differs). Defined for t in [0, 1] with D_t > 0.
 * Cost O(n d) per call. Jacobian: (beta sigma^2/D) I + (alpha^2 beta / D^2) sech^2(.) mu mu^T.
 * @param opts - the centroid mu, the cluster width sigma and the schedule
 * @returns the exact denoiser of the binary isotropic mixture (with mu and sigma)
 * @throws ShapeError / NonFiniteError for a bad mu; DomainError for a non-positive sigma
 */
export function tweedieBinaryGmmDenoiser(opts: TweedieBinaryGmmOptions): Denoiser & { readonly mu: Float64Array; readonly sigma: number } {
  assertObject(opts, 'opts');
  const mu = Float64Array.from(opts.mu);
  const d = mu.length;
  if (d < 1) throw new ShapeError('mu: expected a non-empty vector');
  assertFinite(mu, 'mu');
  assertInRange(opts.sigma, 0, Number.POSITIVE_INFINITY, 'sigma');
  const s2 = opts.sigma * opts.sigma;
  const sch = opts.schedule;
  if (!sch || typeof sch.alpha !== 'function') throw new ParameterError('schedule: expected an InterpolantSchedule');
  const coefs = (t: number) => {
    assertInRange(t, 0, 1, 't');
    const a = sch.alpha(t);
    const b = sch.beta(t);
    const D = a * a + b * b * s2;
    if (!(D > 0)) throw new DomainError(`t: expected alpha_t^2 + beta_t^2 sigma^2 > 0, got 0 at t = ${t} (sigma = 0 at t = 1)`);
    return { a2D: (a * a) / D, lin: (b * s2) / D, proj: b / D, a2: a * a, D };
  };
  return {
    dim: d,
    mu,
    sigma: opts.sigma,
    denoise(x, n, t, out) {
      checkBatch(x, n, d);
      const y = out ?? new Float64Array(n * d);
      if (y.length !== n * d) throw new ShapeError(`out: expected length ${n * d}, got ${y.length}`);
      const { a2D, lin, proj } = coefs(t);
      for (let i = 0; i < n; i++) {
        const o = i * d;
        let m = 0;
        for (let j = 0; j < d; j++) m += mu[j] * x[o + j];
        const g = a2D * Math.tanh(proj * m);
        for (let j = 0; j < d; j++) y[o + j] = lin * x[o + j] + g * mu[j];
      }
      return y;
    },
    jacobian(x, t, out) {
      if (x.length !== d) throw new ShapeError(`x: expected length ${d}, got ${x.length}`);
      const J = out ?? new Float64Array(d * d);
      if (J.length !== d * d) throw new ShapeError(`out: expected length ${d * d}, got ${J.length}`);
      const { a2D, lin, proj } = coefs(t);
      let m = 0;
      for (let j = 0; j < d; j++) m += mu[j] * x[j];
      const th = Math.tanh(proj * m);
      const c = a2D * proj * (1 - th * th);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) J[i * d + j] = c * mu[i] * mu[j] + (i === j ? lin : 0);
      }
      return J;
    },
  };
}
