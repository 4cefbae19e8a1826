import { NDArray, ShapeError, cholesky, dgemm, eigvalsh, solveTriangular, sqrtPSD } from '@diffusion-theory/kernel';
import { matrixArg, vectorArg } from './moments.js';

function dimOf(m0: Float64Array | readonly number[]): number {
  if (!(m0 instanceof Float64Array) && !Array.isArray(m0)) throw new ShapeError('m0: expected a Float64Array or number[]');
  if (m0.length < 1) throw new ShapeError('m0: expected length >= 1');
  return m0.length;
}

/**
 * KL(N(m0, C0) || N(m1, C1)) = 1/2 [tr(C1^{-1} C0) + (m1 - m0)^T C1^{-1} (m1 - m0) - d + log det C1 - log det C0]
 * in nats. Both covariances must be positive definite (NotPositiveDefiniteError naming C0 or C1;
 * the KL is +Infinity when C0 is singular and C1 is not).
 * Computed with Cholesky factors: tr(C1^{-1} C0) = ||L1^{-1} L0||_F^2.
 * @param m0 - mean of the first law (length d)
 * @param C0 - its covariance, d x d symmetric positive definite
 * @param m1 - mean of the second law
 * @param C1 - its covariance, d x d symmetric positive definite
 * @returns KL(N(m0, C0) || N(m1, C1)) in nats
 * @throws ShapeError for mismatched shapes; NonFiniteError for non-finite entries; DomainError for a
 *   non-symmetric covariance; NotPositiveDefiniteError for a covariance that is not positive definite
 */
export function gaussianKL(
  m0: Float64Array | readonly number[], C0: NDArray, m1: Float64Array | readonly number[], C1: NDArray,
): number {
  const d = dimOf(m0);
  const a0 = vectorArg(m0, d, 'm0');
  const a1 = vectorArg(m1, d, 'm1');
  const c0 = new NDArray(matrixArg(C0, d, 'C0'), [d, d]);
  const c1 = new NDArray(matrixArg(C1, d, 'C1'), [d, d]);
  const L0 = cholesky(c0, 'C0');
  const L1 = cholesky(c1, 'C1');
  const X = solveTriangular(L1, L0, { lower: true }).data;
  let tr = 0;
  for (let i = 0; i < X.length; i++) tr += X[i] * X[i];
  const dm = new NDArray(Float64Array.from(a1, (v, i) => v - a0[i]), [d, 1]);
  const y = solveTriangular(L1, dm, { lower: true }).data;
  let q = 0;
  for (let i = 0; i < d; i++) q += y[i] * y[i];
  let ld = 0;
  for (let i = 0; i < d; i++) ld += Math.log(L1.data[i * d + i]) - Math.log(L0.data[i * d + i]);
  return Math.max(0, 0.5 * (tr + q - d + 2 * ld));
}

export interface W2Result {
  /** The 2-Wasserstein distance W2. */
  w2: number;
  /** W2^2 = ||m0 - m1||^2 + tr(C0 + C1 - 2 (C0^{1/2} C1 C0^{1/2})^{1/2}). */
  w2Squared: number;
}

/**
 * 2-Wasserstein distance between N(m0, C0) and N(m1, C1) (Bures formula); C0, C1 symmetric PSD
 * (singular allowed). The trace term is sum_i sqrt(lambda_i(C0^{1/2} C1 C0^{1/2})).
 * @param m0 - mean of the first law (length d)
 * @param C0 - its covariance, d x d symmetric PSD
 * @param m1 - mean of the second law
 * @param C1 - its covariance, d x d symmetric PSD
 * @returns W2 and W2^2 (Bures)
 * @throws ShapeError for mismatched shapes; NonFiniteError for non-finite entries; DomainError for a non-symmetric covariance
 */
export function gaussianW2(
  m0: Float64Array | readonly number[], C0: NDArray, m1: Float64Array | readonly number[], C1: NDArray,
): W2Result {
  const d = dimOf(m0);
  const a0 = vectorArg(m0, d, 'm0');
  const a1 = vectorArg(m1, d, 'm1');
  const c0 = matrixArg(C0, d, 'C0');
  const c1 = matrixArg(C1, d, 'C1');
  const S = sqrtPSD(new NDArray(c0, [d, d]), 'C0').data;
  sqrtPSD(new NDArray(c1, [d, d]), 'C1'); // PSD check of C1
  // M = S C1 S, symmetrised
  const T = new Float64Array(d * d);
  dgemm(false, false, d, d, d, 1, S, d, c1, d, 0, T, d);
  const M = new Float64Array(d * d);
  dgemm(false, false, d, d, d, 1, T, d, S, d, 0, M, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) {
    const v = 0.5 * (M[i * d + j] + M[j * d + i]);
    M[i * d + j] = v;
    M[j * d + i] = v;
  }
  const lam = eigvalsh(new NDArray(M, [d, d]), 'C0^{1/2} C1 C0^{1/2}');
  // Eigenvalues at rounding level (|lambda| <= 10 d eps lambda_max) are zeros of a singular product;
  // clipping them keeps W2^2 accurate to ~eps instead of sqrt(eps) when C0 or C1 is singular.
  const lmax = Math.max(Math.abs(lam[0]), Math.abs(lam[d - 1]));
  const floor = 10 * d * 2 ** -52 * lmax;
  let cross = 0;
  for (let i = 0; i < d; i++) if (lam[i] > floor) cross += Math.sqrt(lam[i]);
  let dm = 0;
  let tr = 0;
  for (let i = 0; i < d; i++) {
    dm += (a0[i] - a1[i]) ** 2;
    tr += c0[i * d + i] + c1[i * d + i];
  }
  const w2Squared = Math.max(0, dm + tr - 2 * cross);
  return { w2: Math.sqrt(w2Squared), w2Squared };
}
