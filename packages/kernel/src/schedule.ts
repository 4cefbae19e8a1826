import { assertInRange, assertInteger, assertPositive, assertObject, assertNumber } from './check.js';
import { DomainError } from './errors.js';

/**
 * Stochastic-interpolant schedule: x_t = alpha_t x0 + beta_t x1 with x0 ~ N(0, I) (noise)
 * and x1 ~ rho (data), t in [0, 1] (dimensionless). Requirements: alpha_0 = beta_1 = 1,
 * alpha_1 = beta_0 = 0, alpha^2 + beta^2 > 0, epsilon_t >= 0 (the diffusion coefficient of
 * the generative SDE; 0 gives the probability-flow ODE).
 */
export interface InterpolantSchedule {
  readonly kind: 'interpolant';
  readonly name: string;
  alpha(t: number): number;
  beta(t: number): number;
  /** d alpha / dt */
  dalpha(t: number): number;
  /** d beta / dt */
  dbeta(t: number): number;
  /** Diffusion coefficient epsilon_t >= 0 of the generative SDE. */
  epsilon(t: number): number;
}

export interface InterpolantOptions {
  /** epsilon_t >= 0: a constant or a function of t. Default 0 (probability-flow ODE). */
  epsilon?: number | ((t: number) => number);
}

function epsilonFn(eps: InterpolantOptions['epsilon']): (t: number) => number {
  if (eps === undefined) return () => 0;
  if (typeof eps === 'number') {
    assertInRange(eps, 0, Number.POSITIVE_INFINITY, 'epsilon');
    return () => eps;
  }
  return eps;
}

/** alpha_t = 1 - t, beta_t = t (the schedule of all experiments in Cui et al. 2025). */
export function linearInterpolant(opts: InterpolantOptions = {}): InterpolantSchedule {
  assertObject(opts, 'opts');
  return {
    kind: 'interpolant',
    name: 'linear',
    alpha: (t) => 1 - t,
    beta: (t) => t,
    dalpha: () => -1,
    dbeta: () => 1,
    epsilon: epsilonFn(opts.epsilon),
  };
}

/** alpha_t = cos(pi t / 2), beta_t = sin(pi t / 2) (variance preserving). */
export function trigonometricInterpolant(opts: InterpolantOptions = {}): InterpolantSchedule {
  assertObject(opts, 'opts');
  const h = Math.PI / 2;
  return {
    kind: 'interpolant',
    name: 'trigonometric',
    alpha: (t) => Math.cos(h * t),
    beta: (t) => Math.sin(h * t),
    dalpha: (t) => -h * Math.sin(h * t),
    dbeta: (t) => h * Math.cos(h * t),
    epsilon: epsilonFn(opts.epsilon),
  };
}

/** A user-supplied interpolant; endpoint conditions are checked (to 1e-9) at construction. */
export function customInterpolant(
  spec: Omit<InterpolantSchedule, 'kind' | 'epsilon' | 'name'> & { name?: string } & InterpolantOptions,
): InterpolantSchedule {
  assertObject(spec, 'spec');
  const tol = 1e-9;
  const checks: Array<[string, number, number]> = [
    ['alpha(0)', spec.alpha(0), 1],
    ['alpha(1)', spec.alpha(1), 0],
    ['beta(0)', spec.beta(0), 0],
    ['beta(1)', spec.beta(1), 1],
  ];
  for (const [what, got, want] of checks) {
    if (!(Math.abs(got - want) <= tol)) throw new DomainError(`schedule: expected ${what} = ${want}, got ${got}`);
  }
  return { kind: 'interpolant', name: spec.name ?? 'custom', alpha: spec.alpha, beta: spec.beta, dalpha: spec.dalpha, dbeta: spec.dbeta, epsilon: epsilonFn(spec.epsilon) };
}

/** Throw DomainError unless t is in [0, 1] (or [0, tMax] when given, e.g. tMax < 1 where alpha_t -> 0). */
export function assertTime(t: number, name = 't', tMax = 1): void {
  assertInRange(t, 0, tMax, name);
}

/** Gamma_t = beta' - (alpha'/alpha) beta + epsilon beta / alpha^2: the coefficient of the denoiser in the SDE drift. */
export function driftDenoiserCoef(s: InterpolantSchedule, t: number): number {
  assertObject(s, 's');
  assertNumber(t, 't');
  const a = s.alpha(t);
  return s.dbeta(t) - (s.dalpha(t) / a) * s.beta(t) + (s.epsilon(t) * s.beta(t)) / (a * a);
}

/** Delta^lin_t = alpha'/alpha - epsilon / alpha^2: the coefficient of x in the SDE drift. */
export function driftLinearCoef(s: InterpolantSchedule, t: number): number {
  assertObject(s, 's');
  assertNumber(t, 't');
  const a = s.alpha(t);
  return s.dalpha(t) / a - s.epsilon(t) / (a * a);
}

/**
 * Variance-exploding noise scale: x = x1 + sigma(t) z, with sigma(t) = sigmaMin (sigmaMax/sigmaMin)^t
 * for t in [0, 1] (Song et al. 2021). sigma is in data units.
 */
export interface VESchedule {
  readonly kind: 've';
  sigma(t: number): number;
  dsigma(t: number): number;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
}

export function veSchedule(opts: { sigmaMin?: number; sigmaMax?: number } = {}): VESchedule {
  assertObject(opts, 'opts');
  const sigmaMin = opts.sigmaMin ?? 0.01;
  const sigmaMax = opts.sigmaMax ?? 50;
  assertPositive(sigmaMin, 'sigmaMin');
  assertPositive(sigmaMax, 'sigmaMax');
  if (!(sigmaMax > sigmaMin)) throw new DomainError(`sigmaMax: expected > sigmaMin = ${sigmaMin}, got ${sigmaMax}`);
  const r = Math.log(sigmaMax / sigmaMin);
  return {
    kind: 've',
    sigmaMin,
    sigmaMax,
    sigma: (t) => sigmaMin * Math.exp(r * t),
    dsigma: (t) => r * sigmaMin * Math.exp(r * t),
  };
}

/**
 * Variance-preserving (DDPM) schedule in continuous time s in [0, 1] (s = 0 is data):
 * beta(s) = betaMin + s (betaMax - betaMin); x_s = sqrt(abar) x1 + sqrt(1 - abar) z with
 * abar(s) = exp(-int_0^s beta). `toInterpolant` maps it to the interpolant convention
 * (t = 1 - s, alpha = sqrt(1 - abar), beta = sqrt(abar)).
 */
export interface VPSchedule {
  readonly kind: 'vp';
  readonly betaMin: number;
  readonly betaMax: number;
  betaAt(s: number): number;
  alphaBar(s: number): number;
  /** Discrete DDPM betas for `steps` steps: beta_k = 1 - abar(s_k)/abar(s_{k-1}). */
  discreteBetas(steps: number): Float64Array;
  toInterpolant(opts?: InterpolantOptions): InterpolantSchedule;
}

export function vpSchedule(opts: { betaMin?: number; betaMax?: number } = {}): VPSchedule {
  assertObject(opts, 'opts');
  const betaMin = opts.betaMin ?? 0.1;
  const betaMax = opts.betaMax ?? 20;
  assertPositive(betaMin, 'betaMin');
  assertPositive(betaMax, 'betaMax');
  const intBeta = (s: number) => betaMin * s + 0.5 * (betaMax - betaMin) * s * s;
  const alphaBar = (s: number) => Math.exp(-intBeta(s));
  return {
    kind: 'vp',
    betaMin,
    betaMax,
    betaAt: (s) => betaMin + s * (betaMax - betaMin),
    alphaBar,
    discreteBetas(steps: number) {
      assertInteger(steps, 1, 'steps');
      const out = new Float64Array(steps);
      for (let k = 1; k <= steps; k++) out[k - 1] = 1 - alphaBar(k / steps) / alphaBar((k - 1) / steps);
      return out;
    },
    toInterpolant(o: InterpolantOptions = {}) {
      // t = 1 - s. alpha_t = sqrt(1 - abar(1-t)), beta_t = sqrt(abar(1-t)), rescaled so alpha_0 = 1 exactly.
      const a1 = alphaBar(1);
      const ab = (t: number) => (alphaBar(1 - t) - a1) / (1 - a1);
      const dab = (t: number) => (alphaBar(1 - t) * (betaMin + (1 - t) * (betaMax - betaMin))) / (1 - a1);
      return {
        kind: 'interpolant',
        name: 'vp',
        alpha: (t) => Math.sqrt(Math.max(0, 1 - ab(t))),
        beta: (t) => Math.sqrt(Math.max(0, ab(t))),
        dalpha: (t) => -dab(t) / (2 * Math.sqrt(Math.max(1e-300, 1 - ab(t)))),
        dbeta: (t) => dab(t) / (2 * Math.sqrt(Math.max(1e-300, ab(t)))),
        epsilon: epsilonFn(o.epsilon),
      };
    },
  };
}

/**
 * EDM sigma grid (Karras et al. 2022, eq. 5): sigma_i = (sigmaMax^(1/rho) + i/(n-1) (sigmaMin^(1/rho)
 * - sigmaMax^(1/rho)))^rho for i < n, followed by sigma_n = 0. Decreasing; length n + 1.
 */
export function edmSigmaGrid(opts: { n: number; sigmaMin?: number; sigmaMax?: number; rho?: number }): Float64Array {
  assertObject(opts, 'opts');
  const { n } = opts;
  const sigmaMin = opts.sigmaMin ?? 0.002;
  const sigmaMax = opts.sigmaMax ?? 80;
  const rho = opts.rho ?? 7;
  assertInteger(n, 2, 'n');
  assertPositive(sigmaMin, 'sigmaMin');
  assertPositive(rho, 'rho');
  if (!(sigmaMax > sigmaMin)) throw new DomainError(`sigmaMax: expected > sigmaMin = ${sigmaMin}, got ${sigmaMax}`);
  const out = new Float64Array(n + 1);
  const a = sigmaMax ** (1 / rho);
  const b = sigmaMin ** (1 / rho);
  for (let i = 0; i < n; i++) out[i] = (a + (i / (n - 1)) * (b - a)) ** rho;
  out[n] = 0;
  return out;
}
