import { describe, expect, it } from 'vitest';
import { DomainError, NonFiniteError, ShapeError } from './errors.js';
import { NDArray, assertShape, assertSquare, eye, fromData, fromNested, rowMajorStrides, sizeOf, zeros } from './ndarray.js';

const range = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('NDArray views share data', () => {
  it('reshape of a contiguous array is a view; -1 infers an axis', () => {
    const a = fromData(range(6), [2, 3]);
    const b = a.reshape(3, -1);
    expect(b.shape).toEqual([3, 2]);
    expect(b.data).toBe(a.data);
    b.set(42, 2, 1);
    expect(a.get(1, 2)).toBe(42);
    expect(() => a.reshape(4, 2)).toThrow(ShapeError);
  });
  it('slice is a view with the right offset and shape', () => {
    const a = fromData(range(12), [3, 4]);
    const s = a.slice([1, 3], [1, 3]);
    expect(s.shape).toEqual([2, 2]);
    expect(s.storage).toBe(a.storage);
    expect(s.toArray()).toEqual([
      [5, 6],
      [9, 10],
    ]);
    s.set(-1, 0, 0);
    expect(a.get(1, 1)).toBe(-1);
    expect(s.isContiguous).toBe(false);
    expect(() => a.slice([2, 5], null)).toThrow(DomainError);
  });
  it('transpose is a view; default reverses axes; permutations are checked', () => {
    const a = fromData(range(6), [2, 3]);
    const t = a.transpose();
    expect(t.shape).toEqual([3, 2]);
    expect(t.storage).toBe(a.storage);
    expect(t.get(2, 1)).toBe(a.get(1, 2));
    t.set(7, 0, 1);
    expect(a.get(1, 0)).toBe(7);
    const c = fromData(range(24), [2, 3, 4]).transpose(1, 2, 0);
    expect(c.shape).toEqual([3, 4, 2]);
    expect(c.get(2, 3, 1)).toBe(1 * 12 + 2 * 4 + 3);
    expect(() => a.transpose(0, 0)).toThrow(ShapeError);
  });
  it('transpose accepts permutations of more than 10 axes (numeric, not lexicographic, check)', () => {
    const shape = new Array(11).fill(1);
    const a = zeros(...shape);
    const perm = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    expect(a.transpose(...perm).ndim).toBe(11);
  });
  it('row(i) is a view of row i', () => {
    const a = fromData(range(6), [2, 3]);
    const r = a.row(1);
    expect(r.shape).toEqual([3]);
    expect(r.toArray()).toEqual([3, 4, 5]);
    r.set(9, 0);
    expect(a.get(1, 0)).toBe(9);
    expect(a.transpose().row(2).toArray()).toEqual([2, 5]);
    expect(() => a.row(2)).toThrow(DomainError);
  });
});

describe('NDArray copies', () => {
  it('contiguous() of a view is a fresh row-major copy with the same elements; of a contiguous array is itself', () => {
    const a = fromData(range(6), [2, 3]);
    expect(a.contiguous()).toBe(a);
    const t = a.transpose().contiguous();
    expect(t.isContiguous).toBe(true);
    expect(t.data).not.toBe(a.data);
    expect(Array.from(t.data)).toEqual([0, 3, 1, 4, 2, 5]);
    t.data[0] = 100;
    expect(a.get(0, 0)).toBe(0);
    // reshape of a non-contiguous view copies first
    const r = a.transpose().reshape(6);
    expect(Array.from(r.data)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(r.data).not.toBe(a.data);
  });
  it('clone never shares data', () => {
    const a = fromData(range(4), [2, 2]);
    const c = a.clone();
    c.set(5, 0, 0);
    expect(a.get(0, 0)).toBe(0);
    expect(a.slice([1, 2], null).clone().toArray()).toEqual([[2, 3]]);
  });
});

describe('construction and round trips', () => {
  it('fromNested / toArray round-trip for 0-D to 3-D', () => {
    for (const v of [3.5, [1, 2, 3], [[1, 2], [3, 4], [5, 6]], [[[1], [2]], [[3], [4]]]]) {
      expect(fromNested(v).toArray()).toEqual(v);
    }
    expect(fromNested([[1, 2, 3], [4, 5, 6]]).shape).toEqual([2, 3]);
    expect(fromNested([]).shape).toEqual([0]);
  });
  it('ragged input throws ShapeError, NaN / Infinity throw NonFiniteError', () => {
    expect(() => fromNested([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => fromNested([1, [2]])).toThrow(ShapeError);
    expect(() => fromNested([[1], 2])).toThrow(ShapeError);
    expect(() => fromNested(['a'])).toThrow(ShapeError);
    expect(() => fromNested([1, Number.NaN])).toThrow(NonFiniteError);
    expect(() => fromNested([[1, Number.POSITIVE_INFINITY]])).toThrow(NonFiniteError);
    expect(() => fromNested([1, Number.NaN], 'm')).toThrow(/^m: /);
  });
  it('constructor and helpers validate shapes', () => {
    expect(() => new NDArray(new Float64Array(5), [2, 3])).toThrow(ShapeError);
    expect(() => new NDArray(new Float64Array(6), [2, -3])).toThrow(ShapeError);
    expect(() => fromData([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(rowMajorStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(() => assertShape(zeros(2, 3), [2, 4], 'a')).toThrow(ShapeError);
    expect(() => assertShape(zeros(2, 3), [-1, 3], 'a')).not.toThrow();
    expect(assertSquare(zeros(4, 4), 'a')).toBe(4);
    expect(() => assertSquare(zeros(4, 3), 'a')).toThrow(ShapeError);
  });
  it('get / set check indices', () => {
    const a = zeros(2, 2);
    expect(() => a.get(2, 0)).toThrow(DomainError);
    expect(() => a.get(0)).toThrow(ShapeError);
    expect(() => a.set(1, 0, 1.5)).toThrow(DomainError);
  });
});
