import { NDArray, Rng, linearInterpolant } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { spiked, trimodalGmm, twoClusterHeterogeneous } from './fixtures.js';
import { spectralGroupMixture } from './spectral-groups.js';

function moments(x: NDArray): { m: Float64Array; C: Float64Array } {
  const [n, d] = x.shape;
  const m = new Float64Array(d);
  for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) m[i] += x.data[k * d + i] / n;
  const C = new Float64Array(d * d);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < d; i++) {
      const a = x.data[k * d + i] - m[i];
      for (let j = 0; j < d; j++) C[i * d + j] += (a * (x.data[k * d + j] - m[j])) / (n - 1);
    }
  return { m, C };
}

/** A random d x d orthogonal matrix (Gram-Schmidt on Gaussian columns). */
function randomOrthogonal(d: number, rng: Rng): NDArray {
  const A = rng.normals(d * d);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += A[i * d + j] * A[i * d + k];
      for (let i = 0; i < d; i++) A[i * d + j] -= dot * A[i * d + k];
    }
    let nrm = 0;
    for (let i = 0; i < d; i++) nrm += A[i * d + j] ** 2;
    for (let i = 0; i < d; i++) A[i * d + j] /= Math.sqrt(nrm);
  }
  return new NDArray(A, [d, d]);
}

describe('spectralGroupMixture', () => {
  it('sample moments match mean() and covariance() (two clusters, heterogeneous groups, rotated basis)', () => {
    const d = 6;
    const rng = new Rng(1);
    const U = randomOrthogonal(d, rng.stream(9));
    const t = spectralGroupMixture({
      weights: [0.6, 0.4],
      means: new NDArray(Float64Array.from([2, 0, 0, 0, 0, 0, 0, 1, 0, -1.5, 0, 0]), [2, d]),
      groupSizes: [2, 4],
      ell: new NDArray(Float64Array.from([2, 0.5, 0.3, 1.5]), [2, 2]),
      basis: U,
    });
    const n = 200_000;
    const x = t.sample(n, rng);
    const { m, C } = moments(x);
    const m0 = t.mean();
    const C0 = t.covariance().data;
    // standard errors: sd <= ~2 => s.e. of a mean ~ 2/sqrt(n) = 4.5e-3; of a covariance entry ~ 3 * 4/sqrt(n)
    for (let i = 0; i < d; i++) expect(Math.abs(m[i] - m0[i])).toBeLessThan(0.02);
    for (let k = 0; k < d * d; k++) expect(Math.abs(C[k] - C0[k])).toBeLessThan(0.04);
    // covariance is symmetric and its trace is rotation invariant: Tr = sum pi (Tr Sigma_c + |mu_c|^2) - |m|^2
    let tr = 0;
    for (let i = 0; i < d; i++) tr += C0[i * d + i];
    const mEig = [0.6 * 2, 0.4 * 1, 0, -0.4 * 1.5, 0, 0];
    const want = 0.6 * (2 * 2 + 4 * 0.5 + 4) + 0.4 * (2 * 0.3 + 4 * 1.5 + 1 + 2.25) - mEig.reduce((a, v) => a + v * v, 0);
    expect(tr).toBeCloseTo(want, 12);
  });

  it('labels follow the weights and rows of a label follow that cluster', () => {
    const t = twoClusterHeterogeneous(10);
    const { x, labels } = t.sampleWithLabels(40_000, new Rng(3));
    let c0 = 0;
    let s = 0;
    for (let k = 0; k < labels.length; k++) {
      if (labels[k] === 0) {
        c0++;
        s += x.data[k * 10];
      }
    }
    expect(Math.abs(c0 / labels.length - 0.6)).toBeLessThan(0.01); // s.e. 2.4e-3
    expect(Math.abs(s / c0 - 2.5)).toBeLessThan(0.04); // mean of e1 in cluster 1, sd sqrt(2)
  });

  it('Lambda, T and P equal their direct definitions (two-cluster fixture, d = 8)', () => {
    const d = 8;
    const t = twoClusterHeterogeneous(d);
    const k = t.constants();
    expect(k.K).toBe(2);
    expect(k.Ng).toBe(2);
    expect(k.R).toBe(2);
    expect(Array.from(k.rho)).toEqual([0.5, 0.5]);
    // Lambda = 0.6 (0.5*2 + 0.5*0.5) + 0.4 (0.5*0.5 + 0.5*1.5)
    expect(k.Lambda).toBeCloseTo(0.6 * 1.25 + 0.4 * 1.0, 14);
    expect(t.lambda()).toBe(k.Lambda);
    const mus = t.means().data;
    const E = t.reference().data;
    for (let c = 0; c < 2; c++)
      for (let c2 = 0; c2 < 2; c2++)
        for (let s = 0; s < 2; s++) {
          let v = 0;
          for (let i = s * 4; i < s * 4 + 4; i++) v += mus[c * d + i] * mus[c2 * d + i];
          expect(k.T[(c * 2 + c2) * 2 + s]).toBeCloseTo(v, 14);
        }
    // mu1 = 2.5 e1 (group 0), mu2 = -2 e5 (group 1) + e2 (group 0)
    expect(k.T[(0 * 2 + 0) * 2 + 0]).toBe(6.25);
    expect(k.T[(1 * 2 + 1) * 2 + 1]).toBe(4);
    expect(k.T[(1 * 2 + 1) * 2 + 0]).toBe(1);
    for (let c = 0; c < 2; c++)
      for (let s = 0; s < 2; s++)
        for (let r = 0; r < 2; r++) {
          let v = 0;
          for (let i = s * 4; i < s * 4 + 4; i++) v += mus[c * d + i] * E[i * 2 + r];
          expect(k.P[(c * 2 + s) * 2 + r]).toBeCloseTo(v, 14);
        }
    expect(k.P[(1 * 2 + 0) * 2 + 1]).toBe(1); // mu2 . e2 in group 0
  });

  it('T1: Lambda = 1, second moment = 1 + 9/d, P(c) = E^T mu_c', () => {
    const t = trimodalGmm(100);
    const k = t.constants();
    expect(k.Lambda).toBe(1);
    expect(t.secondMoment()).toBeCloseTo(1 + 9 / 100, 14);
    expect(Array.from(k.P)).toEqual([3, 0, 0, -3, -3, 0]);
  });

  it('microscopic groups get rho = 0 and drop out of Lambda but not of lambdaFinite', () => {
    const t = spiked(100);
    const k = t.constants();
    expect(Array.from(k.rho)).toEqual([0, 0, 0.98]);
    expect(k.Lambda).toBeCloseTo(0.98 * 0.3, 14);
    expect(t.lambdaFinite()).toBeCloseTo((8 + 4 + 98 * 0.3) / 100, 14);
  });

  it('the exact denoiser of an isotropic single Gaussian is the linear shrinkage', () => {
    const d = 4;
    const t = spectralGroupMixture({ groupSizes: [d], ell: new NDArray(Float64Array.of(2), [1, 1]) });
    const f = t.denoiser(linearInterpolant());
    const x = Float64Array.of(1, -2, 0.5, 3);
    const tt = 0.3;
    const y = f.denoise(x, 1, tt);
    const a = 1 - tt;
    const b = tt;
    for (let i = 0; i < d; i++) expect(y[i]).toBeCloseTo((b * 2 * x[i]) / (a * a + b * b * 2), 14);
  });

  it('the denoiser of a rotated mixture is the rotation of the eigen-frame denoiser', () => {
    const d = 5;
    const rng = new Rng(5);
    const U = randomOrthogonal(d, rng);
    const opts = {
      weights: [0.3, 0.7],
      means: new NDArray(Float64Array.from([1, 0, 0, 0, 0, 0, -1, 0.5, 0, 0]), [2, d]),
      groupSizes: [1, 4],
      ell: new NDArray(Float64Array.from([0.5, 1, 2, 0.2]), [2, 2]),
    };
    const rot = spectralGroupMixture({ ...opts, basis: U });
    const eig = rot.eigenFrame();
    const y = new NDArray(rng.normals(3 * d), [3, d]);
    const fe = eig.denoiser(linearInterpolant()).denoise(y.data, 3, 0.6);
    const fr = rot.denoiser(linearInterpolant()).denoise(rot.toDataFrame(y).data, 3, 0.6);
    const back = rot.toEigenFrame(new NDArray(fr, [3, d])).data;
    for (let i = 0; i < 3 * d; i++) expect(back[i]).toBeCloseTo(fe[i], 12);
  });

  it('rejects bad inputs with typed errors', () => {
    expect(() => spectralGroupMixture({ groupSizes: [2, 2], ell: new NDArray(Float64Array.of(1), [1, 1]) })).toThrow(/ell: expected shape/);
    expect(() => spectralGroupMixture({ groupSizes: [2], ell: new NDArray(Float64Array.of(-1), [1, 1]) })).toThrow(/>= 0/);
    expect(() =>
      spectralGroupMixture({ groupSizes: [2], ell: new NDArray(Float64Array.of(1), [1, 1]), reference: new NDArray(Float64Array.of(1, 1), [2, 1]) }),
    ).toThrow(/orthonormal/);
    expect(() => spectralGroupMixture({ groups: [0, 2], ell: new NDArray(Float64Array.of(1, 1, 1), [1, 3]) })).toThrow(/empty/);
  });
});
