import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { dopri5 } from './dopri5.js';
import type { OdeRhs } from './types.js';

describe('dopri5', () => {
  it('hits the requested times of y\' = lambda y within atol + rtol |y| (default tolerances)', () => {
    for (const lambda of [-1, -3, 0.7]) {
      const saveAt = [0, 0.1, 0.37, 1, 1.5, 2.5, 4];
      const r = dopri5({ f: (_t, y, d) => { d[0] = lambda * y[0]; }, y0: Float64Array.of(2), t0: 0, t1: 4, saveAt });
      expect(r.status).toBe('success');
      expect(Array.from(r.ts)).toEqual(saveAt);
      for (let i = 0; i < saveAt.length; i++) {
        const exact = 2 * Math.exp(lambda * saveAt[i]);
        // the error test of each step is |err| <= atol + rtol |y|; the global error meets it here too
        expect(Math.abs(r.ys[i][0] - exact)).toBeLessThan(1e-8 * exact + 1e-10);
      }
      expect(r.t).toBe(4);
    }
  });

  it('dense output on the harmonic oscillator over [0, 20] at 200 times is accurate to the tolerance scale', () => {
    const f: OdeRhs = (_t, y, d) => {
      d[0] = y[1];
      d[1] = -y[0];
    };
    const saveAt = Array.from({ length: 200 }, (_, i) => (20 * (i + 0.5)) / 200);
    const r = dopri5({ f, y0: Float64Array.of(1, 0), t0: 0, t1: 20, rtol: 1e-9, atol: 1e-12, saveAt });
    expect(r.status).toBe('success');
    let err = 0;
    r.ys.forEach((y, i) => {
      err = Math.max(err, Math.abs(y[0] - Math.cos(saveAt[i])), Math.abs(y[1] + Math.sin(saveAt[i])));
    });
    expect(err).toBeLessThan(1e-8);
    // Dense output costs no extra steps: the step sequence does not depend on saveAt.
    const plain = dopri5({ f, y0: Float64Array.of(1, 0), t0: 0, t1: 20, rtol: 1e-9, atol: 1e-12 });
    expect(plain.stats).toEqual(r.stats);
    expect(r.stats.fevals).toBeGreaterThanOrEqual(6 * r.stats.steps);
  });

  it('tighter tolerances give smaller errors at the cost of more steps', () => {
    const f: OdeRhs = (t, y, d) => { d[0] = -y[0] + Math.sin(t); };
    const exact = 1.5 * Math.exp(-5) + 0.5 * (Math.sin(5) - Math.cos(5));
    const loose = dopri5({ f, y0: Float64Array.of(1), t0: 0, t1: 5, rtol: 1e-4, atol: 1e-6 });
    const tight = dopri5({ f, y0: Float64Array.of(1), t0: 0, t1: 5, rtol: 1e-10, atol: 1e-12 });
    const eLoose = Math.abs(loose.y[0] - exact);
    const eTight = Math.abs(tight.y[0] - exact);
    expect(eTight).toBeLessThan(1e-9);
    expect(eTight).toBeLessThan(eLoose);
    expect(tight.stats.steps).toBeGreaterThan(loose.stats.steps);
  });

  it('integrates backwards in time', () => {
    const r = dopri5({ f: (_t, y, d) => { d[0] = y[0]; }, y0: Float64Array.of(Math.E), t0: 1, t1: 0, saveAt: [0.5, 0] });
    expect(r.status).toBe('success');
    expect(r.ys[0][0]).toBeCloseTo(Math.exp(0.5), 8);
    expect(r.ys[1][0]).toBeCloseTo(1, 8);
  });

  it('reports max_steps, step_too_small and non_finite instead of throwing', () => {
    const decay: OdeRhs = (_t, y, d) => { d[0] = -y[0]; };
    const m = dopri5({ f: decay, y0: Float64Array.of(1), t0: 0, t1: 100, maxSteps: 5, saveAt: [1, 100] });
    expect(m.status).toBe('max_steps');
    expect(m.stats.steps + m.stats.rejected).toBe(5);
    expect(m.ys.length).toBe(m.ts.length);
    // y' = y^2, y(0) = 1 blows up at t = 1.
    const blow = dopri5({ f: (_t, y, d) => { d[0] = y[0] * y[0]; }, y0: Float64Array.of(1), t0: 0, t1: 2 });
    expect(blow.status).toBe('step_too_small');
    expect(blow.t).toBeGreaterThan(0.999);
    expect(blow.t).toBeLessThan(1.001); // the numerical blow-up time is within the error of 1
    const nan = dopri5({ f: (t, y, d) => { d[0] = t > 0.5 ? Number.NaN : -y[0]; }, y0: Float64Array.of(1), t0: 0, t1: 1, saveAt: [0.25, 1] });
    expect(nan.status).toBe('non_finite');
    expect(nan.t).toBeLessThanOrEqual(0.5);
    expect(nan.ys.length).toBe(1);
    expect(nan.ys[0][0]).toBeCloseTo(Math.exp(-0.25), 8);
  });

  it('refuses bad configuration', () => {
    const f: OdeRhs = (_t, _y, d) => { d[0] = 0; };
    expect(() => dopri5({ f, y0: Float64Array.of(1), t0: 0, t1: 1, rtol: 0 })).toThrow(DomainError);
    expect(() => dopri5({ f, y0: Float64Array.of(1), t0: 0, t1: 1, saveAt: [2] })).toThrow(DomainError);
    expect(() => dopri5({ f, y0: Float64Array.of(1), t0: 0, t1: 1, saveAt: [0.5, 0.1] })).toThrow(DomainError);
  });
});
