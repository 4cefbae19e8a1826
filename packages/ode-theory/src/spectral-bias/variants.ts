import { erf, expint1 } from '@diffusion-theory/kernel';
import { readFinite, readPositive, readRange, readTime, type SigmaRangeOptions, type TrainingTime } from './common.js';

/**
 * EDM epsilon-prediction, one layer [X] (spec spectral-bias §10.1): lambda_hat = sigma_T^2 exp(-2 [G(sigma_T) - G(sigma_0)]),
 * G(s) = 1/2 ln(s^2 + lambda) + Q e^{-a lambda} sqrt(pi)/(2 sqrt a) erf(sqrt(a) s) - 1/2 Ei(-a (s^2 + lambda)), a = 2 eta tau.
 * @example
 * epsPredVariance({ lambda: 1, Q: 0, tau: 0.3 }); // 1.57495243236 (spec R9)
 */
export function epsPredVariance(o: TrainingTime & SigmaRangeOptions & { lambda: number; Q?: number }): number {
  const { tau, eta } = readTime(o);
  const { s0, sT } = readRange(o);
  const l = readPositive(o.lambda, 'lambda');
  const Q = readFinite(o.Q ?? 0, 'Q');
  const a = 2 * eta * tau;
  if (a === 0) return sT * sT * Math.exp(-2 * Q * (sT - s0));
  const G = (s: number) => 0.5 * Math.log(s * s + l) + Q * Math.exp(-a * l) * (Math.sqrt(Math.PI) / (2 * Math.sqrt(a))) * erf(Math.sqrt(a) * s) + 0.5 * expint1(a * (s * s + l));
  return sT * sT * Math.exp(-2 * (G(sT) - G(s0)));
}

/** EDM epsilon-prediction per-mode gain psi_eps = sigma/(sigma^2 + lambda) + (Q - sigma/(sigma^2 + lambda)) e^{-a (sigma^2 + lambda)}. */
export function epsPredModeGain(o: TrainingTime & { lambda: number; sigma: number; Q?: number }): number {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  const s = readPositive(o.sigma, 'sigma');
  const w = s / (s * s + l);
  return w + ((o.Q ?? 0) - w) * Math.exp(-2 * eta * tau * (s * s + l));
}

/**
 * General schedule x_t = alpha_t x0 + sigma_t eps at the optimum (spec §10.2): starting from N(0, v_T) at t_T,
 * lambda_hat = v_T (alpha_0^2 lambda + sigma_0^2) / (alpha_T^2 lambda + sigma_T^2).
 */
export function scheduleOptimumVariance(o: { lambda: number; alpha0: number; sigma0: number; alphaT: number; sigmaT: number; vT: number }): number {
  const l = readPositive(o.lambda, 'lambda');
  return (readPositive(o.vT, 'vT') * (o.alpha0 ** 2 * l + o.sigma0 ** 2)) / (o.alphaT ** 2 * l + o.sigmaT ** 2);
}
