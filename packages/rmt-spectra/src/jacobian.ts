import { DomainError, describeValue } from '@diffusion-theory/kernel';
import type { SpectralLaw } from './law.js';
import { type MarchenkoPasturOptions, mpEdges } from './marchenko-pastur.js';
import { positive } from './validate.js';

/**
 * Law of the eigenvalues lambda = t/(t + gamma) of -J_t, J_t = t grad s = -t (t I + Sigma)^{-1}
 * (spec §3-§5.4), per d eigenvalues: atom max(0, 1 - alpha) at lambda = 1 (the normal directions)
 * plus a continuous part obtained from the Sigma law by change of variables.
 */
export interface JacobianLaw {
  readonly t: number;
  /** Mass of the atom at lambda = 1. */
  readonly atom: number;
  /** Support edges in lambda, ascending (edge e of Sigma maps to t/(t+e); the order reverses). */
  readonly edges: Float64Array;
  /** Continuous density rho_t(lambda) = rho_Sigma(t(1-lambda)/lambda) t / lambda^2. */
  density(lambda: number): number;
  /** P(Lambda <= lambda) = min(alpha,1) - F_Sigma^cont(t(1-lambda)/lambda) for lambda < 1; 1 at lambda >= 1. */
  cdf(lambda: number): number;
  /** Smallest lambda with cdf >= p: t/(t + Q_Sigma(1 - p)); 1 inside the atom. */
  quantile(p: number): number;
  /**
   * Theoretical ordered spectrum for d eigenvalues, ASCENDING: lambda_(k) = quantile((k - 1/2)/d),
   * k = 1..d, to set beside sorted eigen/singular values (spec §5.4).
   */
  orderedSpectrum(d: number): Float64Array;
}

/**
 * The J_t eigenvalue law of a linear manifold with covariance law `sigma` at VE time t, by change of
 * variables gamma(lambda) = t (1 - lambda)/lambda (corrected spec §4; the paper's eq 28 has the wrong profile).
 * @param sigma limiting law of Sigma = F F^T (`marchenkoPastur` or `groupSpectrum`).
 * @param t VE diffusion time (noise variance), > 0.
 * @throws DomainError if t <= 0.
 * @example
 * const law = jacobianLaw(marchenkoPastur({ alpha: 0.5 }), 1);
 * law.edges;               // [0.1464, 0.8536] (lambda = -r)
 * 1 - law.edges[1];        // the final (manifold) gap 0.1464
 */
export function jacobianLaw(sigma: SpectralLaw, t: number): JacobianLaw {
  positive(t, 't', 'a diffusion time');
  const cont = Math.min(1, sigma.alpha);
  const gammaOf = (l: number) => (t * (1 - l)) / l;
  const edges = Float64Array.from(sigma.edges, (e) => t / (t + e)).reverse();
  const quantile = (p: number): number => {
    if (!(p >= 0 && p <= 1)) throw new DomainError(`p: expected a probability in [0, 1], got ${describeValue(p)}`);
    if (p > 1 - sigma.atom) return 1;
    return t / (t + sigma.quantile(Math.max(0, 1 - p)));
  };
  return {
    t,
    atom: sigma.atom,
    edges,
    density(l: number): number {
      if (!(l > 0 && l < 1)) return 0;
      return sigma.density(gammaOf(l)) * (t / (l * l));
    },
    cdf(l: number): number {
      if (Number.isNaN(l)) throw new DomainError('lambda: expected a number, got NaN');
      if (l >= 1) return 1;
      if (l <= 0) return 0;
      return Math.max(0, cont - (sigma.cdf(gammaOf(l)) - sigma.atom));
    },
    quantile,
    orderedSpectrum(d: number): Float64Array {
      if (!Number.isInteger(d) || d < 1) throw new DomainError(`d: expected an integer >= 1, got ${describeValue(d)}`);
      return Float64Array.from({ length: d }, (_, k) => quantile((k + 0.5) / d));
    },
  };
}

/** Options of the closed-form single-variance J_t density. */
export interface MpJacobianOptions extends MarchenkoPasturOptions {
  /** VE time t > 0. */
  t: number;
}

/**
 * Support (r_-, r_+) of the continuous eigenvalue density of J_t (r = -lambda in (-1, 0)) for the
 * single-variance model: r_- = -t/(gamma_a + t), r_+ = -t/(gamma_b + t).
 * @throws DomainError for alpha, variance or t <= 0.
 */
export function mpJacobianEdges(o: MpJacobianOptions): { rMinus: number; rPlus: number } {
  positive(o.t, 't', 'a diffusion time');
  const { lower, upper } = mpEdges(o);
  return { rMinus: -o.t / (lower + o.t), rPlus: -o.t / (upper + o.t) };
}

/**
 * Closed-form continuous eigenvalue density of J_t at r (spec §4, corrected eq 28):
 * alpha sqrt((gamma_a + t)(gamma_b + t)) sqrt((r_+ - r)(r - r_-)) / (2 pi sigma^2 r^2 (1 + r)) on (r_-, r_+);
 * the atom (1 - alpha)_+ at r = -1 is not included.
 * @throws DomainError for alpha, variance or t <= 0.
 */
export function mpJacobianDensity(r: number, o: MpJacobianOptions): number {
  const { rMinus, rPlus } = mpJacobianEdges(o);
  if (!(r > rMinus && r < rPlus)) return 0;
  const { lower, upper } = mpEdges(o);
  const s = o.variance ?? 1;
  const t = o.t;
  return (
    (o.alpha * Math.sqrt((lower + t) * (upper + t)) * Math.sqrt((rPlus - r) * (r - rMinus))) / (2 * Math.PI * s * r * r * (1 + r))
  );
}
