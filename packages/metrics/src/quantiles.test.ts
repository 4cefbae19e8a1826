import { Rng, normalPdf } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { quantileDifferences, quantilesWithError, sampleQuantile } from './quantiles.js';
import { normalQuantile } from './replicates.js';

describe('sampleQuantile', () => {
  it('is the type-7 interpolation of order statistics', () => {
    const x = [3, 1, 4, 1, 5];
    expect(sampleQuantile(x, 0)).toBe(1);
    expect(sampleQuantile(x, 1)).toBe(5);
    expect(sampleQuantile(x, 0.5)).toBe(3);
    // h = 0.3 * 4 = 1.2: 1 + 0.2 (3 - 1)
    expect(sampleQuantile(x, 0.3)).toBeCloseTo(1.4, 14);
    expect(() => sampleQuantile([], 0.5)).toThrow(/at least 1/);
    expect(() => sampleQuantile(x, 1.5)).toThrow(/p: expected/);
  });
});

describe('quantilesWithError', () => {
  it('standard error matches the asymptotic formula sqrt(p(1-p)/n)/f(q) and the spread over repeated samples (normal and exponential)', () => {
    const rng = new Rng(5);
    const n = 2000;
    const ps = [0.1, 0.5, 0.9];
    const trials = 300;
    const laws = [
      { name: 'normal', draw: () => rng.normals(n), q: (p: number) => normalQuantile(p), f: (x: number) => normalPdf(x) },
      { name: 'exponential', draw: () => rng.uniforms(n).map((u) => -Math.log(1 - u)), q: (p: number) => -Math.log(1 - p), f: (x: number) => Math.exp(-x) },
    ];
    for (const law of laws) {
      const vals = ps.map(() => [] as number[]);
      const ses = ps.map(() => [] as number[]);
      let inside = 0;
      for (let t = 0; t < trials; t++) {
        const est = quantilesWithError(law.draw(), ps);
        est.forEach((e, i) => {
          vals[i].push(e.value);
          ses[i].push(e.se);
          if (Math.abs(e.value - law.q(ps[i])) <= 1.96 * e.se) inside++;
        });
      }
      ps.forEach((p, i) => {
        const exact = Math.sqrt((p * (1 - p)) / n) / law.f(law.q(p));
        const meanSe = ses[i].reduce((a, b) => a + b, 0) / trials;
        const m = vals[i].reduce((a, b) => a + b, 0) / trials;
        const sd = Math.sqrt(vals[i].reduce((a, b) => a + (b - m) ** 2, 0) / (trials - 1));
        // the spacing estimate is unbiased to O(1/sqrt n); sd over 300 trials is known to ~4 %: 15 %
        expect(Math.abs(meanSe / exact - 1), `${law.name} p = ${p} se`).toBeLessThan(0.1);
        expect(Math.abs(sd / exact - 1), `${law.name} p = ${p} spread`).toBeLessThan(0.15);
      });
      // nominal 95 % coverage; 900 intervals: binomial sd 0.7 %
      expect(inside / (trials * ps.length), law.name).toBeGreaterThan(0.92);
      expect(inside / (trials * ps.length), law.name).toBeLessThan(0.98);
    }
  });
  it('quantileDifferences combines the two standard errors', () => {
    const rng = new Rng(6);
    const a = rng.normals(500);
    const b = rng.normals(800).map((v) => 2 * v + 1);
    const [d] = quantileDifferences(a, b, [0.5]);
    const qa = quantilesWithError(a, [0.5])[0];
    const qb = quantilesWithError(b, [0.5])[0];
    expect(d.difference).toBeCloseTo(qa.value - qb.value, 14);
    expect(d.se).toBeCloseTo(Math.hypot(qa.se, qb.se), 14);
    expect(qa.lower).toBeLessThan(qa.value);
    expect(qa.upper).toBeGreaterThan(qa.value);
  });
  it('validates its inputs', () => {
    expect(() => quantilesWithError([1, 2, 3], [0.5])).toThrow(/at least 10/);
    expect(() => quantilesWithError(new Float64Array(20), [0])).toThrow(/ps\[0\]/);
    expect(() => quantilesWithError(new Float64Array(20), [0.5], { z: 0 })).toThrow(/z: expected/);
    expect(() => quantilesWithError(new Float64Array(20), [])).toThrow(/ps: expected/);
  });
});
