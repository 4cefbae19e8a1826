import { DomainError, NDArray, Rng, ShapeError, orthonormalFrame } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { offSubspaceEmpirical, perGroupVariance } from './subspace.js';

describe('offSubspaceEmpirical', () => {
  it('exact small case: w = e1 in R^3', () => {
    const X = new NDArray(Float64Array.of(1, 2, 3, 0, 1, 1), [2, 3]);
    const w = new NDArray(Float64Array.of(2, 0, 0), [3, 1]);
    const r = offSubspaceEmpirical(X, w);
    // off-span squared norms 13 and 2, per direction 6.5 and 1
    expect(r.rank).toBe(1);
    expect(r.variance).toBeCloseTo(3.75, 14);
    expect(r.standardError).toBeCloseTo(Math.sqrt(((6.5 - 3.75) ** 2 + (1 - 3.75) ** 2) / 1 / 2), 14);
  });

  it('Result 2.2 shape: span(w) part of any law plus N(0, v) off it gives v within 4 standard errors; independent of the basis of span(w)', () => {
    const d = 60;
    const n = 3000;
    const v = 0.37;
    const rng = new Rng(1);
    const F = orthonormalFrame(d, 2, rng).data; // d x 2
    const X = new Float64Array(n * d);
    for (let k = 0; k < n; k++) {
      const a = [3 * Math.tanh(2 * rng.normal()), rng.normal() ** 2];
      const y = rng.normals(d);
      // y minus its projection on F, scaled: N(0, v P_perp)
      const p = [0, 0];
      for (let i = 0; i < d; i++) for (let j = 0; j < 2; j++) p[j] += F[i * 2 + j] * y[i];
      for (let i = 0; i < d; i++) X[k * d + i] = F[i * 2] * (a[0] - Math.sqrt(v) * p[0]) + F[i * 2 + 1] * (a[1] - Math.sqrt(v) * p[1]) + Math.sqrt(v) * y[i];
    }
    const samples = new NDArray(X, [n, d]);
    // w = F M for an invertible M: same span
    const w = new Float64Array(d * 2);
    for (let i = 0; i < d; i++) {
      w[i * 2] = 5 * F[i * 2] + F[i * 2 + 1];
      w[i * 2 + 1] = -2 * F[i * 2] + 0.5 * F[i * 2 + 1];
    }
    const r1 = offSubspaceEmpirical(samples, new NDArray(w, [d, 2]));
    const r2 = offSubspaceEmpirical(samples, new NDArray(F, [d, 2]));
    expect(r1.rank).toBe(2);
    expect(r1.variance).toBeCloseTo(r2.variance, 12);
    expect(Math.abs(r1.variance - v)).toBeLessThan(4 * r1.standardError);
    // the standard error is that of a mean of chi^2_{d-2} / (d-2) scaled by v: v sqrt(2 / (d - 2)) / sqrt n
    expect(r1.standardError / (v * Math.sqrt(2 / (d - 2) / n))).toBeGreaterThan(0.9);
    expect(r1.standardError / (v * Math.sqrt(2 / (d - 2) / n))).toBeLessThan(1.1);
  });

  it('a rank-deficient w counts its rank once', () => {
    const d = 10;
    const rng = new Rng(2);
    const a = rng.normals(d);
    const X = new NDArray(rng.normals(20 * d), [20, d]);
    const w2 = new Float64Array(2 * d);
    for (let i = 0; i < d; i++) w2[2 * i] = w2[2 * i + 1] = a[i];
    const r2 = offSubspaceEmpirical(X, new NDArray(w2, [d, 2]));
    const r1 = offSubspaceEmpirical(X, new NDArray(a, [d, 1]));
    expect(r2.rank).toBe(1);
    expect(r2.variance).toBeCloseTo(r1.variance, 12);
  });

  it('validates its inputs', () => {
    const X = new NDArray(new Float64Array(12), [4, 3]);
    expect(() => offSubspaceEmpirical(X, new NDArray(new Float64Array(4), [4, 1]))).toThrow(ShapeError);
    expect(() => offSubspaceEmpirical(X, new NDArray(new Float64Array(3), [3, 1]))).toThrow(DomainError);
    expect(() => offSubspaceEmpirical(X, new NDArray(Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), [3, 3]))).toThrow(/rank 3/);
    expect(() => offSubspaceEmpirical(new NDArray(new Float64Array(3), [1, 3]), new NDArray(Float64Array.of(1, 0, 0), [3, 1]))).toThrow(/samples/);
  });
});

describe('perGroupVariance', () => {
  it('exact small case, uncentred and centred', () => {
    // rows (1, 2, 3, 4) and (3, 0, 1, 0); groups [0, 1, 1, 0]
    const X = new NDArray(Float64Array.of(1, 2, 3, 4, 3, 0, 1, 0), [2, 4]);
    const g = [0, 1, 1, 0];
    const u = perGroupVariance(X, g);
    expect(Array.from(u.size)).toEqual([2, 2]);
    // group 0: rows (1^2 + 4^2)/2 = 8.5 and (9 + 0)/2 = 4.5 -> 6.5; group 1: (4 + 9)/2 = 6.5 and 0.5 -> 3.5
    expect(u.variance[0]).toBeCloseTo(6.5, 14);
    expect(u.variance[1]).toBeCloseTo(3.5, 14);
    expect(u.standardError[0]).toBeCloseTo(Math.sqrt(((8.5 - 6.5) ** 2 + (4.5 - 6.5) ** 2) / 2), 14);
    const c = perGroupVariance(X, g, { centre: true });
    // per-coordinate sample variances (divisor n - 1 = 1): 2, 2, 2, 8 -> group 0: (2 + 8)/2, group 1: 2
    expect(c.variance[0]).toBeCloseTo(5, 14);
    expect(c.variance[1]).toBeCloseTo(2, 14);
  });

  it('Gaussian coordinates with variance ell_s per group: within 4 standard errors', () => {
    const d = 30;
    const n = 2000;
    const ell = [2, 0.5, 0.1];
    const groups = Array.from({ length: d }, (_, i) => i % 3);
    const rng = new Rng(3);
    const X = rng.normals(n * d);
    for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) X[k * d + i] *= Math.sqrt(ell[groups[i]]);
    const r = perGroupVariance(new NDArray(X, [n, d]), groups);
    for (let s = 0; s < 3; s++) expect(Math.abs(r.variance[s] - ell[s])).toBeLessThan(4 * r.standardError[s]);
  });

  it('validates its inputs', () => {
    const X = new NDArray(new Float64Array(8), [2, 4]);
    expect(() => perGroupVariance(X, [0, 1, 0])).toThrow(ShapeError);
    expect(() => perGroupVariance(X, [0, 2, 0, 0])).toThrow(/group 1/);
    expect(() => perGroupVariance(X, [0, -1, 0, 0])).toThrow(DomainError);
  });
});
