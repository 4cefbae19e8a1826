import { assertArrayLike, assertObject } from './check.js';
import { ParameterError } from './errors.js';

/**
 * A scalar activation sigma with its derivatives, applied elementwise: the one type the
 * networks (`denoisers`) and their theory (`ode-theory`) share.
 *
 * `df` is sigma' (for non-smooth sigma the a.e. derivative: ReLU' = 1{x > 0}, sign' = 0);
 * `d2f` is sigma'' where it exists (Stein-form theory needs it; absent for ReLU and sign).
 * `fdf` optionally evaluates sigma, sigma', sigma'' at once into out[o], out[o+1], out[o+2].
 * `smooth` is false for activations with kinks or jumps: quadratures then refine their grids.
 * `kinks` lists where a piecewise-smooth sigma has its kinks or jumps (ReLU and sign: [0]); with
 * it, quadratures split their rules there and integrate each smooth piece separately.
 */
export interface Activation {
  readonly name: string;
  f(x: number): number;
  df(x: number): number;
  d2f?(x: number): number;
  fdf?(x: number, out: Float64Array, o: number): void;
  readonly smooth: boolean;
  /** True exactly for sigma(x) = x (enables closed forms). */
  readonly isLinear?: boolean;
  /** Ascending locations of the kinks / jumps of a piecewise-smooth sigma (smooth between them). */
  readonly kinks?: readonly number[];
  /**
   * True when sigma is affine on each piece between its kinks (ReLU, sign, leaky ReLU, hard tanh): Gaussian
   * expectations over each cell of the pieces then have closed forms (ode-theory's exact rules use them).
   */
  readonly piecewiseLinear?: boolean;
}

/** sigma(x) = x. */
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
  smooth: true,
  isLinear: true,
};

/** sigma(x) = tanh x. */
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
  smooth: true,
};

/** sigma(x) = max(x, 0); sigma' = 1{x > 0}; sigma'' is a Dirac mass, so no d2f. */
export const reluActivation: Activation = { name: 'relu', f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0), smooth: false, kinks: [0], piecewiseLinear: true };

/** sigma(x) = sign(x) (sign(0) = 0); sigma' = 0 almost everywhere (the ICLR 2024 model). */
export const signActivation: Activation = { name: 'sign', f: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), df: () => 0, smooth: false, kinks: [0], piecewiseLinear: true };

/** The built-in activations by name. */
export const activations = { linear: linearActivation, tanh: tanhActivation, relu: reluActivation, sign: signActivation } as const;
export type ActivationName = keyof typeof activations;

/** A user-defined activation: f and df required; d2f optional; `smooth` defaults to whether d2f is given. */
export function customActivation(spec: {
  name?: string;
  f: (x: number) => number;
  df: (x: number) => number;
  d2f?: (x: number) => number;
  smooth?: boolean;
  /** Ascending kink / jump locations of a piecewise-smooth sigma (finite numbers). */
  kinks?: readonly number[];
  /** sigma is affine on each piece between the kinks (needs kinks; checked at three points of each piece, df included). */
  piecewiseLinear?: boolean;
}): Activation {
  if (typeof spec?.f !== 'function' || typeof spec.df !== 'function') {
    throw new ParameterError('customActivation: expected functions f and df (and optionally d2f)');
  }
  if (spec.d2f !== undefined && typeof spec.d2f !== 'function') throw new ParameterError('customActivation: d2f must be a function when given');
  const kinks = spec.kinks;
  if (kinks !== undefined && (!Array.isArray(kinks) || kinks.some((k, i) => !Number.isFinite(k) || (i > 0 && !(k > kinks[i - 1]))))) {
    throw new ParameterError(`customActivation: kinks must be strictly ascending finite numbers, got [${String(kinks)}]`);
  }
  if (spec.piecewiseLinear !== undefined && typeof spec.piecewiseLinear !== 'boolean') {
    throw new ParameterError(`customActivation: piecewiseLinear must be a boolean, got ${String(spec.piecewiseLinear)}`);
  }
  if (spec.piecewiseLinear) assertPiecewiseLinear(spec.f, spec.df, kinks);
  return {
    name: spec.name ?? 'custom',
    f: spec.f,
    df: spec.df,
    ...(spec.d2f ? { d2f: spec.d2f } : {}),
    smooth: spec.smooth ?? (spec.d2f !== undefined && !kinks?.length),
    ...(kinks?.length ? { kinks: [...kinks] } : {}),
    ...(spec.piecewiseLinear ? { piecewiseLinear: true } : {}),
  };
}

/**
 * A declared piecewise-linear sigma: kinks given, and on each piece f collinear at three interior points
 * with df equal to the slope there (relative 1e-9), else ParameterError naming the piece.
 */
function assertPiecewiseLinear(f: (x: number) => number, df: (x: number) => number, kinks: readonly number[] | undefined): void {
  if (!kinks?.length) throw new ParameterError('customActivation: piecewiseLinear needs the kinks between the affine pieces, got none');
  const nk = kinks.length;
  for (let q = 0; q <= nk; q++) {
    const lo = q === 0 ? kinks[0] - 3 : kinks[q - 1];
    const hi = q === nk ? kinks[nk - 1] + 3 : kinks[q];
    const xs = [0.25, 0.5, 0.75].map((t) => lo + t * (hi - lo));
    const ys = xs.map(f);
    const slope = (ys[2] - ys[0]) / (xs[2] - xs[0]);
    const scale = Math.max(1, ...ys.map(Math.abs), Math.abs(slope));
    const off = Math.abs(ys[1] - (ys[0] + slope * (xs[1] - xs[0])));
    const dOff = Math.max(...xs.map((x) => Math.abs(df(x) - slope)));
    if (!(off <= 1e-9 * scale && dOff <= 1e-9 * scale)) {
      throw new ParameterError(
        `customActivation: piecewiseLinear is true but sigma is not affine on the piece (${q === 0 ? '-inf' : lo}, ${q === nk ? 'inf' : hi}): f(${xs[1]}) = ${ys[1]} is ${off} off the chord, df differs from the slope ${slope} by ${dOff}`,
      );
    }
  }
}

/** Resolve a built-in name or pass an Activation through (validated); `name` is used in errors. */
export function resolveActivation(a: Activation | ActivationName, name = 'activation'): Activation {
  if (typeof a === 'string') {
    const r = (activations as Record<string, Activation>)[a];
    if (!r) throw new ParameterError(`${name}: unknown activation '${a}', expected one of ${Object.keys(activations).join(', ')} or an Activation object`);
    return r;
  }
  if (!a || typeof a.f !== 'function' || typeof a.df !== 'function') {
    throw new ParameterError(`${name}: expected an Activation { name, f, df, d2f?, smooth } or a built-in name`);
  }
  return a;
}

/** out[i] = sigma(x[i]) (out may alias x). */
export function applyActivation(a: Activation, x: Float64Array, out?: Float64Array): Float64Array {
  assertObject(a, 'a');
  assertArrayLike(x, 'x');
  out ??= new Float64Array(x.length);
  const f = a.f;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}

/** out[i] = sigma'(x[i]) (out may alias x). */
export function applyActivationDerivative(a: Activation, x: Float64Array, out?: Float64Array): Float64Array {
  assertObject(a, 'a');
  assertArrayLike(x, 'x');
  out ??= new Float64Array(x.length);
  const f = a.df;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}
