import { DomainError, erf, expint1, gaussLegendre } from '@diffusion-theory/kernel';
import { readFinite, readPositive, readTime, type TrainingTime } from './common.js';

/** FM mode rate g(t) = t^2 lambda + (1 - t)^2 and optimum w*(t) = (t lambda - (1 - t)) / g(t) (spec §9). */
export function fmOptimum(lambda: number, t: number): { g: number; wStar: number; m: number } {
  const g = t * t * lambda + (1 - t) ** 2;
  const m = t * lambda - (1 - t);
  return { g, wStar: m / g, m };
}

/** One-layer FM gain psi(t, tau) = w*(t) + (Q - w*(t)) e^{-2 eta tau g(t)} (spec §9). */
export function fmModeGain(o: TrainingTime & { lambda: number; t: number; Q?: number }): number {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  if (!(o.t >= 0 && o.t <= 1)) throw new DomainError(`t: expected a number in [0, 1], got ${o.t}`);
  const { g, wStar } = fmOptimum(l, o.t);
  const Q = o.Q ?? 0;
  return wStar + (Q - wStar) * Math.exp(-2 * eta * tau * g);
}

/**
 * One-layer flow-matching generated variance (spec §9, re-derived):
 * lambda_hat = lambda exp(Ei(-a) - Ei(-a lambda)) exp(Q e^{-a lambda/(1+lambda)} sqrt(pi/(a(1+lambda))) [erf sqrt(a/(1+lambda)) + erf(lambda sqrt(a/(1+lambda)))]), a = 2 eta tau.
 * tau = 0 gives e^{2Q}; tau -> infinity gives lambda.
 * @example
 * fmOneLayerVariance({ lambda: 4, Q: 0.1, tau: 0.5 }); // 3.39649365137 (spec R8)
 */
export function fmOneLayerVariance(o: TrainingTime & { lambda: number; Q?: number }): number {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  const Q = readFinite(o.Q ?? 0, 'Q');
  const a = 2 * eta * tau;
  if (a === 0) return Math.exp(2 * Q);
  const c = Math.sqrt(a / (1 + l));
  // Ei(-a) - Ei(-a lambda) = E1(a lambda) - E1(a)
  const first = expint1(a * l) - expint1(a);
  const second = Q * Math.exp((-a * l) / (1 + l)) * Math.sqrt(Math.PI / (a * (1 + l))) * (erf(c) + erf(l * c));
  return l * Math.exp(first + second);
}

/**
 * Symmetric two-layer FM gain (spec §9, exponent 8 eta m tau): h = K Q / (Q + (K - Q) e^{-8 eta m tau}), K = m/g,
 * m = t lambda - (1 - t); m = 0 gives Q / (1 + 8 eta g Q tau).
 */
export function fmTwoLayerGain(o: TrainingTime & { lambda: number; t: number; Q: number }): number {
  const { tau, eta } = readTime(o);
  const l = readPositive(o.lambda, 'lambda');
  if (!(o.t >= 0 && o.t <= 1)) throw new DomainError(`t: expected a number in [0, 1], got ${o.t}`);
  const Q = readFinite(o.Q, 'Q');
  if (Q < 0) throw new DomainError(`Q: expected >= 0 (W = P P^T), got ${Q}`);
  if (Q === 0) return 0;
  const { g, m } = fmOptimum(l, o.t);
  if (m === 0) return Q / (1 + 8 * eta * g * Q * tau);
  const K = m / g;
  const e = Math.exp(-8 * eta * m * tau);
  if (!Number.isFinite(e)) return 0; // m < 0 and huge tau: h -> 0
  return (K * Q) / (Q + (K - Q) * e);
}

/**
 * Generated variance of a flow-matching linear model from its per-t gain: exp(2 int_0^1 psi(t) dt), by
 * Gauss-Legendre on [0, t*] and [t*, 1] with t* = 1/(1 + lambda) (where the two-layer target changes sign).
 */
export function fmVarianceFromGain(psi: (t: number) => number, lambda: number, nodes = 200): number {
  const ts = 1 / (1 + lambda);
  const q = unitRule(nodes);
  let s = 0;
  for (const [a, b] of [[0, ts], [ts, 1]] as const) {
    const half = 0.5 * (b - a);
    for (let i = 0; i < q.nodes.length; i++) s += half * q.weights[i] * psi(a + half * (q.nodes[i] + 1));
  }
  return Math.exp(2 * s);
}

const RULES = new Map<number, { nodes: Float64Array; weights: Float64Array }>();
/** Gauss-Legendre on [-1, 1], cached (the rule costs O(n^2) to build). */
function unitRule(n: number): { nodes: Float64Array; weights: Float64Array } {
  let q = RULES.get(n);
  if (!q) {
    q = gaussLegendre(n, -1, 1);
    RULES.set(n, q);
  }
  return q;
}

/** Two-layer FM generated variance (no closed form; spec §9): quadrature of the closed-form gain over t. */
export function fmTwoLayerVariance(o: TrainingTime & { lambda: number; Q: number; nodes?: number }): number {
  readTime(o);
  return fmVarianceFromGain((t) => fmTwoLayerGain({ ...o, t }), readPositive(o.lambda, 'lambda'), o.nodes ?? 200);
}
