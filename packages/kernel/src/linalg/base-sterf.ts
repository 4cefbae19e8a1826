/**
 * Eigenvalues of a symmetric tridiagonal matrix by the root-free Pal-Walker-Kahan variant of
 * implicit QL / QR (LAPACK dsterf): the iteration runs on the squares of the off-diagonal, so a
 * sweep has no square roots (one per shift) and about half the work of tql2 without vectors. Each
 * unreduced block is scaled into a safe range, and QL or QR is chosen per block by which end is
 * larger (LAPACK's rule, which keeps graded blocks accurate). Used for eigenvalues only.
 */

const EPS = 2 ** -53; // LAPACK dlamch('E'): relative machine precision
const EPS2 = EPS * EPS;
const SAFMIN = 2 ** -1022;
const SAFMAX = 1 / SAFMIN;
const SSFMAX = Math.sqrt(SAFMAX) / 3;
const SSFMIN = Math.sqrt(SAFMIN) / EPS2;
const MAXIT = 30;

/** Eigenvalues (rt1 of larger magnitude, rt2) of [[a, b], [b, c]] (LAPACK dlae2). */
function lae2(a: number, b: number, c: number, out: Float64Array): void {
  const sm = a + c;
  const df = a - c;
  const adf = Math.abs(df);
  const tb = b + b;
  const ab = Math.abs(tb);
  const [acmx, acmn] = Math.abs(a) > Math.abs(c) ? [a, c] : [c, a];
  let rt: number;
  if (adf > ab) rt = adf * Math.sqrt(1 + (ab / adf) ** 2);
  else if (adf < ab) rt = ab * Math.sqrt(1 + (adf / ab) ** 2);
  else rt = ab * Math.SQRT2;
  if (sm !== 0) {
    const rt1 = 0.5 * (sm < 0 ? sm - rt : sm + rt);
    out[0] = rt1;
    out[1] = (acmx / rt1) * acmn - (b / rt1) * b;
  } else {
    out[0] = 0.5 * rt;
    out[1] = -0.5 * rt;
  }
}

/** Wilkinson-type shift from the end 2 x 2 block [[p, sqrt(e2)], [sqrt(e2), dnext]] (e2 the squared off-diagonal). */
function shift(p: number, dnext: number, e2: number): number {
  const rte = Math.sqrt(e2);
  const sigma = (dnext - p) / (2 * rte);
  const r = Math.hypot(sigma, 1);
  return p - rte / (sigma + (sigma >= 0 ? r : -r));
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `d` (length n) and off-diagonal
 * `e` (e[i] = T[i][i+1], length >= n - 1), ascending in `d` on exit; `e` is destroyed. Returns
 * false when the iteration did not converge within 30 n sweeps (d then holds approximations).
 */
export function sterf(n: number, d: Float64Array, e: Float64Array): boolean {
  if (n <= 1) return true;
  const two = new Float64Array(2);
  const nmaxit = n * MAXIT;
  let jtot = 0;
  let l1 = 0;
  while (l1 < n) {
    if (l1 > 0) e[l1 - 1] = 0;
    // Split off the unreduced block l1..m.
    let m = l1;
    for (; m < n - 1; m++) {
      if (Math.abs(e[m]) <= Math.sqrt(Math.abs(d[m])) * Math.sqrt(Math.abs(d[m + 1])) * EPS) {
        e[m] = 0;
        break;
      }
    }
    let l = l1;
    const lsv = l;
    let lend = m;
    const lendsv = lend;
    l1 = m + 1;
    if (lend === l) continue;
    // Scale the block into a safe range.
    let anorm = 0;
    for (let i = l; i <= lend; i++) anorm = Math.max(anorm, Math.abs(d[i]));
    for (let i = l; i < lend; i++) anorm = Math.max(anorm, Math.abs(e[i]));
    if (anorm === 0) continue;
    let scale = 1;
    if (anorm > SSFMAX) scale = SSFMAX / anorm;
    else if (anorm < SSFMIN) scale = SSFMIN / anorm;
    if (scale !== 1) {
      for (let i = l; i <= lend; i++) d[i] *= scale;
      for (let i = l; i < lend; i++) e[i] *= scale;
    }
    for (let i = l; i < lend; i++) e[i] *= e[i];
    // QL when the bottom end is larger, QR otherwise.
    if (Math.abs(d[lend]) < Math.abs(d[l])) {
      lend = lsv;
      l = lendsv;
    }
    if (lend >= l) {
      // QL iteration: look for a small subdiagonal element.
      while (l <= lend) {
        let mm = l;
        for (; mm < lend; mm++) if (Math.abs(e[mm]) <= EPS2 * Math.abs(d[mm] * d[mm + 1])) break;
        if (mm < lend) e[mm] = 0;
        let p = d[l];
        if (mm === l) {
          d[l] = p; // eigenvalue found
          l++;
          continue;
        }
        if (mm === l + 1) {
          lae2(d[l], Math.sqrt(e[l]), d[l + 1], two);
          d[l] = two[0];
          d[l + 1] = two[1];
          e[l] = 0;
          l += 2;
          continue;
        }
        if (jtot === nmaxit) break;
        jtot++;
        const sigma = shift(p, d[l + 1], e[l]);
        let c = 1;
        let s = 0;
        let gamma = d[mm] - sigma;
        p = gamma * gamma;
        for (let i = mm - 1; i >= l; i--) {
          const bb = e[i];
          const r = p + bb;
          if (i !== mm - 1) e[i + 1] = s * r;
          const oldc = c;
          c = p / r;
          s = bb / r;
          const oldgam = gamma;
          const alpha = d[i];
          gamma = c * (alpha - sigma) - s * oldgam;
          d[i + 1] = oldgam + (alpha - gamma);
          p = c !== 0 ? (gamma * gamma) / c : oldc * bb;
        }
        e[l] = s * p;
        d[l] = sigma + gamma;
      }
    } else {
      // QR iteration: look for a small superdiagonal element.
      while (l >= lend) {
        let mm = l;
        for (; mm > lend; mm--) if (Math.abs(e[mm - 1]) <= EPS2 * Math.abs(d[mm] * d[mm - 1])) break;
        if (mm > lend) e[mm - 1] = 0;
        let p = d[l];
        if (mm === l) {
          d[l] = p;
          l--;
          continue;
        }
        if (mm === l - 1) {
          lae2(d[l], Math.sqrt(e[l - 1]), d[l - 1], two);
          d[l] = two[0];
          d[l - 1] = two[1];
          e[l - 1] = 0;
          l -= 2;
          continue;
        }
        if (jtot === nmaxit) break;
        jtot++;
        const sigma = shift(p, d[l - 1], e[l - 1]);
        let c = 1;
        let s = 0;
        let gamma = d[mm] - sigma;
        p = gamma * gamma;
        for (let i = mm; i <= l - 1; i++) {
          const bb = e[i];
          const r = p + bb;
          if (i !== mm) e[i - 1] = s * r;
          const oldc = c;
          c = p / r;
          s = bb / r;
          const oldgam = gamma;
          const alpha = d[i + 1];
          gamma = c * (alpha - sigma) - s * oldgam;
          d[i] = oldgam + (alpha - gamma);
          p = c !== 0 ? (gamma * gamma) / c : oldc * bb;
        }
        e[l - 1] = s * p;
        d[l] = sigma + gamma;
      }
    }
    if (scale !== 1) for (let i = lsv; i <= lendsv; i++) d[i] /= scale;
    if (jtot >= nmaxit) {
      for (let i = 0; i < n - 1; i++) if (e[i] !== 0) return false;
      break;
    }
  }
  d.subarray(0, n).sort();
  return true;
}

/**
 * `sterf` on a tridiagonal whose off-diagonal is in tql2's layout (e[i] couples rows i - 1 and i, e[0]
 * unused), as `tridiagonalize*` return it: copies it into sterf's layout first, leaving `e` untouched.
 */
export function sterfTql2Layout(n: number, d: Float64Array, e: Float64Array): boolean {
  const off = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) off[i] = e[i + 1];
  return sterf(n, d, off);
}
