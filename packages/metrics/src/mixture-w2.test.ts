import { describe, expect, it } from 'vitest';
import { binaryMixtureW2Squared, binaryMixtureW2SquaredPerDim, isotropicGaussianW2Squared, symmetricMeanErrorPerDim } from './mixture-w2.js';

describe('mixture Wasserstein distance of symmetric binary isotropic mixtures', () => {
  it('Gaussian W2^2 = |m1 - m2|^2 + d (s1 - s2)^2', () => {
    expect(isotropicGaussianW2Squared([0, 0, 0], 1, [1, 2, 2], 3)).toBeCloseTo(9 + 3 * 4, 14);
  });

  it('MW2 is the better of the two vertex couplings and is invariant under m -> -m', () => {
    const a = { mean: [1, 0], std: 1 };
    const b = { mean: [-0.8, 0.1], std: 1.5 };
    const direct = (0.2 ** 2 + 0.1 ** 2) + 2 * 0.25; // couple +m_a with -m_b
    expect(binaryMixtureW2Squared(a, b)).toBeCloseTo(direct, 14);
    expect(binaryMixtureW2Squared(a, { mean: [0.8, -0.1], std: 1.5 })).toBeCloseTo(direct, 14);
    expect(binaryMixtureW2Squared(a, a)).toBe(0);
    expect(binaryMixtureW2SquaredPerDim(a, b)).toBeCloseTo(direct / 2, 14);
  });

  it('MW2^2 <= sum over components of the identity coupling (the coupling is optimal over the vertices)', () => {
    const a = { mean: [0.3, 1, -2], std: 0.5 };
    const b = { mean: [0.1, 1.2, -1.5], std: 0.9 };
    const id = isotropicGaussianW2Squared(a.mean, a.std, b.mean, b.std);
    expect(binaryMixtureW2Squared(a, b)).toBeLessThanOrEqual(id + 1e-15);
  });

  it('ICLR: with lambda = 0 the generated variance A/B equals sigma^2, so MW2^2/d = mean error', () => {
    const d = 4;
    const mu = [1, 1, 1, 1];
    const mHat = [0.9, 1.2, 0.7, 1.1];
    const e = symmetricMeanErrorPerDim(mHat, mu);
    expect(e).toBeCloseTo((0.01 + 0.04 + 0.09 + 0.01) / d, 14);
    expect(binaryMixtureW2SquaredPerDim({ mean: mu, std: 1 }, { mean: mHat, std: 1 })).toBeCloseTo(e, 14);
    expect(symmetricMeanErrorPerDim(mHat.map((x) => -x), mu)).toBeCloseTo(e, 14);
  });

  it('validates', () => {
    expect(() => binaryMixtureW2Squared({ mean: [1], std: 1 }, { mean: [1, 2], std: 1 })).toThrow(/length/);
    expect(() => binaryMixtureW2Squared({ mean: [1], std: -1 }, { mean: [1], std: 1 })).toThrow(/std/);
    expect(() => symmetricMeanErrorPerDim([Number.NaN], [1])).toThrow(/mHat/);
  });
});
