import { DomainError, NDArray, Rng, ShapeError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { mnistDigits, mnistSevensGaussian } from './datasets.js';
import { empiricalSource, gaussianSurrogate, spectrumSource } from './surrogate.js';

/** A correlated data set: n rows of A z + offset, z ~ N(0, I_d). */
function dataset(n: number, d: number, seed: number): NDArray {
  const rng = new Rng(seed);
  const A = rng.normals(d * d);
  const z = rng.normals(n * d);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) {
    let s = 0.3 * a;
    for (let b = 0; b < d; b++) s += A[a * d + b] * z[i * d + b];
    x[i * d + a] = s;
  }
  return new NDArray(x, [n, d]);
}

/** Covariance with divisor n - 1, by the textbook double loop (independent of kernel's gemm path). */
function naiveCovariance(X: NDArray): { mean: number[]; cov: number[][] } {
  const [n, d] = X.shape;
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += X.data[i * d + j];
    return s / n;
  });
  const cov = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (X.data[i * d + a] - mean[a]) * (X.data[i * d + b] - mean[b]);
      return s / (n - 1);
    }),
  );
  return { mean, cov };
}

describe('gaussianSurrogate', () => {
  const d = 6;
  const X = dataset(80, d, 1);
  const ref = naiveCovariance(X);

  it('its covariance is the data set covariance (one group per eigenvalue), and the eigenframe diagonalises it', () => {
    const t = gaussianSurrogate(X, { spikes: d - 1, bulkBins: 1, referencePcs: 2 });
    const C = t.covariance().data;
    for (let a = 0; a < d; a++) {
      expect(t.pixelMean[a]).toBeCloseTo(ref.mean[a], 12);
      for (let b = 0; b < d; b++) {
        expect(t.empiricalCovariance.data[a * d + b]).toBeCloseTo(ref.cov[a][b], 11);
        expect(C[a * d + b]).toBeCloseTo(ref.cov[a][b], 11);
      }
    }
    for (let j = 1; j < d; j++) expect(t.spectrum[j]).toBeLessThanOrEqual(t.spectrum[j - 1]);
    // the data rows in the eigenframe are centred with covariance diag(spectrum)
    const Y = naiveCovariance(t.toEigenRows(X));
    for (let a = 0; a < d; a++) {
      expect(Y.mean[a]).toBeCloseTo(0, 12);
      for (let b = 0; b < d; b++) expect(Y.cov[a][b]).toBeCloseTo(a === b ? t.spectrum[a] : 0, 10);
    }
    // and map back to the data exactly
    const back = t.toPixels(t.toEigenRows(X)).data;
    for (let i = 0; i < X.data.length; i++) expect(back[i]).toBeCloseTo(X.data[i], 12);
  });

  it('coarse-grained bulk: the top spikes are exact, each bin carries its mean eigenvalue, Tr Sigma is preserved', () => {
    const t = gaussianSurrogate(X, { spikes: 2, bulkBins: 2, referencePcs: 1 });
    let tr = 0;
    for (let a = 0; a < d; a++) tr += ref.cov[a][a];
    expect(t.lambdaFinite()).toBeCloseTo(tr / d, 12);
    expect(Array.from(t.groups)).toEqual([0, 1, 2, 2, 3, 3]);
    expect(t.microscopic).toEqual([true, true, false, false]);
    const ell = t.constants().ell;
    expect(ell[0]).toBeCloseTo(t.spectrum[0], 12);
    expect(ell[2]).toBeCloseTo((t.spectrum[2] + t.spectrum[3]) / 2, 12);
    expect(t.reference().shape).toEqual([d, 1]);
    // E = PC1 in the data frame: E^T Sigma E = the top eigenvalue
    const e = t.reference().data;
    let q = 0;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) q += e[a] * ref.cov[a][b] * e[b];
    expect(q).toBeCloseTo(t.spectrum[0], 10);
  });

  it('centre = false keeps the mean image as the target mean', () => {
    const t = gaussianSurrogate(X, { spikes: 1, bulkBins: 1, centre: false });
    const m = t.mean();
    for (let a = 0; a < d; a++) expect(m[a]).toBeCloseTo(ref.mean[a], 12);
    const back = t.toPixels(t.toEigenRows(X)).data;
    for (let i = 0; i < X.data.length; i++) expect(back[i]).toBeCloseTo(X.data[i], 12);
  });

  it('mnistSevensGaussian is the surrogate of the MNIST sevens', () => {
    const a = mnistSevensGaussian({ spikes: 5, bulkBins: 3 });
    const b = gaussianSurrogate(mnistDigits(7), { spikes: 5, bulkBins: 3 });
    expect(Array.from(a.spectrum)).toEqual(Array.from(b.spectrum));
    expect(Array.from(a.constants().ell)).toEqual(Array.from(b.constants().ell));
    expect(a.nImages).toBe(b.nImages);
  });

  it('validates its input', () => {
    expect(() => gaussianSurrogate(new NDArray(new Float64Array(6), [1, 6]))).toThrow(ShapeError);
    expect(() => gaussianSurrogate(new NDArray(Float64Array.of(1, Number.NaN, 2, 3), [2, 2]), { spikes: 0, bulkBins: 1 })).toThrow(/images/);
    expect(() => gaussianSurrogate(X, { spikes: 5, bulkBins: 2 })).toThrow(DomainError);
    expect(() => gaussianSurrogate(X, { spikes: 1, bulkBins: 1, referencePcs: 7 })).toThrow(/referencePcs/);
    expect(() => gaussianSurrogate(Float64Array.of(1, 2) as unknown as NDArray)).toThrow(/images/);
  });
});

describe('spectrumSource and empiricalSource', () => {
  it('spectrumSource draws N(0, diag(spectrum)): per-coordinate variance within 4 standard errors', () => {
    const spec = [4, 1, 0.25, 0];
    const src = spectrumSource(spec);
    expect(src.dim).toBe(4);
    const n = 20000;
    const x = src.sample(n, new Rng(2)).data;
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[k * 4 + i] ** 2;
      expect(Math.abs(s / n - spec[i])).toBeLessThanOrEqual(4 * spec[i] * Math.sqrt(2 / n));
    }
    const buf = new Float64Array(8);
    src.sampleInto?.(buf, 2, new Rng(2));
    expect(Array.from(buf)).toEqual(Array.from(x.subarray(0, 8)));
    expect(() => spectrumSource([1, -1])).toThrow(/spectrum\[1\]/);
    expect(() => spectrumSource([])).toThrow(ShapeError);
  });

  it('empiricalSource draws rows of the data uniformly (chi-square over 5 rows)', () => {
    const rows = new NDArray(Float64Array.from({ length: 10 }, (_, i) => i), [5, 2]);
    const src = empiricalSource(rows);
    expect(src.dim).toBe(2);
    const n = 5000;
    const x = src.sample(n, new Rng(3)).data;
    const counts = new Array(5).fill(0);
    for (let k = 0; k < n; k++) {
      const i = x[2 * k] / 2;
      expect(Number.isInteger(i)).toBe(true);
      expect(x[2 * k + 1]).toBe(2 * i + 1);
      counts[i]++;
    }
    const chi2 = counts.reduce((s, c) => s + (c - n / 5) ** 2 / (n / 5), 0);
    expect(chi2).toBeLessThan(18.47); // 99.9 % quantile of chi-square with 4 degrees of freedom
    expect(() => empiricalSource(new NDArray(new Float64Array(0), [0, 2]))).toThrow(ShapeError);
  });
});
