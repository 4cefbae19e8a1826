import { resolveBackend } from '../backend/registry.js';
import { ELEMENTWISE_FNS, type Backend, type ElementwiseFn } from '../backend/types.js';
import { DomainError, ParameterError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { flatFinite, matrixFinite } from './validate.js';

/** Row-batched operations on an n x d batch (one sample per row). */

/** f(row, i) for each row of the n x d batch (row is a subarray view; do not keep it); the n results. */
export function rowMap(x: NDArray, f: (row: Float64Array, i: number) => number): Float64Array {
  const { data, n, d } = matrixFinite(x, 'x');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(data.subarray(i * d, i * d + d), i);
  return out;
}

/** x + 1 v^T: the vector v (length d) added to every row of the n x d batch; a new array. */
export function addRowVector(x: NDArray, v: NDArray | Float64Array): NDArray {
  const { data, n, d } = matrixFinite(x, 'x');
  const vd = flatFinite(v, 'v');
  if (vd.length !== d) throw new ShapeError(`v: expected length ${d} (columns of x), got ${vd.length}`);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) out[r + j] = data[r + j] + vd[j];
  }
  return new NDArray(out, [n, d]);
}

/** <x_i, v> for each row x_i of the n x d batch. */
export function rowDot(x: NDArray, v: NDArray | Float64Array): Float64Array {
  const { data, n, d } = matrixFinite(x, 'x');
  const vd = flatFinite(v, 'v');
  if (vd.length !== d) throw new ShapeError(`v: expected length ${d} (columns of x), got ${vd.length}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += data[r + j] * vd[j];
    out[i] = s;
  }
  return out;
}

/** ||x_i||_2 for each row x_i of the n x d batch. */
export function rowNorms(x: NDArray): Float64Array {
  const { data, n, d } = matrixFinite(x, 'x');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += data[r + j] * data[r + j];
    out[i] = Math.sqrt(s);
  }
  return out;
}

export interface AffineMapOptions {
  /** Coefficient of x (default 1). */
  a?: number;
  /** Coefficient of f(x) (default 1). */
  b?: number;
  /** The elementwise function (default 'identity'). */
  f?: ElementwiseFn;
  /** Backend name or object (default `getBackend()`). */
  backend?: string | Backend;
}

/** a x + b f(x) elementwise over an n x d batch, on the chosen backend; a new array. */
export function batchedAffineMap(x: NDArray, options: AffineMapOptions = {}): NDArray {
  const { a = 1, b = 1, f = 'identity', backend } = options;
  if (!Number.isFinite(a)) throw new DomainError(`a: expected a finite number, got ${a}`);
  if (!Number.isFinite(b)) throw new DomainError(`b: expected a finite number, got ${b}`);
  if (!ELEMENTWISE_FNS.includes(f)) throw new ParameterError(`f: expected one of ${ELEMENTWISE_FNS.join(', ')}, got ${String(f)}`);
  const { data, n, d } = matrixFinite(x, 'x');
  const be = resolveBackend(backend);
  const out = new Float64Array(n * d);
  if (be.batchedAffineMap) be.batchedAffineMap(n, d, a, data, b, f, out);
  else resolveBackend('cpu').batchedAffineMap?.(n, d, a, data, b, f, out);
  return new NDArray(out, [n, d]);
}
