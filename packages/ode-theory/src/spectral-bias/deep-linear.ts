import { assertInteger, DomainError } from '@diffusion-theory/kernel';
import { readPositive, readTime, type TrainingTime } from './common.js';

export interface DeepLinearOptions extends TrainingTime {
  lambda: number;
  sigma: number;
  /** Depth L >= 1. */
  L: number;
  /** Initial end-to-end gain c(0) > 0 (balanced aligned init: each layer a(0) = c(0)^{1/L}). */
  c0: number;
  /** Tied layers (W = A^L, one shared A): the right-hand side is multiplied by L. Default false. */
  tied?: boolean;
  /** RK4 steps in tau at least (default 2000; smaller steps where the flow is stiff). */
  steps?: number;
}

/** Right-hand side of the deep-linear gain ODE (spec §7, factor 2 restored): 2 eta L (lambda - s c) c^{2 - 2/L} (x L when tied). */
export function deepLinearRate(c: number, o: { lambda: number; sigma: number; L: number; eta?: number; tied?: boolean }): number {
  const s = o.sigma * o.sigma + o.lambda;
  const eta = o.eta ?? 1;
  const f = 2 * eta * o.L * (o.lambda - s * c) * Math.abs(c) ** (2 - 2 / o.L);
  return o.tied ? o.L * f : f;
}

/**
 * End-to-end gain c(tau) of a deep linear net (aligned, balanced; spec spectral-bias §7):
 * dc/dtau = 2 eta L (lambda - (sigma^2 + lambda) c) c^{2 - 2/L} (untied; tied x L), integrated by RK4 in tau.
 * L = 1 recovers the one-layer closed form, tied L = 2 the 8 eta logistic.
 * @throws DomainError on L < 1, c0 <= 0, non-positive lambda / sigma
 * @example
 * deepLinearGain({ lambda: 0.8, sigma: 0.5, L: 3, c0: 0.064, tau: 2 }); // 0.753355447198 (spec R17)
 */
export function deepLinearGain(o: DeepLinearOptions): number {
  const { tau, eta } = readTime(o);
  assertInteger(o.L, 1, 'L');
  readPositive(o.lambda, 'lambda');
  readPositive(o.sigma, 'sigma');
  const c0 = readPositive(o.c0, 'c0');
  const steps = o.steps ?? 2000;
  assertInteger(steps, 1, 'steps');
  const p = { lambda: o.lambda, sigma: o.sigma, L: o.L, eta, tied: o.tied };
  // RK4 in tau with step min(tau / steps, 0.05 / |df/dc|) (the flow is stiff at large sigma), stopping once c no longer moves
  const hMax = tau / steps;
  const s = o.sigma * o.sigma + o.lambda;
  const pw = 2 - 2 / o.L;
  const k = 2 * eta * o.L * (o.tied ? o.L : 1);
  let c = c0;
  let t = 0;
  while (t < tau) {
    const J = Math.abs(k * (-s * Math.abs(c) ** pw + (o.lambda - s * c) * pw * Math.abs(c) ** (pw - 1)));
    let h = Math.min(hMax, J > 0 ? 0.05 / J : hMax, tau - t);
    if (tau - t - h < 1e-12 * tau) h = tau - t;
    const k1 = deepLinearRate(c, p);
    const k2 = deepLinearRate(c + 0.5 * h * k1, p);
    const k3 = deepLinearRate(c + 0.5 * h * k2, p);
    const k4 = deepLinearRate(c + h * k3, p);
    const nc = c + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    t += h;
    if (!(Math.abs(nc - c) > 1e-16 * Math.abs(c))) {
      c = nc;
      break;
    }
    c = nc;
  }
  if (!Number.isFinite(c)) throw new DomainError('deepLinearGain: the integration diverged; use more steps');
  return c;
}

/** Gauss hypergeometric 2F1(1, beta; beta + 1; z) = sum_n beta/(beta + n) z^n for |z| < 1, beta not a non-positive integer. */
export function hyp2f1OneBeta(beta: number, z: number): number {
  if (!(Math.abs(z) < 1)) throw new DomainError(`z: expected |z| < 1, got ${z}`);
  if (Number.isInteger(beta) && beta <= 0) throw new DomainError(`beta: expected not a non-positive integer, got ${beta}`);
  let sum = 0;
  let zn = 1;
  for (let n = 0; n < 1000000; n++) {
    const t = (beta / (beta + n)) * zn;
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum) && n > 2) break;
    zn *= z;
  }
  return sum;
}

/**
 * Implicit solution of the untied deep-linear ODE on the rising branch (spec §7, L >= 3):
 * tau(c) - tau(c0) = [G(c) - G(c0)] / (2 eta L), G(x) = x^beta / (lambda beta) 2F1(1, beta; beta + 1; s x / lambda), beta = 2/L - 1.
 * L = 1, 2 use the logarithmic forms of the spec.
 * @returns the training time at which the gain reaches c (from c0 at tau = 0)
 * @throws DomainError when c or c0 is outside the rising branch 0 < c0 <= c < lambda / s
 */
export function deepLinearImplicitTime(o: { lambda: number; sigma: number; L: number; c0: number; c: number; eta?: number }): number {
  const l = readPositive(o.lambda, 'lambda');
  const s = readPositive(o.sigma, 'sigma') ** 2 + l;
  assertInteger(o.L, 1, 'L');
  const eta = o.eta ?? 1;
  if (!(o.c0 > 0 && o.c >= o.c0 && s * o.c < l)) throw new DomainError(`c, c0: expected 0 < c0 <= c < lambda/(sigma^2 + lambda) = ${l / s}, got c0 = ${o.c0}, c = ${o.c}`);
  const L = o.L;
  let G: (x: number) => number;
  if (L === 1) G = (x) => -Math.log(l - s * x) / s;
  else if (L === 2) G = (x) => Math.log(x / (l - s * x)) / l;
  else {
    const beta = 2 / L - 1;
    G = (x) => (x ** beta / (l * beta)) * hyp2f1OneBeta(beta, (s * x) / l);
  }
  return (G(o.c) - G(o.c0)) / (2 * eta * L);
}
