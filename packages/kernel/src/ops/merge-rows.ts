/**
 * The per-root work of a divide-and-conquer merge (../linalg/base-stedc.ts), by ranges of roots so
 * that the calling thread and the gemm worker threads (gemm-threads.ts, which receives this function
 * as source text) can share it. Everything lives in one Float64Array `f` (the shared WebAssembly
 * memory, or a plain array when there are no threads), at offsets in doubles:
 *
 * - par: [rho, |z|^2]; dk: the poles d_0 < ... < d_{k-1}; rz: rho z_j^2; zk: z (its signs are read);
 * - lam: the roots; zh: zhat; sh: k doubles of scratch per thread; delta: k x k, row i holds
 *   d_j - lambda_i; u: k x k, row i receives eigenvector i of D + rho zhat zhat^T.
 *
 * Phases (each needs the previous one finished for every root):
 * - 0: the roots i0..i1-1 of the secular equation 1 + rho sum z_j^2 / (d_j - lambda) = 0 (bracketed
 *   Newton in coordinates shifted to the nearer pole, started from dlaed4's two-pole guess): lam[i]
 *   and row i of delta, each d_j - lambda_i formed as (d_j - origin) - tau without cancellation;
 * - 1: zhat_i for i0..i1-1 by the Loewner formula (Gu-Eisenstat), zhat_i^2 = (lambda_i - d_i)/rho
 *   prod_{j != i} (lambda_j - d_i)/(d_j - d_i), the factors taken for j = 0, 1, ... (swept by rows
 *   of delta), with the sign of z_i;
 * - 2: rows i0..i1-1 of u: zhat_j / (d_j - lambda_i), normalised.
 *
 * Each value is computed by the same operations in the same order whatever the range, so the result
 * does not depend on how roots are split between threads. Every phase writes only its own range
 * (phase 2 into u, not over delta), so a range can be recomputed by another thread if one fails.
 * Self-contained (no imports, no outer names) on purpose.
 */
export function mergeRows(
  f: Float64Array, phase: number, k: number, parOff: number, dkOff: number, rzOff: number, zkOff: number,
  lamOff: number, zhOff: number, shOff: number, dOff: number, uOff: number, i0: number, i1: number,
): void {
  const EPS = 2 ** -52;
  const rho = f[parOff];
  const zz = f[parOff + 1];
  /** The root of A x^2 + B x + C = 0 inside (lo, hi) (stable formulas), NaN if none. */
  const quadRoot = (A: number, B: number, C: number, lo: number, hi: number): number => {
    if (A === 0) {
      const x = -C / B;
      return x > lo && x < hi ? x : Number.NaN;
    }
    const disc = B * B - 4 * A * C;
    if (!(disc >= 0)) return Number.NaN;
    const q = -0.5 * (B + (B >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc)));
    const x1 = q / A;
    const x2 = q === 0 ? Number.NaN : C / q;
    if (x1 > lo && x1 < hi) return x1;
    if (x2 > lo && x2 < hi) return x2;
    return Number.NaN;
  };
  if (phase === 0) {
    for (let i = i0; i < i1; i++) {
      let org: number;
      let lo: number;
      let hi: number;
      let guess = Number.NaN;
      if (i < k - 1) {
        const gap = f[dkOff + i + 1] - f[dkOff + i];
        const mid = f[dkOff + i] + 0.5 * gap;
        let fm = 1;
        for (let j = 0; j < k; j++) fm += f[rzOff + j] / (f[dkOff + j] - mid);
        // Initial guess (dlaed4): the two nearest poles exact, the rest frozen at the midpoint:
        // c + r_i / (d_i - lambda) + r_{i+1} / (d_{i+1} - lambda) = 0 with c = f(mid) - both terms there.
        const ri = f[rzOff + i];
        const rn = f[rzOff + i + 1];
        const c = fm - ri / (-0.5 * gap) - rn / (0.5 * gap);
        if (fm >= 0) {
          org = i;
          lo = 0;
          hi = 0.5 * gap;
          guess = quadRoot(c, -(c * gap + ri + rn), ri * gap, lo, hi);
        } else {
          org = i + 1;
          lo = -0.5 * gap;
          hi = 0;
          guess = quadRoot(c, c * gap - ri - rn, -rn * gap, lo, hi);
        }
      } else {
        org = i;
        lo = 0;
        hi = rho * zz * (1 + 8 * EPS) + 4 * EPS * Math.abs(f[dkOff + i]);
      }
      const dorg = f[dkOff + org];
      for (let j = 0; j < k; j++) f[shOff + j] = f[dkOff + j] - dorg;
      // Newton steps from the guess (else the bracket's midpoint), bisection when a step leaves the bracket.
      let tau = guess > lo && guess < hi ? guess : 0.5 * (lo + hi);
      for (let it = 0; it < 300; it++) {
        let fv = 1;
        let fp = 0;
        let err = 1;
        for (let j = 0; j < k; j++) {
          const inv = 1 / (f[shOff + j] - tau);
          const t = f[rzOff + j] * inv;
          fv += t;
          err += Math.abs(t);
          fp += t * inv;
        }
        if (fv === 0 || Math.abs(fv) <= 2 * EPS * k * err) break;
        if (fv > 0) hi = tau;
        else lo = tau;
        let next = tau - fv / fp;
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (next === tau || next <= lo || next >= hi) {
          // Bracket exhausted at floating-point resolution.
          const m = 0.5 * (lo + hi);
          if (m === lo || m === hi) break;
          next = m;
        }
        tau = next;
      }
      if (tau === 0) tau = org === i ? Number.MIN_VALUE : -Number.MIN_VALUE;
      f[lamOff + i] = dorg + tau;
      const row = dOff + i * k;
      for (let j = 0; j < k; j++) f[row + j] = f[shOff + j] - tau;
    }
  } else if (phase === 1) {
    for (let i = i0; i < i1; i++) f[zhOff + i] = -f[dOff + i * k + i] / rho;
    for (let j = 0; j < k; j++) {
      const row = dOff + j * k;
      const dj = f[dkOff + j];
      const a = Math.min(j, i1);
      for (let i = i0; i < a; i++) f[zhOff + i] *= -f[row + i] / (dj - f[dkOff + i]);
      for (let i = Math.max(j + 1, i0); i < i1; i++) f[zhOff + i] *= -f[row + i] / (dj - f[dkOff + i]);
    }
    for (let i = i0; i < i1; i++) f[zhOff + i] = Math.sqrt(Math.max(f[zhOff + i], 0)) * (f[zkOff + i] < 0 ? -1 : 1);
  } else {
    for (let i = i0; i < i1; i++) {
      let s = 0;
      const row = dOff + i * k;
      const out = uOff + i * k;
      for (let j = 0; j < k; j++) {
        const v = f[zhOff + j] / f[row + j];
        f[out + j] = v;
        s += v * v;
      }
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < k; j++) f[out + j] *= inv;
    }
  }
}
