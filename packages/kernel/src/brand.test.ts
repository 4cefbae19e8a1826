import { describe, expect, it } from 'vitest';
import { DiffusionTheoryError, DivergenceError, DomainError, isKernelError, NotPositiveDefiniteError, ShapeError } from './errors.js';
import { fromNdarray, fromNested, isNDArray, NDArray, toNdarray, zeros } from './ndarray.js';
import { isRng, Rng } from './rng.js';

// A stand-in for the same classes loaded from another installed kernel version: a different
// class object that carries the registry-keyed brand.
const foreignNd = (data: Float64Array, shape: number[]) => {
  const a = new NDArray(data, shape);
  return Object.setPrototypeOf({ ...a, storage: data }, Object.create(Object.getPrototypeOf(a))) as unknown;
};

describe('brands (recognition without object identity)', () => {
  it('isNDArray / instanceof NDArray accept a branded object of another class and refuse look-alikes', () => {
    class OtherNd {
      readonly shape = [2, 2];
      get [Symbol.for('@diffusion-theory/kernel.NDArray')]() {
        return 1;
      }
    }
    const other = new OtherNd();
    expect(isNDArray(other)).toBe(true);
    expect(other instanceof NDArray).toBe(true);
    expect(isNDArray(foreignNd(new Float64Array(4), [2, 2]))).toBe(true);
    expect(isNDArray({ data: new Float64Array(4), shape: [2, 2], strides: [2, 1], offset: 0 })).toBe(false);
    expect(isNDArray(null)).toBe(false);
    expect(isNDArray(new Float64Array(3))).toBe(false);
    expect(zeros(2, 2) instanceof NDArray).toBe(true);
  });

  it('isRng / instanceof Rng by brand', () => {
    class OtherRng {
      get [Symbol.for('@diffusion-theory/kernel.Rng')]() {
        return 1;
      }
    }
    expect(isRng(new Rng(1))).toBe(true);
    expect(isRng(new OtherRng())).toBe(true);
    expect(new OtherRng() instanceof Rng).toBe(true);
    expect(isRng({ uniform: () => 0.5 })).toBe(false);
  });

  it('errors carry a stable name, code and kinds; isKernelError and instanceof follow them', () => {
    const e = new ShapeError('x: expected shape [2], got [3]');
    expect(e.name).toBe('ShapeError');
    expect(e.code).toBe('ShapeError');
    expect(e.message).toBe('x: expected shape [2], got [3]');
    expect(isKernelError(e)).toBe(true);
    expect(isKernelError(e, 'ShapeError')).toBe(true);
    expect(isKernelError(e, 'DiffusionTheoryError')).toBe(true);
    expect(isKernelError(e, 'DomainError')).toBe(false);
    expect(e instanceof ShapeError).toBe(true);
    expect(e instanceof DiffusionTheoryError).toBe(true);
    expect(e instanceof Error).toBe(true);
    expect(e instanceof DomainError).toBe(false);
    const d = new DivergenceError('loss: NaN at step 7', 7);
    expect([d.code, d.step, d instanceof DivergenceError]).toEqual(['DivergenceError', 7, true]);
    expect(isKernelError(new Error('plain'))).toBe(false);
    expect(isKernelError('ShapeError')).toBe(false);
    // a "foreign" error: another class object with the same brand
    const foreign = Object.assign(new Error('not PD'), { name: 'NotPositiveDefiniteError', code: 'NotPositiveDefiniteError' });
    Object.defineProperty(foreign, Symbol.for('@diffusion-theory/kernel.Error'), { value: ['NotPositiveDefiniteError', 'DiffusionTheoryError'] });
    expect(foreign instanceof NotPositiveDefiniteError).toBe(true);
    expect(foreign instanceof DiffusionTheoryError).toBe(true);
    expect(foreign instanceof ShapeError).toBe(false);
  });

  it('a subclass defined outside the kernel keeps its own kind when it declares one, else plain prototype instanceof', () => {
    class DatasetMissing extends DiffusionTheoryError {
      static override readonly kind: string = 'DatasetMissing';
    }
    class Plain extends ShapeError {}
    const a = new DatasetMissing('no data');
    expect([a.code, isKernelError(a, 'DatasetMissing'), isKernelError(a, 'DiffusionTheoryError'), a instanceof DatasetMissing]).toEqual([
      'DatasetMissing',
      true,
      true,
      true,
    ]);
    const b = new Plain('p');
    expect([b.code, b instanceof Plain, b instanceof ShapeError, new ShapeError('s') instanceof Plain]).toEqual(['ShapeError', true, true, false]);
  });
});

describe('views never hand out a buffer that reads as something else', () => {
  const a = fromNested([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ]);

  it('row(i).data is that row only and shares memory', () => {
    const r = a.row(1);
    expect(Array.from(r.data)).toEqual([5, 6, 7, 8]);
    expect(r.storage).toBe(a.storage);
    const z = zeros(3, 4);
    z.row(1).data[2] = 9;
    expect(z.get(1, 2)).toBe(9);
    expect(zeros(3, 4).row(1).data.length).toBe(4);
  });

  it('a row-major slice at an offset gives its own run; a transpose or column slice refuses data and copies on contiguous()', () => {
    expect(Array.from(a.slice([1, 3], null).data)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(() => a.transpose().data).toThrow(ShapeError);
    expect(() => a.slice(null, [1, 3]).data).toThrow(/not contiguous/);
    const t = a.transpose().contiguous();
    expect(Array.from(t.data)).toEqual([1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12]);
    const rc = a.row(2).contiguous();
    expect(Array.from(rc.data)).toEqual([9, 10, 11, 12]);
    expect(rc.storage).not.toBe(a.storage);
    expect(a.data).toBe(a.storage);
  });
});

describe('scijs ndarray interop (fromNdarray / toNdarray share memory)', () => {
  // the scijs constructor's fields, without the dependency
  const scijs = (data: Float64Array, shape: number[], stride: number[], offset: number) => ({ data, shape, stride, offset });

  it('fromNdarray views any strides without copying; toNdarray gives the same view back', () => {
    const buf = Float64Array.from({ length: 12 }, (_, i) => i);
    // a transposed 3 x 4 (i.e. 4 x 3 with strides [1, 4])
    const t = fromNdarray(scijs(buf, [4, 3], [1, 4], 0));
    expect(t.storage).toBe(buf);
    expect(t.toArray()).toEqual([
      [0, 4, 8],
      [1, 5, 9],
      [2, 6, 10],
      [3, 7, 11],
    ]);
    // a reversed row (negative stride)
    const r = fromNdarray(scijs(buf, [4], [-1], 7));
    expect(r.toArray()).toEqual([7, 6, 5, 4]);
    t.set(-1, 3, 2);
    expect(buf[11]).toBe(-1);
    const back = toNdarray(zeros(2, 3).row(1), scijs);
    expect([back.shape, back.stride, back.offset, back.data.length]).toEqual([[3], [1], 3, 6]);
  });

  it('refuses non-views and strides reaching outside the buffer', () => {
    expect(() => fromNdarray({ data: [1, 2], shape: [2], stride: [1], offset: 0 } as never)).toThrow(ShapeError);
    expect(() => fromNdarray(scijs(new Float64Array(6), [2, 3], [3, 1], 1))).toThrow(/reach outside/);
    expect(() => fromNdarray(scijs(new Float64Array(6), [3], [-1], 1))).toThrow(/reach outside/);
    expect(fromNdarray(scijs(new Float64Array(0), [0, 3], [3, 1], 0)).size).toBe(0);
  });
});
