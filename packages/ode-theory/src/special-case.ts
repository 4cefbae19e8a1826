import { type InterpolantSchedule, type LossTimeGrid, assertInRange, resolveLossTimeGrid, assertObject } from '@diffusion-theory/kernel';
import { bInfinity } from './skip.js';

/**
 * Worked special case (Cui et al. 2025, App. A.8): linear activation, r = 1, binary isotropic GMM
 * (1/2) N(mu, I) + (1/2) N(-mu, I) with ||mu||^2 = vartheta, eta -> 0, lambda = 0, p = 0.
 * Fixed point with w in span(mu): Q_inf = E_t[(vt+1) beta - b((vt+1) beta^2 + alpha^2)] /
 * E_t[(vt+1) beta^2 + alpha^2], M_inf^2 = vartheta Q_inf, b = b_inf (Lambda = 1).
 * For G = {1/2} (linear interpolant) Q_inf = vartheta / (vartheta + 2).
 */
export function binaryGmmLinearFixedPoint(o: { vartheta: number; grid: LossTimeGrid; schedule: InterpolantSchedule }): { Q: number; M: number; b: number } {
  assertObject(o, 'o');
  assertInRange(o.vartheta, 0, Number.POSITIVE_INFINITY, 'vartheta');
  const { times, weights } = resolveLossTimeGrid(o.grid);
  const b = bInfinity({ Lambda: 1, grid: o.grid, schedule: o.schedule });
  const vt = o.vartheta;
  let num = 0;
  let den = 0;
  for (let j = 0; j < times.length; j++) {
    const a = o.schedule.alpha(times[j]);
    const be = o.schedule.beta(times[j]);
    num += weights[j] * ((vt + 1) * be - b * ((vt + 1) * be * be + a * a));
    den += weights[j] * ((vt + 1) * be * be + a * a);
  }
  const Q = num / den;
  return { Q, M: Math.sqrt(Math.max(0, vt * Q)), b };
}
