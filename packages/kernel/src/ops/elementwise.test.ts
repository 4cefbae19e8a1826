import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../errors.js';
import { fromNested } from '../ndarray.js';
import { add, dot, frobeniusNorm, map, max, mean, min, norm2, scale, sub, sum } from './elementwise.js';
import { addRowVector, rowDot, rowMap, rowNorms } from './rows.js';

describe('elementwise ops and reductions', () => {
  const a = fromNested([[1, -2], [3, 4]]);
  const b = fromNested([[0.5, 0.5], [-1, 2]]);

  it('gives exact values', () => {
    expect(add(a, b).toArray()).toEqual([[1.5, -1.5], [2, 6]]);
    expect(sub(a, b).toArray()).toEqual([[0.5, -2.5], [4, 2]]);
    expect(scale(a, -2).toArray()).toEqual([[-2, 4], [-6, -8]]);
    expect(map(a, (v, i) => v * i).toArray()).toEqual([[0, -2], [6, 12]]);
    expect(dot(a, b)).toBe(0.5 - 1 - 3 + 8);
    expect(sum(a)).toBe(6);
    expect(mean(a)).toBe(1.5);
    expect(max(a)).toBe(4);
    expect(min(a)).toBe(-2);
    expect(norm2(new Float64Array([3, 4]))).toBe(5);
    expect(frobeniusNorm(a)).toBeCloseTo(Math.sqrt(30), 14);
    // On a transposed view, elements are read in the view's order.
    expect(sub(a.transpose(), a).toArray()).toEqual([[0, 5], [-5, 0]]);
  });

  it('norm2 neither overflows nor underflows; sum is compensated', () => {
    expect(norm2(new Float64Array([3e200, 4e200]))).toBeCloseTo(5e200, -186);
    expect(norm2(new Float64Array([3e-200, 4e-200])) / 5e-200).toBeCloseTo(1, 14);
    expect(sum(new Float64Array([1, 1e100, 1, -1e100]))).toBe(2);
  });

  it('row-batched ops', () => {
    const x = fromNested([[1, 2, 2], [0, 3, 4]]);
    expect(addRowVector(x, new Float64Array([1, 0, -1])).toArray()).toEqual([[2, 2, 1], [1, 3, 3]]);
    expect(Array.from(rowDot(x, new Float64Array([1, 1, 1])))).toEqual([5, 7]);
    expect(Array.from(rowNorms(x))).toEqual([3, 5]);
    expect(Array.from(rowMap(x, (r, i) => r[0] + 10 * i))).toEqual([1, 10]);
  });

  it('throws typed errors', () => {
    expect(() => add(a, fromNested([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => dot(new Float64Array(2), new Float64Array(3))).toThrow(ShapeError);
    expect(() => sum(new Float64Array([1, Number.NaN]))).toThrow(NonFiniteError);
    expect(() => rowDot(a, new Float64Array(3))).toThrow(ShapeError);
    expect(() => mean(new Float64Array(0))).toThrow(ShapeError);
  });
});
