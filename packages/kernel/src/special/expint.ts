import { DomainError } from '../errors.js';

/** Euler–Mascheroni constant. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * Exponential integral E1(x) = int_x^inf e^{-t} / t dt for x > 0 (spec spectral-bias §17):
 * the series -gamma - ln x - sum_k (-x)^k / (k k!) for x <= 1, the modified-Lentz continued fraction
 * e^{-x} / (x + 1 - 1 / (x + 3 - 4 / (x + 5 - ...))) for x > 1. Relative error below 1e-14 on
 * [1e-300, 700]; E1(x) underflows to 0 past x ~ 740; E1(+Infinity) = 0.
 * @param x - argument, x > 0
 * @returns E1(x)
 * @throws DomainError when x is not > 0 (E1 is complex for x < 0 and infinite at 0)
 * @example
 * expint1(1); // 0.21938393439552029
 */
export function expint1(x: number): number {
  if (!(x > 0)) throw new DomainError(`x: expected a number > 0 for E1(x), got ${x}`);
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x <= 1) {
    // sum_{k>=1} (-1)^{k+1} x^k / (k k!)
    let term = 1;
    let sum = 0;
    for (let k = 1; k < 60; k++) {
      term *= -x / k; // (-x)^k / k!
      const t = term / k;
      sum -= t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return -EULER_GAMMA - Math.log(x) + sum;
  }
  if (x > 745) return 0;
  // Modified Lentz for the continued fraction b0 = x + 1, a_k = -k^2, b_k = x + 2k + 1.
  const tiny = 1e-300;
  let f = x + 1;
  let c = f;
  let d = 0;
  for (let k = 1; k < 10000; k++) {
    const a = -k * k;
    const b = x + 2 * k + 1;
    d = b + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x) / f;
}

/**
 * Principal-value exponential integral Ei(x) = -PV int_{-x}^inf e^{-t} / t dt, x != 0.
 * Ei(x) = -E1(-x) for x < 0; for x > 0 the all-positive series gamma + ln x + sum x^k / (k k!)
 * (x <= 40) or the asymptotic series e^x / x sum k! / x^k (x > 40).
 * @param x - argument, x != 0
 * @returns Ei(x) (-Infinity is never returned for finite x != 0; Ei(-Infinity) = 0)
 * @throws DomainError when x is 0 or NaN
 * @example
 * expintEi(-1); // -0.21938393439552029
 */
export function expintEi(x: number): number {
  if (Number.isNaN(x) || x === 0) throw new DomainError(`x: expected a non-zero number for Ei(x), got ${x}`);
  if (x < 0) return -expint1(-x);
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x <= 40) {
    let term = 1;
    let sum = 0;
    for (let k = 1; k < 500; k++) {
      term *= x / k;
      const t = term / k;
      sum += t;
      if (t < 1e-17 * sum) break;
    }
    return EULER_GAMMA + Math.log(x) + sum;
  }
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 40; k++) {
    const next = (term * k) / x;
    if (next > term) break;
    term = next;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return (Math.exp(x) / x) * sum;
}
