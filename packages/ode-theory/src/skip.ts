import { type InterpolantSchedule, type LossTimeGrid, ParameterError, assertInRange, resolveLossTimeGrid } from '@diffusion-theory/kernel';

export interface SkipOptions {
  /** Average spread Lambda = E_c Tr Sigma_c / d (>= 0). */
  Lambda: number;
  /** Loss time grid with weights (kernel `LossTimeGrid`). */
  grid: LossTimeGrid;
  /** Interpolant schedule (alpha_t, beta_t). */
  schedule: InterpolantSchedule;
}

function gridAverages(o: SkipOptions): { Eb: number; Eb2: number; Ea2: number } {
  if (!o || typeof o !== 'object') throw new ParameterError('options: expected { Lambda, grid, schedule }');
  assertInRange(o.Lambda, 0, Number.POSITIVE_INFINITY, 'Lambda');
  if (!o.schedule || typeof o.schedule.alpha !== 'function') throw new ParameterError('schedule: expected an InterpolantSchedule');
  const { times, weights } = resolveLossTimeGrid(o.grid);
  let Eb = 0;
  let Eb2 = 0;
  let Ea2 = 0;
  for (let j = 0; j < times.length; j++) {
    const a = o.schedule.alpha(times[j]);
    const b = o.schedule.beta(times[j]);
    Eb += weights[j] * b;
    Eb2 += weights[j] * b * b;
    Ea2 += weights[j] * a * a;
  }
  return { Eb, Eb2, Ea2 };
}

/** Relaxation rate of the skip connection: kappa = Lambda E_t[beta_t^2] + E_t[alpha_t^2] (Cui et al. 2025, eq. 11). */
export function kappa(o: SkipOptions): number {
  const { Eb2, Ea2 } = gridAverages(o);
  return o.Lambda * Eb2 + Ea2;
}

/** b_infinity = Lambda E_t[beta_t] / (Lambda E_t[beta_t^2] + E_t[alpha_t^2]) (Cui et al. 2025, eq. 11 and App. A.7). */
export function bInfinity(o: SkipOptions): number {
  const { Eb, Eb2, Ea2 } = gridAverages(o);
  const k = o.Lambda * Eb2 + Ea2;
  if (!(k > 0)) throw new ParameterError('bInfinity: kappa = 0 (Lambda E[beta^2] + E[alpha^2] vanishes on this grid)');
  return (o.Lambda * Eb) / k;
}

/**
 * Closed form of the skip connection over training time (spec eq. 11, boxed form):
 * b_tau = b_inf (1 - e^{-kappa tau}) + b0 e^{-kappa tau}. tau >= 0 is training time (tau = 2 eta n / d).
 */
export function bTau(tau: number, o: SkipOptions & { b0?: number }): number {
  assertInRange(tau, 0, Number.POSITIVE_INFINITY, 'tau');
  const b0 = o.b0 ?? 0;
  assertInRange(b0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 'b0');
  const { Eb, Eb2, Ea2 } = gridAverages(o);
  const k = o.Lambda * Eb2 + Ea2;
  if (k === 0) return b0 + o.Lambda * Eb * tau;
  const binf = (o.Lambda * Eb) / k;
  const e = Math.exp(-k * tau);
  return binf * (1 - e) + b0 * e;
}
