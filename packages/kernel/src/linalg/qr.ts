import { NDArray } from '../ndarray.js';
import { transposeInto } from './base-dense.js';
import { matrixArg } from './validate.js';

/**
 * Unchecked thin Householder QR of A (m x n row-major, not modified), k = min(m, n):
 * q (m x k, orthonormal columns) and r (k x n, upper triangular) with A = Q R.
 * Works on A^T so that columns are contiguous rows.
 */
export function qrRaw(m: number, n: number, a: Float64Array, q: Float64Array, r: Float64Array): void {
  const k = Math.min(m, n);
  const at = new Float64Array(n * m);
  transposeInto(m, n, a, at);
  const beta = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const cj = j * m;
    let nrm = 0;
    for (let i = j; i < m; i++) nrm += at[cj + i] * at[cj + i];
    nrm = Math.sqrt(nrm);
    if (nrm === 0) {
      beta[j] = 0;
      continue;
    }
    const alpha = at[cj + j] >= 0 ? -nrm : nrm;
    // v = x - alpha e1 stored in place; R[j][j] = alpha.
    at[cj + j] -= alpha;
    const vtv = 2 * nrm * (nrm + Math.abs(at[cj + j] + alpha)); // |x - alpha e1|^2
    beta[j] = 2 / vtv;
    for (let c = j + 1; c < n; c++) {
      const cc = c * m;
      let d = 0;
      for (let i = j; i < m; i++) d += at[cj + i] * at[cc + i];
      d *= beta[j];
      for (let i = j; i < m; i++) at[cc + i] -= d * at[cj + i];
    }
    r[j * n + j] = alpha;
  }
  for (let i = 0; i < k; i++) for (let c = i + 1; c < n; c++) r[i * n + c] = at[c * m + i];
  for (let j = 0; j < k; j++) if (beta[j] === 0) r[j * n + j] = at[j * m + j];
  // Q columns as rows of qt (k x m): q_c = H_0 ... H_{k-1} e_c.
  const qt = new Float64Array(k * m);
  for (let c = 0; c < k; c++) qt[c * m + c] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const b = beta[j];
    if (b === 0) continue;
    const cj = j * m;
    for (let c = 0; c < k; c++) {
      const cc = c * m;
      let d = 0;
      for (let i = j; i < m; i++) d += at[cj + i] * qt[cc + i];
      d *= b;
      if (d === 0) continue;
      for (let i = j; i < m; i++) qt[cc + i] -= d * at[cj + i];
    }
  }
  transposeInto(k, m, qt, q);
}

/** Thin QR a = q r by Householder reflections: q m x k (orthonormal columns), r k x n upper triangular. */
export function qr(a: NDArray): { q: NDArray; r: NDArray } {
  const { m, n, data } = matrixArg(a, 'a');
  const k = Math.min(m, n);
  const q = new Float64Array(m * k);
  const r = new Float64Array(k * n);
  qrRaw(m, n, data, q, r);
  return { q: new NDArray(q, [m, k]), r: new NDArray(r, [k, n]) };
}
