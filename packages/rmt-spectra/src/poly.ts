/**
 * Complex polynomial roots (Aberth-Ehrlich iteration + Newton polish). Internal: callers validate.
 * Coefficients are given LOWEST degree first as separate real and imaginary arrays.
 */

/** Evaluate p and p' at (zr, zi) by Horner; writes [pr, pi, dr, di] into `out`. */
function horner(cr: Float64Array, ci: Float64Array, zr: number, zi: number, out: Float64Array): void {
  const n = cr.length - 1;
  let pr = cr[n];
  let pi = ci[n];
  let dr = 0;
  let di = 0;
  for (let k = n - 1; k >= 0; k--) {
    const ndr = dr * zr - di * zi + pr;
    const ndi = dr * zi + di * zr + pi;
    dr = ndr;
    di = ndi;
    const npr = pr * zr - pi * zi + cr[k];
    const npi = pr * zi + pi * zr + ci[k];
    pr = npr;
    pi = npi;
  }
  out[0] = pr;
  out[1] = pi;
  out[2] = dr;
  out[3] = di;
}

/**
 * All roots of the polynomial sum_k (cr[k] + i ci[k]) z^k. Trailing zero leading coefficients are
 * dropped first. Returns `{ re, im }` of length = degree. Converges for simple and (slowly) multiple
 * roots; each root is then polished with two Newton steps.
 */
export function polyRoots(crIn: ArrayLike<number>, ciIn?: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  let n = crIn.length - 1;
  const ciAll = ciIn ?? new Float64Array(crIn.length);
  while (n > 0 && crIn[n] === 0 && ciAll[n] === 0) n--;
  const cr = Float64Array.from({ length: n + 1 }, (_, k) => crIn[k]);
  const ci = Float64Array.from({ length: n + 1 }, (_, k) => ciAll[k]);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  if (n === 0) return { re, im };
  // Initial guesses on a circle whose radius bounds the roots (Fujiwara-type bound).
  const lead = Math.hypot(cr[n], ci[n]);
  let radius = 0;
  for (let k = 0; k < n; k++) radius = Math.max(radius, (Math.hypot(cr[k], ci[k]) / lead) ** (1 / (n - k)));
  radius = Math.max(radius, 1e-300);
  for (let j = 0; j < n; j++) {
    const a = (2 * Math.PI * j) / n + 0.4;
    re[j] = radius * Math.cos(a);
    im[j] = radius * Math.sin(a);
  }
  const h = new Float64Array(4);
  for (let iter = 0; iter < 500; iter++) {
    let moved = 0;
    for (let j = 0; j < n; j++) {
      horner(cr, ci, re[j], im[j], h);
      if (h[0] === 0 && h[1] === 0) continue;
      // ratio w = p/p'
      const dd = h[2] * h[2] + h[3] * h[3];
      if (dd === 0) continue;
      const wr = (h[0] * h[2] + h[1] * h[3]) / dd;
      const wi = (h[1] * h[2] - h[0] * h[3]) / dd;
      // s = sum_{k != j} 1/(z_j - z_k)
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        if (k === j) continue;
        const xr = re[j] - re[k];
        const xi = im[j] - im[k];
        const x2 = xr * xr + xi * xi;
        if (x2 === 0) continue;
        sr += xr / x2;
        si += -xi / x2;
      }
      // correction = w / (1 - w s)
      const denR = 1 - (wr * sr - wi * si);
      const denI = -(wr * si + wi * sr);
      const den2 = denR * denR + denI * denI;
      const cR = (wr * denR + wi * denI) / den2;
      const cI = (wi * denR - wr * denI) / den2;
      re[j] -= cR;
      im[j] -= cI;
      moved = Math.max(moved, Math.hypot(cR, cI) / (Math.hypot(re[j], im[j]) + 1e-300));
    }
    if (moved < 1e-15) break;
  }
  for (let j = 0; j < n; j++) {
    for (let s = 0; s < 2; s++) {
      horner(cr, ci, re[j], im[j], h);
      const dd = h[2] * h[2] + h[3] * h[3];
      if (dd === 0) break;
      re[j] -= (h[0] * h[2] + h[1] * h[3]) / dd;
      im[j] -= (h[1] * h[2] - h[0] * h[3]) / dd;
    }
  }
  return { re, im };
}

/** Product of real polynomials (lowest degree first). */
export function polyMul(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array<ArrayBuffer> {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  return out;
}

/** Sum of real polynomials (lowest degree first), with optional scalar weights. */
export function polyAdd(a: ArrayLike<number>, b: ArrayLike<number>, wb = 1): Float64Array<ArrayBuffer> {
  const out = new Float64Array(Math.max(a.length, b.length));
  for (let i = 0; i < a.length; i++) out[i] += a[i];
  for (let i = 0; i < b.length; i++) out[i] += wb * b[i];
  return out;
}
