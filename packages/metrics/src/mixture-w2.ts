import { DomainError, ShapeError, assertFinite, assertInRange, assertObject, assertArrayLike, assertNumber } from '@diffusion-theory/kernel';

/**
 * Mixture Wasserstein distance (Delon & Desolneux 2020) between Gaussian mixtures rho_A = sum_k a_k N_k and
 * rho_B = sum_l b_l N'_l:
 *   MW2^2(rho_A, rho_B) = min over couplings pi of the weights (pi >= 0, sum_l pi_kl = a_k, sum_k pi_kl = b_l)
 *                         of sum_kl pi_kl W2^2(N_k, N'_l),
 * i.e. optimal transport restricted to Gaussian-mixture couplings; MW2 >= W2. For isotropic components
 * N(m, s^2 I_d) and N(m', s'^2 I_d): W2^2 = |m - m'|^2 + d (s - s')^2.
 *
 * For two symmetric binary mixtures 1/2 N(+-m_A, s_A^2 I) and 1/2 N(+-m_B, s_B^2 I) the coupling problem is
 * linear in the one free entry of a 2 x 2 doubly-stochastic (x 1/2) matrix, so the optimum is a vertex:
 *   MW2^2 = min(|m_A - m_B|^2, |m_A + m_B|^2) + d (s_A - s_B)^2.
 */
export interface SymmetricBinaryMixture {
  /** The component mean m (the mixture is 1/2 N(m, s^2 I) + 1/2 N(-m, s^2 I)). */
  mean: Float64Array | readonly number[];
  /** Per-coordinate standard deviation s >= 0 of each component. */
  std: number;
}

/**
 * W2^2 between N(m1, s1^2 I_d) and N(m2, s2^2 I_d): |m1 - m2|^2 + d (s1 - s2)^2.
 * @param m1 - mean of N(m1, s1^2 I)
 * @param s1 - its standard deviation (>= 0)
 * @param m2 - mean of N(m2, s2^2 I)
 * @param s2 - its standard deviation (>= 0)
 * @returns W2^2 = |m1 - m2|^2 + d (s1 - s2)^2
 * @throws ShapeError for arrays of mismatched lengths; NonFiniteError for non-finite entries; DomainError for a negative s
 */
export function isotropicGaussianW2Squared(m1: Float64Array | readonly number[], s1: number, m2: Float64Array | readonly number[], s2: number): number {
  assertArrayLike(m1, 'm1');
  assertNumber(s1, 's1');
  assertArrayLike(m2, 'm2');
  assertNumber(s2, 's2');
  if (m1.length !== m2.length) throw new ShapeError(`m2: expected length ${m1.length} (that of m1), got ${m2.length}`);
  if (m1.length === 0) throw new ShapeError('m1: expected a non-empty mean');
  assertFinite(m1, 'm1');
  assertFinite(m2, 'm2');
  assertInRange(s1, 0, Number.POSITIVE_INFINITY, 's1');
  assertInRange(s2, 0, Number.POSITIVE_INFINITY, 's2');
  let q = 0;
  for (let i = 0; i < m1.length; i++) q += (m1[i] - m2[i]) ** 2;
  return q + m1.length * (s1 - s2) ** 2;
}

/**
 * MW2^2 between two symmetric binary isotropic mixtures (see the module comment).
 * @param a - a symmetric binary mixture { mean, sigma }
 * @param b - another one of the same dimension
 * @returns the W2^2 of the mixtures (the formula above)
 * @throws ShapeError for arrays of mismatched lengths; NonFiniteError for non-finite entries
 */
export function binaryMixtureW2Squared(a: SymmetricBinaryMixture, b: SymmetricBinaryMixture): number {
  assertObject(a, 'a');
  assertObject(b, 'b');
  const d = a.mean.length;
  if (b.mean.length !== d) throw new ShapeError(`b.mean: expected length ${d} (that of a.mean), got ${b.mean.length}`);
  if (d === 0) throw new ShapeError('a.mean: expected a non-empty mean');
  assertFinite(a.mean, 'a.mean');
  assertFinite(b.mean, 'b.mean');
  assertInRange(a.std, 0, Number.POSITIVE_INFINITY, 'a.std');
  assertInRange(b.std, 0, Number.POSITIVE_INFINITY, 'b.std');
  let minus = 0;
  let plus = 0;
  for (let i = 0; i < d; i++) {
    minus += (a.mean[i] - b.mean[i]) ** 2;
    plus += (a.mean[i] + b.mean[i]) ** 2;
  }
  return Math.min(minus, plus) + d * (a.std - b.std) ** 2;
}

/**
 * MW2^2 / d, the per-dimension mixture distance used for the ICLR-2024 model (|mu|^2 = d scaling).
 * @param a - a symmetric binary mixture { mean, sigma }
 * @param b - another one of the same dimension
 * @returns binaryMixtureW2Squared(a, b) / d
 * @throws ShapeError for arrays of mismatched lengths; NonFiniteError for non-finite entries
 */
export function binaryMixtureW2SquaredPerDim(a: SymmetricBinaryMixture, b: SymmetricBinaryMixture): number {
  assertObject(a, 'a');
  assertObject(b, 'b');
  return binaryMixtureW2Squared(a, b) / a.mean.length;
}

/**
 * Per-dimension mean error of a symmetric binary mixture, min(|m_hat - mu|^2, |m_hat + mu|^2)/d (the mixture
 * is invariant under m -> -m, so the error is taken up to that sign). For the ICLR-2024 model this is
 * (lambda^2 + n (A/B + sigma^2))/(lambda + n)^2 to leading order (Cui et al. 2024, ICLR).
 * @param mHat - the estimated mean (length d)
 * @param mu - the true centroid (length d)
 * @returns min(|mHat - mu|^2, |mHat + mu|^2) / d
 * @throws ShapeError for arrays of mismatched lengths; NonFiniteError for non-finite entries
 */
export function symmetricMeanErrorPerDim(mHat: Float64Array | readonly number[], mu: Float64Array | readonly number[]): number {
  assertArrayLike(mHat, 'mHat');
  assertArrayLike(mu, 'mu');
  if (mHat.length !== mu.length) throw new ShapeError(`mu: expected length ${mHat.length} (that of mHat), got ${mu.length}`);
  if (mu.length === 0) throw new DomainError('mu: expected a non-empty vector');
  assertFinite(mHat, 'mHat');
  assertFinite(mu, 'mu');
  let minus = 0;
  let plus = 0;
  for (let i = 0; i < mu.length; i++) {
    minus += (mHat[i] - mu[i]) ** 2;
    plus += (mHat[i] + mu[i]) ** 2;
  }
  return Math.min(minus, plus) / mu.length;
}
