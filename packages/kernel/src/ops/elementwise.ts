import { NonFiniteError, ShapeError, describeValue } from '../errors.js';
import { NDArray, isNDArray } from '../ndarray.js';
import { flatFinite } from './validate.js';

function sameShape(a: NDArray, b: NDArray, nameB: string): void {
  if (!isNDArray(a) || !isNDArray(b)) throw new ShapeError(`${nameB}: expected NDArray operands`);
  if (a.ndim !== b.ndim || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(`${nameB}: expected shape [${a.shape.join(', ')}] (same as a), got [${b.shape.join(', ')}]`);
  }
}

function lengthsMatch(x: Float64Array, y: Float64Array): void {
  if (x.length !== y.length) throw new ShapeError(`y: expected ${x.length} elements (same as x), got ${y.length}`);
}

/** The inner product sum_i x_i y_i of two arrays with the same number of elements. */
export function dot(x: NDArray | Float64Array, y: NDArray | Float64Array): number {
  const xd = flatFinite(x, 'x');
  const yd = flatFinite(y, 'y');
  lengthsMatch(xd, yd);
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < xd.length; i += 2) {
    s0 += xd[i] * yd[i];
    s1 += xd[i + 1] * yd[i + 1];
  }
  if (i < xd.length) s0 += xd[i] * yd[i];
  return s0 + s1;
}

/** Euclidean norm of the flattened elements, scaled so it neither overflows nor underflows. */
export function norm2(x: NDArray | Float64Array): number {
  const d = flatFinite(x, 'x');
  let scale = 0;
  for (let i = 0; i < d.length; i++) scale = Math.max(scale, Math.abs(d[i]));
  if (scale === 0) return 0;
  const inv = 1 / scale;
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i] * inv;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/** Frobenius norm sqrt(sum_ij a_ij^2) of a 2-D array. */
export function frobeniusNorm(a: NDArray): number {
  if (!isNDArray(a) || a.ndim !== 2) throw new ShapeError('a: expected a 2-D NDArray');
  return norm2(a);
}

/** Elementwise a + b (same shapes); a new contiguous array. */
export function add(a: NDArray, b: NDArray): NDArray {
  sameShape(a, b, 'b');
  const x = flatFinite(a, 'a');
  const y = flatFinite(b, 'b');
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i];
  return new NDArray(out, a.shape);
}

/** Elementwise a - b (same shapes); a new contiguous array. */
export function sub(a: NDArray, b: NDArray): NDArray {
  sameShape(a, b, 'b');
  const x = flatFinite(a, 'a');
  const y = flatFinite(b, 'b');
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - y[i];
  return new NDArray(out, a.shape);
}

/** s a; a new contiguous array. */
export function scale(a: NDArray, s: number): NDArray {
  if (typeof s !== 'number' || !Number.isFinite(s)) throw new NonFiniteError(`s: expected a finite number, got ${String(s)}`);
  if (!isNDArray(a)) throw new ShapeError('a: expected an NDArray');
  const x = flatFinite(a, 'a');
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = s * x[i];
  return new NDArray(out, a.shape);
}

/** f applied to every element (f gets the value and its flat row-major index); a new array. */
export function map(a: NDArray, f: (v: number, i: number) => number): NDArray {
  if (!isNDArray(a)) throw new ShapeError('a: expected an NDArray');
  const x = a.contiguous().data;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i], i);
  return new NDArray(out, a.shape);
}

/** Sum of all elements (pairwise-free Kahan-Babuska compensated summation). */
export function sum(a: NDArray | Float64Array): number {
  const x = flatFinite(a, 'a');
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

/** Mean of all elements; ShapeError for an empty array. */
export function mean(a: NDArray | Float64Array): number {
  if (!isNDArray(a) && !(a instanceof Float64Array)) throw new ShapeError(`a: expected an NDArray or a Float64Array, got ${describeValue(a)}`);
  const n = isNDArray(a) ? a.size : a.length;
  if (n === 0) throw new ShapeError('a: expected at least one element for mean');
  return sum(a) / n;
}

/** Largest element; ShapeError for an empty array. */
export function max(a: NDArray | Float64Array): number {
  const x = flatFinite(a, 'a');
  if (x.length === 0) throw new ShapeError('a: expected at least one element for max');
  let m = x[0];
  for (let i = 1; i < x.length; i++) if (x[i] > m) m = x[i];
  return m;
}

/** Smallest element; ShapeError for an empty array. */
export function min(a: NDArray | Float64Array): number {
  const x = flatFinite(a, 'a');
  if (x.length === 0) throw new ShapeError('a: expected at least one element for min');
  let m = x[0];
  for (let i = 1; i < x.length; i++) if (x[i] < m) m = x[i];
  return m;
}
