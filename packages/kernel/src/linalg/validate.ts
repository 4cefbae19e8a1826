/** Boundary checks shared by the public linalg functions (copies inputs; never mutates them). */
import { assertFinite } from '../check.js';
import { DomainError, ShapeError } from '../errors.js';
import type { NDArray } from '../ndarray.js';

/** Relative tolerance of the symmetry check: |a_ij - a_ji| <= SYM_RTOL * max|a|. */
export const SYM_RTOL = 1e-8;

export interface MatrixCopy {
  m: number;
  n: number;
  /** A fresh row-major copy of the data (safe to destroy). */
  data: Float64Array;
  /** max |entry| of `data` (finite), found in the same pass as the finiteness check. */
  maxAbs: number;
}

function copyOf(a: NDArray): Float64Array {
  const c = a.contiguous();
  return c === a ? a.data.slice() : c.data;
}

/** A 2-D finite matrix, copied. */
export function matrixArg(a: NDArray, name: string): MatrixCopy {
  if (!a || typeof a !== 'object' || !('shape' in a) || a.ndim !== 2) {
    const got = a && typeof a === 'object' && 'shape' in a ? `${a.ndim}-D shape [${a.shape.join(', ')}]` : String(a);
    throw new ShapeError(`${name}: expected a 2-D matrix (NDArray), got ${got}`);
  }
  const data = copyOf(a);
  // One pass for max|entry| and finiteness: NaN or +-Infinity anywhere makes the maximum non-finite,
  // and only then does assertFinite look for the first bad index (and throw).
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(data[i]));
  if (!Number.isFinite(maxAbs)) assertFinite(data, name);
  return { m: a.shape[0], n: a.shape[1], data, maxAbs };
}

/** A square finite matrix, copied. */
export function squareArg(a: NDArray, name: string): MatrixCopy {
  const c = matrixArg(a, name);
  if (c.m !== c.n) throw new ShapeError(`${name}: expected a square matrix, got shape [${c.m}, ${c.n}]`);
  return c;
}

/** A square finite symmetric matrix (within SYM_RTOL), copied and exactly symmetrised. */
export function symmetricArg(a: NDArray, name: string): MatrixCopy {
  const c = squareArg(a, name);
  const { n, data, maxAbs } = c;
  const tol = SYM_RTOL * maxAbs;
  // By B x B tiles, so that the transposed reads stay in cache (a plain column sweep misses at n ~ 1000).
  const B = 32;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = 0; j0 <= i0; j0 += B) {
      for (let i = i0; i < i1; i++) {
        const j1 = Math.min(i, j0 + B);
        for (let j = j0; j < j1; j++) {
          const x = data[i * n + j];
          const y = data[j * n + i];
          if (Math.abs(x - y) > tol) {
            throw new DomainError(
              `${name}: expected a symmetric matrix, but ${name}[${i}][${j}] = ${x} differs from ${name}[${j}][${i}] = ${y} (tolerance ${SYM_RTOL} * max|${name}| = ${tol})`,
            );
          }
          const mid = 0.5 * (x + y);
          data[i * n + j] = mid;
          data[j * n + i] = mid;
        }
      }
    }
  }
  return c;
}

export interface RhsCopy {
  /** Number of right-hand-side columns. */
  k: number;
  data: Float64Array;
  vector: boolean;
}

/** A right-hand side of shape [n] or [n, k], finite, copied. */
export function rhsArg(b: NDArray, n: number, name: string): RhsCopy {
  if (!b || typeof b !== 'object' || !('shape' in b) || (b.ndim !== 1 && b.ndim !== 2) || b.shape[0] !== n) {
    const got = b && typeof b === 'object' && 'shape' in b ? `[${b.shape.join(', ')}]` : String(b);
    throw new ShapeError(`${name}: expected shape [${n}] or [${n}, k], got ${got}`);
  }
  const data = copyOf(b);
  assertFinite(data, name);
  return { k: b.ndim === 1 ? 1 : b.shape[1], data, vector: b.ndim === 1 };
}

/** Validate an optional non-negative finite rcond. */
export function rcondArg(rcond: number | undefined, fallback: number, name = 'rcond'): number {
  if (rcond === undefined) return fallback;
  if (typeof rcond !== 'number' || !Number.isFinite(rcond) || rcond < 0) {
    throw new DomainError(`${name}: expected a finite number >= 0, got ${String(rcond)}`);
  }
  return rcond;
}
