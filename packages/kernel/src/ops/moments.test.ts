import { describe, expect, it } from 'vitest';
import { DomainError, NonFiniteError, ShapeError } from '../errors.js';
import { NDArray, fromNested } from '../ndarray.js';
import { Rng } from '../rng.js';
import { sampleCovariance, sampleMean } from './moments.js';

describe('sampleMean / sampleCovariance', () => {
  it('equals the two-pass definition sum (x_i - mu)(x_i - mu)^T / (n - ddof)', () => {
    const rng = new Rng(7);
    const [n, d] = [53, 9];
    const x = new NDArray(rng.normals(n * d).map((v, i) => v * (1 + (i % d)) + 3), [n, d]);
    const mu = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += x.get(i, j) / n;
    const gotMu = sampleMean(x);
    for (let j = 0; j < d; j++) expect(gotMu[j]).toBeCloseTo(mu[j], 12);
    for (const ddof of [0, 1]) {
      const cov = sampleCovariance(x, { ddof });
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += (x.get(i, a) - mu[a]) * (x.get(i, b) - mu[b]);
          const want = s / (n - ddof);
          expect(Math.abs(cov.get(a, b) - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
          expect(cov.get(a, b)).toBe(cov.get(b, a));
        }
      }
    }
    // A known mean is used as given (here the true centre 3 differs from the sample mean).
    const known = sampleCovariance(x, { mean: new Float64Array(d).fill(3), ddof: 0 });
    let s = 0;
    for (let i = 0; i < n; i++) s += (x.get(i, 0) - 3) ** 2;
    expect(known.get(0, 0)).toBeCloseTo(s / n, 12);
  });

  it('recovers a known covariance from Gaussian samples within 5 standard errors', () => {
    // x = L z with z ~ N(0, I): Cov = L L^T. The standard error of the (a, b) entry of the
    // sample covariance is sqrt((S_aa S_bb + S_ab^2) / n); with n = 40000 it is <= 0.011 here.
    const L = [[1, 0, 0, 0], [0.5, 1.2, 0, 0], [-0.3, 0.4, 0.8, 0], [0.2, -0.6, 0.1, 0.5]];
    const d = 4;
    const n = 40_000;
    const rng = new Rng(42);
    const z = rng.normals(n * d);
    const x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b <= a; b++) s += L[a][b] * z[i * d + b];
        x[i * d + a] = s + 10 * a;
      }
    }
    const S = L.map((ra) => L.map((rb) => ra.reduce((acc, v, t) => acc + v * rb[t], 0)));
    const X = new NDArray(x, [n, d]);
    const cov = sampleCovariance(X);
    const mu = sampleMean(X);
    for (let a = 0; a < d; a++) {
      expect(Math.abs(mu[a] - 10 * a)).toBeLessThan(5 * Math.sqrt(S[a][a] / n));
      for (let b = 0; b < d; b++) {
        const se = Math.sqrt((S[a][a] * S[b][b] + S[a][b] ** 2) / n);
        expect(Math.abs(cov.get(a, b) - S[a][b]), `entry (${a}, ${b})`).toBeLessThan(5 * se);
      }
    }
  });

  it('throws typed errors', () => {
    const x = fromNested([[1, 2], [3, 4]]);
    expect(() => sampleCovariance(x, { ddof: 2 })).toThrow(DomainError);
    expect(() => sampleCovariance(x, { mean: new Float64Array(3) })).toThrow(ShapeError);
    expect(() => sampleMean(new NDArray(new Float64Array(3), [3]))).toThrow(ShapeError);
    x.set(Number.NaN, 0, 1);
    expect(() => sampleCovariance(x)).toThrow(NonFiniteError);
  });
});
