import { DomainError } from '@diffusion-theory/kernel';
import { readFinite, readPositive, readRange, readTime, type SigmaRangeOptions, type TrainingTime } from './common.js';

export interface TwoLayerOptions extends TrainingTime {
  lambda: number;
  sigma: number;
  /** Aligned initial gain Q = h(0) >= 0. */
  Q: number;
}

/**
 * Symmetric two-layer W = P P^T, aligned init (spec spectral-bias §6): h = u^T W u solves the logistic
 * dh/dtau = 8 eta h (lambda - (sigma^2 + lambda) h): h(tau) = K Q / (Q + (K - Q) e^{-8 eta lambda tau}), K = lambda/(lambda + sigma^2).
 * Weight emergence (h at the harmonic mean of Q and K) is at ln 2 / (8 eta lambda) for every sigma and Q.
 * @throws DomainError on lambda, sigma <= 0 or Q < 0
 * @example
 * twoLayerModeGain({ lambda: 0.3, sigma: 1, Q: 0.1, tau: Math.LN2 / 2.4 }); // 6/43 (spec R7)
 */
export function twoLayerModeGain(o: TwoLayerOptions): number {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const Q = readFinite(o.Q, 'Q');
  if (Q < 0) throw new DomainError(`Q: expected an initial gain >= 0 (W = P P^T is PSD), got ${Q}`);
  const K = l / (l + s2);
  if (Q === 0) return 0;
  return (K * Q) / (Q + (K - Q) * Math.exp(-8 * eta * l * tau));
}

/**
 * Proposition 5.1 (re-derived, spec §6): generated variance of the symmetric two-layer model,
 * lambda_hat = sigma_T^2 [(lambda E + Q(1-E)(lambda + sigma_0^2)) / (lambda E + Q(1-E)(lambda + sigma_T^2))]^{Q/Delta} (sigma_0/sigma_T)^{2(1-Q)E/Delta},
 * E = e^{-8 eta lambda tau}, Delta = Q + (1 - Q) E. Q = 0 returns sigma_0^2.
 * @example
 * prop51Variance({ lambda: 0.3, Q: 0.1, tau: 2 }); // 0.148989126474 (spec R6)
 */
export function prop51Variance(o: TrainingTime & SigmaRangeOptions & { lambda: number; Q: number }): number {
  const { tau, eta } = readTime(o);
  const { s0, sT } = readRange(o);
  const l = readPositive(o.lambda, 'lambda');
  const Q = readFinite(o.Q, 'Q');
  if (Q < 0) throw new DomainError(`Q: expected an initial gain >= 0 (W = P P^T is PSD), got ${Q}`);
  if (Q === 0) return s0 * s0;
  const E = Math.exp(-8 * eta * l * tau);
  const D = Q + (1 - Q) * E;
  const num = l * E + Q * (1 - E) * (l + s0 * s0);
  const den = l * E + Q * (1 - E) * (l + sT * sT);
  return sT * sT * Math.exp((Q / D) * Math.log(num / den) + ((2 * (1 - Q) * E) / D) * Math.log(s0 / sT));
}
