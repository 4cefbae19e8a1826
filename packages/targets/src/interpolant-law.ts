import { DomainError, NDArray, dgemm, isNDArray } from '@diffusion-theory/kernel';
import { type EigenForm, type GaussianTarget, gaussian } from './gaussian.js';
import { type GaussianMixtureTarget, gaussianMixture } from './mixture.js';

/** Coefficients of the interpolant x_t = alpha x0 + beta x1 at one time (x0 ~ N(0, I) independent of x1). */
export interface InterpolantCoefficients {
  alpha: number;
  beta: number;
}

/** Eigen form or dense covariance of beta^2 U diag(s) U^T + alpha^2 I. */
function noisedCovariance(basis: NDArray, spectrum: Float64Array, d: number, alpha: number, beta: number): NDArray | EigenForm {
  const k = spectrum.length;
  if (k === d) return { basis, spectrum: spectrum.map((s) => alpha * alpha + beta * beta * s) };
  // Low rank: the complement of span(U) carries alpha^2 only; build the dense matrix (the target eigendecomposes it once).
  const U = basis.contiguous().data;
  const Us = new Float64Array(d * k);
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) Us[i * k + j] = beta * beta * spectrum[j] * U[i * k + j];
  const C = new Float64Array(d * d);
  dgemm(false, true, d, d, k, 1, Us, k, U, k, 0, C, d);
  for (let i = 0; i < d; i++) C[i * d + i] += alpha * alpha;
  return new NDArray(C, [d, d]);
}

function coefficientsArg(c: InterpolantCoefficients): InterpolantCoefficients {
  const { alpha, beta } = c ?? ({} as InterpolantCoefficients);
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) throw new DomainError(`coefficients: expected finite alpha and beta, got ${alpha}, ${beta}`);
  return { alpha, beta };
}

/**
 * The exact law of the interpolant x_t = alpha x0 + beta x1 (x0 ~ N(0, I_d), x1 ~ target) as a
 * target of the same kind: component means beta m_c and covariances alpha^2 I + beta^2 C_c, same
 * weights. With the exact denoiser, a sampler run to time t must reproduce this law
 * (spec dae-asymptotics section 1.2); its `sample`, `mean`, `covariance` and `logDensity` are the
 * reference, and `projectMixture` of it gives the exact projected density.
 *
 * @param target a `gaussian` or `gaussianMixture` target.
 * @param coefficients `{ alpha, beta }` of the interpolant at the time of interest (finite).
 * @returns the law of alpha x0 + beta x1 (a `gaussian` or `gaussianMixture` target).
 * @throws DomainError for non-finite coefficients or another kind of target.
 */
export function interpolantLaw(target: GaussianTarget, coefficients: InterpolantCoefficients): GaussianTarget;
export function interpolantLaw(target: GaussianMixtureTarget, coefficients: InterpolantCoefficients): GaussianMixtureTarget;
export function interpolantLaw(target: GaussianTarget | GaussianMixtureTarget, coefficients: InterpolantCoefficients): GaussianTarget | GaussianMixtureTarget {
  const { alpha, beta } = coefficientsArg(coefficients);
  const d = target?.dim;
  if (target?.kind === 'gaussian') {
    const { basis, spectrum } = target.eigen();
    const cov = noisedCovariance(basis, spectrum, d, alpha, beta);
    return gaussian({ mean: target.mean().map((v) => beta * v), ...(isNDArray(cov) ? { covariance: cov } : { eigen: cov }) });
  }
  if (target?.kind === 'gaussian-mixture') {
    const K = target.components;
    const means = new Float64Array(K * d);
    const covariances = Array.from({ length: K }, (_, c) => {
      const { mean, basis, spectrum } = target.component(c);
      means.set(mean.map((v) => beta * v), c * d);
      return noisedCovariance(basis, spectrum, d, alpha, beta);
    });
    return gaussianMixture({ weights: target.weights(), means: new NDArray(means, [K, d]), covariances });
  }
  throw new DomainError(`target: expected a gaussian or gaussian-mixture target, got kind '${(target as { kind?: string })?.kind}'`);
}
