import { DomainError, eye, gemm, NDArray, Rng, ShapeError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { gaussianKL } from '../gaussian.js';
import {
  alignmentScore,
  branchPowerLawFits,
  emergenceThreshold,
  emergenceTimeClosedForm,
  emergenceTimeFromCheckpoints,
  inGrayZone,
  modeGaussianKL,
  modeVariances,
  powerLawFit,
  sampleModeVariances,
} from './index.js';

function rotation(theta: number): NDArray {
  return new NDArray(Float64Array.of(Math.cos(theta), -Math.sin(theta), Math.sin(theta), Math.cos(theta)), [2, 2]);
}

describe('mode variances and kappa', () => {
  const U = rotation(0.3);
  const D = new NDArray(Float64Array.of(3, 0, 0, 0.5), [2, 2]);
  const C = gemm(gemm(U, D), U, { transB: true });
  it('u_k^T Sigma u_k recovers the spectrum in its own basis; kappa = 1 there and < 1 in another', () => {
    const v = modeVariances(C, U);
    expect(v[0]).toBeCloseTo(3, 14);
    expect(v[1]).toBeCloseTo(0.5, 14);
    expect(alignmentScore(C, U)).toBeCloseTo(1, 14);
    // in the standard basis: off-diagonal = 2.5 sin cos
    const k = alignmentScore(C, eye(2));
    const c = C.data;
    expect(k).toBeCloseTo((c[0] ** 2 + c[3] ** 2) / (c[0] ** 2 + c[3] ** 2 + 2 * c[1] ** 2), 14);
    expect(k).toBeLessThan(1);
  });
  it('sample mode variances agree with the covariance within sampling error', () => {
    const rng = new Rng(1);
    const n = 20000;
    const z = rng.normals(2 * n);
    const x = new Float64Array(2 * n);
    const s = [Math.sqrt(3), Math.sqrt(0.5)];
    const u = U.data;
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < 2; r++) x[2 * i + r] = u[r * 2] * s[0] * z[2 * i] + u[r * 2 + 1] * s[1] * z[2 * i + 1];
    }
    const v = sampleModeVariances(new NDArray(x, [n, 2]), U);
    expect(Math.abs(v[0] / 3 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(v[1] / 0.5 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(() => modeVariances(C, eye(3))).toThrow(ShapeError);
  });
});

describe('emergence', () => {
  it('thresholds; gray zone', () => {
    expect(emergenceThreshold(1, 4)).toBe(2);
    expect(emergenceThreshold(1, 3, 'harmonic')).toBe(1.5);
    expect(emergenceThreshold(1, 3, 'arithmetic')).toBe(2);
    expect(() => emergenceThreshold(0, 1)).toThrow(DomainError);
    expect(inGrayZone(1, 1.5)).toBe(true);
    expect(inGrayZone(0.1, 1)).toBe(false);
  });
  it('closed-form root of a logistic curve equals the analytic crossing; checkpoint interpolation converges to it', () => {
    // v(tau) = 1e-3 + (1 - 1e-3) (1 - e^{-tau}): geometric threshold sqrt(1e-3)
    const v = (t: number) => 1e-3 + (1 - 1e-3) * (1 - Math.exp(-t));
    const thr = Math.sqrt(1e-3);
    const exact = -Math.log(1 - (thr - 1e-3) / (1 - 1e-3));
    const t = emergenceTimeClosedForm(v, { v0: 1e-3, vInf: 1 });
    expect(Math.abs(t - exact) / exact).toBeLessThan(1e-12);
    const times = Array.from({ length: 400 }, (_, i) => 10 ** (-4 + (6 * i) / 399));
    const tc = emergenceTimeFromCheckpoints(times, times.map(v), { vInf: 1, v0: 1e-3 });
    expect(Math.abs(tc - exact) / exact).toBeLessThan(1e-3);
    // falling branch and never crossing
    const w = (s: number) => 1 + 9 * Math.exp(-s);
    expect(Math.abs(emergenceTimeClosedForm(w, { v0: 10, vInf: 1 }) - -Math.log((Math.sqrt(10) - 1) / 9))).toBeLessThan(1e-12);
    expect(emergenceTimeFromCheckpoints([1, 2], [0.1, 0.1], { vInf: 1 })).toBeNaN();
    expect(() => emergenceTimeFromCheckpoints([2, 1], [0.1, 0.2], { vInf: 1 })).toThrow(DomainError);
  });
});

describe('power-law fits', () => {
  it('exact power law: alpha, intercept, R^2 = 1; branches split and the gray zone excluded', () => {
    const lam = [0.01, 0.1, 1, 10];
    const f = powerLawFit(lam, lam.map((l) => 3 * l ** -1.2));
    expect(f?.alpha).toBeCloseTo(1.2, 13);
    expect(f?.intercept).toBeCloseTo(Math.log10(3), 13);
    expect(f?.r2).toBeCloseTo(1, 13);
    expect(f?.n).toBe(4);
    const fits = branchPowerLawFits({ lambdas: [0.01, 0.1, 1, 10, 5], taus: [100, 10, 1, 0.1, 0.2], v0: [1, 1, 0.1, 0.1, 5], vInf: [0.01, 0.1, 1, 10, 5.1] });
    expect(fits.branch).toEqual(['dec', 'dec', 'inc', 'inc', 'gray']);
    expect(fits.increasing?.alpha).toBeCloseTo(1, 13);
    expect(fits.decreasing?.n).toBe(2);
  });
});

describe('Gaussian KL per mode', () => {
  it('R16: KL(diag(0.5, 2) || I) = 0.25; equals the full-matrix formula; reverse direction', () => {
    expect(Math.abs(modeGaussianKL([0.5, 2], [1, 1]).total - 0.25)).toBeLessThan(1e-14);
    const g = [0.3, 2.5, 1.1];
    const dta = [1, 2, 0.7];
    const m = [0.1, -0.2, 0.3];
    const full = gaussianKL(Float64Array.from(m), new NDArray(Float64Array.of(0.3, 0, 0, 0, 2.5, 0, 0, 0, 1.1), [3, 3]), new Float64Array(3), new NDArray(Float64Array.of(1, 0, 0, 0, 2, 0, 0, 0, 0.7), [3, 3]));
    expect(Math.abs(modeGaussianKL(g, dta, { meanDiff: m }).total - full)).toBeLessThan(1e-13);
    const rev = modeGaussianKL(g, dta, { direction: 'data||gen' }).total;
    expect(Math.abs(rev - modeGaussianKL(dta, g).total)).toBeLessThan(1e-15);
    expect(() => modeGaussianKL([0, 1], [1, 1])).toThrow(DomainError);
  });
});
