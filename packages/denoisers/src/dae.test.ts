import { DomainError, type LossTimeGrid, NDArray, NonFiniteError, Rng, ShapeError, linearInterpolant } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { type Activation, customActivation, linearActivation as linear, reluActivation as relu, tanhActivation as tanh } from '@diffusion-theory/kernel';
import { addDaeWeightGrad, daeGrad, daeGradInto, daeLossCoefficients } from './dae-grad.js';
import { tiedDae, untiedDae } from './dae.js';

const schedule = linearInterpolant();
const grid = { times: [0.3, 0.7], weights: [0.4, 0.6] } satisfies LossTimeGrid;
const softplus = customActivation({ name: 'softplus', f: (x) => Math.log1p(Math.exp(x)), df: (x) => 1 / (1 + Math.exp(-x)) });

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-3, Math.abs(a), Math.abs(b));
}

/** Central finite differences of the loss with respect to every parameter, h = 1e-6. */
function fdCheck(model: ReturnType<typeof tiedDae> | ReturnType<typeof untiedDae>, x0: Float64Array, x1: Float64Array): void {
  const g = model.lossAndGrad(x0, x1, grid, schedule);
  const L = () => model.lossAndGrad(x0, x1, grid, schedule).loss;
  const h = 1e-6;
  const fd = (arr: Float64Array, i: number): number => {
    const o = arr[i];
    arr[i] = o + h;
    const lp = L();
    arr[i] = o - h;
    const lm = L();
    arr[i] = o;
    return (lp - lm) / (2 * h);
  };
  for (let i = 0; i < model.w.length; i++) expect(rel(g.gradW[i], fd(model.w, i))).toBeLessThan(1e-6);
  if (g.gradU) for (let i = 0; i < model.u.length; i++) expect(rel(g.gradU[i], fd(model.u, i))).toBeLessThan(1e-6);
  for (let k = 0; k < model.r; k++) expect(rel(g.gradV[k], fd(model.v, k))).toBeLessThan(1e-6);
  const b0 = model.b;
  model.b = b0 + h;
  const lp = L();
  model.b = b0 - h;
  const lm = L();
  model.b = b0;
  expect(rel(g.gradB, (lp - lm) / (2 * h))).toBeLessThan(1e-6);
}

describe('tied and untied DAE (spec §2.1-2.3)', () => {
  const d = 7;
  const r = 3;
  const rng = new Rng(11);
  const w = new NDArray(rng.normals(d * r), [d, r]);
  const u = new NDArray(rng.normals(d * r), [d, r]);
  const x0 = rng.normals(d);
  const x1 = rng.normals(d);
  const acts: Activation[] = [linear, tanh, relu, softplus];

  for (const act of acts) {
    it(`tied gradients match central finite differences (${act.name}, two grid times, p_t = t)`, () => {
      const m = tiedDae({ d, r, activation: act, w, b: 0.3, v: [0.2, -0.5, 1], timeEncoding: (t) => t });
      fdCheck(m, x0, x1);
    });
    it(`untied gradients match central finite differences (${act.name})`, () => {
      const m = untiedDae({ d, r, activation: act, w, u, b: -0.2, v: [0.1, 0.4, -0.3], timeEncoding: (t) => 1 - t });
      fdCheck(m, x0, x1);
    });
  }

  it('the loss is the weighted squared error of denoise() at the interpolant points', () => {
    const m = tiedDae({ d, r, activation: 'tanh', w, b: 0.4 });
    let want = 0;
    for (let j = 0; j < 2; j++) {
      const t = grid.times[j];
      const xt = x0.map((v, i) => (1 - t) * v + t * x1[i]);
      const f = m.denoise(xt, 1, t);
      want += grid.weights[j] * f.reduce((a, fi, i) => a + (x1[i] - fi) ** 2, 0);
    }
    expect(m.lossAndGrad(x0, x1, grid, schedule).loss).toBeCloseTo(want, 12);
  });

  it('batched denoise equals the row-by-row formula', () => {
    const m = untiedDae({ d, r, activation: 'tanh', w, u, b: 0.4, v: [1, 2, 3], timeEncoding: (t) => t });
    const n = 5;
    const X = rng.normals(n * d);
    const out = m.denoise(X, n, 0.25);
    for (let k = 0; k < n; k++) {
      const x = X.subarray(k * d, (k + 1) * d);
      const hpre = m.preActivation(x, 0.25);
      for (let i = 0; i < d; i++) {
        let f = 0.4 * x[i];
        for (let q = 0; q < r; q++) f += (u.data[i * r + q] * Math.tanh(hpre[q])) / Math.sqrt(d);
        expect(out[k * d + i]).toBeCloseTo(f, 12);
      }
    }
  });

  it('input Jacobian matches central finite differences', () => {
    for (const m of [tiedDae({ d, r, activation: 'tanh', w, b: 0.4 }), untiedDae({ d, r, activation: softplus, w, u, b: -1 })]) {
      const x = rng.normals(d);
      const J = m.jacobian(x, 0.5);
      const h = 1e-6;
      for (let j = 0; j < d; j++) {
        const xp = x.slice();
        const xm = x.slice();
        xp[j] += h;
        xm[j] -= h;
        const fp = m.denoise(xp, 1, 0.5);
        const fm = m.denoise(xm, 1, 0.5);
        for (let i = 0; i < d; i++) expect(Math.abs(J[i * d + j] - (fp[i] - fm[i]) / (2 * h))).toBeLessThan(1e-8);
      }
    }
  });

  it('linear tied DAE is the linear map b I + w w^T / d', () => {
    const m = tiedDae({ d, r, activation: 'linear', w, b: 0.1 });
    const x = rng.normals(d);
    const f = m.denoise(x, 1, 0.5);
    const J = m.jacobian(x, 0.5);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += J[i * d + j] * x[j];
      expect(f[i]).toBeCloseTo(s, 12);
    }
  });

  it('rejects wrong shapes and non-finite inputs', () => {
    expect(() => tiedDae({ d, r, activation: 'tanh', w: new NDArray(new Float64Array(6), [3, 2]) })).toThrow(ShapeError);
    expect(() => tiedDae({ d, r, activation: 'nope' as 'tanh' })).toThrow(/unknown activation/);
    const m = tiedDae({ d, r, activation: 'tanh', w });
    expect(() => m.denoise(new Float64Array(d + 1), 1, 0.5)).toThrow(ShapeError);
    const bad = x1.slice();
    bad[2] = Number.NaN;
    expect(() => m.lossAndGrad(x0, bad, grid, schedule)).toThrow(NonFiniteError);
    expect(() => m.lossAndGrad(x0, x1, { times: [0.5, 1.5], weights: [0.5, 0.5] }, schedule)).toThrow(/times\[1\]/);
  });

  it("the loss time grid follows kernel's one rule: weights default to uniform and must sum to 1", () => {
    const m = tiedDae({ d, r, activation: 'tanh', w, b: 0.4 });
    expect(() => m.lossAndGrad(x0, x1, { times: [0.5], weights: [2] }, schedule)).toThrow(/grid.weights: expected weights summing to 1, got sum 2/);
    expect(() => m.lossAndGrad(x0, x1, { times: [0.5], weights: [2] }, schedule)).toThrow(DomainError);
    const uniform = m.lossAndGrad(x0, x1, { times: [0.3, 0.7] }, schedule);
    const explicit = m.lossAndGrad(x0, x1, { times: [0.3, 0.7], weights: [0.5, 0.5] }, schedule);
    expect(uniform.loss).toBe(explicit.loss);
    expect(Array.from(uniform.gradW)).toEqual(Array.from(explicit.gradW));
  });
});

describe('daeGradInto: the one allocation-free DAE gradient', () => {
  const d = 6;
  const rng = new Rng(12);
  for (const r of [2, 3]) {
    for (const times of [[0.4], [0.2, 0.8]]) {
      const J = times.length;
      const lossGrid: LossTimeGrid = { times, weights: J === 1 ? [1] : [0.35, 0.65] };
      it(`reads x0, x1 at an offset, reuses its workspace, and applies decay * out + scale * grad (r = ${r}, J = ${J})`, () => {
        const w = new NDArray(rng.normals(d * r), [d, r]);
        const m = tiedDae({ d, r, activation: 'tanh', w, b: 0.2, v: Array.from({ length: r }, (_, k) => 0.1 * k), timeEncoding: (t) => t * t });
        const X0 = rng.normals(3 * d);
        const X1 = rng.normals(3 * d);
        const coef = daeLossCoefficients(m, lossGrid, schedule);
        const g = daeGrad(d, r, J);
        const want = m.lossAndGrad(X0.subarray(2 * d), X1.subarray(2 * d), lossGrid, schedule);
        for (const row of [0, 2]) daeGradInto(m, X0, X1, coef, g, row * d); // row 0 first: the workspace is overwritten
        expect(g.loss).toBe(want.loss);
        expect(g.gradB).toBe(want.gradB);
        expect(Array.from(g.gradV)).toEqual(Array.from(want.gradV));
        const out = rng.normals(d * r);
        const before = out.slice();
        addDaeWeightGrad(out, g, -0.3, 0.9);
        for (let i = 0; i < d * r; i++) expect(out[i]).toBeCloseTo(0.9 * before[i] - 0.3 * want.gradW[i], 13);
      });
    }
  }

  it('tied = encoder + decoder parts; the untied decoder part is gradU', () => {
    const r = 3;
    const w = new NDArray(rng.normals(d * r), [d, r]);
    const m = untiedDae({ d, r, activation: 'tanh', w, b: 0.2 }); // u = a copy of w: same function as the tied model
    const t = tiedDae({ d, r, activation: 'tanh', w, b: 0.2 });
    const a = rng.normals(d);
    const b = rng.normals(d);
    const lossGrid = { times: [0.3, 0.6] };
    const gu = m.lossAndGrad(a, b, lossGrid, schedule);
    const gt = t.lossAndGrad(a, b, lossGrid, schedule);
    for (let i = 0; i < d * r; i++) expect(gt.gradW[i]).toBeCloseTo(gu.gradW[i] + gu.gradU![i], 13);
    const g = daeGrad(d, r, 2);
    daeGradInto(m, a, b, daeLossCoefficients(m, lossGrid, schedule), g);
    const dec = new Float64Array(d * r);
    addDaeWeightGrad(dec, g, 1, 0, 'decoder');
    expect(Array.from(dec)).toEqual(Array.from(gu.gradU!));
  });

  it('refuses a workspace of the wrong size, short inputs and an unknown part', () => {
    const m = tiedDae({ d, r: 2, activation: 'tanh' });
    const coef = daeLossCoefficients(m, { times: [0.5] }, schedule);
    expect(() => daeGradInto(m, new Float64Array(d), new Float64Array(d), coef, daeGrad(d, 3, 1))).toThrow(/grad: expected a workspace for \(d, r, J\) = \(6, 2, 1\)/);
    expect(() => daeGradInto(m, new Float64Array(d), new Float64Array(d), coef, daeGrad(d, 2, 1), 1)).toThrow(ShapeError);
    expect(() => addDaeWeightGrad(new Float64Array(3), daeGrad(d, 2, 1), 1)).toThrow(/out: expected length d\*r = 12/);
    expect(() => addDaeWeightGrad(new Float64Array(12), daeGrad(d, 2, 1), 1, 1, 'both' as 'tied')).toThrow(/part/);
    expect(() => daeGrad(d, 0, 1)).toThrow(DomainError);
  });
});
