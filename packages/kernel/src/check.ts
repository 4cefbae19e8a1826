import { DomainError, NonFiniteError, ShapeError, describeValue } from './errors.js';

/** Throw NonFiniteError naming `name` and the first bad index if `x` has NaN or Infinity. */
export function assertFinite(x: ArrayLike<number>, name: string): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) {
      throw new NonFiniteError(`${name}: expected finite numbers, found ${v} at flat index ${i}`);
    }
  }
}

/** Throw ShapeError unless `x.length === n`. */
export function assertLength(x: ArrayLike<number>, n: number, name: string): void {
  if (x.length !== n) {
    throw new ShapeError(`${name}: expected length ${n}, got ${x.length}`);
  }
}

/** Throw DomainError unless `v` is a finite number in [lo, hi] (inclusive bounds; pass +-Infinity to leave open). */
export function assertInRange(v: number, lo: number, hi: number, name: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new DomainError(`${name}: expected a finite number in [${lo}, ${hi}], got ${describeValue(v)}`);
  }
}

/** Throw DomainError unless `v` is an integer >= min. */
export function assertInteger(v: number, min: number, name: string): void {
  if (!Number.isInteger(v) || v < min) {
    throw new DomainError(`${name}: expected an integer >= ${min}, got ${describeValue(v)}`);
  }
}

/** Throw DomainError unless `v` is a finite number > 0. */
export function assertPositive(v: number, name: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new DomainError(`${name}: expected a finite number > 0, got ${describeValue(v)}`);
  }
}
