import { DomainError, gemm, type NDArray, NotPositiveDefiniteError, ParameterError, Rng, sampleCovariance } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { ar1Process, haarRotation, logNormalSpectrum, mnistMoments, quantileLogNormalSpectrum, rotatedLogNormalGaussian, stationaryProcess } from './index.js';

function orthoError(q: NDArray): number {
  const d = q.shape[0];
  const g = gemm(q, q, { transA: true }).data;
  let e = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) e = Math.max(e, Math.abs(g[i * d + j] - (i === j ? 1 : 0)));
  return e;
}

describe('spectra', () => {
  it('quantile log-normal d = 256 matches spec §13.1 (lambda_max 10.936, lambda_min 0.03408), mean 1, descending', () => {
    const s = quantileLogNormalSpectrum(256);
    expect(s[0]).toBeCloseTo(10.936, 3);
    expect(s[255]).toBeCloseTo(0.03408, 5);
    expect(s.reduce((a, b) => a + b, 0) / 256).toBeCloseTo(1, 13);
    for (let i = 1; i < 256; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
  });
  it('random log-normal: seeded, mean 1, log-values have unit variance roughly', () => {
    const a = logNormalSpectrum(2000, new Rng(1));
    const b = logNormalSpectrum(2000, new Rng(1));
    expect(a).toEqual(b);
    const logs = Array.from(a, Math.log);
    const m = logs.reduce((x, y) => x + y, 0) / logs.length;
    const v = logs.reduce((x, y) => x + (y - m) ** 2, 0) / logs.length;
    expect(Math.abs(v - 1)).toBeLessThan(0.1); // sd of the sample variance ~ sqrt(2/2000) = 0.03
    expect(a.reduce((x, y) => x + y, 0) / 2000).toBeCloseTo(1, 12);
  });
  it('Haar rotation is orthogonal with det-sign freedom, seeded', () => {
    const q = haarRotation(50, new Rng(2));
    expect(orthoError(q)).toBeLessThan(1e-13);
    expect(haarRotation(50, new Rng(2)).data).toEqual(q.data);
  });
});

describe('rotatedLogNormalGaussian', () => {
  it('covariance = U diag U^T; basis columns are eigenvectors; samples have that covariance', () => {
    const g = rotatedLogNormalGaussian({ dim: 16, rng: new Rng(5) });
    expect(orthoError(g.basis)).toBeLessThan(1e-13);
    const C = g.covariance;
    const U = g.basis.data;
    for (let k = 0; k < 16; k++) {
      for (let i = 0; i < 16; i++) {
        let s = 0;
        for (let j = 0; j < 16; j++) s += C.data[i * 16 + j] * U[j * 16 + k];
        expect(Math.abs(s - g.spectrum[k] * U[i * 16 + k])).toBeLessThan(1e-12);
      }
    }
    const x = g.target.sample(40000, new Rng(6));
    const S = sampleCovariance(x).data;
    // u_k^T S u_k / lambda_k ~ 1 +- sqrt(2/n) = 0.007
    for (let k = 0; k < 16; k++) {
      let s = 0;
      for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) s += U[i * 16 + k] * S[i * 16 + j] * U[j * 16 + k];
      expect(Math.abs(s / g.spectrum[k] - 1)).toBeLessThan(5 * Math.sqrt(2 / 40000));
    }
  });
  it('quantile + identity needs no rng; missing rng is a typed error', () => {
    const g = rotatedLogNormalGaussian({ dim: 8, spectrum: 'quantile', rotation: 'identity' });
    expect(g.covariance.data[0]).toBeCloseTo(g.spectrum[0], 14);
    expect(() => rotatedLogNormalGaussian({ dim: 8 })).toThrow(ParameterError);
    expect(() => rotatedLogNormalGaussian({ dim: 2, spectrum: [1, -1], rotation: 'identity' })).toThrow(ParameterError);
  });
});

describe('stationary processes', () => {
  it('rho^|i-j| covariance; eigen-decomposition descending and exact', () => {
    const p = ar1Process(8, 0.6);
    expect(p.covariance.data[3]).toBeCloseTo(0.6 ** 3, 15);
    const sum = p.spectrum.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(8, 12); // trace
    for (let i = 1; i < 8; i++) expect(p.spectrum[i]).toBeLessThanOrEqual(p.spectrum[i - 1]);
  });
  it('circulant option and non-PSD rows are rejected', () => {
    const c = ar1Process(6, 0.5, { circular: true });
    expect(c.covariance.data[5]).toBeCloseTo(0.5, 15); // lag 5 = lag 1 on the circle
    expect(() => stationaryProcess({ firstRow: [1, 2, 0] })).toThrow(NotPositiveDefiniteError);
    expect(() => ar1Process(4, 1)).toThrow(DomainError);
  });
});

describe('mnistMoments', () => {
  it('pixels in [-1, 1], mean/covariance consistent, eigenbasis descending', () => {
    const m = mnistMoments({ digits: [1], limitPerDigit: 100 });
    expect(m.dim).toBe(784);
    expect(m.n).toBe(100);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of m.data.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThan(0.5);
    let tr = 0;
    for (let i = 0; i < 784; i++) tr += m.covariance.data[i * 785];
    expect(m.spectrum.reduce((a, b) => a + b, 0)).toBeCloseTo(tr, 8);
    expect(m.spectrum[0]).toBeGreaterThanOrEqual(m.spectrum[1]);
  });
});
