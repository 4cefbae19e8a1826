import { DomainError, NonFiniteError, ParameterError, ShapeError, describeValue } from './errors.js';

/** Throw NonFiniteError naming `name` and the first bad index if `x` has NaN or Infinity. */
export function assertFinite(x: ArrayLike<number>, name: string): void {
  assertArrayLike(x, name);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) {
      throw new NonFiniteError(`${name}: expected finite numbers, found ${v} at flat index ${i}`);
    }
  }
}

/** Throw ShapeError unless `x.length === n`. */
export function assertLength(x: ArrayLike<number>, n: number, name: string): void {
  assertArrayLike(x, name);
  assertNumber(n, 'n');
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

/**
 * Throw ParameterError unless `v` is a non-null object (an options object, a schedule, a model...).
 * The first check of every entry point that takes an object, so that a missing or wrong argument is
 * a typed error naming it rather than a TypeError from inside.
 * @param v - the argument
 * @param name - its name in the message
 * @throws ParameterError when `v` is not an object
 */
export function assertObject(v: unknown, name: string): asserts v is object {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
    throw new ParameterError(`${name}: expected an object, got ${describeValue(v)}`);
  }
}

/**
 * Throw ShapeError unless `v` is array-like (a typed array or an array: anything with a numeric length).
 * @param v - the argument
 * @param name - its name in the message
 * @throws ShapeError when `v` has no numeric `length`
 */
export function assertArrayLike(v: unknown, name: string): asserts v is ArrayLike<number> {
  if (v === null || typeof v !== 'object' || typeof (v as { length?: unknown }).length !== 'number') {
    throw new ShapeError(`${name}: expected an array or typed array, got ${describeValue(v)}`);
  }
}

/**
 * Throw unless `v` is a number that is not NaN (+-Infinity is left to the function's own range check):
 * DomainError for a non-number, NonFiniteError for NaN.
 * @param v - the argument
 * @param name - its name in the message
 * @throws DomainError when `v` is not a number; NonFiniteError when it is NaN
 */
export function assertNumber(v: unknown, name: string): asserts v is number {
  if (typeof v !== 'number') throw new DomainError(`${name}: expected a number, got ${describeValue(v)}`);
  if (Number.isNaN(v)) throw new NonFiniteError(`${name}: expected a number, got NaN`);
}

/**
 * Throw ShapeError unless `v` is a kernel NDArray (of any installed kernel version: recognised by its
 * `Symbol.for` brand, not by identity).
 * @param v - the argument
 * @param name - its name in the message
 * @throws ShapeError when `v` is not an NDArray
 */
export function assertNDArray(v: unknown, name: string): void {
  if (v === null || typeof v !== 'object' || !(Symbol.for('@diffusion-theory/kernel.NDArray') in v)) {
    throw new ShapeError(`${name}: expected an NDArray, got ${describeValue(v)}`);
  }
}
