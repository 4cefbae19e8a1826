/**
 * The Gaussian surrogate of an image set (T3 / T6 of the experiments of Cui et al. 2025) and the sample
 * sources the DAE experiments train on: the Gaussian with the exact empirical spectrum, and the
 * images themselves drawn with replacement. Everything in the eigenframe of the empirical covariance.
 */
import {
  DomainError,
  NDArray,
  ParameterError,
  type Rng,
  type SampleSource,
  ShapeError,
  addRowVector,
  assertFinite,
  assertInteger,
  eigh,
  isNDArray,
  sampleCovariance,
  sampleMean,
} from '@diffusion-theory/kernel';
import { type SpectralGroupMixture, spectralGroupMixture } from './spectral-groups.js';

export interface GaussianSurrogateOptions {
  /** Centre the data (default true): the target is N(0, Sigma). With false, N(mean image, Sigma). */
  centre?: boolean;
  /** Number of top eigenvalues kept as microscopic (single-coordinate) groups. Default 10. */
  spikes?: number;
  /** Number of macroscopic bulk groups the remaining eigenvalues are binned into. Default 4. */
  bulkBins?: number;
  /** Reference directions E: the top `referencePcs` principal components. Default 2. */
  referencePcs?: number;
}

/** A spectral-group Gaussian built from a data set, with the maps between pixels and its eigenframe. */
export interface ImageSetGaussian extends SpectralGroupMixture {
  /** The mean row of the data (length d, data frame); add it back to visualise samples. */
  readonly pixelMean: Float64Array;
  /** The full empirical spectrum of Sigma, descending (length d; tiny negative round-off clamped to 0). */
  readonly spectrum: Float64Array;
  /** Number of rows (images) used. */
  readonly nImages: number;
  /** The empirical covariance Sigma (d x d, data frame, divisor n - 1). */
  readonly empiricalCovariance: NDArray;
  /** Data rows (n x d, data frame) to centred eigen-coordinates: (x - pixelMean) U (not centred when centre = false). */
  toEigenRows(x: NDArray): NDArray;
  /** Eigen-coordinates (n x d) back to data rows: y U^T + pixelMean (no mean added when centre = false). */
  toPixels(y: NDArray): NDArray;
}

/**
 * The Gaussian surrogate of a data set `images` (n x d rows, e.g. pixels / 255): N(0, Sigma) with Sigma
 * the empirical covariance (unbiased, divisor n - 1), as a spectral-group target (Cui et al. 2025, eq. 8).
 *
 * Grouping (documented choice): Sigma = U diag(lambda) U^T with lambda descending. The top `spikes`
 * eigenvalues are microscopic groups of one coordinate each (rho_s = 0, Cui et al. 2025, Result 2.1). The remaining
 * d - spikes eigenvalues, in descending order, are cut into `bulkBins` consecutive bins of (nearly)
 * equal count; each bin is a macroscopic group whose ell is the mean of its eigenvalues, so Tr Sigma
 * is preserved exactly while the bulk spectrum is coarse-grained. The eigenbasis U (columns = PCs,
 * descending) is kept as `basis`: `sample` returns data-frame rows; `eigenFrame()` trains in the
 * eigenbasis, `toPixels` maps eigen-coordinates back. E = the top `referencePcs` PCs.
 *
 * @param images n x d data rows, n >= 2, finite.
 * @throws ShapeError when `images` is not a finite n x d NDArray with n >= 2.
 * @throws DomainError when spikes + bulkBins > d or referencePcs > d.
 * @param images - n x d NDArray (n >= 2)
 * @param opts - centre, the number of spikes, bulk bins and reference PCs
 * @returns the Gaussian N(mean, Sigma_empirical) as a spectral-group target with its eigenbasis helpers
 * @throws ShapeError for fewer than 2 rows; DomainError when spikes + bulkBins or referencePcs exceed d; ParameterError for a non-boolean centre
 */
export function gaussianSurrogate(images: NDArray, opts: GaussianSurrogateOptions = {}): ImageSetGaussian {
  if (!isNDArray(images) || images.ndim !== 2) throw new ShapeError('images: expected an NDArray of shape [n, d] (one data row per image)');
  const [n, d] = images.shape;
  if (n < 2) throw new ShapeError(`images: expected at least 2 rows for a covariance, got ${n}`);
  if (d < 1) throw new ShapeError('images: expected at least one column');
  const X = images.contiguous();
  assertFinite(X.data, 'images');
  const centre = opts.centre ?? true;
  if (typeof centre !== 'boolean') throw new ParameterError(`centre: expected a boolean, got ${String(centre)}`);
  const k = opts.spikes ?? 10;
  const bins = opts.bulkBins ?? 4;
  const R = opts.referencePcs ?? 2;
  assertInteger(k, 0, 'spikes');
  assertInteger(bins, 1, 'bulkBins');
  assertInteger(R, 0, 'referencePcs');
  if (k + bins > d) throw new DomainError(`spikes + bulkBins: expected <= d = ${d}, got ${k + bins}`);
  if (R > d) throw new DomainError(`referencePcs: expected <= d = ${d}, got ${R}`);
  const m = sampleMean(X);
  const cov = sampleCovariance(X, { mean: m, ddof: 1 });
  const { values, vectors } = eigh(cov, 'covariance');
  // descending order
  const spectrum = new Float64Array(d);
  const U = new Float64Array(d * d);
  const V = vectors.contiguous().data;
  for (let j = 0; j < d; j++) {
    const src = d - 1 - j;
    spectrum[j] = Math.max(0, values[src]);
    for (let i = 0; i < d; i++) U[i * d + j] = V[i * d + src];
  }
  const groups = new Int32Array(d);
  const rest = d - k;
  const nGroups = k + bins;
  const ell = new Float64Array(nGroups);
  const counts = new Float64Array(nGroups);
  for (let j = 0; j < d; j++) {
    const g = j < k ? j : k + Math.min(bins - 1, Math.floor(((j - k) * bins) / rest));
    groups[j] = g;
    ell[g] += spectrum[j];
    counts[g]++;
  }
  for (let g = 0; g < nGroups; g++) ell[g] /= counts[g];
  let means: NDArray | undefined;
  if (!centre) {
    const me = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += U[i * d + j] * m[i];
      me[j] = s;
    }
    means = new NDArray(me, [1, d]);
  }
  const E = new Float64Array(d * R);
  for (let r = 0; r < R; r++) E[r * R + r] = 1;
  const base = spectralGroupMixture({
    means,
    dim: d,
    groups,
    ell: new NDArray(ell, [1, nGroups]),
    microscopic: Array.from({ length: nGroups }, (_, g) => g < k),
    reference: new NDArray(E, [d, R]),
    basis: new NDArray(U, [d, d]),
  });
  const negMean = m.map((v) => -v);
  return Object.assign(base, {
    pixelMean: m,
    spectrum,
    nImages: n,
    empiricalCovariance: cov,
    toEigenRows(x: NDArray): NDArray {
      if (!isNDArray(x) || x.ndim !== 2 || x.shape[1] !== d) throw new ShapeError(`x: expected an NDArray of shape [n, ${d}]`);
      return base.toEigenFrame(centre ? addRowVector(x, negMean) : x);
    },
    toPixels(y: NDArray): NDArray {
      if (!isNDArray(y) || y.ndim !== 2 || y.shape[1] !== d) throw new ShapeError(`y: expected an NDArray of shape [n, ${d}]`);
      const px = base.toDataFrame(y);
      return centre ? addRowVector(px, m) : px;
    },
  });
}

/**
 * N(0, diag(spectrum)): the Gaussian with exactly the given covariance eigenvalues, in its eigenframe
 * (T3 of the experiments of Cui et al. 2025 with the full empirical spectrum, not the coarse-grained groups).
 *
 * @param spectrum eigenvalues >= 0 (length d >= 1).
 * @throws ShapeError for an empty spectrum; DomainError for a negative or non-finite eigenvalue.
 * @param spectrum - eigenvalues (finite, >= 0), one per coordinate
 * @returns a kernel SampleSource of N(0, diag(spectrum))
 * @throws ShapeError for an empty spectrum; DomainError for a negative or non-finite eigenvalue
 */
export function spectrumSource(spectrum: ArrayLike<number>): SampleSource {
  const d = spectrum?.length ?? 0;
  if (d < 1) throw new ShapeError('spectrum: expected at least one eigenvalue');
  const sd = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const v = spectrum[i];
    if (!(v >= 0) || !Number.isFinite(v)) throw new DomainError(`spectrum[${i}]: expected a finite eigenvalue >= 0, got ${v}`);
    sd[i] = Math.sqrt(v);
  }
  const fill = (out: Float64Array, n: number, rng: Rng) => {
    assertInteger(n, 0, 'n');
    if (out.length < n * d) throw new ShapeError(`out: expected length >= ${n * d}, got ${out.length}`);
    const o = out.subarray(0, n * d);
    rng.fillNormal(o);
    for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) o[k * d + i] *= sd[i];
  };
  return {
    dim: d,
    sampleInto: fill,
    sample(n, rng) {
      const out = new Float64Array(n * d);
      fill(out, n, rng);
      return new NDArray(out, [n, d]);
    },
  };
}

/**
 * Uniform draws with replacement from the rows of `rows` (n x d): the empirical law of a data set
 * (T4 / T6 of the experiments of Cui et al. 2025, e.g. `toEigenRows(images)`). Online SGD on it reuses rows once it takes
 * more steps than there are rows.
 *
 * @throws ShapeError when `rows` is not a finite n x d NDArray with n >= 1.
 * @param rows - n x d NDArray of data rows
 * @returns a kernel SampleSource drawing rows uniformly with replacement
 * @throws ShapeError for an empty or non-2-D array
 */
export function empiricalSource(rows: NDArray): SampleSource {
  if (!isNDArray(rows) || rows.ndim !== 2) throw new ShapeError('rows: expected an NDArray of shape [n, d]');
  const [n, d] = rows.shape;
  if (n < 1 || d < 1) throw new ShapeError(`rows: expected at least one row and one column, got [${n}, ${d}]`);
  const data = Float64Array.from(rows.contiguous().data);
  assertFinite(data, 'rows');
  const fill = (out: Float64Array, m: number, rng: Rng) => {
    assertInteger(m, 0, 'n');
    if (out.length < m * d) throw new ShapeError(`out: expected length >= ${m * d}, got ${out.length}`);
    for (let k = 0; k < m; k++) {
      const i = rng.int(n);
      out.set(data.subarray(i * d, (i + 1) * d), k * d);
    }
  };
  return {
    dim: d,
    sampleInto: fill,
    sample(m, rng) {
      const out = new Float64Array(m * d);
      fill(out, m, rng);
      return new NDArray(out, [m, d]);
    },
  };
}
