import { assertObject } from './check.js';
import { DomainError, ShapeError } from './errors.js';
import type { InterpolantSchedule } from './schedule.js';

/**
 * A batched denoiser in the interpolant convention: `denoise(x, n, t)` estimates
 * E[x1 | alpha_t x0 + beta_t x1 = x] for each of the n rows of x (row-major n x dim).
 * Samplers take any Denoiser; they do not know what is behind it (an exact Bayes
 * denoiser, a trained network, a closed form).
 */
export interface Denoiser {
  readonly dim: number;
  /** Writes into `out` (length n*dim) when given; returns the result. t in [0, 1). */
  denoise(x: Float64Array, n: number, t: number, out?: Float64Array): Float64Array;
  /** Optional input Jacobian d f / d x at one point x (length dim); row-major dim x dim. */
  jacobian?(x: Float64Array, t: number, out?: Float64Array): Float64Array;
}

/**
 * A batched denoiser in the noise-scale (EDM / VE) convention: `denoise(x, n, sigma)` estimates
 * E[x1 | x1 + sigma z = x], sigma > 0 in data units.
 */
export interface SigmaDenoiser {
  readonly dim: number;
  denoise(x: Float64Array, n: number, sigma: number, out?: Float64Array): Float64Array;
}

/** A batched vector field v(x, t) on R^dim (a score, a velocity, a drift). */
export interface VectorField {
  readonly dim: number;
  evaluate(x: Float64Array, n: number, t: number, out?: Float64Array): Float64Array;
}

export function checkBatch(x: Float64Array, n: number, dim: number, name = 'x'): void {
  if (!Number.isInteger(n) || n < 0) throw new DomainError(`n: expected a non-negative integer, got ${n}`);
  if (x.length !== n * dim) throw new ShapeError(`${name}: expected length n*dim = ${n}*${dim} = ${n * dim}, got ${x.length}`);
}

function alloc(out: Float64Array | undefined, len: number): Float64Array {
  if (!out) return new Float64Array(len);
  if (out.length !== len) throw new ShapeError(`out: expected length ${len}, got ${out.length}`);
  return out;
}

/** Score s(t, x) = (beta_t f(t, x) - x) / alpha_t^2 (defined for t < 1). */
export function scoreFromDenoiser(den: Denoiser, s: InterpolantSchedule): VectorField {
  assertObject(den, 'den');
  assertObject(s, 's');
  return {
    dim: den.dim,
    evaluate(x, n, t, out) {
      const y = den.denoise(x, n, t, alloc(out, x.length));
      const a2 = s.alpha(t) ** 2;
      const b = s.beta(t);
      for (let i = 0; i < y.length; i++) y[i] = (b * y[i] - x[i]) / a2;
      return y;
    },
  };
}

/** Denoiser f(t, x) = (x + alpha_t^2 s(t, x)) / beta_t (defined for t > 0). */
export function denoiserFromScore(score: VectorField, s: InterpolantSchedule): Denoiser {
  assertObject(score, 'score');
  assertObject(s, 's');
  return {
    dim: score.dim,
    denoise(x, n, t, out) {
      const y = score.evaluate(x, n, t, alloc(out, x.length));
      const a2 = s.alpha(t) ** 2;
      const b = s.beta(t);
      for (let i = 0; i < y.length; i++) y[i] = (x[i] + a2 * y[i]) / b;
      return y;
    },
  };
}

/**
 * Probability-flow velocity b(t, x) = E[alpha' x0 + beta' x1 | x_t = x]
 *   = (alpha'/alpha) x + (beta' - (alpha'/alpha) beta) f(t, x)   (t < 1).
 */
export function velocityFromDenoiser(den: Denoiser, s: InterpolantSchedule): VectorField {
  assertObject(den, 'den');
  assertObject(s, 's');
  return {
    dim: den.dim,
    evaluate(x, n, t, out) {
      const y = den.denoise(x, n, t, alloc(out, x.length));
      const r = s.dalpha(t) / s.alpha(t);
      const c = s.dbeta(t) - r * s.beta(t);
      for (let i = 0; i < y.length; i++) y[i] = r * x[i] + c * y[i];
      return y;
    },
  };
}

/** Inverse of velocityFromDenoiser: f = (v - (alpha'/alpha) x) / (beta' - (alpha'/alpha) beta). */
export function denoiserFromVelocity(vel: VectorField, s: InterpolantSchedule): Denoiser {
  assertObject(vel, 'vel');
  assertObject(s, 's');
  return {
    dim: vel.dim,
    denoise(x, n, t, out) {
      const y = vel.evaluate(x, n, t, alloc(out, x.length));
      const r = s.dalpha(t) / s.alpha(t);
      const c = s.dbeta(t) - r * s.beta(t);
      for (let i = 0; i < y.length; i++) y[i] = (y[i] - r * x[i]) / c;
      return y;
    },
  };
}

/**
 * View an interpolant-convention denoiser in the sigma convention: since
 * x_t = beta_t (x1 + (alpha_t/beta_t) x0), D(x, sigma) = f(t, beta_t x) at the t with
 * alpha_t / beta_t = sigma (found by bisection; alpha/beta is decreasing for every
 * schedule shipped here).
 */
export function sigmaFromInterpolantDenoiser(den: Denoiser, s: InterpolantSchedule): SigmaDenoiser {
  assertObject(den, 'den');
  assertObject(s, 's');
  const tOf = (sigma: number): number => {
    let lo = 1e-12;
    let hi = 1 - 1e-12;
    for (let k = 0; k < 200 && hi - lo > 1e-15; k++) {
      const mid = 0.5 * (lo + hi);
      if (s.alpha(mid) / s.beta(mid) > sigma) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  };
  return {
    dim: den.dim,
    denoise(x, n, sigma, out) {
      if (!(sigma > 0)) throw new DomainError(`sigma: expected > 0, got ${sigma}`);
      const t = tOf(sigma);
      const b = s.beta(t);
      const xs = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) xs[i] = b * x[i];
      return den.denoise(xs, n, t, out);
    },
  };
}

/** View a sigma-convention denoiser in the interpolant convention: f(t, x) = D(x / beta_t, alpha_t / beta_t), 0 < t < 1. */
export function interpolantFromSigmaDenoiser(den: SigmaDenoiser, s: InterpolantSchedule): Denoiser {
  assertObject(den, 'den');
  assertObject(s, 's');
  return {
    dim: den.dim,
    denoise(x, n, t, out) {
      const b = s.beta(t);
      if (!(b > 0) || !(s.alpha(t) > 0)) throw new DomainError(`t: expected 0 < t < 1 for a sigma-convention denoiser, got ${t}`);
      const xs = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) xs[i] = x[i] / b;
      return den.denoise(xs, n, s.alpha(t) / b, out);
    },
  };
}
