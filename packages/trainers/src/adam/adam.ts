import { assertInRange, assertInteger, assertPositive, DomainError, ParameterError, ShapeError } from '@diffusion-theory/kernel';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** First-moment decay (default 0.9), in [0, 1). */
  beta1?: number;
  /** Second-moment decay (default 0.999), in [0, 1). */
  beta2?: number;
  /** Added to sqrt(v_hat) in the denominator (default 1e-8). */
  eps?: number;
  /** Weight decay coefficient (default 0). */
  weightDecay?: number;
  /**
   * 'decoupled' (default, AdamW: p <- p (1 - lr wd) before the Adam step, not seen by the moments) or
   * 'l2' (classic: wd p added to the gradient, so it goes through the moments).
   */
  weightDecayMode?: 'decoupled' | 'l2';
}

/** Adam's state on a flat parameter vector: moments m, v and the step count t (after t steps). */
export interface AdamState {
  readonly n: number;
  readonly m: Float64Array;
  readonly v: Float64Array;
  t: number;
  readonly options: Readonly<Required<AdamOptions>>;
}

/**
 * Fresh Adam state for `n` parameters (bias-corrected Adam, Kingma & Ba 2015).
 * @param n number of parameters
 * @param options lr, beta1, beta2, eps, weightDecay, weightDecayMode
 * @returns the state (m = v = 0, t = 0)
 * @throws DomainError on an out-of-range option
 */
export function adam(n: number, options: AdamOptions = {}): AdamState {
  assertInteger(n, 0, 'n');
  const o: Required<AdamOptions> = {
    lr: options.lr ?? 1e-3,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? 0,
    weightDecayMode: options.weightDecayMode ?? 'decoupled',
  };
  assertPositive(o.lr, 'lr');
  assertInRange(o.beta1, 0, 1 - Number.EPSILON, 'beta1');
  assertInRange(o.beta2, 0, 1 - Number.EPSILON, 'beta2');
  assertPositive(o.eps, 'eps');
  assertInRange(o.weightDecay, 0, Number.POSITIVE_INFINITY, 'weightDecay');
  if (o.weightDecayMode !== 'decoupled' && o.weightDecayMode !== 'l2') throw new ParameterError(`weightDecayMode: expected 'decoupled' or 'l2', got ${String(o.weightDecayMode)}`);
  return { n, m: new Float64Array(n), v: new Float64Array(n), t: 0, options: Object.freeze(o) };
}

/**
 * One Adam step in place: t += 1; g' = g (+ wd p for 'l2'); m = b1 m + (1-b1) g'; v = b2 v + (1-b2) g'^2;
 * p -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps) (and p *= 1 - lr wd first for 'decoupled').
 * `grad` is not modified.
 * @param s the state (updated)
 * @param params parameters (updated)
 * @param grad gradient at `params`
 * @param lr optional learning rate for this step (a schedule); default s.options.lr
 * @throws ShapeError on length mismatch, DomainError on a bad lr
 */
export function adamStep(s: AdamState, params: Float64Array, grad: Float64Array, lr = s.options.lr): void {
  if (params.length !== s.n) throw new ShapeError(`params: expected length ${s.n}, got ${params.length}`);
  if (grad.length !== s.n) throw new ShapeError(`grad: expected length ${s.n}, got ${grad.length}`);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new DomainError(`lr: expected a finite number > 0, got ${lr}`);
  const { beta1: b1, beta2: b2, eps, weightDecay: wd, weightDecayMode } = s.options;
  s.t += 1;
  const c1 = 1 / (1 - b1 ** s.t);
  const c2 = 1 / (1 - b2 ** s.t);
  const l2 = weightDecayMode === 'l2' ? wd : 0;
  const shrink = weightDecayMode === 'decoupled' ? 1 - lr * wd : 1;
  const { m, v } = s;
  for (let i = 0; i < s.n; i++) {
    const g = grad[i] + l2 * params[i];
    const mi = b1 * m[i] + (1 - b1) * g;
    const vi = b2 * v[i] + (1 - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] = params[i] * shrink - (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
  }
}
