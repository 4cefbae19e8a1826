import { DivergenceError, isKernelError, linearInterpolant } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { divergenceGuard } from './dae-divergence.js';
import { solveDaeOde } from './dae-solve.js';
import { daeStateLayout, packState } from './dae-state.js';
import { spectralMixtureFromCentroids } from './spectral-mixture.js';

const d = 20;
const mu = new Float64Array(d);
mu[0] = 2;
const spec = spectralMixtureFromCentroids({ d, pi: [0.5, 0.5], mus: [mu, mu.map((x) => -x)], groupOf: new Int32Array(d), Ng: 1, ell: [1, 1], rho: [1] });
const base = { spec, r: 1, activation: 'tanh' as const, grid: { times: [0.5] }, schedule: linearInterpolant(), lambda: 0, init: { q: [0.5], m: [0.1, -0.1], v: [0.5], b: 0 } };

describe('solveDaeOde: divergence is a DivergenceError with tau, not NaN or a hang', () => {
  it('eta = 50 (far above the stability limit) throws within a second, for rk4, rk4 with saveAt and dopri5', () => {
    for (const extra of [{}, { saveAt: [0, 5, 50] }, { method: 'dopri5' as const }]) {
      const t0 = performance.now();
      let err: unknown;
      try {
        solveDaeOde({ ...base, eta: 50, tauMax: 50, ...extra });
      } catch (e) {
        err = e;
      }
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(isKernelError(err, 'DivergenceError')).toBe(true);
      const e = err as DivergenceError & { tau: number };
      expect(e.tau).toBeGreaterThan(0);
      expect(e.tau).toBeLessThan(50);
      expect(e.message).toMatch(/tau = .*eta = 50/);
      expect(Number.isInteger(e.step)).toBe(true);
    }
  });

  it('a stable learning rate integrates to the end without tripping the guard', () => {
    const rec = solveDaeOde({ ...base, eta: 0.2, tauMax: 5, saveEvery: 50 });
    expect(rec.tau[rec.tau.length - 1]).toBe(5);
    expect(rec.Q.every((q) => q > 0 && q < 10)).toBe(true);
  });

  it('the guard refuses a negative Gram diagonal, a non-PSD Q and a non-finite entry, and accepts a PSD rank-one Q', () => {
    const layout = daeStateLayout({ r: 2, K: 1, Ng: 2, R: 0 });
    const guard = divergenceGuard(layout, 1, 1e6, 0.5);
    const st = (q: number[]) => packState(layout, { q, m: [0, 0, 0, 0] });
    // rank one: (1, 1)(1, 1)^T split over two groups
    expect(() => guard.check(st([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), 1, 3, true)).not.toThrow();
    expect(() => guard.check(st([-0.1, 0, 0, 1, 0.5, 0, 0, 0.5]), 1.5, 7, true)).toThrow(/q_0\[0,0\] = -0.1 < 0 at tau = 1.5 \(step 7\)/);
    expect(() => guard.check(st([1, 2, 2, 1, 0, 0, 0, 0]), 2, 9, true)).toThrow(/not positive semi-definite at tau = 2/);
    expect(() => guard.check(st([1, 0, 0, 1, 0, 0, 0, 0]).fill(Number.NaN, 0, 1), 0.1, 1, false)).toThrow(DivergenceError);
    expect(() => guard.check(st([1e7, 0, 0, 1, 0, 0, 0, 0]), 0.1, 1, false)).toThrow(/above the divergence bound/);
  });
});
