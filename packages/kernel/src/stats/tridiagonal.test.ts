import { describe, expect, it } from 'vitest';
import { tridiagonalEigenvaluesInPlace } from './tridiagonal.js';

describe('tridiagonalEigenvaluesInPlace', () => {
  it('tridiag(-1, 2, -1) has eigenvalues 2 - 2 cos(k pi / (n + 1))', () => {
    for (const n of [1, 2, 5, 50, 200]) {
      const d = new Float64Array(n).fill(2);
      const e = new Float64Array(n).fill(-1);
      tridiagonalEigenvaluesInPlace(d, e);
      d.sort();
      for (let k = 1; k <= n; k++) expect(Math.abs(d[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-13);
    }
  });
  it('a decoupled matrix (zero off-diagonal) keeps its diagonal; trace is preserved', () => {
    const d = Float64Array.of(3, -1, 2, 7);
    const e = new Float64Array(4);
    tridiagonalEigenvaluesInPlace(d, e);
    expect(Array.from(d).sort((a, b) => a - b)).toEqual([-1, 2, 3, 7]);
    const d2 = Float64Array.of(1, 5, -2, 0.5, 3);
    const e2 = Float64Array.of(0.3, -1.2, 2, 0.7, 0);
    tridiagonalEigenvaluesInPlace(d2, e2);
    expect(d2.reduce((a, b) => a + b, 0)).toBeCloseTo(7.5, 13);
    // sum of squares of eigenvalues = Frobenius norm^2 = sum d^2 + 2 sum e^2
    const fro = 1 + 25 + 4 + 0.25 + 9 + 2 * (0.09 + 1.44 + 4 + 0.49);
    expect(d2.reduce((a, b) => a + b * b, 0)).toBeCloseTo(fro, 12);
  });
});
