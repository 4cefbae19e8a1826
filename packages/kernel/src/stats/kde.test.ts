import { describe, expect, it } from 'vitest';
import { DomainError, NotPositiveDefiniteError, ShapeError } from '../errors.js';
import { Rng } from '../rng.js';
import { gaussianKde1d, gaussianKde2d } from './kde.js';
import { normalPdf } from './special.js';

const X = Float64Array.of(0.3, -1.2, 2.5, 0.9, 1.1, -0.4, 3.3, 0.0, -2.1, 1.7);
const Y = Float64Array.of(1.0, 0.2, -0.5, 2.2, 1.4, 0.3, -1.1, 0.8, 0.1, 1.9);
const PTS = Float64Array.of(-3, -1, 0, 0.5, 2, 4);

// scipy.stats.gaussian_kde(X, bw_method=...) (scipy 1.17): factor and density at PTS.
const SCIPY_1D: Array<['scott' | 'silverman' | number, number, number[]]> = [
  ['scott', 0.6309573444801932, [0.03752989956272236, 0.14747159910983737, 0.1962883272254547, 0.20488798010126544, 0.1559908123847268, 0.04879138018988848]],
  ['silverman', 0.6683250619582689, [0.03909505709528306, 0.14699828223783265, 0.19304636179815518, 0.201043057622742, 0.15547802345689113, 0.05002432822602989]],
  [0.7, 0.7, [0.0404045065043466, 0.14642508436348245, 0.19034024288708268, 0.19789706120977604, 0.15484632440971582, 0.05106384139370801]],
];

describe('gaussianKde1d', () => {
  it('matches scipy.stats.gaussian_kde (factor and density) for scott, silverman and a number', () => {
    for (const [bw, factor, dens] of SCIPY_1D) {
      const k = gaussianKde1d(X, { bandwidth: bw });
      expect(k.factor).toBeCloseTo(factor, 14);
      const d = k.evaluate(PTS);
      for (let i = 0; i < PTS.length; i++) expect(Math.abs(d[i] - dens[i]) / dens[i]).toBeLessThan(1e-12);
    }
  });
  it('bandwidth is n^{-1/5} * std(ddof=1) by hand', () => {
    // samples 1, 2, 3, 4, 10: mean 4, squared deviations 9 + 4 + 1 + 0 + 36 = 50, var = 50 / 4 = 12.5
    const k = gaussianKde1d(Float64Array.of(1, 2, 3, 4, 10));
    expect(k.bandwidth).toBeCloseTo(5 ** -0.2 * Math.sqrt(12.5), 14);
    const s = gaussianKde1d(Float64Array.of(1, 2, 3, 4, 10), { bandwidth: 'silverman' });
    expect(s.bandwidth).toBeCloseTo(((5 * 3) / 4) ** -0.2 * Math.sqrt(12.5), 14);
  });
  it('integrates to 1', () => {
    const k = gaussianKde1d(X);
    const h = 0.01;
    const pts = Float64Array.from({ length: 2001 }, (_, i) => -10 + i * h);
    const d = k.evaluate(pts);
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i] * h;
    expect(s).toBeCloseTo(1, 10);
  });
  it('a large N(0,1) sample: density within 4 s.d. of its exact mean N(x; 0, 1 + h^2)', () => {
    const n = 5000;
    const k = gaussianKde1d(new Rng(42).normals(n));
    const h = k.bandwidth;
    const pts = Float64Array.of(-2.5, -1.5, -0.7, 0, 0.4, 1.2, 2, 3);
    const d = k.evaluate(pts);
    for (let i = 0; i < pts.length; i++) {
      const x = pts[i];
      const mean = normalPdf(x, 0, Math.sqrt(1 + h * h));
      // E K_h(x - X)^2 = phi(x; 0, 1 + h^2/2) / (2 sqrt(pi) h)
      const m2 = normalPdf(x, 0, Math.sqrt(1 + 0.5 * h * h)) / (2 * Math.sqrt(Math.PI) * h);
      const sd = Math.sqrt((m2 - mean * mean) / n);
      expect(Math.abs(d[i] - mean)).toBeLessThan(4 * sd);
      // and close to the N(0,1) pdf in absolute terms
      expect(Math.abs(d[i] - normalPdf(x))).toBeLessThan(0.03);
    }
  });
  it('truncation at 8 bandwidths changes nothing visible (vs a brute-force sum)', () => {
    const s = new Rng(7).normals(300);
    const k = gaussianKde1d(s);
    const pts = Float64Array.of(-4, -1, 0.3, 2.2, 6);
    const d = k.evaluate(pts);
    const h = k.bandwidth;
    for (let j = 0; j < pts.length; j++) {
      let b = 0;
      for (let i = 0; i < s.length; i++) b += normalPdf(pts[j], s[i], h);
      b /= s.length;
      // each skipped kernel is < e^{-32} / (n h sqrt(2 pi)), so at most e^{-32} / (h sqrt(2 pi)) in all
      expect(Math.abs(d[j] - b)).toBeLessThanOrEqual(1e-13 * b + Math.exp(-32) / (h * Math.sqrt(2 * Math.PI)));
    }
  });
  it('refuses degenerate input', () => {
    expect(() => gaussianKde1d(Float64Array.of(1))).toThrow(ShapeError);
    expect(() => gaussianKde1d(Float64Array.of(2, 2, 2))).toThrow(DomainError);
    expect(() => gaussianKde1d(X, { bandwidth: -1 })).toThrow(DomainError);
  });
});

describe('gaussianKde2d', () => {
  it('matches scipy.stats.gaussian_kde on 2-D data (factor, kernel covariance, density)', () => {
    const k = gaussianKde2d(X, Y);
    expect(k.factor).toBeCloseTo(0.6812920690579614, 14);
    const [cxx, cxy, cyy] = k.covariance;
    expect(cxx).toBeCloseTo(1.2598819290702956, 13);
    expect(cxy).toBeCloseTo(-0.11567870837548304, 13);
    expect(cyy).toBeCloseTo(0.49928023886894807, 13);
    const d = k.evaluate(Float64Array.of(0, 1, -1, 2), Float64Array.of(0, 1, 0.5, -1));
    const want = [0.05289206628436813, 0.0644311792235501, 0.06491781077257562, 0.025250179661494027];
    for (let i = 0; i < 4; i++) expect(Math.abs(d[i] - want[i]) / want[i]).toBeLessThan(1e-12);
  });
  it('grid layout is ys.length x xs.length and agrees with evaluate; integrates to 1', () => {
    const k = gaussianKde2d(X, Y);
    const h = 0.05;
    const xs = Float64Array.from({ length: 441 }, (_, i) => -10 + i * h);
    const ys = Float64Array.from({ length: 241 }, (_, i) => -6 + i * h);
    const g = k.evaluateGrid(xs, ys);
    expect(g.length).toBe(441 * 241);
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i] * h * h;
    expect(s).toBeCloseTo(1, 8);
    const j = 130;
    const i = 170;
    expect(g[j * 441 + i]).toBeCloseTo(k.evaluate(Float64Array.of(xs[i]), Float64Array.of(ys[j]))[0], 15);
  });
  it('refuses collinear samples', () => {
    expect(() => gaussianKde2d(X, X.map((v) => 2 * v + 1))).toThrow(NotPositiveDefiniteError);
    expect(() => gaussianKde2d(X, Y.subarray(1))).toThrow(ShapeError);
  });
});
