import { readFinite, readPositive, readTime, type SigmaRangeOptions, type TrainingTime } from './common.js';
import { varianceFromGain } from './generated.js';

export interface EdmPrecondGainOptions extends TrainingTime {
  lambda: number;
  sigma: number;
  /** sigma_data of the EDM preconditioning (default 0.5, spec §13.3). */
  sigmaData?: number;
  /** Initial inner weight u^T W'(0) u (default 0: the network output starts at zero, so W(0) = c_skip). */
  w0?: number;
}

/**
 * One-layer linear model inside the EDM preconditioning [X] (spec spectral-bias §4.4): W = c_skip I + c_out c_in W',
 * loss weight omega(sigma); gradient flow on W' relaxes each mode at rate 2 eta (sigma^2 + lambda) / (sigma^2 + sigma_d^2)
 * from Q(sigma) = c_skip + c_out c_in w0 towards lambda / (lambda + sigma^2).
 * @example
 * edmPrecondModeGain({ lambda: 1, sigma: 0.3, tau: 10 });
 */
export function edmPrecondModeGain(o: EdmPrecondGainOptions): number {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const sd2 = readPositive(o.sigmaData ?? 0.5, 'sigmaData') ** 2;
  const w0 = readFinite(o.w0 ?? 0, 'w0');
  const cSkip = sd2 / (s2 + sd2);
  const cOutIn = Math.sqrt(s2 * sd2) / (s2 + sd2); // c_out c_in = sigma sigma_d / (sigma^2 + sigma_d^2)
  const Q = cSkip + cOutIn * w0;
  const ws = l / (l + s2);
  return ws + (Q - ws) * Math.exp((-2 * eta * tau * (s2 + l)) / (s2 + sd2));
}

/** Generated variance of the EDM-preconditioned one-layer model (numerical Lemma 4.1 in ln sigma; Prop 4.2 does not apply since Q depends on sigma). */
export function edmPrecondGeneratedVariance(o: TrainingTime & SigmaRangeOptions & { lambda: number; sigmaData?: number; w0?: number; nodes?: number }): number {
  readTime(o);
  return varianceFromGain((s) => edmPrecondModeGain({ ...o, sigma: s }), o);
}
