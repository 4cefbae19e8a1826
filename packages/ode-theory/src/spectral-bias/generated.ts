import { DomainError, gaussLegendre } from '@diffusion-theory/kernel';
import { readFinite, readPositive, readRange, readTime, type SigmaRangeOptions, type TrainingTime } from './common.js';
import { deepLinearGain } from './deep-linear.js';

const RULES = new Map<number, { nodes: Float64Array; weights: Float64Array }>();
function rule(n: number): { nodes: Float64Array; weights: Float64Array } {
  let q = RULES.get(n);
  if (!q) {
    q = gaussLegendre(n, -1, 1);
    RULES.set(n, q);
  }
  return q;
}

/**
 * Generated variance of a commuting model from its per-mode gain psi(sigma) (Lemma 4.1, spec §5.2):
 * sigma_T^2 exp(-2 int_{ln sigma_0}^{ln sigma_T} (1 - psi(e^u)) du), Gauss-Legendre in ln sigma (default 200 nodes).
 */
export function varianceFromGain(psi: (sigma: number) => number, o: SigmaRangeOptions & { nodes?: number } = {}): number {
  const { s0, sT } = readRange(o);
  const q = rule(o.nodes ?? 200);
  const lo = Math.log(s0);
  const half = 0.5 * (Math.log(sT) - lo);
  let s = 0;
  for (let i = 0; i < q.nodes.length; i++) s += half * q.weights[i] * (1 - psi(Math.exp(lo + half * (q.nodes[i] + 1))));
  return sT * sT * Math.exp(-2 * s);
}

/**
 * Deep linear network generated variance (spec §7: no closed form): the end-to-end gain c(sigma, tau) from the gain ODE
 * (RK4 in tau) at each Gauss-Legendre node in ln sigma, then Lemma 4.1.
 * @example
 * deepLinearGeneratedVariance({ lambda: 1, L: 3, c0: 0.1, tau: 1 });
 */
export function deepLinearGeneratedVariance(o: TrainingTime & SigmaRangeOptions & { lambda: number; L: number; c0: number; tied?: boolean; nodes?: number; steps?: number }): number {
  readTime(o);
  readPositive(o.lambda, 'lambda');
  return varianceFromGain((s) => deepLinearGain({ lambda: o.lambda, sigma: s, L: o.L, c0: o.c0, tied: o.tied, tau: o.tau, eta: o.eta, steps: o.steps ?? 400 }), o);
}

/**
 * Generated mean along one mode (spec §5.3, commuting case): m_hat = int_{sigma_0}^{sigma_T} (b(s)/s) Phi(sigma_0)/Phi(s) ds with
 * ln Phi(s) - ln Phi(sigma_0) = int_{sigma_0}^{s} (1 - psi)/s' ds'; nested Gauss-Legendre in ln sigma.
 * At the optimum (psi = lambda/(lambda + s^2), b = s^2 m/(lambda + s^2)) it equals m (1 - sqrt((sigma_0^2 + lambda)/(sigma_T^2 + lambda))).
 * @param psi - per-mode gain psi(sigma)
 * @param bias - per-mode bias b(sigma) = u^T b_sigma
 */
export function generatedModeMean(psi: (sigma: number) => number, bias: (sigma: number) => number, o: SigmaRangeOptions & { nodes?: number } = {}): number {
  const { s0, sT } = readRange(o);
  const n = o.nodes ?? 120;
  if (!Number.isInteger(n) || n < 2) throw new DomainError(`nodes: expected an integer >= 2, got ${n}`);
  const q = rule(n);
  const lo = Math.log(s0);
  const half = 0.5 * (Math.log(sT) - lo);
  let total = 0;
  for (let i = 0; i < q.nodes.length; i++) {
    const u = lo + half * (q.nodes[i] + 1);
    // int_{lo}^{u} (1 - psi) du' by an inner rule on [lo, u]
    const hi = 0.5 * (u - lo);
    let inner = 0;
    for (let j = 0; j < q.nodes.length; j++) inner += hi * q.weights[j] * (1 - psi(Math.exp(lo + hi * (q.nodes[j] + 1))));
    total += half * q.weights[i] * readFinite(bias(Math.exp(u)), 'bias') * Math.exp(-inner);
  }
  return total;
}
