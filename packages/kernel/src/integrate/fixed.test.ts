import { describe, expect, it } from 'vitest';
import { DomainError, ParameterError } from '../errors.js';
import { euler } from './euler.js';
import { integrateFixed } from './fixed.js';
import { heun } from './heun.js';
import { rk4 } from './rk4.js';
import { slope } from './slope.test.util.js';
import type { OdeRhs } from './types.js';

// y' = -y + sin t, y(0) = 1: y(t) = 1.5 e^{-t} + (sin t - cos t) / 2.
const forced: OdeRhs = (t, y, dy) => {
  dy[0] = -y[0] + Math.sin(t);
};
const forcedExact = (t: number) => 1.5 * Math.exp(-t) + 0.5 * (Math.sin(t) - Math.cos(t));

// Rotation y1' = -y2, y2' = y1 from (1, 0): (cos t, sin t).
const rotation: OdeRhs = (_t, y, dy) => {
  dy[0] = -y[1];
  dy[1] = y[0];
};

function measuredOrder(method: 'euler' | 'heun' | 'rk4', f: OdeRhs, y0: number[], T: number, exact: number[], stepsList: number[]) {
  const hs: number[] = [];
  const errs: number[] = [];
  for (const steps of stepsList) {
    const r = integrateFixed({ f, y0: Float64Array.from(y0), t0: 0, t1: T, steps, method });
    expect(r.status).toBe('success');
    let e = 0;
    for (let i = 0; i < exact.length; i++) e = Math.max(e, Math.abs(r.y[i] - exact[i]));
    hs.push(T / steps);
    errs.push(e);
  }
  return slope(hs, errs);
}

describe('fixed-step solvers: measured convergence orders', () => {
  const cases = [
    ['euler', 1, [40, 80, 160, 320, 640]],
    ['heun', 2, [20, 40, 80, 160, 320]],
    ['rk4', 4, [20, 40, 80, 160, 320]],
  ] as const;
  for (const [method, order, stepsList] of cases) {
    // T = 5: at T = 2 the leading RK4 error term changes sign near h = 0.15 and spoils the fit.
    it(`${method} has order ${order} on y' = -y + sin t`, () => {
      const p = measuredOrder(method, forced, [1], 5, [forcedExact(5)], [...stepsList]);
      expect(Math.abs(p - order)).toBeLessThan(0.2);
    });
    it(`${method} has order ${order} on the 2-D rotation`, () => {
      const T = 3;
      const p = measuredOrder(method, rotation, [1, 0], T, [Math.cos(T), Math.sin(T)], [...stepsList]);
      expect(Math.abs(p - order)).toBeLessThan(0.2);
    });
  }

  it('solver objects declare their orders and stage counts', () => {
    expect([euler.order, heun.order, rk4.order]).toEqual([1, 2, 4]);
    expect([euler.stages, heun.stages, rk4.stages]).toEqual([1, 2, 4]);
  });

  it('rk4 integrates backwards: y\' = y from t = 1 to 0 recovers y(0) = 1', () => {
    const r = integrateFixed({ f: (_t, y, d) => { d[0] = y[0]; }, y0: Float64Array.of(Math.E), t0: 1, t1: 0, steps: 200 });
    expect(r.y[0]).toBeCloseTo(1, 9);
    expect(r.ts[0]).toBe(0);
  });
});

describe('integrateFixed saving and status', () => {
  const f: OdeRhs = (_t, _y, d) => { d[0] = 1; };
  it("saveAt 'all' gives every grid point, exact grid times and the last at t1", () => {
    const r = integrateFixed({ f, y0: Float64Array.of(0), t0: 0, t1: 1, steps: 10, saveAt: 'all', method: 'euler' });
    expect(r.ts.length).toBe(11);
    expect(r.ys.length).toBe(11);
    expect(r.ts[10]).toBe(1);
    for (let k = 0; k <= 10; k++) expect(r.ys[k][0]).toBeCloseTo(k / 10, 14);
  });
  it('saveAt times snap to the grid point not past them; saveEvery keeps the end', () => {
    const r = integrateFixed({ f, y0: Float64Array.of(0), t0: 0, t1: 1, steps: 10, saveAt: [0, 0.3, 0.35, 0.99, 1] });
    expect(Array.from(r.ts)).toEqual([0, 0.3, 0.3, 0.9, 1]);
    const e = integrateFixed({ f, y0: Float64Array.of(0), t0: 0, t1: 1, steps: 10, saveEvery: 4 });
    expect(Array.from(e.ts)).toEqual([0, 0.4, 0.8, 1]);
  });
  it('onStep sees every step with its time', () => {
    const seen: number[] = [];
    integrateFixed({ f, y0: Float64Array.of(0), t0: 0, t1: 2, steps: 4, onStep: (k, t) => seen.push(k, t) });
    expect(seen).toEqual([1, 0.5, 2, 1, 3, 1.5, 4, 2]);
  });
  it('a NaN from f stops with non_finite and names the step', () => {
    const bad: OdeRhs = (t, _y, d) => { d[0] = t >= 0.5 ? Number.NaN : 1; };
    for (const method of ['euler', 'heun', 'rk4'] as const) {
      const r = integrateFixed({ f: bad, y0: Float64Array.of(0), t0: 0, t1: 1, steps: 10, method, saveAt: 'all' });
      expect(r.status).toBe('non_finite');
      // Euler first evaluates at t = 0.5 in step 6; Heun and RK4 evaluate t + h (resp. t + h/2) earlier.
      const expected = method === 'euler' ? 6 : 5;
      expect(r.failedAt?.step).toBe(expected);
      expect(r.failedAt?.t).toBeCloseTo((expected - 1) / 10, 14);
      expect(r.ys.length).toBe(expected);
      expect(Number.isFinite(r.y[0])).toBe(true);
    }
  });
  it('refuses bad configuration with typed errors', () => {
    const y0 = Float64Array.of(0);
    expect(() => integrateFixed({ f, y0, t0: 0, t1: 1, steps: 0 })).toThrow(DomainError);
    expect(() => integrateFixed({ f, y0, t0: 0, t1: 0, steps: 3 })).toThrow(DomainError);
    expect(() => integrateFixed({ f, y0, t0: 0, t1: 1, steps: 3, method: 'rk45' as 'rk4' })).toThrow(ParameterError);
    expect(() => integrateFixed({ f, y0, t0: 0, t1: 1, steps: 3, saveAt: [0.5, 0.2] })).toThrow(DomainError);
    expect(() => integrateFixed({ f, y0, t0: 0, t1: 1, steps: 3, saveAt: [1.5] })).toThrow(DomainError);
  });
});
