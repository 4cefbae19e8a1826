import { describe, expect, it } from 'vitest';
import { ParameterError } from './errors.js';
import { activations, customActivation, resolveActivation } from './activation.js';

const fd = (f: (x: number) => number, x: number, h = 1e-5) => (f(x + h) - f(x - h)) / (2 * h);

describe('activations', () => {
  it('derivatives agree with central finite differences away from kinks; fdf agrees with f, df, d2f', () => {
    const out = new Float64Array(3);
    for (const a of Object.values(activations)) {
      for (const x of [-2.3, -0.7, 0.4, 1.9]) {
        expect(a.df(x)).toBeCloseTo(fd(a.f, x), 8);
        if (a.d2f) expect(a.d2f(x)).toBeCloseTo(fd(a.df, x), 7);
        if (a.fdf) {
          a.fdf(x, out, 0);
          expect(out[0]).toBe(a.f(x));
          expect(out[1]).toBeCloseTo(a.df(x), 15);
          expect(out[2]).toBeCloseTo(a.d2f!(x), 15);
        }
      }
    }
    expect(activations.relu.smooth).toBe(false);
    expect(activations.tanh.smooth).toBe(true);
    expect(activations.linear.isLinear).toBe(true);
  });

  it('resolves names, validates objects and custom activations with typed errors', () => {
    expect(resolveActivation('tanh')).toBe(activations.tanh);
    expect(() => resolveActivation('gelu' as 'tanh', 'model.activation')).toThrow(/model.activation: unknown activation 'gelu'/);
    expect(() => resolveActivation({} as never)).toThrow(ParameterError);
    const sp = customActivation({ name: 'softplus', f: (x) => Math.log1p(Math.exp(x)), df: (x) => 1 / (1 + Math.exp(-x)) });
    expect(sp.smooth).toBe(false);
    expect(() => customActivation({ f: Math.sin } as never)).toThrow(/expected functions f and df/);
  });

  it('kinks: ReLU and sign carry [0]; a custom piecewise activation declares its own, validated, and is then not smooth', () => {
    expect(activations.relu.kinks).toEqual([0]);
    expect(activations.sign.kinks).toEqual([0]);
    expect(activations.tanh.kinks).toBeUndefined();
    const hardTanh = customActivation({ f: (x) => Math.max(-1, Math.min(1, x)), df: (x) => (Math.abs(x) < 1 ? 1 : 0), d2f: () => 0, kinks: [-1, 1] });
    expect(hardTanh.kinks).toEqual([-1, 1]);
    expect(hardTanh.smooth).toBe(false);
    expect(() => customActivation({ f: Math.abs, df: Math.sign, kinks: [1, 0] })).toThrow(ParameterError);
    expect(() => customActivation({ f: Math.abs, df: Math.sign, kinks: [Number.NaN] })).toThrow(/kinks must be strictly ascending finite/);
  });

  it('piecewiseLinear: ReLU and sign carry it; a custom declaration is checked piece by piece (f affine, df its slope)', () => {
    expect(activations.relu.piecewiseLinear).toBe(true);
    expect(activations.sign.piecewiseLinear).toBe(true);
    expect(activations.tanh.piecewiseLinear).toBeUndefined();
    const leaky = customActivation({ name: 'leaky', f: (x) => (x > 0 ? x : 0.1 * x), df: (x) => (x > 0 ? 1 : 0.1), kinks: [0], piecewiseLinear: true });
    expect(leaky.piecewiseLinear).toBe(true);
    const hardTanh = { f: (x: number) => Math.max(-1, Math.min(1, x)), df: (x: number) => (Math.abs(x) < 1 ? 1 : 0), kinks: [-1, 1] };
    expect(customActivation({ ...hardTanh, piecewiseLinear: true }).piecewiseLinear).toBe(true);
    expect(customActivation(hardTanh).piecewiseLinear).toBeUndefined();
    // a kink missing (hard tanh declared with one kink): the piece (-1, inf) is not affine
    expect(() => customActivation({ ...hardTanh, kinks: [-1], piecewiseLinear: true })).toThrow(/not affine on the piece \(-1, inf\)/);
    // smooth sigma declared piecewise linear; df inconsistent with f; no kinks; not a boolean
    expect(() => customActivation({ f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2, kinks: [0], piecewiseLinear: true })).toThrow(ParameterError);
    expect(() => customActivation({ f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 2 : 0), kinks: [0], piecewiseLinear: true })).toThrow(/df differs from the slope/);
    expect(() => customActivation({ f: (x) => x, df: () => 1, piecewiseLinear: true })).toThrow(/needs the kinks/);
    expect(() => customActivation({ ...hardTanh, piecewiseLinear: 'yes' as never })).toThrow(/piecewiseLinear must be a boolean/);
  });
});
