/**
 * Unchecked dense kernels on raw row-major Float64Array used by the linalg routines:
 * C = X Y^T (row dot products, 2x2 register blocking), transpose, Cholesky, LU with partial
 * pivoting and triangular solves. Callers validate; these trust their arguments.
 */

/**
 * out (m x n) = X (m x k) * Y (n x k)^T, all row-major (row dot products, 2x2 register tiles,
 * blocked over k and the rows of X so the working set stays in L1). With `symmetric`
 * (Y = X, m = n) only the upper triangle is computed and then mirrored (out = X X^T).
 */
export function gemmNT(m: number, n: number, k: number, x: Float64Array, y: Float64Array, out: Float64Array, symmetric = false): void {
  const KB = 128;
  const IB = 64;
  out.fill(0, 0, m * n);
  for (let p0 = 0; p0 < k; p0 += KB) {
    const p1 = Math.min(k, p0 + KB);
    for (let i0 = 0; i0 < m; i0 += IB) {
      const i1 = Math.min(m, i0 + IB);
      const iEven = i0 + ((i1 - i0) & ~1);
      let j = symmetric ? i0 : 0;
      for (; j + 2 <= n; j += 2) {
        const y0 = j * k;
        const y1 = y0 + k;
        for (let i = i0; i < iEven; i += 2) {
          const x0 = i * k;
          const x1 = x0 + k;
          let s00 = 0;
          let s01 = 0;
          let s10 = 0;
          let s11 = 0;
          for (let p = p0; p < p1; p++) {
            const b0 = y[y0 + p];
            const b1 = y[y1 + p];
            const a0 = x[x0 + p];
            const a1 = x[x1 + p];
            s00 += a0 * b0;
            s01 += a0 * b1;
            s10 += a1 * b0;
            s11 += a1 * b1;
          }
          const o0 = i * n + j;
          const o1 = o0 + n;
          out[o0] += s00;
          out[o0 + 1] += s01;
          out[o1] += s10;
          out[o1 + 1] += s11;
        }
        if (iEven < i1) {
          const x0 = iEven * k;
          let s0 = 0;
          let s1 = 0;
          for (let p = p0; p < p1; p++) {
            const a0 = x[x0 + p];
            s0 += a0 * y[y0 + p];
            s1 += a0 * y[y1 + p];
          }
          out[iEven * n + j] += s0;
          out[iEven * n + j + 1] += s1;
        }
      }
      if (j < n) {
        const y0 = j * k;
        for (let i = i0; i < i1; i++) {
          const x0 = i * k;
          let s0 = 0;
          for (let p = p0; p < p1; p++) s0 += x[x0 + p] * y[y0 + p];
          out[i * n + j] += s0;
        }
      }
    }
  }
  if (symmetric) for (let r = 1; r < m; r++) for (let c = 0; c < r; c++) out[r * n + c] = out[c * n + r];
}

/** out (n x m) = X^T for X (m x n) row-major. */
export function transposeInto(m: number, n: number, x: Float64Array, out: Float64Array): void {
  const B = 32;
  for (let i0 = 0; i0 < m; i0 += B) {
    const i1 = Math.min(m, i0 + B);
    for (let j0 = 0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * m + i] = x[i * n + j];
    }
  }
}

/**
 * In-place Cholesky A = L L^T of the symmetric n x n row-major `a` (lower triangle read).
 * On success the lower triangle holds L, the strict upper triangle is zeroed, and -1 is
 * returned; otherwise returns the index i of the first pivot that is not > 0 (or not finite)
 * and leaves that pivot value in a[i*n+i].
 */
export function choleskyInPlace(n: number, a: Float64Array): number {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (j === i) {
        if (!(s > 0) || !Number.isFinite(s)) {
          a[ri + i] = s;
          return i;
        }
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j];
      }
    }
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
  }
  return -1;
}

/**
 * In-place LU with partial pivoting, P A = L U (L unit lower, U upper, both stored in `a`).
 * `piv[i]` is the original row now at row i. Returns the permutation sign (+1/-1), or 0 when
 * an exactly zero pivot was met (the factorisation is then completed with that column skipped).
 */
export function luInPlace(n: number, a: Float64Array, piv: Int32Array): number {
  let sign = 1;
  let singular = false;
  for (let i = 0; i < n; i++) piv[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      const rk = k * n;
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const t = a[rk + j];
        a[rk + j] = a[rp + j];
        a[rp + j] = t;
      }
      const t = piv[k];
      piv[k] = piv[p];
      piv[p] = t;
      sign = -sign;
    }
    const rk = k * n;
    const pivot = a[rk + k];
    if (pivot === 0) {
      singular = true;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const f = a[ri + k] / pivot;
      a[ri + k] = f;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[ri + j] -= f * a[rk + j];
    }
  }
  return singular ? 0 : sign;
}

/**
 * Solve T X = B (or T^T X = B with `transpose`) in place in `b` (n x k row-major), T the lower
 * (`lower`) or upper triangle of the n x n row-major `t`; `unit` takes the diagonal as 1.
 */
export function trsmInPlace(n: number, k: number, t: Float64Array, b: Float64Array, lower: boolean, transpose: boolean, unit = false): void {
  // Effective orientation: solving with T^T for lower T is an upper solve reading columns of T.
  const forward = lower !== transpose;
  if (forward) {
    for (let i = 0; i < n; i++) {
      const bi = i * k;
      if (!transpose) {
        // row i of lower T: b_i -= sum_{j<i} T[i][j] b_j
        const ti = i * n;
        for (let j = 0; j < i; j++) {
          const f = t[ti + j];
          if (f === 0) continue;
          const bj = j * k;
          for (let c = 0; c < k; c++) b[bi + c] -= f * b[bj + c];
        }
      }
      if (!unit) {
        const dinv = 1 / t[i * n + i];
        for (let c = 0; c < k; c++) b[bi + c] *= dinv;
      }
      if (transpose) {
        // T upper, T^T lower: row i of T^T is column i of T; push x_i to later rows.
        const ti = i * n;
        for (let j = i + 1; j < n; j++) {
          const f = t[ti + j];
          if (f === 0) continue;
          const bj = j * k;
          for (let c = 0; c < k; c++) b[bj + c] -= f * b[bi + c];
        }
      }
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      const bi = i * k;
      if (!transpose) {
        const ti = i * n;
        for (let j = i + 1; j < n; j++) {
          const f = t[ti + j];
          if (f === 0) continue;
          const bj = j * k;
          for (let c = 0; c < k; c++) b[bi + c] -= f * b[bj + c];
        }
      }
      if (!unit) {
        const dinv = 1 / t[i * n + i];
        for (let c = 0; c < k; c++) b[bi + c] *= dinv;
      }
      if (transpose) {
        // T lower, T^T upper: column i of T^T above the diagonal is row i of T left of it.
        const ti = i * n;
        for (let j = 0; j < i; j++) {
          const f = t[ti + j];
          if (f === 0) continue;
          const bj = j * k;
          for (let c = 0; c < k; c++) b[bj + c] -= f * b[bi + c];
        }
      }
    }
  }
}

/** Solve A X = B in place in `b` (n x k) from the output of `luInPlace`. */
export function luSolveInPlace(n: number, k: number, lu: Float64Array, piv: Int32Array, b: Float64Array): void {
  const tmp = b.slice(0, n * k);
  for (let i = 0; i < n; i++) b.set(tmp.subarray(piv[i] * k, piv[i] * k + k), i * k);
  trsmInPlace(n, k, lu, b, true, false, true);
  trsmInPlace(n, k, lu, b, false, false, false);
}
