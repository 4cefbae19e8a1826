/**
 * Typed errors. Every public function validates its inputs at the boundary and
 * throws one of these, naming the argument, what was wrong and what was expected.
 */
export class DiffusionTheoryError extends Error {
  override name = 'DiffusionTheoryError';
}

/** An array argument has the wrong shape or length. */
export class ShapeError extends DiffusionTheoryError {
  override name = 'ShapeError';
}

/** An argument holds NaN or +-Infinity where finite numbers are required. */
export class NonFiniteError extends DiffusionTheoryError {
  override name = 'NonFiniteError';
}

/** A scalar argument is outside its allowed domain (negative time, t > 1, non-integer count, ...). */
export class DomainError extends DiffusionTheoryError {
  override name = 'DomainError';
}

/** A matrix that must be symmetric positive (semi-)definite is not. */
export class NotPositiveDefiniteError extends DiffusionTheoryError {
  override name = 'NotPositiveDefiniteError';
}

/** An iterative numerical routine did not converge. */
export class ConvergenceError extends DiffusionTheoryError {
  override name = 'ConvergenceError';
}

/** A training run or an integration produced non-finite values; `step` says where. */
export class DivergenceError extends DiffusionTheoryError {
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
  override name = 'ParameterError';
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
