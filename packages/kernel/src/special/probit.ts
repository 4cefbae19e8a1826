import { DomainError } from '../errors.js';
import { erfc } from '../stats/special.js';

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/**
 * Standard normal quantile Phi^{-1}(p): Acklam's rational approximation (1e-9) refined by two Halley
 * steps on the double-precision erfc, giving about 1e-15 relative accuracy on (0, 1).
 * @param p - probability in (0, 1)
 * @returns z with Phi(z) = p
 * @throws DomainError when p is not in (0, 1)
 * @example
 * normalInv(0.975); // 1.959963984540054
 */
export function normalInv(p: number): number {
  if (!(p > 0 && p < 1)) throw new DomainError(`p: expected a probability in (0, 1), got ${p}`);
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  for (let it = 0; it < 2; it++) {
    // Work in the tail where the cdf is small, to keep relative accuracy.
    const e = x < 0 ? 0.5 * erfc(-x / Math.SQRT2) - p : 0.5 * erfc(x / Math.SQRT2) - (1 - p);
    const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    const u = x < 0 ? e / pdf : -e / pdf;
    x -= u / (1 + 0.5 * x * u);
  }
  return x;
}
