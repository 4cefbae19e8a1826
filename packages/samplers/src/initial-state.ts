import { type Rng, ShapeError, assertFinite } from '@diffusion-theory/kernel';

/**
 * The starting batch of a sampler: a validated copy of `x0` (n x dim row-major, not modified), or
 * `len` draws of N(0, scale^2) from `rng` when `x0` is undefined.
 */
export function initialState(x0: Float64Array | undefined, len: number, rng: Rng, scale = 1): Float64Array {
  if (x0 !== undefined) {
    if (!(x0 instanceof Float64Array)) throw new ShapeError('x0: expected a Float64Array (n x dim, row-major)');
    if (x0.length !== len) throw new ShapeError(`x0: expected length n*dim = ${len}, got ${x0.length}`);
    assertFinite(x0, 'x0');
    return Float64Array.from(x0);
  }
  const x = rng.fillNormal(new Float64Array(len));
  if (scale !== 1) for (let i = 0; i < len; i++) x[i] *= scale;
  return x;
}
