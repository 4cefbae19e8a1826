import { DomainError, NDArray, ParameterError, type Rng, ShapeError, assertFinite, assertInteger, isNDArray, isRng } from '@diffusion-theory/kernel';

/**
 * Warm start, initialisation (i) of the SGD of Cui et al. 2025 (eqs. 4–6): column k of w is scale * sqrt(d) * mu_k for k < min(r, K), zero otherwise.
 * `mus` is K x d (the centroids, O(1) norms); default scale 0.1 (Figs. 1/5). Returns w, d x r.
 * @param mus - K x d centroids (NDArray)
 * @param d - dimension (integer >= 1; must equal the columns of mus)
 * @param r - width of the network (integer >= 1)
 * @param scale - multiplier of the centroid columns (default 0.1)
 * @returns w, d x r
 * @throws ShapeError when mus is not K x d; NonFiniteError for non-finite centroids; DomainError for d, r not
 *   positive integers or a non-finite scale
 */
export function warmStart(mus: NDArray, d: number, r: number, scale = 0.1): NDArray {
  assertInteger(d, 1, 'd');
  assertInteger(r, 1, 'r');
  if (!isNDArray(mus) || mus.ndim !== 2 || mus.shape[1] !== d) throw new ShapeError(`mus: expected an NDArray of shape [K, ${d}]`);
  if (!Number.isFinite(scale)) throw new DomainError(`scale: expected a finite number, got ${scale}`);
  const m = mus.contiguous().data;
  assertFinite(m, 'mus');
  const K = mus.shape[0];
  const w = new Float64Array(d * r);
  const c = scale * Math.sqrt(d);
  for (let k = 0; k < Math.min(r, K); k++) for (let i = 0; i < d; i++) w[i * r + k] = c * m[k * d + i];
  return new NDArray(w, [d, r]);
}

/**
 * I.i.d. N(0, scale^2) entries (initialisation (ii) of the SGD of Cui et al. 2025, eqs. 4–6; scale 1: Fig. 6 / MNIST). Returns w, d x r.
 * @param d - dimension (integer >= 1)
 * @param r - width (integer >= 1)
 * @param rng - source of the d r normals
 * @param scale - standard deviation of the entries (default 1)
 * @returns w, d x r
 * @throws DomainError for d, r not positive integers or a non-finite scale; ParameterError when rng is not an Rng
 */
export function gaussianInit(d: number, r: number, rng: Rng, scale = 1): NDArray {
  assertInteger(d, 1, 'd');
  assertInteger(r, 1, 'r');
  if (!Number.isFinite(scale)) throw new DomainError(`scale: expected a finite number, got ${scale}`);
  if (!isRng(rng)) throw new ParameterError('rng: expected an Rng');
  const w = rng.normals(d * r);
  if (scale !== 1) for (let i = 0; i < w.length; i++) w[i] *= scale;
  return new NDArray(w, [d, r]);
}
