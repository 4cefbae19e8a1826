import { ParameterError } from '@diffusion-theory/kernel';

/**
 * A scalar activation sigma of the DAE hidden layer with its derivatives.
 * `d2f` is needed only by the Stein form of the ODE (§4.3); the regression form (§4.4) uses f, df.
 * `fdf` (optional) evaluates all three at once into out[o], out[o+1], out[o+2] (faster for tanh).
 * `spacing` is the trapezoid spacing (standard-normal units) the rotated quadrature uses along a
 * pre-activation direction of unit sd: 0.35 for smooth activations (spec §4.8 says 0.5; 0.35 measured 1000x more accurate on tanh), 0.15 for kinks / jumps.
 */
export interface Activation {
  readonly name: string;
  f(x: number): number;
  df(x: number): number;
  d2f?(x: number): number;
  fdf?(x: number, out: Float64Array, o: number): void;
  readonly spacing?: number;
  /** True for sigma(x) = x (enables the closed form of §4.5). */
  readonly isLinear?: boolean;
}

export const linearActivation: Activation = {
  name: 'linear',
  f: (x) => x,
  df: () => 1,
  d2f: () => 0,
  fdf(x, out, o) {
    out[o] = x;
    out[o + 1] = 1;
    out[o + 2] = 0;
  },
  spacing: 0.35,
  isLinear: true,
};

export const tanhActivation: Activation = {
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
  fdf(x, out, o) {
    const t = Math.tanh(x);
    const d = 1 - t * t;
    out[o] = t;
    out[o + 1] = d;
    out[o + 2] = -2 * t * d;
  },
  spacing: 0.35,
};

/** ReLU; sigma'' is a Dirac mass, so use the regression form (d2f is not provided). */
export const reluActivation: Activation = {
  name: 'relu',
  f: (x) => Math.max(x, 0),
  df: (x) => (x > 0 ? 1 : 0),
  spacing: 0.15,
};

/** sign (the ICLR model's activation); sigma' = 0 almost everywhere. Regression form only. */
export const signActivation: Activation = {
  name: 'sign',
  f: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  df: () => 0,
  spacing: 0.15,
};

/** The built-in activations by name. */
export const activations = { linear: linearActivation, tanh: tanhActivation, relu: reluActivation, sign: signActivation } as const;

/** A user activation; validates that f and df are functions (d2f optional). */
export function customActivation(a: { name?: string; f: (x: number) => number; df: (x: number) => number; d2f?: (x: number) => number; spacing?: number }): Activation {
  if (typeof a?.f !== 'function' || typeof a.df !== 'function') throw new ParameterError('activation: expected functions f and df');
  if (a.d2f !== undefined && typeof a.d2f !== 'function') throw new ParameterError('activation.d2f: expected a function or undefined');
  return { name: a.name ?? 'custom', f: a.f, df: a.df, d2f: a.d2f, spacing: a.spacing ?? 0.35 };
}

/** Resolve a name or an Activation object. */
export function resolveActivation(a: Activation | keyof typeof activations): Activation {
  if (typeof a === 'string') {
    const act = (activations as Record<string, Activation>)[a];
    if (!act) throw new ParameterError(`activation: expected one of ${Object.keys(activations).join(', ')} or an Activation object, got '${a}'`);
    return act;
  }
  if (!a || typeof a.f !== 'function' || typeof a.df !== 'function') {
    throw new ParameterError('activation: expected { name, f, df, d2f? } or a built-in name');
  }
  return a;
}

/** A fdf evaluator for any activation (falls back to separate calls). */
export function fdfOf(a: Activation, needD2: boolean): (x: number, out: Float64Array, o: number) => void {
  if (a.fdf) return a.fdf;
  const { f, df } = a;
  const d2f = a.d2f;
  if (needD2 && d2f) {
    return (x, out, o) => {
      out[o] = f(x);
      out[o + 1] = df(x);
      out[o + 2] = d2f(x);
    };
  }
  return (x, out, o) => {
    out[o] = f(x);
    out[o + 1] = df(x);
    out[o + 2] = 0;
  };
}
