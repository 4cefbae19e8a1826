/**
 * Exact power-of-two scaling for the dense eigen / singular value drivers (what LAPACK's dsyevd and
 * dgesdd do with dlascl): a matrix whose largest |entry| is below 2^-256 (subnormal input included)
 * or above 2^256 is multiplied by 2^-e, e the even binary exponent of that entry, so that the
 * algorithms run on entries of order 1 (no underflow of squares and Householder norms, no overflow),
 * and the eigen / singular values are multiplied back by 2^e. Powers of two scale exactly, so inside
 * [2^-256, 2^256] nothing is done and results are unchanged bit for bit.
 */

const LOW = 2 ** -256;
const HIGH = 2 ** 256;

/** Multiply `x` by 2^e in place, in steps that neither overflow nor underflow the factor. */
export function ldexpInPlace(x: Float64Array, e: number): void {
  while (e !== 0) {
    const step = Math.max(-1000, Math.min(1000, e));
    const f = 2 ** step;
    for (let i = 0; i < x.length; i++) x[i] *= f;
    e -= step;
  }
}

/**
 * Scale `data` (finite) in place when its largest |entry| is outside [2^-256, 2^256]; returns the
 * exponent e with original = 2^e * scaled (0 when nothing was done or the matrix is zero).
 * `knownMaxAbs`: max |entry| when the caller already has it (matrixArg's), saving a pass.
 */
export function rescaleExtreme(data: Float64Array, knownMaxAbs?: number): number {
  let maxAbs = knownMaxAbs ?? 0;
  if (knownMaxAbs === undefined) for (let i = 0; i < data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(data[i]));
  if (maxAbs === 0 || (maxAbs >= LOW && maxAbs <= HIGH)) return 0;
  let e = Math.floor(Math.log2(maxAbs));
  if (e % 2 !== 0) e -= 1; // even, so that square roots of scaled quantities scale exactly too
  ldexpInPlace(data, -e);
  return e;
}
