/** Small dense helpers for the linalg tests (not exported from the package). */
import { NDArray } from '../ndarray.js';
import { Rng } from '../rng.js';

export function randn(m: number, n: number, seed: number): NDArray {
  return new NDArray(new Rng(seed).fillNormal(new Float64Array(m * n)), [m, n]);
}

/** Plain triple-loop product of contiguous matrices. */
export function matmul(a: NDArray, b: NDArray): NDArray {
  const A = a.contiguous();
  const B = b.contiguous();
  const [m, k] = A.shape;
  const n = B.shape[1];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = A.data[i * k + p];
      for (let j = 0; j < n; j++) out[i * n + j] += x * B.data[p * n + j];
    }
  }
  return new NDArray(out, [m, n]);
}

export function t(a: NDArray): NDArray {
  return a.transpose().contiguous();
}

/** X X^T. */
export function gram(x: NDArray): NDArray {
  return matmul(x, t(x));
}

export function symRandn(n: number, seed: number): NDArray {
  const x = randn(n, n, seed);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (x.data[i * n + j] + x.data[j * n + i]);
  return new NDArray(out, [n, n]);
}

export function fro(a: NDArray): number {
  const c = a.contiguous();
  let s = 0;
  for (let i = 0; i < c.data.length; i++) s += c.data[i] * c.data[i];
  return Math.sqrt(s);
}

export function sub(a: NDArray, b: NDArray): NDArray {
  const A = a.contiguous();
  const B = b.contiguous();
  return new NDArray(A.data.map((v, i) => v - B.data[i]), A.shape);
}

/** ||a - b||_F / ||b||_F (or absolute when b = 0). */
export function relErr(a: NDArray, b: NDArray): number {
  const nb = fro(b);
  return fro(sub(a, b)) / (nb > 0 ? nb : 1);
}

/** u diag(s) v^T with u (m x k), vt (k x n). */
export function usv(u: NDArray, s: ArrayLike<number>, vt: NDArray): NDArray {
  const U = u.contiguous();
  const [m, k] = U.shape;
  const scaled = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) scaled[i * k + j] = U.data[i * k + j] * s[j];
  return matmul(new NDArray(scaled, [m, k]), vt);
}

/** ||Q^T Q - I||_F for a matrix with (supposedly) orthonormal columns. */
export function orthError(q: NDArray): number {
  const g = matmul(t(q), q);
  const k = g.shape[0];
  for (let i = 0; i < k; i++) g.data[i * k + i] -= 1;
  return fro(g);
}

export function diag(v: ArrayLike<number>): NDArray {
  const n = v.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = v[i];
  return new NDArray(out, [n, n]);
}

export function mat(rows: number[][]): NDArray {
  return new NDArray(Float64Array.from(rows.flat()), [rows.length, rows[0]?.length ?? 0]);
}
