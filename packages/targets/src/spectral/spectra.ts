import { assertInteger, DomainError, isRng, NDArray, normalInv, ParameterError, qr, type Rng } from '@diffusion-theory/kernel';

function rescaleDescending(v: Float64Array): Float64Array {
  v.sort();
  v.reverse();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  const m = s / v.length;
  for (let i = 0; i < v.length; i++) v[i] /= m;
  return v;
}

/**
 * Random log-normal spectrum of spec spectral-bias §13.1: lambda = exp(randn(d)) (standard normals
 * from `rng`, in order), sorted descending and rescaled to mean 1.
 * @param dim - number of eigenvalues d >= 1
 * @param rng - seeded generator (draws d normals)
 * @returns Float64Array of d positive eigenvalues, descending, mean 1
 * @throws DomainError when dim is not an integer >= 1; ParameterError when rng is not an Rng
 * @example
 * logNormalSpectrum(256, new Rng(1).named('spectrum'));
 */
export function logNormalSpectrum(dim: number, rng: Rng): Float64Array {
  assertInteger(dim, 1, 'dim');
  if (!isRng(rng)) throw new ParameterError('rng: expected an Rng');
  const v = rng.normals(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.exp(v[i]);
  return rescaleDescending(v);
}

/**
 * Deterministic quantile log-normal spectrum (spec §13.1): lambda_k proportional to
 * exp(Phi^{-1}((k - 1/2) / d)), k = 1..d, sorted descending, rescaled to mean 1
 * (d = 256: lambda_max = 10.936, lambda_min = 0.03408).
 * @param dim - number of eigenvalues d >= 1
 * @returns Float64Array of d positive eigenvalues, descending, mean 1
 * @throws DomainError when dim is not an integer >= 1
 */
export function quantileLogNormalSpectrum(dim: number): Float64Array {
  assertInteger(dim, 1, 'dim');
  const v = new Float64Array(dim);
  for (let k = 0; k < dim; k++) v[k] = Math.exp(normalInv((k + 0.5) / dim));
  return rescaleDescending(v);
}

/**
 * Haar-distributed random rotation: the Q factor of the QR decomposition of a d x d matrix of i.i.d.
 * standard normals (row-major, drawn from `rng`), with columns sign-corrected so that diag(R) > 0.
 * @param dim - size d >= 1
 * @param rng - seeded generator (draws d*d normals)
 * @returns d x d orthogonal NDArray
 * @throws DomainError when dim is not an integer >= 1; ParameterError when rng is not an Rng
 */
export function haarRotation(dim: number, rng: Rng): NDArray {
  assertInteger(dim, 1, 'dim');
  if (!isRng(rng)) throw new ParameterError('rng: expected an Rng');
  const g = new NDArray(rng.normals(dim * dim), [dim, dim]);
  const { q, r } = qr(g);
  const qd = q.contiguous().data;
  const rd = r.contiguous().data;
  for (let j = 0; j < dim; j++) {
    if (rd[j * dim + j] < 0) for (let i = 0; i < dim; i++) qd[i * dim + j] = -qd[i * dim + j];
  }
  if (qd.some((x) => !Number.isFinite(x))) throw new DomainError('haarRotation: QR produced non-finite values');
  return new NDArray(qd, [dim, dim]);
}
