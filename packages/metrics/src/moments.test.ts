import { NDArray, NonFiniteError, Rng, ShapeError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { covarianceError, meanError, projectedMoments, projectedSampleMoments } from './moments.js';

const mat = (rows: number[][]) => new NDArray(Float64Array.from(rows.flat()), [rows.length, rows[0].length]);

describe('meanError', () => {
  it('exact values on a small sample', () => {
    const r = meanError(mat([[1, 2], [3, 4]]), [0, 0]);
    expect(Array.from(r.sampleMean)).toEqual([2, 3]);
    expect(Array.from(r.perDim)).toEqual([2, 3]);
    expect(r.norm).toBeCloseTo(Math.sqrt(13), 14);
    expect(r.squaredPerDim).toBeCloseTo(6.5, 14);
  });
  it('typed errors', () => {
    expect(() => meanError(mat([[1, 2]]), [0, 0, 0])).toThrow(ShapeError);
    expect(() => meanError(mat([[1, Number.NaN]]), [0, 0])).toThrow(NonFiniteError);
    expect(() => meanError(new NDArray(new Float64Array(3), [3]), [0])).toThrow(ShapeError);
  });
});

describe('covarianceError', () => {
  const x = mat([[1, 0], [-1, 0], [0, 2], [0, -2]]); // mean 0, covariance diag(2/3, 8/3) (ddof 1)
  it('zero against the exact sample covariance', () => {
    const r = covarianceError(x, mat([[2 / 3, 0], [0, 8 / 3]]));
    expect(r.frobenius).toBeLessThan(1e-15);
    expect(r.spectral).toBeLessThan(1e-15);
  });
  it('relative Frobenius and spectral errors against I', () => {
    const r = covarianceError(x, mat([[1, 0], [0, 1]]));
    expect(r.frobenius).toBeCloseTo(Math.sqrt(26) / 3, 14);
    expect(r.relFrobenius).toBeCloseTo(Math.sqrt(26) / 3 / Math.SQRT2, 14);
    expect(r.spectral).toBeCloseTo(5 / 3, 14);
    expect(r.relSpectral).toBeCloseTo(5 / 3, 14);
    const r0 = covarianceError(x, mat([[1, 0], [0, 1]]), { ddof: 0 });
    expect(r0.sampleCovariance.get(1, 1)).toBeCloseTo(2, 14);
  });
  it('typed errors', () => {
    expect(() => covarianceError(x, mat([[1, 0, 0], [0, 1, 0], [0, 0, 1]]))).toThrow(ShapeError);
    expect(() => covarianceError(x, mat([[1, Number.NaN], [0, 1]]))).toThrow(NonFiniteError);
    expect(() => covarianceError(mat([[1, 2]]), mat([[1, 0], [0, 1]]))).toThrow(ShapeError);
  });
});

describe('projectedSampleMoments', () => {
  it('equals the moments of the explicitly projected samples', () => {
    const rng = new Rng(3);
    const n = 50;
    const d = 4;
    const X = new NDArray(rng.normals(n * d), [n, d]);
    const B = mat([[1, 0], [1, 1], [0, 2], [0, 0]]);
    const r = projectedSampleMoments(X, B);
    const z = Array.from({ length: n }, (_, i) => [X.get(i, 0) + X.get(i, 1), X.get(i, 1) + 2 * X.get(i, 2)]);
    const mz = [0, 1].map((k) => z.reduce((s, v) => s + v[k], 0) / n);
    for (let k = 0; k < 2; k++) expect(r.mean[k]).toBeCloseTo(mz[k], 13);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
      const c = z.reduce((s, v) => s + (v[a] - mz[a]) * (v[b] - mz[b]), 0) / (n - 1);
      expect(r.covariance.get(a, b)).toBeCloseTo(c, 13);
    }
    expect(r.projections.shape).toEqual([n, 2]);
    expect(() => projectedSampleMoments(X, mat([[1], [0], [0]]))).toThrow(ShapeError);
    // the deprecated name is the same function
    expect(projectedMoments).toBe(projectedSampleMoments);
  });
});
