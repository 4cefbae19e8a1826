import { ParameterError } from '@diffusion-theory/kernel';

/**
 * A scalar activation sigma with its derivatives, applied elementwise (spec dae-asymptotics §2.1).
 * `df` is sigma' (for non-smooth sigma, the a.e. derivative: ReLU' = 1{x > 0}, sign' = 0);
 * `d2f` is sigma'' where it exists (needed by the Stein-form ODEs; absent for ReLU and sign).
 *
 * Structural type: ode-theory defines a compatible one of its own (domain packages meet only
 * through kernel), so any `{ name, f, df, d2f? }` object works in both.
 */
export interface Activation {
  readonly name: string;
  f(x: number): number;
  df(x: number): number;
  d2f?(x: number): number;
}

/** sigma(x) = x. */
export const linear: Activation = { name: 'linear', f: (x) => x, df: () => 1, d2f: () => 0 };

/** sigma(x) = tanh x. */
export const tanh: Activation = {
  name: 'tanh',
  f: Math.tanh,
  df: (x) => {
    const t = Math.tanh(x);
    return 1 - t * t;
  },
  d2f: (x) => {
    const t = Math.tanh(x);
    return -2 * t * (1 - t * t);
  },
};

/** sigma(x) = max(x, 0); sigma' = 1{x > 0}; no second derivative (use the ODEs' regression form). */
export const relu: Activation = { name: 'relu', f: (x) => (Math.max(x , 0)), df: (x) => (x > 0 ? 1 : 0) };

/** sigma(x) = sign(x) (sign(0) = 0); sigma' = 0 almost everywhere (the ICLR-2024 model, §8). */
export const sign: Activation = { name: 'sign', f: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), df: () => 0, d2f: () => 0 };

/** A user-defined activation; `f` and `df` are required. */
export function customActivation(spec: { name?: string; f: (x: number) => number; df: (x: number) => number; d2f?: (x: number) => number }): Activation {
  if (typeof spec?.f !== 'function' || typeof spec.df !== 'function') {
    throw new ParameterError('customActivation: expected functions f and df (and optionally d2f)');
  }
  if (spec.d2f !== undefined && typeof spec.d2f !== 'function') throw new ParameterError('customActivation: d2f must be a function when given');
  return { name: spec.name ?? 'custom', f: spec.f, df: spec.df, ...(spec.d2f ? { d2f: spec.d2f } : {}) };
}

/** The built-in activations by name. */
export const activations = { linear, tanh, relu, sign } as const;
export type ActivationName = keyof typeof activations;

/** Resolve a name or pass an Activation through. */
export function resolveActivation(a: Activation | ActivationName, name = 'activation'): Activation {
  if (typeof a === 'string') {
    const r = (activations as Record<string, Activation>)[a];
    if (!r) throw new ParameterError(`${name}: unknown activation '${a}', expected one of ${Object.keys(activations).join(', ')} or an Activation object`);
    return r;
  }
  if (!a || typeof a.f !== 'function' || typeof a.df !== 'function') {
    throw new ParameterError(`${name}: expected an Activation { name, f, df, d2f? } or a name`);
  }
  return a;
}

/** out[i] = sigma(x[i]) (out may alias x). */
export function applyActivation(a: Activation, x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const f = a.f;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}

/** out[i] = sigma'(x[i]) (out may alias x). */
export function applyActivationDerivative(a: Activation, x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const f = a.df;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}
