import { assertFinite, assertInteger } from '../check.js';
import { DomainError, ShapeError } from '../errors.js';
import { NDArray, isNDArray } from '../ndarray.js';
import type { Rng } from '../rng.js';
import { qrRaw } from './qr.js';

/** Tolerance of the orthonormality check on the fixed vectors: |<f_i, f_j> - delta_ij| <= FRAME_TOL. */
const FRAME_TOL = 1e-8;

/**
 * A d x k matrix with orthonormal columns whose first columns are the given `fixed` vectors and
 * the others uniformly random (Haar) in their orthogonal complement: the Gram-Schmidt completion
 * of `fixed`, computed as the Householder QR of [fixed | G] with G a d x (k - f) standard normal
 * matrix drawn from `rng` (column signs chosen so that R has a positive diagonal, which makes the
 * completion Haar-distributed and keeps the fixed columns as given).
 *
 * @param d ambient dimension (integer >= 1).
 * @param k number of columns (integer, 1 <= k <= d).
 * @param rng source of the d (k - f) normals of the random completion.
 * @param fixedArg f <= k orthonormal vectors of length d that become the first columns (copied exactly):
 *   an array of vectors, or an NDArray d x f whose columns are the vectors.
 * @returns the frame as a d x k NDArray (row-major: entry (i, j) is component i of column j).
 * @throws ShapeError when k > d or a fixed vector has the wrong length or there are more than k of them.
 * @throws DomainError when the fixed vectors are not orthonormal (to 1e-8).
 */
export function orthonormalFrame(d: number, k: number, rng: Rng, fixedArg: NDArray | ReadonlyArray<ArrayLike<number>> = []): NDArray {
  assertInteger(d, 1, 'd');
  assertInteger(k, 1, 'k');
  if (k > d) throw new ShapeError(`k: expected at most d = ${d} orthonormal columns, got ${k}`);
  if (!rng || typeof rng.normals !== 'function') throw new DomainError('rng: expected a kernel Rng');
  const fixed = isNDArray(fixedArg) ? columnsOf(fixedArg, d) : fixedArg;
  if (!Array.isArray(fixed)) throw new ShapeError(`fixed: expected an array of vectors of length d = ${d} or an NDArray d x f`);
  const f = fixed.length;
  if (f > k) throw new ShapeError(`fixed: expected at most k = ${k} vectors, got ${f}`);
  fixed.forEach((v, j) => {
    if (!v || v.length !== d) throw new ShapeError(`fixed[${j}]: expected a vector of length d = ${d}, got length ${v?.length}`);
    assertFinite(v, `fixed[${j}]`);
  });
  for (let a = 0; a < f; a++) {
    for (let b = a; b < f; b++) {
      let g = 0;
      for (let i = 0; i < d; i++) g += fixed[a][i] * fixed[b][i];
      if (Math.abs(g - (a === b ? 1 : 0)) > FRAME_TOL) {
        throw new DomainError(`fixed: expected orthonormal vectors, <fixed[${a}], fixed[${b}]> = ${g}`);
      }
    }
  }
  const A = new Float64Array(d * k);
  for (let j = 0; j < f; j++) for (let i = 0; i < d; i++) A[i * k + j] = fixed[j][i];
  if (f < k) {
    const g = rng.normals(d * (k - f));
    for (let i = 0; i < d; i++) for (let j = f; j < k; j++) A[i * k + j] = g[i * (k - f) + (j - f)];
  }
  const Q = new Float64Array(d * k);
  const R = new Float64Array(k * k);
  qrRaw(d, k, A, Q, R);
  for (let j = 0; j < k; j++) {
    // A random column in the span of the previous ones has probability zero; a zero R_jj here
    // means the draw degenerated (never observed), which we report instead of returning junk.
    if (j >= f && !(Math.abs(R[j * k + j]) > 1e-12)) throw new DomainError(`rng: the random completion is rank-deficient at column ${j}`);
    if (R[j * k + j] < 0) for (let i = 0; i < d; i++) Q[i * k + j] = -Q[i * k + j];
  }
  // The fixed columns are kept bit for bit (QR reproduces them only to rounding).
  for (let j = 0; j < f; j++) for (let i = 0; i < d; i++) Q[i * k + j] = fixed[j][i];
  return new NDArray(Q, [d, k]);
}

/** The columns of a d x f NDArray as f vectors. */
function columnsOf(a: NDArray, d: number): Float64Array[] {
  if (a.ndim !== 2 || a.shape[0] !== d) throw new ShapeError(`fixed: expected an NDArray of shape [d = ${d}, f], got [${a.shape.join(', ')}]`);
  const f = a.shape[1];
  const data = a.contiguous().data;
  return Array.from({ length: f }, (_, j) => Float64Array.from({ length: d }, (_, i) => data[i * f + j]));
}
