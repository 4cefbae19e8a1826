import { NDArray, ParameterError, Rng, ShapeError, linearInterpolant, trigonometricInterpolant } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { gaussianPushForward } from './push-forward.js';
import { gaussianFixture } from './test-helpers.js';

const d = 6;
const G = gaussianFixture(Float64Array.from([0.05, 0.2, 0.5, 1, 2, 5]), new Rng(3));

function lawAt(a: number, b: number) {
  const cov = Float64Array.from(G.C, (v) => b * b * v);
  for (let i = 0; i < d; i++) cov[i * d + i] += a * a;
  return { mean: G.m.map((v) => b * v), cov };
}

describe('gaussianPushForward', () => {
  it("'continuous': Law(X_t) = Law(alpha_t x0 + beta_t x1) for the exact denoiser (ODE and SDE, two schedules)", () => {
    const cases = [
      linearInterpolant(),
      linearInterpolant({ epsilon: (t) => 0.5 * (1 - t) ** 2 }),
      trigonometricInterpolant({ epsilon: 0.3 }),
    ];
    for (const schedule of cases) {
      const tEnd = 0.9;
      const law = gaussianPushForward({ affine: G.affine(schedule), schedule, tEnd, steps: 50, substeps: 10 });
      const want = lawAt(schedule.alpha(tEnd), schedule.beta(tEnd));
      expect(law.t).toBeCloseTo(tEnd, 15);
      for (let i = 0; i < d; i++) expect(law.mean[i]).toBeCloseTo(want.mean[i], 7);
      for (let i = 0; i < d * d; i++) expect(law.covariance.data[i]).toBeCloseTo(want.cov[i], 7);
    }
  });

  it('discrete chains converge to the continuous law: Euler-Maruyama at order 1, Heun at order 2', () => {
    const schedule = trigonometricInterpolant();
    const want = lawAt(schedule.alpha(0.8), schedule.beta(0.8));
    const err = (method: 'euler-maruyama' | 'heun', steps: number) => {
      const law = gaussianPushForward({ affine: G.affine(schedule), schedule, tEnd: 0.8, steps, method });
      return law.covariance.data.reduce((s, v, i) => Math.max(s, Math.abs(v - want.cov[i])), 0);
    };
    const em = Math.log2(err('euler-maruyama', 40) / err('euler-maruyama', 80));
    const he = Math.log2(err('heun', 40) / err('heun', 80));
    expect(em).toBeGreaterThan(0.8);
    expect(em).toBeLessThan(1.2);
    expect(he).toBeGreaterThan(1.8);
    expect(he).toBeLessThan(2.2);
  });

  it('throws typed errors', () => {
    const schedule = linearInterpolant();
    expect(() => gaussianPushForward({ affine: G.affine(schedule), schedule, method: 'rk45' as 'heun' })).toThrow(ParameterError);
    expect(() => gaussianPushForward({ affine: () => ({ A: new NDArray(new Float64Array(6), [2, 3]), c: new Float64Array(2) }), schedule })).toThrow(ShapeError);
    expect(() => gaussianPushForward({ affine: G.affine(schedule), schedule, mean0: new Float64Array(2) })).toThrow(ShapeError);
  });
});
