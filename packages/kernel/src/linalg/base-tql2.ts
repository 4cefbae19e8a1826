/**
 * Implicit QL on a symmetric tridiagonal matrix (EISPACK tql2 with rotations applied a sweep at a
 * time), shared by the unblocked eigensolver and the leaves of divide and conquer.
 */

const EPS = 2 ** -52;

/** sqrt(a^2 + b^2) without destructive overflow/underflow. */
function hypot(a: number, b: number): number {
  const x = a < 0 ? -a : a;
  const y = b < 0 ? -b : b;
  if (x > y) {
    const r = y / x;
    return x * Math.sqrt(1 + r * r);
  }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/**
 * Apply the rotations of one QL sweep (planes (i, i+1) for i = m-1 down to l, cosines `cs[i]`,
 * sines `ss[i]`) to the columns of Z (rows x n row-major): for every row, in sweep order,
 * z[i+1] <- s z[i] + c z[i+1], z[i] <- c z[i] - s z[i+1]. Four rows at a time, carry in registers.
 */
function applySweep(rows: number, n: number, z: Float64Array, l: number, m: number, cs: Float64Array, ss: Float64Array): void {
  let k = 0;
  for (; k + 4 <= rows; k += 4) {
    const r0 = k * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let h0 = z[r0 + m];
    let h1 = z[r1 + m];
    let h2 = z[r2 + m];
    let h3 = z[r3 + m];
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i];
      const s = ss[i];
      const a0 = z[r0 + i];
      const a1 = z[r1 + i];
      const a2 = z[r2 + i];
      const a3 = z[r3 + i];
      z[r0 + i + 1] = s * a0 + c * h0;
      z[r1 + i + 1] = s * a1 + c * h1;
      z[r2 + i + 1] = s * a2 + c * h2;
      z[r3 + i + 1] = s * a3 + c * h3;
      h0 = c * a0 - s * h0;
      h1 = c * a1 - s * h1;
      h2 = c * a2 - s * h2;
      h3 = c * a3 - s * h3;
    }
    z[r0 + l] = h0;
    z[r1 + l] = h1;
    z[r2 + l] = h2;
    z[r3 + l] = h3;
  }
  for (; k < rows; k++) {
    const r0 = k * n;
    let h0 = z[r0 + m];
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i];
      const s = ss[i];
      const a0 = z[r0 + i];
      z[r0 + i + 1] = s * a0 + c * h0;
      h0 = c * a0 - s * h0;
    }
    z[r0 + l] = h0;
  }
}

/**
 * Implicit QL (tql2) on the symmetric tridiagonal (d, e) with e[i] = T[i][i-1]. On exit `d`
 * holds the eigenvalues (unsorted); when `z` is given (rows x n, row-major) its columns are
 * rotated along (start with Q to get eigenvectors of A as columns). Returns false when some
 * eigenvalue needed more than 60 iterations.
 */
export function tql2(n: number, d: Float64Array, e: Float64Array, z: Float64Array | null, rows: number): boolean {
  if (n <= 1) return true;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  const cs = z ? new Float64Array(n) : null;
  const ss = z ? new Float64Array(n) : null;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1) {
      if (Math.abs(e[m]) <= EPS * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) return false;
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        // Shift by h = the eigenvalue of the leading 2x2 nearest d[l].
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (cs) {
            cs[i] = c;
            (ss as Float64Array)[i] = s;
          }
        }
        if (z) applySweep(rows, n, z, l, m, cs as Float64Array, ss as Float64Array);
        p = -s * s2 * c3 * el1 * (e[l] / dl1);
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return true;
}
