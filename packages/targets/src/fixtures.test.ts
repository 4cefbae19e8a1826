import { describe, expect, it } from 'vitest';
import { bimodalGmm, blockAnisotropic, mnistLikeSpectrum, spiked, trimodalGmm, twoClusterHeterogeneous } from './fixtures.js';

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
