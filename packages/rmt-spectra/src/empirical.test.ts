import { DomainError, NDArray, Rng, eigvalsh } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { covarianceEigenvalues, empiricalGapMaximum, gapStructure, groupSpectrum, jacobianEigenvaluesFrom, meanEmpiricalGap } from './index.js';

/** F with round(f m) columns of variance s1 and the rest s2, entries N(0, s/m) (spec §5.1), kernel RNG only. */
function groupF(d: number, m: number, f: number, s1: number, s2: number, rng: Rng): NDArray {
  const k1 = Math.round(f * m);
  const x = rng.normals(d * m);
  for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) x[i * m + j] *= Math.sqrt((j < k1 ? s1 : s2) / m);
  return new NDArray(x, [d, m]);
}

describe('empirical spectra', () => {
  it('covarianceEigenvalues equals eig(F F^T), for m < d and m > d', () => {
    for (const [d, m] of [
      [9, 4],
      [4, 9],
    ]) {
      const F = groupF(d, m, 0.5, 1, 0.3, new Rng(d));
      const C = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < m; k++) C[i * d + j] += F.data[i * m + k] * F.data[j * m + k];
      const want = eigvalsh(new NDArray(C, [d, d])).reverse();
      const got = covarianceEigenvalues(F);
      for (let i = 0; i < d; i++) expect(got[i]).toBeCloseTo(Math.max(0, want[i]), 10);
      const lam = jacobianEigenvaluesFrom(got, 0.5);
      expect(lam[0]).toBeCloseTo(0.5 / (0.5 + got[0]), 14);
    }
  });
  it('spec §14 case 10: empirical t_max at d = 1000 (10 realisations) lies in [0.086, 0.092] (theory 0.0888)', () => {
    const d = 1000;
    const m = 500;
    const spectra = Array.from({ length: 10 }, (_, r) => covarianceEigenvalues(groupF(d, m, 0.75, 1, 0.01, new Rng([10, r]))));
    const { tMax } = empiricalGapMaximum(spectra, 375, 0.01, 1);
    expect(tMax).toBeGreaterThan(0.086);
    expect(tMax).toBeLessThan(0.092);
    const gap = gapStructure(groupSpectrum({ alpha: 0.5, fractions: [0.75, 0.25], variances: [1, 0.01] })).intermediate[0];
    // the mean gap at the theoretical t_max is close to Delta_max (finite-d edge fluctuations ~ d^{-2/3})
    expect(Math.abs(meanEmpiricalGap(spectra, 375, gap.tMax) - gap.deltaMax)).toBeLessThan(0.02);
    expect(() => meanEmpiricalGap(spectra, 1000, 0.1)).toThrow(DomainError);
  });
});
