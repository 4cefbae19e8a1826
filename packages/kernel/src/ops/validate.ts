import { NonFiniteError, ShapeError } from '../errors.js';
import { type NDArray, isNDArray } from '../ndarray.js';

/** A 2-D operand in BLAS form: `op(data)` with leading dimension `ld` is the rows x cols matrix. */
export interface BlasMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
  /** True when `data` holds the matrix transposed (column-major view of a row-major buffer). */
  trans: boolean;
  ld: number;
}

/**
 * View a 2-D NDArray as a BLAS operand without copying when its strides allow it
 * (row-major with a row stride >= cols, or a transposed such view); otherwise copy.
 */
export function asBlas(a: NDArray, name: string): BlasMatrix {
  if (!isNDArray(a)) throw new ShapeError(`${name}: expected an NDArray, got ${typeof a}`);
  if (a.ndim !== 2) throw new ShapeError(`${name}: expected a 2-D array, got shape [${a.shape.join(', ')}]`);
  const [rows, cols] = a.shape;
  const [s0, s1] = a.strides;
  if ((s1 === 1 || cols <= 1) && s0 >= Math.max(cols, 1)) {
    return { data: a.storage.subarray(a.offset), rows, cols, trans: false, ld: s0 };
  }
  if ((s0 === 1 || rows <= 1) && s1 >= Math.max(rows, 1)) {
    return { data: a.storage.subarray(a.offset), rows, cols, trans: true, ld: s1 };
  }
  const c = a.contiguous();
  return { data: c.data, rows, cols, trans: false, ld: Math.max(cols, 1) };
}

/** Throw NonFiniteError if the BLAS operand holds NaN or +-Infinity (names the element). */
export function assertFiniteBlas(m: BlasMatrix, name: string): void {
  const { data, rows, cols, trans, ld } = m;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = trans ? data[j * ld + i] : data[i * ld + j];
      if (!Number.isFinite(v)) throw new NonFiniteError(`${name}: expected finite numbers, found ${v} at [${i}, ${j}]`);
    }
  }
}

/** A contiguous Float64Array holding the elements of `x` (an NDArray of any shape, or a Float64Array), checked finite. */
export function flatFinite(x: NDArray | Float64Array, name: string): Float64Array {
  let d: Float64Array;
  if (x instanceof Float64Array) d = x;
  else if (isNDArray(x)) d = x.contiguous().data;
  else throw new ShapeError(`${name}: expected an NDArray or Float64Array, got ${typeof x}`);
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) throw new NonFiniteError(`${name}: expected finite numbers, found ${d[i]} at flat index ${i}`);
  }
  return d;
}

/** A contiguous, finite-checked n x d matrix (rows = samples). */
export function matrixFinite(x: NDArray, name: string): { data: Float64Array; n: number; d: number } {
  if (!isNDArray(x) || x.ndim !== 2) {
    throw new ShapeError(`${name}: expected a 2-D NDArray (n x d), got ${isNDArray(x) ? `shape [${x.shape.join(', ')}]` : typeof x}`);
  }
  const data = flatFinite(x, name);
  return { data, n: x.shape[0], d: x.shape[1] };
}
