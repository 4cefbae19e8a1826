import { DomainError, gaussLegendre } from '@diffusion-theory/kernel';
import { readFinite, readPositive, readTime, type TrainingTime } from './common.js';

/** A diffusion schedule x_t = alpha(t) x0 + sigma(t) eps with derivatives (spec spectral-bias §10.2). */
export interface DiffusionSchedule {
  alpha: (t: number) => number;
  sigma: (t: number) => number;
  dalpha: (t: number) => number;
  dsigma: (t: number) => number;
}

export interface ScheduleVarianceOptions extends TrainingTime {
  lambda: number;
  /** Aligned initial gain Q of the network output (same at every t). */
  Q?: number;
  schedule: DiffusionSchedule;
  /** Network parametrisation: 'x' (D), 'eps' or 'v' (spec §3 table). */
  param: 'x' | 'eps' | 'v';
  /** Sampling interval [t0, tT]: the ODE runs from tT (noise) down to t0 (data). */
  t0: number;
  tT: number;
  /** Variance of the start N(0, vT) at tT (default sigma(tT)^2 + alpha(tT)^2 lambda, the marginal at tT). */
  vT?: number;
  /** Gauss-Legendre nodes per panel (default 200) and panels (split of [t0, tT], default 8, geometric near t0). */
  nodes?: number;
  panels?: number;
}

/**
 * Generated variance of one mode for a general schedule during training (spec §10.2), by quadrature: the per-mode weight
 * psi(t, tau) = w* + (Q - w*) e^{-2 eta tau g(t)} (g = alpha^2 lambda + sigma^2, w* from the §3 table) is turned into an
 * epsilon gain (x: (1 - alpha psi)/sigma; v: (sigma + alpha psi)/(alpha^2 + sigma^2)) and the PF-ODE
 * dx/dt = (alpha'/alpha) x + (sigma' - sigma alpha'/alpha) eps_hat has log-growth rate r(t); lambda_hat = vT exp(-2 int_{t0}^{tT} r dt).
 * At tau -> infinity this is vT (alpha0^2 lambda + sigma0^2)/(alphaT^2 lambda + sigmaT^2) (`scheduleOptimumVariance`).
 * @throws DomainError on t0 >= tT, non-positive lambda or a schedule value that is not finite
 */
export function scheduleModeVariance(o: ScheduleVarianceOptions): number {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  const Q = readFinite(o.Q ?? 0, 'Q');
  const { schedule: s, t0, tT } = o;
  if (!(tT > t0) || !Number.isFinite(t0) || !Number.isFinite(tT)) throw new DomainError(`t0, tT: expected finite t0 < tT, got ${t0}, ${tT}`);
  const vT = o.vT ?? s.sigma(tT) ** 2 + s.alpha(tT) ** 2 * l;
  const a = 2 * eta * tau;
  const rate = (t: number): number => {
    const al = s.alpha(t);
    const sg = s.sigma(t);
    const da = s.dalpha(t);
    const ds = s.dsigma(t);
    const g = al * al * l + sg * sg;
    let wStar: number;
    if (o.param === 'x') wStar = (al * l) / g;
    else if (o.param === 'eps') wStar = sg / g;
    else if (o.param === 'v') wStar = (al * sg * (1 - l)) / g;
    else throw new DomainError(`param: expected 'x', 'eps' or 'v', got ${String(o.param)}`);
    const psi = wStar + (Q - wStar) * Math.exp(-a * g);
    const eps = o.param === 'x' ? (1 - al * psi) / sg : o.param === 'eps' ? psi : (sg + al * psi) / (al * al + sg * sg);
    const r = da / al + (ds - (sg * da) / al) * eps;
    if (!Number.isFinite(r)) throw new DomainError(`schedule: non-finite PF-ODE rate at t = ${t}`);
    return r;
  };
  const panels = o.panels ?? 8;
  const q = gaussLegendre(o.nodes ?? 200, -1, 1);
  // geometric panels in t - t0 + h0 so that the fast region near t0 (small sigma) is resolved
  const h0 = Math.max((tT - t0) * 1e-6, 1e-300);
  let integral = 0;
  for (let p = 0; p < panels; p++) {
    const lo = t0 - h0 + h0 * ((tT - t0 + h0) / h0) ** (p / panels);
    const hi = t0 - h0 + h0 * ((tT - t0 + h0) / h0) ** ((p + 1) / panels);
    const half = 0.5 * (hi - lo);
    for (let i = 0; i < q.nodes.length; i++) integral += half * q.weights[i] * rate(lo + half * (q.nodes[i] + 1));
  }
  return vT * Math.exp(-2 * integral);
}

/** VP-cosine schedule alpha = cos(pi t / 2), sigma = sin(pi t / 2) (spec §10.2 verification case). */
export const vpCosineSchedule: DiffusionSchedule = {
  alpha: (t) => Math.cos((Math.PI * t) / 2),
  sigma: (t) => Math.sin((Math.PI * t) / 2),
  dalpha: (t) => (-Math.PI / 2) * Math.sin((Math.PI * t) / 2),
  dsigma: (t) => (Math.PI / 2) * Math.cos((Math.PI * t) / 2),
};
