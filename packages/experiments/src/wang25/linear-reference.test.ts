import { emergenceTimeClosedForm } from '@diffusion-theory/metrics';
import { convergedVariance, prop42Variance } from '@diffusion-theory/ode-theory';
import { quantileLogNormalSpectrum } from '@diffusion-theory/targets';
import { describe, expect, it } from 'vitest';
import { theoryEmergence } from './linear-glue.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// Spec spectral-bias §18 R10, R11: emergence times and the power-law fit of the one-layer theory (metrics + ode-theory).
describe('spectral-bias emergence reference values', () => {
  it('R10: tau* (geometric), one layer, Q = 0.1, lambda = 1 and 0.1', () => {
    for (const [l, ref] of [[1, 0.343341111607], [0.1, 3.5576396016]] as const) {
      const t = emergenceTimeClosedForm((tau) => prop42Variance({ lambda: l, Q: 0.1, tau }), { v0: prop42Variance({ lambda: l, Q: 0.1, tau: 0 }), vInf: convergedVariance(l) });
      expect(rel(t, ref)).toBeLessThan(1e-7);
    }
  });
  it('R11: quantile spectrum d = 256: tau*_1, tau*_256, alpha, log10 C, R^2', () => {
    const lam = quantileLogNormalSpectrum(256);
    const { taus, fits } = theoryEmergence(lam, (k, tau) => prop42Variance({ lambda: lam[k], Q: 0.1, tau }), (k) => convergedVariance(lam[k]), 'geometric');
    expect(rel(taus[0], 0.0306205460177)).toBeLessThan(1e-6);
    expect(rel(taus[255], 10.6831063319)).toBeLessThan(1e-6);
    const f = fits.increasing;
    expect(f?.n).toBe(256);
    expect(rel(f?.alpha ?? 0, 1.01389648257)).toBeLessThan(1e-6);
    expect(rel(f?.intercept ?? 0, -0.463941187074)).toBeLessThan(1e-6);
    expect(rel(f?.r2 ?? 0, 0.999997221)).toBeLessThan(1e-6);
  });
});
