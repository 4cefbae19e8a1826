import { describe, expect, it } from 'vitest';
import { groupSpectrum, marchenkoPastur } from './index.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('polynomial-free continuation solver', () => {
  it('reproduces the polynomial solver (K = 2, 3) and MP (K = 1): edges, density, masses', () => {
    for (const o of [
      { alpha: 0.5, fractions: [0.75, 0.25], variances: [1, 0.01] },
      { alpha: 0.5, fractions: [0.5, 0.5], variances: [1, 0.1] },
      { alpha: 1.7, fractions: [0.2, 0.3, 0.5], variances: [3, 1, 0.05] },
      { alpha: 0.3, fractions: [1], variances: [2] },
    ]) {
      const a = groupSpectrum({ ...o, method: 'polynomial' }, 400);
      const b = groupSpectrum({ ...o, method: 'continuation' }, 400);
      expect(b.edges.length).toBe(a.edges.length);
      for (let i = 0; i < a.edges.length; i++) expect(rel(b.edges[i], a.edges[i])).toBeLessThan(1e-9);
      for (const bulk of a.bulks) {
        for (let j = 1; j < 20; j++) {
          const x = bulk.lo + ((bulk.hi - bulk.lo) * j) / 20;
          expect(Math.abs(b.density(x) - a.density(x))).toBeLessThan(1e-9 * (1 + a.density(x)));
        }
      }
      b.bulks.forEach((bk, i) => {
        expect(bk.mass).toBeCloseTo(a.bulks[i].mass, 8);
      });
      const [pr, pi] = a.stieltjes(1, -0.1);
      const [cr, ci] = b.stieltjes(1, -0.1);
      expect(Math.abs(cr - pr) + Math.abs(ci - pi)).toBeLessThan(1e-10);
    }
    const mp = marchenkoPastur({ alpha: 0.3, variance: 2 });
    expect(rel(groupSpectrum({ alpha: 0.3, fractions: [1], variances: [2], method: 'continuation' }, 16).edges[0], mp.edges[0])).toBeLessThan(1e-10);
  });
  it('many groups (Fig 5-right: 20 variances uniform on [1e-3, 1]) give one bulk of mass alpha, quickly', () => {
    const K = 20;
    const t0 = performance.now();
    const law = groupSpectrum({ alpha: 0.4, fractions: Array(K).fill(1 / K), variances: Array.from({ length: K }, (_, k) => 1e-3 + ((k + 0.5) / K) * (1 - 1e-3)) });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(law.atom).toBeCloseTo(0.6, 14);
    const mass = law.bulks.reduce((s, b) => s + b.mass, 0);
    expect(mass).toBeCloseTo(0.4, 6);
  });
});
