import { resolveBackend } from '../backend/registry.js';
import type { Backend } from '../backend/types.js';
import { DomainError, ShapeError } from '../errors.js';
import { NDArray, isNDArray } from '../ndarray.js';
import { dgemv } from './dgemv.js';
import { asBlas, assertFiniteBlas, flatFinite } from './validate.js';

export interface GemmOptions {
  /** Use a^T (default false). */
  transA?: boolean;
  /** Use b^T (default false). */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of `c` added to the product (default 0; `c` is then only the output buffer). */
  beta?: number;
  /** Output m x n, contiguous; overwritten in place and returned (read first when beta != 0). */
  c?: NDArray;
  /** Backend name or object (default: `getBackend()`, i.e. $DIFFUSION_THEORY_BACKEND or 'cpu'). */
  backend?: string | Backend;
}

function assertScalar(v: number, name: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DomainError(`${name}: expected a finite number, got ${String(v)}`);
}

/**
 * alpha op(a) op(b) + beta c for 2-D arrays (op = identity or transpose). Strided views
 * (slices, `.transpose()`) are passed to the kernel without copying when possible.
 * Throws ShapeError on mismatched shapes and NonFiniteError on NaN/Infinity in a, b (or c when beta != 0).
 */
export function gemm(a: NDArray, b: NDArray, options: GemmOptions = {}): NDArray {
  const { transA = false, transB = false, alpha = 1, beta = 0, c, backend } = options;
  assertScalar(alpha, 'alpha');
  assertScalar(beta, 'beta');
  const A = asBlas(a, 'a');
  const B = asBlas(b, 'b');
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const kb = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  if (k !== kb) {
    throw new ShapeError(
      `b: inner dimensions differ: op(a) is ${m} x ${k} but op(b) is ${kb} x ${n} (shapes [${a.shape.join(', ')}]${transA ? '^T' : ''} and [${b.shape.join(', ')}]${transB ? '^T' : ''})`,
    );
  }
  assertFiniteBlas(A, 'a');
  assertFiniteBlas(B, 'b');
  let out: NDArray;
  if (c !== undefined) {
    if (!isNDArray(c) || c.ndim !== 2 || c.shape[0] !== m || c.shape[1] !== n) {
      throw new ShapeError(`c: expected shape [${m}, ${n}], got ${isNDArray(c) ? `[${c.shape.join(', ')}]` : typeof c}`);
    }
    if (!c.isContiguous) throw new ShapeError('c: expected a contiguous array (it is written in place)');
    if (beta !== 0) flatFinite(c, 'c');
    out = c;
  } else {
    out = new NDArray(new Float64Array(m * n), [m, n]);
  }
  const be = resolveBackend(backend);
  be.gemm(transA !== A.trans, transB !== B.trans, m, n, k, alpha, A.data, A.ld, B.data, B.ld, c ? beta : 0, out.data, Math.max(n, 1));
  return out;
}

/** The matrix product a b of 2-D arrays (m x k times k x n); cpu backend unless `backend` is given. */
export function matmul(a: NDArray, b: NDArray, options: { backend?: string | Backend } = {}): NDArray {
  return gemm(a, b, options);
}

/**
 * op(a) x for a 2-D `a` (m x n) and a vector `x` (1-D NDArray or Float64Array of length n,
 * or m when `trans`). Returns a new 1-D NDArray.
 */
export function gemv(a: NDArray, x: NDArray | Float64Array, options: { trans?: boolean; alpha?: number } = {}): NDArray {
  const { trans = false, alpha = 1 } = options;
  assertScalar(alpha, 'alpha');
  if (isNDArray(x) && x.ndim !== 1) throw new ShapeError(`x: expected a 1-D array, got shape [${x.shape.join(', ')}]`);
  const A = asBlas(a, 'a');
  const xd = flatFinite(x, 'x');
  const [m, n] = [A.rows, A.cols];
  const need = trans ? m : n;
  if (xd.length !== need) throw new ShapeError(`x: expected length ${need} to match a of shape [${m}, ${n}]${trans ? '^T' : ''}, got ${xd.length}`);
  assertFiniteBlas(A, 'a');
  const y = new Float64Array(trans ? n : m);
  // dgemv takes the stored (row-major) matrix: a transposed view flips `trans`.
  if (A.trans) dgemv(!trans, n, m, alpha, A.data, A.ld, xd, 0, y);
  else dgemv(trans, m, n, alpha, A.data, A.ld, xd, 0, y);
  return new NDArray(y, [y.length]);
}

/** The outer product x y^T (m x n) of two vectors. */
export function outer(x: NDArray | Float64Array, y: NDArray | Float64Array): NDArray {
  const xd = flatFinite(x, 'x');
  const yd = flatFinite(y, 'y');
  const m = xd.length;
  const n = yd.length;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const xi = xd[i];
    const r = i * n;
    for (let j = 0; j < n; j++) out[r + j] = xi * yd[j];
  }
  return new NDArray(out, [m, n]);
}

/** A contiguous copy of a^T for a 2-D array (cache-blocked). */
export function transposeCopy(a: NDArray): NDArray {
  const A = asBlas(a, 'a');
  const { rows, cols } = A;
  const out = new Float64Array(rows * cols);
  const src = A.data;
  const ld = A.ld;
  if (A.trans) {
    // The stored buffer already is a^T row-major with leading dimension ld.
    for (let j = 0; j < cols; j++) out.set(src.subarray(j * ld, j * ld + rows), j * rows);
  } else {
    const T = 32;
    for (let i0 = 0; i0 < rows; i0 += T) {
      const i1 = Math.min(rows, i0 + T);
      for (let j0 = 0; j0 < cols; j0 += T) {
        const j1 = Math.min(cols, j0 + T);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = src[i * ld + j];
      }
    }
  }
  return new NDArray(out, [cols, rows]);
}
