import { type AffineDenoiser, NDArray, Rng, type SampleSource, eye, linearInterpolant } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { binaryIsotropicGmm } from './binary-gmm.js';
import { bimodalGmm, blockAnisotropic, mnistLikeSpectrum, spiked, trimodalGmm, twoClusterHeterogeneous } from './fixtures.js';
import { gaussian } from './gaussian.js';
import { gaussianMixture } from './mixture.js';

describe('DAE-asymptotics fixtures (spec §3.3)', () => {
  it('T1 centroids are 3e1, -3e2, -3e1 with identity covariance', () => {
    const t = trimodalGmm(10);
    const m = t.means().data;
    expect(m[0]).toBe(3);
    expect(m[10 + 1]).toBe(-3);
    expect(m[20]).toBe(-3);
    expect(t.covariance().data[5 * 10 + 5]).toBe(1);
  });
  it('T2 has |mu| = norm and variance sigma^2', () => {
    const t = bimodalGmm(10, { norm: 1.5, sigma: 0.5 });
    expect(t.constants().T[0]).toBeCloseTo(2.25, 14);
    expect(t.lambda()).toBe(0.25);
  });
  it('block-anisotropic Lambda = 0.82, spiked Lambda = 0.3 (d-2)/d, two-cluster Lambda = 1.15', () => {
    expect(blockAnisotropic(1000).lambda()).toBeCloseTo(0.82, 14);
    expect(spiked(1000).lambda()).toBeCloseTo(0.3 * 0.998, 14);
    expect(twoClusterHeterogeneous(1000).lambda()).toBeCloseTo(1.15, 14);
  });
  it('MNIST-like spectrum: 5 microscopic spikes and Lambda ≈ 0.05', () => {
    const t = mnistLikeSpectrum();
    expect(t.dim).toBe(784);
    expect(t.microscopic).toEqual([true, true, true, true, true, false, false]);
    expect(Array.from(t.groupSizes)).toEqual([1, 1, 1, 1, 1, 234, 545]);
    expect(t.lambda()).toBeCloseTo((234 * 0.1 + 545 * 0.03) / 784, 14);
    expect(Math.abs(t.lambda() - 0.05)).toBeLessThan(0.002);
  });
});

describe("every target is a kernel SampleSource (trainers' input)", () => {
  const d = 6;
  const sources: Array<[string, SampleSource]> = [
    ['gaussian', gaussian({ mean: [1, 2, 3, 4, 5, 6] })],
    ['gaussianMixture', gaussianMixture({ weights: [0.5, 0.5], means: new NDArray(new Float64Array(2 * d).fill(1, 0, d), [2, d]), covariances: [eye(d), eye(d)] })],
    ['trimodalGmm', trimodalGmm(d)],
    ['twoClusterHeterogeneous', twoClusterHeterogeneous(d)],
    ['mnistLikeSpectrum', mnistLikeSpectrum(d + 1, { spikes: [2] })],
    ['binaryIsotropicGmm.source', binaryIsotropicGmm({ d, sigma: 0.5 }).source],
  ];
  for (const [name, s] of sources) {
    it(`${name}: sample(n, rng) is n x dim; sampleInto, when present, draws the same rows`, () => {
      const x = s.sample(5, new Rng(1));
      expect(x.shape).toEqual([5, s.dim]);
      if (s.sampleInto) {
        const out = new Float64Array(5 * s.dim);
        s.sampleInto(out, 5, new Rng(1));
        expect(Array.from(out)).toEqual(Array.from(x.contiguous().data));
      }
    });
  }

  it('binaryIsotropicGmm.source draws the x1 of sample() from the same stream', () => {
    const t = binaryIsotropicGmm({ d, sigma: 0.5 });
    expect(Array.from(t.source.sample(4, new Rng(3)).data)).toEqual(Array.from(t.sample(4, new Rng(3)).x1.data));
  });

  it("gaussian(...).affineDenoiser(schedule) is a kernel AffineDenoiser: the exact denoiser's affine form", () => {
    const g = gaussian({ mean: [1, -1], covariance: new NDArray(Float64Array.of(2, 0.5, 0.5, 1), [2, 2]) });
    const schedule = linearInterpolant();
    const aff: AffineDenoiser = g.affineDenoiser(schedule);
    const { A, c } = aff(0.4);
    const x = Float64Array.of(0.3, 0.7);
    const f = g.denoiser(schedule).denoise(x, 1, 0.4);
    for (let i = 0; i < 2; i++) expect(A.get(i, 0) * x[0] + A.get(i, 1) * x[1] + c[i]).toBeCloseTo(f[i], 13);
  });
});
