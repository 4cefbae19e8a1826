import { ConvergenceError, DomainError } from '../errors.js';

export interface BrentOptions {
  /** Absolute tolerance on the root (default 1e-13). */
  tol?: number;
  /** Iteration cap (default 200). */
  maxIter?: number;
}

/**
 * Brent's method for a root of f on a bracket [a, b] with f(a) f(b) <= 0.
 * @param f - continuous function
 * @param a - left end
 * @param b - right end
 * @param options - tolerance and iteration cap
 * @returns x in [a, b] with |x - root| <= tol
 * @throws DomainError when the bracket is not finite or f has the same sign at both ends; ConvergenceError when maxIter is reached
 * @example
 * brentRoot((x) => x * x - 2, 0, 2); // 1.4142135623730951
 */
export function brentRoot(f: (x: number) => number, a: number, b: number, options: BrentOptions = {}): number {
  const tol = options.tol ?? 1e-13;
  const maxIter = options.maxIter ?? 200;
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new DomainError(`a, b: expected a finite bracket, got [${a}, ${b}]`);
  let fa = f(a);
  let fb = f(b);
  if (Number.isNaN(fa) || Number.isNaN(fb)) throw new DomainError(`f: NaN at the bracket ends [${a}, ${b}]`);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) throw new DomainError(`a, b: expected f(a) and f(b) of opposite signs, got f(${a}) = ${fa}, f(${b}) = ${fb}`);
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let it = 0; it < maxIter; it++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  throw new ConvergenceError(`brentRoot: no convergence in ${maxIter} iterations on [${a}, ${b}]`);
}
