import { ConvergenceError, NonFiniteError, NotPositiveDefiniteError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { symFunctionInPlace } from './base-sym.js';
import { rcondArg, symmetricArg } from './validate.js';

/** Eigenvalues >= -PSD_TOL * max|lambda| count as (rounding-error) zeros in sqrtPSD / invSqrtPSD. */
export const PSD_TOL = 1e-10;

function applySym(
  a: NDArray,
  name: string,
  fname: string,
  f: (lambda: number, i: number, values: Float64Array) => number,
  check?: (values: Float64Array) => void,
): NDArray {
  const { n, data } = symmetricArg(a, name);
  const out = new Float64Array(n * n);
  let checked = false;
  const g = (l: number, i: number, values: Float64Array): number => {
    if (!checked) {
      check?.(values);
      checked = true;
    }
    const y = f(l, i, values);
    if (!Number.isFinite(y)) throw new NonFiniteError(`${fname}: f(${l}) = ${y} for eigenvalue ${i} of ${name}; expected a finite number`);
    return y;
  };
  if (!symFunctionInPlace(n, data, g, out)) throw new ConvergenceError(`${fname}(${name}): the eigensolver did not converge`);
  return new NDArray(out, [n, n]);
}

function scaleOf(values: Float64Array): number {
  return values.length ? Math.max(Math.abs(values[0]), Math.abs(values[values.length - 1])) : 0;
}

function assertPsd(values: Float64Array, name: string, fname: string): void {
  if (!values.length) return;
  const lo = values[0];
  if (lo < -PSD_TOL * scaleOf(values)) {
    throw new NotPositiveDefiniteError(
      `${fname}: expected ${name} positive semi-definite, but its smallest eigenvalue is ${lo} (< -${PSD_TOL} * max|lambda| = ${-PSD_TOL * scaleOf(values)})`,
    );
  }
}

/** f(a) = V diag(f(lambda)) V^T for symmetric `a`; f must return finite values. */
export function symmetricFunction(a: NDArray, f: (lambda: number) => number): NDArray {
  return applySym(a, 'a', 'symmetricFunction', (l) => f(l));
}

/**
 * PSD square root S (symmetric, S S = a). Eigenvalues in [-1e-10 max|lambda|, 0) are clipped to
 * 0; more negative ones throw NotPositiveDefiniteError. `name` names the argument in errors.
 */
export function sqrtPSD(a: NDArray, name = 'a'): NDArray {
  return applySym(a, name, 'sqrtPSD', (l) => (l > 0 ? Math.sqrt(l) : 0), (v) => assertPsd(v, name, 'sqrtPSD'));
}

export interface InvSqrtOptions {
  /** Eigenvalues <= rcond * max|lambda| are treated as zero (default n * 2^-52). */
  rcond?: number;
}

/**
 * Pseudo-inverse square root on the range: V diag(lambda^-1/2 if lambda > rcond lambda_max, else 0) V^T.
 * Same PSD check as `sqrtPSD`.
 */
export function invSqrtPSD(a: NDArray, options: InvSqrtOptions = {}): NDArray {
  const n = a?.shape?.[0] ?? 0;
  const rcond = rcondArg(options.rcond, Math.max(n, 1) * 2 ** -52);
  return applySym(
    a,
    'a',
    'invSqrtPSD',
    (l, _i, v) => (l > rcond * scaleOf(v) && l > 0 ? 1 / Math.sqrt(l) : 0),
    (v) => assertPsd(v, 'a', 'invSqrtPSD'),
  );
}

/** Matrix exponential of a symmetric matrix. */
export function expSym(a: NDArray): NDArray {
  return applySym(a, 'a', 'expSym', (l) => Math.exp(l));
}

/** Principal matrix logarithm of a symmetric positive definite matrix (NotPositiveDefiniteError if some lambda <= 0). */
export function logSym(a: NDArray): NDArray {
  return applySym(
    a,
    'a',
    'logSym',
    (l) => Math.log(l),
    (v) => {
      if (v.length && !(v[0] > 0)) {
        throw new NotPositiveDefiniteError(`logSym: expected a to be positive definite, but its smallest eigenvalue is ${v[0]} (must be > 0)`);
      }
    },
  );
}
