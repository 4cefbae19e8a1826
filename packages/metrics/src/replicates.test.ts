import { Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { meanDifference, meanWithError, normalQuantile, replicateDeviation, studentTCdf, studentTQuantile, tMultiplier } from './replicates.js';

describe('normal and Student-t quantiles', () => {
  it('match closed forms and tabulated values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 12);
    // dof = 1 is the Cauchy law: F(t) = 1/2 + atan(t)/pi, quantile tan(pi (p - 1/2))
    expect(studentTCdf(2.5, 1)).toBeCloseTo(0.5 + Math.atan(2.5) / Math.PI, 12);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 8);
    // dof = 2: quantile (2p - 1) / sqrt(2 p (1 - p))
    for (const p of [0.6, 0.9, 0.995]) expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
    expect(studentTQuantile(0.99, 5)).toBeCloseTo(3.36492999890721, 8);
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-2.364624251592785, 8);
    // large dof tends to the normal quantile
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959963984540054, 5);
    expect(tMultiplier(0.01, 9, 5)).toBeCloseTo(studentTQuantile(1 - 0.001, 9), 12);
  });
  it('refuse probabilities outside (0, 1) and non-positive dof', () => {
    expect(() => normalQuantile(1)).toThrow(/p: expected a probability/);
    expect(() => studentTQuantile(0.5, 0)).toThrow(/dof/);
    expect(() => studentTCdf(Number.NaN, 3)).toThrow(/t: expected/);
  });
});

describe('replicateDeviation', () => {
  it('computes mean, standard error and the worst point exactly on a small example', () => {
    const runs = [
      [0, 1, 2],
      [0, 3, 2],
      [0, 2, 5],
    ];
    const theory = [0, 2, 2];
    const r = replicateDeviation(runs, theory, { quantile: 2, bias: 0.1 });
    expect(Array.from(r.mean)).toEqual([0, 2, 3]);
    expect(r.sd[1]).toBeCloseTo(1, 14);
    expect(r.se[2]).toBeCloseTo(Math.sqrt(3) / Math.sqrt(3), 14);
    expect(Array.from(r.deviation)).toEqual([0, 0, 1]);
    expect(r.maxAbsDeviation).toBe(1);
    expect(r.maxIndex).toBe(2);
    expect(r.maxDeviationInSe).toBeCloseTo(1 / 1, 12);
    expect(r.worst.index).toBe(2);
    expect(r.worst.tolerance).toBeCloseTo(2 * 1 + 0.1, 12);
    expect(r.worst.ratio).toBeCloseTo(1 / 2.1, 12);
    expect(r.worst.mean).toBe(3);
    expect(r.worst.theory).toBe(2);
  });
  it('the default Student-t tolerance has its nominal per-point coverage (1 % two-sided) for Gaussian replicates', () => {
    const rng = new Rng(11);
    const trials = 4000;
    const R = 4;
    let miss = 0;
    for (let k = 0; k < trials; k++) {
      const z = rng.normals(R);
      const r = replicateDeviation(Array.from(z, (v) => [3 + 0.7 * v]), [3]);
      if (r.worst.ratio > 1) miss++;
    }
    // binomial sd of the rate sqrt(0.01 * 0.99 / 4000) = 0.0016: 4 sd
    expect(Math.abs(miss / trials - 0.01)).toBeLessThan(0.0065);
  });
  it('a wrong theory (offset of 5 single-run sd) is caught with R = 8', () => {
    const rng = new Rng(12);
    const z = rng.normals(8);
    const r = replicateDeviation(Array.from(z, (v) => [v, 2 * v]), [5, 0]);
    expect(r.worst.index).toBe(0);
    expect(r.worst.ratio).toBeGreaterThan(1);
  });
  it('validates its inputs', () => {
    expect(() => replicateDeviation([[1, 2]], [1, 2])).toThrow(/at least 2 replicates/);
    expect(() => replicateDeviation([[1, 2], [1]], [1, 2])).toThrow(/runs\[1\]: expected length 2/);
    expect(() => replicateDeviation([[1, Number.NaN], [1, 2]], [1, 2])).toThrow(/runs\[0\]/);
    expect(() => replicateDeviation([[1], [2]], [1], { bias: -1 })).toThrow(/bias/);
  });
});

describe('meanWithError / meanDifference', () => {
  it('exact values and Welch degrees of freedom', () => {
    const a = meanWithError([1, 2, 3, 4]);
    expect(a.mean).toBe(2.5);
    expect(a.sd).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(a.se).toBeCloseTo(Math.sqrt(5 / 3) / 2, 14);
    const d = meanDifference([1, 2, 3, 4], [0, 0, 3]);
    expect(d.difference).toBeCloseTo(1.5, 14);
    const va = 5 / 12;
    const vb = 3 / 3;
    expect(d.se).toBeCloseTo(Math.sqrt(va + vb), 14);
    expect(d.dof).toBeCloseTo((va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 2), 12);
    expect(() => meanWithError([1])).toThrow(/at least 2/);
  });
});
