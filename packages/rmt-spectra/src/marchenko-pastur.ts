import { type SpectralLaw, lawFromDensity } from './law.js';
import { positive } from './validate.js';

/** Single-variance model: F (d x m) with i.i.d. N(0, variance/m) entries, alpha = m/d. */
export interface MarchenkoPasturOptions {
  /** Aspect ratio alpha = m/d > 0. */
  alpha: number;
  /** Column variance parameter sigma^2 > 0 (entries N(0, sigma^2/m)). Default 1. */
  variance?: number;
}

/** Support edges gamma_a < gamma_b of the non-zero spectrum of F F^T (equivalently F^T F). */
export interface MpEdges {
  /** Lower edge sigma^2 (1 - alpha^{-1/2})^2 (the paper's "gamma_+", the left bound of the bulk). */
  lower: number;
  /** Upper edge sigma^2 (1 + alpha^{-1/2})^2. */
  upper: number;
}

function opts(o: MarchenkoPasturOptions): { alpha: number; s: number } {
  positive(o.alpha, 'alpha', 'an aspect ratio m/d');
  const s = o.variance ?? 1;
  positive(s, 'variance', 'a column variance sigma^2');
  return { alpha: o.alpha, s };
}

/**
 * Marchenko-Pastur edges (spec §4): gamma_a = sigma^2 (1 - alpha^{-1/2})^2, gamma_b = sigma^2 (1 + alpha^{-1/2})^2.
 * @throws DomainError if alpha <= 0 or variance <= 0.
 */
export function mpEdges(o: MarchenkoPasturOptions): MpEdges {
  const { alpha, s } = opts(o);
  const r = 1 / Math.sqrt(alpha);
  return { lower: s * (1 - r) ** 2, upper: s * (1 + r) ** 2 };
}

/** Weight of the atom at 0 of the d-dimensional spectrum: max(0, 1 - alpha). */
export function mpAtom(o: MarchenkoPasturOptions): number {
  const { alpha } = opts(o);
  return Math.max(0, 1 - alpha);
}

/**
 * Density of the continuous part of the d-dimensional MP spectrum at gamma (per d eigenvalues; it
 * integrates to min(alpha, 1); the atom max(0, 1 - alpha) at 0 is NOT included, see `mpAtom`):
 * alpha sqrt((gamma_b - gamma)(gamma - gamma_a)) / (2 pi sigma^2 gamma) on (gamma_a, gamma_b).
 * @throws DomainError if alpha <= 0 or variance <= 0.
 */
export function mpDensity(gamma: number, o: MarchenkoPasturOptions): number {
  const { alpha, s } = opts(o);
  const { lower, upper } = mpEdges(o);
  if (!(gamma > lower && gamma < upper) || gamma <= 0) return 0;
  return (alpha * Math.sqrt((upper - gamma) * (gamma - lower))) / (2 * Math.PI * s * gamma);
}

/**
 * The full Marchenko-Pastur law of Sigma = F F^T as a SpectralLaw: atom, edges, density, CDF and
 * quantiles (CDF by the cosine-substituted midpoint rule with `nodes` cells, error < 1e-9).
 * @param o aspect ratio alpha = m/d and column variance sigma^2.
 * @returns the law; `law.cdf(x)` includes the atom at 0, `law.quantile(p)` returns 0 for p <= atom.
 * @throws DomainError if alpha <= 0 or variance <= 0.
 * @example
 * const law = marchenkoPastur({ alpha: 0.5, variance: 1 });
 * law.edges;          // [0.1716, 5.8284]
 * law.cdf(0);         // 0.5 (the atom: d - m zero eigenvalues)
 * law.quantile(0.75); // median of the non-zero part
 */
export function marchenkoPastur(o: MarchenkoPasturOptions, nodes = 4000): SpectralLaw {
  const { alpha, s } = opts(o);
  const { lower, upper } = mpEdges(o);
  const density = (g: number) => mpDensity(g, { alpha, variance: s });
  return lawFromDensity(alpha, Math.max(0, 1 - alpha), Float64Array.of(lower, upper), density, nodes);
}
