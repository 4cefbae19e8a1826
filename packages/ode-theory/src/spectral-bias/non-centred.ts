import { assertFinite, eigh, isNDArray, NDArray, ShapeError } from '@diffusion-theory/kernel';
import { psdEigen, readPositive, readTime, type TrainingTime } from './common.js';

export interface NonCentredMatrixOptions extends TrainingTime {
  /** Data covariance Sigma (d x d, PSD). */
  covariance: NDArray;
  /** Data mean mu (length d). */
  mean: ArrayLike<number>;
  sigma: number;
  /** Initial weights W(0) (d x d) and bias b(0) (length d). */
  W0: NDArray;
  b0: ArrayLike<number>;
}

/**
 * Non-centred gradient flow of the one-layer affine denoiser (Prop D.2, spec spectral-bias §4.5), any W(0), b(0):
 * with v_k = W u_k and b~ = b - mu stacked as Y (rows v_1, ..., v_d, b~), dY/dtau = -2 eta (M Y - F),
 * M = diag(sigma^2 + lambda_1, ..., sigma^2 + lambda_d, 0) + q q^T, q = (u_1^T mu, ..., u_d^T mu, 1); solved as
 * Y(tau) = Y* + exp(-2 eta tau M) (Y(0) - Y*) with the symmetric eigendecomposition of M.
 * @returns W(tau) (d x d) and b(tau)
 * @throws NotPositiveDefiniteError for a non-PSD covariance; ShapeError on shapes
 */
export function nonCentredDynamics(o: NonCentredMatrixOptions): { W: NDArray; b: Float64Array } {
  const { tau, eta } = readTime(o);
  const s2 = readPositive(o.sigma, 'sigma') ** 2;
  const { d, values: lam, vectors: U } = psdEigen(o.covariance);
  const mu = Float64Array.from(o.mean);
  if (mu.length !== d) throw new ShapeError(`mean: expected length ${d}`);
  assertFinite(mu, 'mean');
  if (!isNDArray(o.W0) || o.W0.ndim !== 2 || o.W0.shape[0] !== d || o.W0.shape[1] !== d) throw new ShapeError(`W0: expected a ${d} x ${d} matrix`);
  const W0 = o.W0.contiguous().data;
  assertFinite(W0, 'W0');
  const b0 = Float64Array.from(o.b0);
  if (b0.length !== d) throw new ShapeError(`b0: expected length ${d}`);
  assertFinite(b0, 'b0');
  const n = d + 1;
  const m = new Float64Array(d); // u_k^T mu
  for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) m[k] += U[i * d + k] * mu[i];
  const q = new Float64Array(n);
  q.set(m);
  q[d] = 1;
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = q[i] * q[j] + (i === j && i < d ? s2 + lam[i] : 0);
  const { values: ev, vectors } = eigh(new NDArray(M, [n, n]), 'M');
  const V = vectors.contiguous().data;
  // Y rows (n x d): Y0[k] = (W0 u_k)^T, Y0[d] = b0 - mu; Y*[k] = lambda_k/(lambda_k + s2) u_k^T, Y*[d] = -(W* mu)^T
  const Y0 = new Float64Array(n * d);
  const Ys = new Float64Array(n * d);
  for (let k = 0; k < d; k++) {
    const shrink = lam[k] / (lam[k] + s2);
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += W0[i * d + j] * U[j * d + k];
      Y0[k * d + i] = v;
      Ys[k * d + i] = shrink * U[i * d + k];
    }
  }
  for (let i = 0; i < d; i++) {
    Y0[d * d + i] = b0[i] - mu[i];
    let wm = 0; // (W* mu)_i = sum_k shrink_k u_k[i] m_k
    for (let k = 0; k < d; k++) wm += (lam[k] / (lam[k] + s2)) * U[i * d + k] * m[k];
    Ys[d * d + i] = -wm;
  }
  // Y = Y* + V diag(e^{-2 eta tau ev}) V^T (Y0 - Y*)
  const D0 = Y0.map((v, i) => v - Ys[i]);
  const C = new Float64Array(n * d); // V^T D0, scaled
  for (let a = 0; a < n; a++) {
    const e = Math.exp(-2 * eta * tau * ev[a]);
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += V[r * n + a] * D0[r * d + c];
      C[a * d + c] = e * s;
    }
  }
  const Y = Ys.slice();
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) for (let a = 0; a < n; a++) Y[r * d + c] += V[r * n + a] * C[a * d + c];
  // W = sum_k v_k u_k^T
  const W = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) W[i * d + j] += Y[k * d + i] * U[j * d + k];
  const b = new Float64Array(d);
  for (let i = 0; i < d; i++) b[i] = Y[d * d + i] + mu[i];
  return { W: new NDArray(W, [d, d]), b };
}
