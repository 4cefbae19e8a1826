import { assertFinite, assertInteger, eye, gemm, isRng, NDArray, ParameterError, type Rng, ShapeError } from '@diffusion-theory/kernel';
import { type GaussianTarget, gaussian } from '../gaussian.js';
import { haarRotation, logNormalSpectrum, quantileLogNormalSpectrum } from './spectra.js';

/** A zero-mean Gaussian N(0, U diag(lambda) U^T) with its eigenbasis in a fixed (descending) order. */
export interface SpectralGaussian {
  readonly dim: number;
  /** The Gaussian target (sample, denoisers, covariance, ...). */
  target: GaussianTarget;
  /** d x d orthogonal; column k is u_k, the eigenvector of spectrum[k]. */
  basis: NDArray;
  /** Eigenvalues lambda_1 >= ... >= lambda_d > 0. */
  spectrum: Float64Array;
  /** Mean (length d). */
  mean: Float64Array;
  /** Covariance U diag(lambda) U^T (d x d, symmetrised). */
  covariance: NDArray;
}

export interface RotatedLogNormalOptions {
  /** Dimension d >= 1. */
  dim: number;
  /** 'random' (exp(randn), spec §13.1; needs rng), 'quantile' (deterministic), or explicit eigenvalues (length d, > 0). Default 'random'. */
  spectrum?: 'random' | 'quantile' | Float64Array | readonly number[];
  /** 'haar' (QR of a Gaussian matrix; needs rng) or 'identity'. Default 'haar'. */
  rotation?: 'haar' | 'identity' | NDArray;
  /** Seeded generator: the spectrum uses rng.named('spectrum'), the rotation rng.named('rotation'). */
  rng?: Rng;
}

/**
 * The synthetic Gaussian of spec spectral-bias §13.1 (Exp 1): Sigma = R diag(lambda) R^T with a
 * log-normal spectrum (random or deterministic quantile, descending, mean 1) and a Haar rotation R.
 * Randomness: rng.named('spectrum') for the eigenvalues, rng.named('rotation') for R.
 * @param opts - dimension, spectrum, rotation, rng
 * @returns SpectralGaussian (target + basis (columns u_k) + descending spectrum + covariance)
 * @throws DomainError / ShapeError / ParameterError on bad dim, spectrum, rotation or a missing rng
 * @example
 * const g = rotatedLogNormalGaussian({ dim: 64, rng: new Rng(3) });
 * g.target.sample(1000, new Rng(4)); g.basis; g.spectrum;
 */
export function rotatedLogNormalGaussian(opts: RotatedLogNormalOptions): SpectralGaussian {
  const { dim, rng } = opts ?? ({} as RotatedLogNormalOptions);
  assertInteger(dim, 1, 'dim');
  const specOpt = opts.spectrum ?? 'random';
  const rotOpt = opts.rotation ?? 'haar';
  if ((specOpt === 'random' || rotOpt === 'haar') && !isRng(rng)) {
    throw new ParameterError("rng: expected an Rng (needed for spectrum 'random' or rotation 'haar')");
  }
  let spectrum: Float64Array;
  if (specOpt === 'random') spectrum = logNormalSpectrum(dim, (rng as Rng).named('spectrum'));
  else if (specOpt === 'quantile') spectrum = quantileLogNormalSpectrum(dim);
  else {
    spectrum = Float64Array.from(specOpt);
    if (spectrum.length !== dim) throw new ShapeError(`spectrum: expected length dim = ${dim}, got ${spectrum.length}`);
    assertFinite(spectrum, 'spectrum');
    for (let i = 0; i < dim; i++) {
      if (!(spectrum[i] > 0)) throw new ParameterError(`spectrum: expected positive eigenvalues, got ${spectrum[i]} at index ${i}`);
    }
  }
  let basis: NDArray;
  if (rotOpt === 'haar') basis = haarRotation(dim, (rng as Rng).named('rotation'));
  else if (rotOpt === 'identity') basis = eye(dim);
  else {
    if (rotOpt.ndim !== 2 || rotOpt.shape[0] !== dim || rotOpt.shape[1] !== dim) throw new ShapeError(`rotation: expected a ${dim} x ${dim} orthogonal matrix`);
    basis = rotOpt.contiguous();
    assertFinite(basis.data, 'rotation');
  }
  return spectralGaussianFromEigen(basis, spectrum);
}

/** Build a zero-mean SpectralGaussian from a d x d orthogonal basis (columns) and eigenvalues in the same order. */
export function spectralGaussianFromEigen(basis: NDArray, spectrum: Float64Array, mean?: Float64Array): SpectralGaussian {
  const d = spectrum.length;
  const U = basis.contiguous().data;
  const scaled = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) scaled[i * d + k] = U[i * d + k] * spectrum[k];
  const cov = gemm(new NDArray(scaled, [d, d]), new NDArray(U, [d, d]), { transB: true }).data;
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const s = 0.5 * (cov[i * d + j] + cov[j * d + i]);
      cov[i * d + j] = s;
      cov[j * d + i] = s;
    }
  }
  const m = mean ?? new Float64Array(d);
  const target = gaussian({ mean: m, eigen: { basis, spectrum } });
  return { dim: d, target, basis, spectrum, mean: Float64Array.from(m), covariance: new NDArray(cov, [d, d]) };
}
