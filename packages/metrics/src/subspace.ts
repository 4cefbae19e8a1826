/**
 * Variances of generated samples measured where Result 2.2 of Cui et al. 2025 makes its statements: off the span of the trained weights (the Gaussian part, variance v_t
 * per direction) and per spectral group of coordinates.
 */
import { DomainError, type NDArray, ShapeError, assertFinite, dgemm, isNDArray, svd } from '@diffusion-theory/kernel';
import { samplesArg } from './moments.js';

export interface OffSubspaceVariance {
  /** Mean squared norm per direction of the part of the samples off span(w): sum_i |P_perp x_i|^2 / (n (d - k)). */
  variance: number;
  /** Standard error of `variance` from the spread of the per-sample values |P_perp x_i|^2 / (d - k) (sd / sqrt n). */
  standardError: number;
  /** k = rank of w (singular values above rtol times the largest). */
  rank: number;
}

/**
 * The empirical counterpart of Result 2.2's v_t: the variance per direction of the samples off
 * W = span(w). For each row x_i (n x d), |P_perp x_i|^2 = |x_i|^2 - |U^T x_i|^2 with U an orthonormal
 * basis of W (thin SVD of w, rank by `rtol`); the result is their mean over rows divided by d - k.
 * Uncentred: the Result 2.2 Gaussian off W has mean 0.
 *
 * @param samples n x d rows (n >= 2).
 * @param w d x r weights whose column span is W (not necessarily orthonormal).
 * @param opts.rtol relative singular-value cut-off of the rank (default 1e-10).
 * @throws ShapeError on shapes that do not match; DomainError when rank(w) = d or w = 0.
 * @param samples - n x d NDArray
 * @param w - d x r weights whose column span is removed
 * @param opts - rtol: singular values below rtol * max are treated as zero (default 1e-10)
 * @returns the per-direction variance off span(w) and its spread
 */
export function offSubspaceEmpirical(samples: NDArray, w: NDArray, opts: { rtol?: number } = {}): OffSubspaceVariance {
  const { n, d, data } = samplesArg(samples, 'samples', 2);
  if (!isNDArray(w) || w.ndim !== 2 || w.shape[0] !== d) {
    throw new ShapeError(`w: expected an NDArray of shape [${d}, r] (d = columns of samples), got ${isNDArray(w) ? `[${w.shape.join(', ')}]` : typeof w}`);
  }
  const r = w.shape[1];
  if (r < 1) throw new ShapeError('w: expected at least one column');
  assertFinite(w.contiguous().data, 'w');
  const rtol = opts.rtol ?? 1e-10;
  if (!(rtol >= 0 && rtol < 1)) throw new DomainError(`rtol: expected a number in [0, 1), got ${rtol}`);
  const { u, s } = svd(w, 'w');
  let k = 0;
  while (k < s.length && s[k] > rtol * s[0]) k++;
  if (k === 0) throw new DomainError('w: expected a non-zero matrix (its span is empty)');
  if (k >= d) throw new DomainError(`w: rank ${k} = d leaves no direction off its span`);
  // U (d x k): the first k columns of the thin SVD
  const uk = u.contiguous().data;
  const kk = s.length;
  const U = new Float64Array(d * k);
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) U[i * k + j] = uk[i * kk + j];
  const Z = new Float64Array(n * k);
  dgemm(false, false, n, k, d, 1, data, d, U, k, 0, Z, k);
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    let xx = 0;
    for (let j = 0; j < d; j++) xx += data[i * d + j] ** 2;
    for (let j = 0; j < k; j++) xx -= Z[i * k + j] ** 2;
    const v = xx / (d - k);
    sum += v;
    sum2 += v * v;
  }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, (sum2 - n * mean * mean) / (n - 1)));
  return { variance: mean, standardError: sd / Math.sqrt(n), rank: k };
}

export interface PerGroupVariance {
  /** Per group s: (1/(n |s|)) sum_{i in s} sum_k (x_{k,i} - c_i)^2, c = 0 (uncentred) or the sample mean. */
  variance: Float64Array;
  /** Standard error of each group's value from the spread of its per-sample averages (sd / sqrt n). */
  standardError: Float64Array;
  /** |s|: coordinates per group. */
  size: Int32Array;
}

/**
 * The generated variance per spectral group of coordinates (the quantity Result 2.2 predicts per group:
 * v_t on the part of the group off span(w) plus the span(w) part), measured on samples: for group s,
 * the mean over rows of (1/|s|) sum_{i in s} x_i^2 (uncentred by default; `centre: true` subtracts the
 * sample mean per coordinate first, with divisor n - 1).
 *
 * @param samples n x d rows (n >= 2).
 * @param groups group index (0..Ng-1) of each of the d coordinates; every group non-empty.
 * @throws ShapeError when groups has the wrong length; DomainError for a bad or empty group index.
 * @param samples - n x d NDArray
 * @param groups - group index of each coordinate (length d)
 * @param opts - centre: subtract the sample mean first (default false)
 * @returns the mean variance per group of coordinates
 */
export function perGroupVariance(samples: NDArray, groups: ArrayLike<number>, opts: { centre?: boolean } = {}): PerGroupVariance {
  const { n, d, data } = samplesArg(samples, 'samples', 2);
  if (!groups || groups.length !== d) throw new ShapeError(`groups: expected length d = ${d}, got ${groups?.length}`);
  let Ng = 0;
  for (let i = 0; i < d; i++) {
    const g = groups[i];
    if (!Number.isInteger(g) || g < 0) throw new DomainError(`groups[${i}]: expected an integer >= 0, got ${g}`);
    Ng = Math.max(Ng, g + 1);
  }
  const size = new Int32Array(Ng);
  for (let i = 0; i < d; i++) size[groups[i]]++;
  for (let s = 0; s < Ng; s++) if (size[s] === 0) throw new DomainError(`groups: group ${s} has no coordinate (expected indices 0..Ng-1 without gaps)`);
  const mean = new Float64Array(d);
  if (opts.centre) {
    for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) mean[i] += data[k * d + i] / n;
  }
  const scale = opts.centre ? n / (n - 1) : 1;
  const sum = new Float64Array(Ng);
  const sum2 = new Float64Array(Ng);
  const row = new Float64Array(Ng);
  for (let k = 0; k < n; k++) {
    row.fill(0);
    for (let i = 0; i < d; i++) row[groups[i]] += (data[k * d + i] - mean[i]) ** 2;
    for (let s = 0; s < Ng; s++) {
      const v = (scale * row[s]) / size[s];
      sum[s] += v;
      sum2[s] += v * v;
    }
  }
  const variance = new Float64Array(Ng);
  const standardError = new Float64Array(Ng);
  for (let s = 0; s < Ng; s++) {
    variance[s] = sum[s] / n;
    standardError[s] = Math.sqrt(Math.max(0, (sum2[s] - n * variance[s] ** 2) / (n - 1)) / n);
  }
  return { variance, standardError, size };
}
