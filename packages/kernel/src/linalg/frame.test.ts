import { describe, expect, it } from 'vitest';
import { DomainError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { Rng } from '../rng.js';
import { orthonormalFrame } from './frame.js';

/** max |(Q^T Q - I)_ab| of a d x k row-major frame. */
function orthDefect(q: Float64Array, d: number, k: number): number {
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let g = 0;
      for (let i = 0; i < d; i++) g += q[i * k + a] * q[i * k + b];
      worst = Math.max(worst, Math.abs(g - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('orthonormalFrame', () => {
  it('returns d x k orthonormal columns (k < d and k = d)', () => {
    for (const [d, k] of [[7, 3], [40, 40], [1, 1], [200, 2]]) {
      const q = orthonormalFrame(d, k, new Rng(d + k));
      expect(q.shape).toEqual([d, k]);
      expect(orthDefect(q.data, d, k)).toBeLessThan(1e-13);
    }
  });

  it('keeps the fixed vectors bit for bit as the first columns and completes orthogonally to them', () => {
    const d = 30;
    const rng = new Rng(5);
    // Two orthonormal fixed vectors: a rotated pair in the (0, 3) plane.
    const th = 0.7;
    const f1 = new Float64Array(d);
    const f2 = new Float64Array(d);
    f1[0] = Math.cos(th);
    f1[3] = Math.sin(th);
    f2[0] = -Math.sin(th);
    f2[3] = Math.cos(th);
    const q = orthonormalFrame(d, d, rng, [f1, f2]).data;
    for (let i = 0; i < d; i++) {
      expect(q[i * d]).toBe(f1[i]);
      expect(q[i * d + 1]).toBe(f2[i]);
    }
    expect(orthDefect(q, d, d)).toBeLessThan(1e-13);
    // the same vectors given as the columns of a d x 2 NDArray
    const cols = new NDArray(Float64Array.from({ length: 2 * d }, (_, ij) => (ij % 2 === 0 ? f1[ij >> 1] : f2[ij >> 1])), [d, 2]);
    expect(orthonormalFrame(d, 3, new Rng(5), cols).data).toEqual(orthonormalFrame(d, 3, new Rng(5), [f1, f2]).data);
    expect(() => orthonormalFrame(d, 3, rng, new NDArray(new Float64Array(4), [2, 2]))).toThrow(/shape/);
  });

  it('the completion is uniform on the complement: E[q q^T] = (I - F F^T)/(d - f) (Monte Carlo, 5 standard errors)', () => {
    const d = 5;
    const draws = 4000;
    const e0 = new Float64Array(d);
    e0[0] = 1;
    const acc = new Float64Array(d * d);
    const rng = new Rng(11);
    for (let s = 0; s < draws; s++) {
      const q = orthonormalFrame(d, 2, rng, [e0]).data;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) acc[i * d + j] += (q[i * 2 + 1] * q[j * 2 + 1]) / draws;
    }
    // Uniform unit vector on S^{m-1}, m = 4: E x_i^2 = 1/4, sd(x_i^2) = sqrt(3/24 - 1/16) = 0.25; off-diagonal sd = sqrt(1/24).
    const se = 0.25 / Math.sqrt(draws);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const expected = i === j && i > 0 ? 0.25 : 0;
        expect(Math.abs(acc[i * d + j] - expected)).toBeLessThan(5 * se);
      }
    }
  });

  it('is reproducible from the seed', () => {
    expect(orthonormalFrame(10, 4, new Rng(3)).data).toEqual(orthonormalFrame(10, 4, new Rng(3)).data);
  });

  it('refuses bad arguments with the argument named', () => {
    const rng = new Rng(1);
    expect(() => orthonormalFrame(3, 4, rng)).toThrow(ShapeError);
    expect(() => orthonormalFrame(3, 0, rng)).toThrow(/k/);
    expect(() => orthonormalFrame(3, 2, rng, [new Float64Array(4)])).toThrow(/fixed\[0\]/);
    expect(() => orthonormalFrame(3, 2, rng, [Float64Array.of(1, 1, 0)])).toThrow(DomainError);
    expect(() => orthonormalFrame(3, 1, rng, [Float64Array.of(1, 0, 0), Float64Array.of(0, 1, 0)])).toThrow(/at most k/);
    expect(() => orthonormalFrame(3, 2, rng, [Float64Array.of(Number.NaN, 0, 0)])).toThrow(/fixed\[0\]/);
  });
});
