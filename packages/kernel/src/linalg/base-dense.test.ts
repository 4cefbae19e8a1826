import { describe, expect, it } from 'vitest';
import { gemmNT, transposeInto } from './base-dense.js';
import { matmul, randn, relErr, t } from './test-helpers.js';
import { NDArray } from '../ndarray.js';

describe('gemmNT', () => {
  it('matches the triple loop for odd and even sizes, blocked and symmetric paths', () => {
    for (const [m, n, k] of [
      [1, 1, 1],
      [3, 5, 7],
      [65, 67, 130],
      [128, 129, 257],
    ]) {
      const x = randn(m, k, m + n + k);
      const y = randn(n, k, m * n * k);
      const out = new Float64Array(m * n).fill(Number.NaN);
      gemmNT(m, n, k, x.data, y.data, out);
      expect(relErr(new NDArray(out, [m, n]), matmul(x, t(y)))).toBeLessThan(1e-14);
      const sym = new Float64Array(m * m).fill(Number.NaN);
      gemmNT(m, m, k, x.data, x.data, sym, true);
      expect(relErr(new NDArray(sym, [m, m]), matmul(x, t(x)))).toBeLessThan(1e-14);
    }
  });

  it('transposeInto', () => {
    const x = randn(37, 70, 1);
    const out = new Float64Array(37 * 70);
    transposeInto(37, 70, x.data, out);
    expect(relErr(new NDArray(out, [70, 37]), t(x))).toBe(0);
  });
});
