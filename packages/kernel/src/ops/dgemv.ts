/**
 * Unchecked base routine (stdlib style): y = alpha op(A) x + beta y with A m x n row-major
 * (leading dimension `lda`), op(A) = A (x length n, y length m) or A^T (x length m, y length n).
 * As in BLAS, beta = 0 overwrites y.
 */
export function dgemv(
  trans: boolean, m: number, n: number, alpha: number, A: Float64Array, lda: number,
  x: Float64Array, beta: number, y: Float64Array,
): void {
  const ylen = trans ? n : m;
  if (beta === 0) y.fill(0, 0, ylen);
  else if (beta !== 1) for (let i = 0; i < ylen; i++) y[i] *= beta;
  if (alpha === 0) return;
  if (!trans) {
    for (let i = 0; i < m; i++) {
      const r = i * lda;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        s0 += A[r + j] * x[j];
        s1 += A[r + j + 1] * x[j + 1];
      }
      if (j < n) s0 += A[r + j] * x[j];
      y[i] += alpha * (s0 + s1);
    }
  } else {
    for (let i = 0; i < m; i++) {
      const a = alpha * x[i];
      if (a === 0) continue;
      const r = i * lda;
      for (let j = 0; j < n; j++) y[j] += a * A[r + j];
    }
  }
}
