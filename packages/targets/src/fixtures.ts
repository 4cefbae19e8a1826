import { DomainError, NDArray, assertInteger, assertPositive } from '@diffusion-theory/kernel';
import { type SpectralGroupMixture, spectralGroupMixture } from './spectral-groups.js';

/**
 * Targets of the DAE-asymptotics experiments and verification fixtures (the experiments of Cui et al. 2025),
 * all as spectral-group mixtures in the canonical eigenbasis. e_i denotes the i-th canonical vector
 * (e1 = coordinate 0).
 */

function unitRows(K: number, d: number, entries: Array<[number, number, number]>): NDArray {
  const m = new Float64Array(K * d);
  for (const [c, i, v] of entries) m[c * d + i] = v;
  return new NDArray(m, [K, d]);
}

function canonical(d: number, idx: number[]): NDArray {
  const E = new Float64Array(d * idx.length);
  idx.forEach((i, r) => {
    E[i * idx.length + r] = 1;
  });
  return new NDArray(E, [d, idx.length]);
}

function checkDim(d: number, min: number): void {
  assertInteger(d, min, 'd');
}

/**
 * T1 (Figs. 1, 5): (1/3) sum_k N(mu_k, I_d), mu1 = 3 e1, mu2 = -3 e2, mu3 = -3 e1; one macroscopic
 * group with ell = 1 (Lambda = 1); E = (e1, e2).
 * @param d - dimension (integer >= 2)
 * @returns a SpectralGroupMixture target (sample, means, reference, groups, constants() for ode-theory)
 * @throws DomainError for a dimension that is not an integer large enough for the fixture
 */
export function trimodalGmm(d: number): SpectralGroupMixture {
  checkDim(d, 2);
  return spectralGroupMixture({
    weights: [1, 1, 1],
    means: unitRows(3, d, [
      [0, 0, 3],
      [1, 1, -3],
      [2, 0, -3],
    ]),
    groupSizes: [d],
    ell: new NDArray(Float64Array.of(1), [1, 1]),
    reference: canonical(d, [0, 1]),
  });
}

/**
 * T2 (Fig. 2): (1/2) N(mu, sigma^2 I) + (1/2) N(-mu, sigma^2 I) with mu = norm * e1
 * (defaults norm = 2, sigma = 1). E = (e1, e2) (the plane containing mu).
 * @param d - dimension (integer >= 2)
 * @param opts - norm of the centroid (default 2) and cluster width sigma (default 1)
 * @returns a SpectralGroupMixture target (sample, means, reference, groups, constants() for ode-theory)
 * @throws DomainError for a bad dimension, a negative or non-finite norm or sigma
 */
export function bimodalGmm(d: number, opts: { norm?: number; sigma?: number } = {}): SpectralGroupMixture {
  checkDim(d, 2);
  const norm = opts.norm ?? 2;
  const sigma = opts.sigma ?? 1;
  if (!(norm >= 0) || !Number.isFinite(norm)) throw new DomainError(`norm: expected a finite number >= 0, got ${norm}`);
  assertPositive(sigma, 'sigma');
  return spectralGroupMixture({
    weights: [1, 1],
    means: unitRows(2, d, [
      [0, 0, norm],
      [1, 0, -norm],
    ]),
    groupSizes: [d],
    ell: new NDArray(Float64Array.of(sigma * sigma), [1, 1]),
    reference: canonical(d, [0, 1]),
  });
}

/**
 * Block-anisotropic centred Gaussian: three macroscopic groups of fractions (0.1, 0.3, 0.6)
 * (consecutive coordinates; sizes rounded, the last takes the remainder) with eigenvalues (4, 1, 0.2).
 * Lambda = 0.1*4 + 0.3*1 + 0.6*0.2 = 0.82 (up to the rounding of the sizes). E = (e1, e2).
 * @param d - dimension
 * @returns a SpectralGroupMixture target (sample, means, reference, groups, constants() for ode-theory)
 * @throws DomainError for a dimension that is not an integer large enough for the fixture
 */
export function blockAnisotropic(d: number): SpectralGroupMixture {
  checkDim(d, 10);
  const s1 = Math.round(0.1 * d);
  const s2 = Math.round(0.3 * d);
  return spectralGroupMixture({
    groupSizes: [s1, s2, d - s1 - s2],
    ell: new NDArray(Float64Array.of(4, 1, 0.2), [1, 3]),
    reference: canonical(d, [0, 1]),
  });
}

/**
 * Spiked centred Gaussian: eigenvalue 8 on e1, 4 on e2 (two microscopic groups), 0.3 on the other
 * d - 2 coordinates (one macroscopic group). E = (e1, e2). Lambda = 0.3 (rho = (0, 0, (d-2)/d)).
 * @param d - dimension
 * @returns a SpectralGroupMixture target (sample, means, reference, groups, constants() for ode-theory)
 * @throws DomainError for a dimension that is not an integer large enough for the fixture
 */
export function spiked(d: number): SpectralGroupMixture {
  checkDim(d, 3);
  return spectralGroupMixture({
    groupSizes: [1, 1, d - 2],
    ell: new NDArray(Float64Array.of(8, 4, 0.3), [1, 3]),
    microscopic: [true, true, false],
    reference: canonical(d, [0, 1]),
  });
}

/**
 * Two-cluster heterogeneous mixture: pi = (0.6, 0.4); groups = the two halves of the coordinates;
 * ell_1 = (2, 0.5), ell_2 = (0.5, 1.5); mu1 = 2.5 e1, mu2 = -2 e_{d/2+1} + e2. E = (e1, e2).
 * d must be even.
 * @param d - dimension (even)
 * @returns a SpectralGroupMixture target (sample, means, reference, groups, constants() for ode-theory)
 * @throws DomainError for an odd or too small dimension
 */
export function twoClusterHeterogeneous(d: number): SpectralGroupMixture {
  checkDim(d, 4);
  if (d % 2 !== 0) throw new DomainError(`d: expected an even dimension, got ${d}`);
  const h = d / 2;
  return spectralGroupMixture({
    weights: [0.6, 0.4],
    means: unitRows(2, d, [
      [0, 0, 2.5],
      [1, h, -2],
      [1, 1, 1],
    ]),
    groupSizes: [h, h],
    ell: new NDArray(Float64Array.of(2, 0.5, 0.5, 1.5), [2, 2]),
    reference: canonical(d, [0, 1]),
  });
}

/**
 * Synthetic MNIST-like spectrum (no dataset needed): centred Gaussian with spikes
 * `spikes` (default 4, 3, 2, 1.5, 1) on e1.. as microscopic groups, then a two-level bulk: `bulk[0]`
 * (default 0.1) on the first 30 % of the remaining coordinates and `bulk[1]` (default 0.03) on the
 * other 70 %. For d = 784: Lambda = (234*0.1 + 545*0.03)/784 ≈ 0.0507. E = (e1, e2) (the top-2 PCs).
 * @param d - dimension (default 784)
 * @param opts - spike eigenvalues, the two bulk levels and the fraction of the bulk at the first level
 * @returns a SpectralGroupMixture target (spikes as microscopic groups)
 * @throws DomainError for a dimension too small for the spikes or a bulkFraction that empties a bulk group
 */
export function mnistLikeSpectrum(
  d = 784,
  opts: { spikes?: readonly number[]; bulk?: readonly [number, number]; bulkFraction?: number } = {},
): SpectralGroupMixture {
  const spikes = opts.spikes ?? [4, 3, 2, 1.5, 1];
  const bulk = opts.bulk ?? [0.1, 0.03];
  const frac = opts.bulkFraction ?? 0.3;
  checkDim(d, spikes.length + 2);
  const rest = d - spikes.length;
  const b1 = Math.round(frac * rest);
  if (b1 < 1 || b1 >= rest) throw new DomainError(`bulkFraction: expected both bulk groups non-empty, got sizes ${b1} and ${rest - b1}`);
  return spectralGroupMixture({
    groupSizes: [...spikes.map(() => 1), b1, rest - b1],
    ell: new NDArray(Float64Array.from([...spikes, bulk[0], bulk[1]]), [1, spikes.length + 2]),
    microscopic: [...spikes.map(() => true), false, false],
    reference: canonical(d, [0, 1]),
  });
}
