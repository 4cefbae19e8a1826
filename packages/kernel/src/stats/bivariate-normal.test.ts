/**
 * The bivariate normal upper-orthant probability against exact special cases and an independent 1-D
 * integral; the rectangle moments against a brute-force 2-D Gauss-Legendre product in whitened
 * coordinates (no erfc, no Stein identity), so that a wrong sign or a dropped boundary term fails.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { bivariateNormalGridMoments, bivariateNormalRectMoments, bivariateNormalUpper, type RectMoments } from './bivariate-normal.js';
import { gaussLegendre } from './quadrature.js';
import { erfc } from './special.js';

const upper = (x: number): number => 0.5 * erfc(x / Math.SQRT2);
const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
const GL = gaussLegendre(20);

/** int_a^b f by composite 20-point Gauss-Legendre on panels split at the given breakpoints. */
function integrate(f: (x: number) => number, a: number, b: number, breaks: number[], panels: number): number {
  const pts = [a, ...breaks.filter((x) => x > a && x < b).sort((p, q) => p - q), b];
  let s = 0;
  for (let seg = 0; seg + 1 < pts.length; seg++) {
    const h = (pts[seg + 1] - pts[seg]) / panels;
    for (let p = 0; p < panels; p++) {
      const lo = pts[seg] + p * h;
      for (let q = 0; q < GL.nodes.length; q++) s += 0.5 * h * GL.weights[q] * f(lo + 0.5 * h * (1 + GL.nodes[q]));
    }
  }
  return s;
}

/** Breakpoints around c where a conditional tail of sd s turns: c + s {0, +-1, +-2, +-4, +-8, +-16}. */
const around = (c: number, s: number): number[] => [0, 1, -1, 2, -2, 4, -4, 8, -8, 16, -16].map((g) => c + g * s);

/** P(X > h, Y > k) = int_h^inf phi(x) P(Y > k | X = x) dx, split where the conditional tail turns. */
function upperByIntegral(h: number, k: number, rho: number): number {
  const s = Math.sqrt((1 - rho) * (1 + rho));
  const a = Math.max(h, -12);
  if (a >= 12) return 0;
  return integrate((x) => phi(x) * upper((k - rho * x) / s), a, 12, around(k / rho, s / Math.abs(rho)), 40);
}

describe('bivariateNormalUpper', () => {
  it('exact cases: rho = 0 (product), h = k = 0 (1/4 + asin(rho) / 2 pi), rho = +-1, infinite limits', () => {
    for (const [h, k] of [
      [-1.3, 0.4],
      [2, 2.5],
      [0, -3],
    ]) {
      expect(bivariateNormalUpper(h, k, 0)).toBeCloseTo(upper(h) * upper(k), 15);
      expect(bivariateNormalUpper(h, k, 1)).toBeCloseTo(upper(Math.max(h, k)), 15);
      expect(bivariateNormalUpper(h, k, -1)).toBeCloseTo(Math.max(0, upper(h) - upper(-k)), 15);
      expect(bivariateNormalUpper(h, Number.NEGATIVE_INFINITY, 0.5)).toBeCloseTo(upper(h), 16);
      expect(bivariateNormalUpper(Number.POSITIVE_INFINITY, k, 0.5)).toBe(0);
    }
    for (const rho of [-0.999, -0.95, -0.6, -0.2, 0.1, 0.5, 0.8, 0.93, 0.99, 0.999999]) {
      expect(Math.abs(bivariateNormalUpper(0, 0, rho) - (0.25 + Math.asin(rho) / (2 * Math.PI)))).toBeLessThan(2e-16);
    }
    expect(bivariateNormalUpper(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.3)).toBe(1);
  });

  it('matches an independent 1-D integral to 4e-15 in every branch of |rho| (< 0.3, < 0.75, < 0.925, near 1)', () => {
    let worst = 0;
    for (const rho of [-0.9999, -0.97, -0.9, -0.5, -0.1, 0.2, 0.6, 0.8, 0.93, 0.99, 0.999999]) {
      for (const h of [-3, -1, 0, 0.5, 2, 4]) {
        for (const k of [-2.5, -0.3, 0, 1, 3]) {
          worst = Math.max(worst, Math.abs(bivariateNormalUpper(h, k, rho) - upperByIntegral(h, k, rho)));
        }
      }
    }
    expect(worst).toBeLessThan(4e-15);
  });

  it('is symmetric in (h, k) and satisfies P(X > h, Y > k; rho) + P(X > h, Y > -k; -rho) = P(X > h)', () => {
    for (const rho of [-0.95, -0.4, 0.35, 0.97]) {
      for (const [h, k] of [
        [0.3, -1.2],
        [-2, 1.7],
      ]) {
        expect(Math.abs(bivariateNormalUpper(h, k, rho) - bivariateNormalUpper(k, h, rho))).toBeLessThan(1e-16);
        expect(Math.abs(bivariateNormalUpper(h, k, rho) + bivariateNormalUpper(h, -k, -rho) - upper(h))).toBeLessThan(3e-16);
      }
    }
  });

  it('refuses NaN and correlations outside [-1, 1]', () => {
    expect(() => bivariateNormalUpper(Number.NaN, 0, 0.5)).toThrow(DomainError);
    expect(() => bivariateNormalUpper(0, Number.NaN, 0.5)).toThrow(/k must be/);
    expect(() => bivariateNormalUpper(0, 0, 1.01)).toThrow(/rho must be a correlation/);
  });
});

/** Brute force: X = z1, Y = rho z1 + s z2 with z1, z2 independent; 2-D Gauss-Legendre product over the rectangle's image. */
function bruteMoments(xlo: number, xhi: number, ylo: number, yhi: number, rho: number): number[] {
  const s = Math.sqrt((1 - rho) * (1 + rho));
  const a = Math.max(xlo, -11);
  const b = Math.min(xhi, 11);
  const m = [0, 0, 0, 0, 0, 0];
  if (!(a < b)) return m;
  const inner = (z1: number): number[] => {
    const lo = Math.max((ylo - rho * z1) / s, -11);
    const hi = Math.min((yhi - rho * z1) / s, 11);
    const r = [0, 0, 0, 0, 0, 0];
    if (!(lo < hi)) return r;
    const panels = 6;
    const h = (hi - lo) / panels;
    for (let p = 0; p < panels; p++) {
      for (let q = 0; q < GL.nodes.length; q++) {
        const z2 = lo + p * h + 0.5 * h * (1 + GL.nodes[q]);
        const w = 0.5 * h * GL.weights[q] * phi(z2);
        const y = rho * z1 + s * z2;
        const x = z1;
        r[0] += w;
        r[1] += w * x;
        r[2] += w * y;
        r[3] += w * x * x;
        r[4] += w * x * y;
        r[5] += w * y * y;
      }
    }
    return r;
  };
  const breaks = rho === 0 ? [] : [ylo / rho, yhi / rho].filter(Number.isFinite).flatMap((c) => around(c, s / Math.abs(rho)));
  for (let c = 0; c < 6; c++) m[c] = integrate((z1) => phi(z1) * inner(z1)[c], a, b, breaks, 12);
  return m;
}

describe('bivariateNormalRectMoments', () => {
  const flat = (o: RectMoments): number[] => [o.m00, o.m10, o.m01, o.m20, o.m11, o.m02];
  it('matches a brute-force 2-D integral to 1e-13 on quadrants, strips, bounded boxes and near-degenerate rho', () => {
    const out: RectMoments = { m00: 0, m10: 0, m01: 0, m20: 0, m11: 0, m02: 0 };
    const I = Number.POSITIVE_INFINITY;
    let worst = 0;
    for (const rho of [-0.7, 0, 0.45, 0.95, 0.9995]) {
      for (const box of [
        [0, I, 0, I],
        [-I, 0.3, -I, -0.2],
        [-I, -1, 0.5, I],
        [-0.4, 1.1, -I, I],
        [-2, 0.5, -0.7, 1.5],
        [1.5, I, -I, 1.2],
      ]) {
        const got = flat(bivariateNormalRectMoments(box[0], box[1], box[2], box[3], rho, out));
        const ref = bruteMoments(box[0], box[1], box[2], box[3], rho);
        for (let c = 0; c < 6; c++) worst = Math.max(worst, Math.abs(got[c] - ref[c]));
      }
    }
    expect(worst).toBeLessThan(1e-13);
  });

  it('the whole plane gives the moments of N(0, [[1, rho], [rho, 1]]); the four quadrants at a point add up to them', () => {
    const out: RectMoments = { m00: 0, m10: 0, m01: 0, m20: 0, m11: 0, m02: 0 };
    const I = Number.POSITIVE_INFINITY;
    expect(flat(bivariateNormalRectMoments(-I, I, -I, I, 0.6, out))).toEqual([1, 0, 0, 1, 0.6, 1]);
    const sum = [0, 0, 0, 0, 0, 0];
    for (const [a, b, c, d] of [
      [-I, 0.7, -I, -0.3],
      [0.7, I, -I, -0.3],
      [-I, 0.7, -0.3, I],
      [0.7, I, -0.3, I],
    ]) {
      const m = flat(bivariateNormalRectMoments(a, b, c, d, -0.8, out));
      for (let k = 0; k < 6; k++) sum[k] += m[k];
    }
    const want = [1, 0, 0, 1, -0.8, 1];
    for (let k = 0; k < 6; k++) expect(Math.abs(sum[k] - want[k])).toBeLessThan(1e-15);
  });

  it('grid: every cell of a 3 x 4 grid with infinite ends matches the brute-force integral to 1e-13; the cells sum to the plane', () => {
    const I = Number.POSITIVE_INFINITY;
    const xb = [-I, -0.6, 1.2, I];
    const yb = [-I, -1.5, 0, 0.8, I];
    for (const rho of [-0.93, 0.3, 0.999]) {
      const out = bivariateNormalGridMoments(xb, yb, rho, new Float64Array(6 * 12));
      const total = [0, 0, 0, 0, 0, 0];
      let worst = 0;
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 4; j++) {
          const ref = bruteMoments(xb[i], xb[i + 1], yb[j], yb[j + 1], rho);
          for (let c = 0; c < 6; c++) {
            worst = Math.max(worst, Math.abs(out[6 * (i * 4 + j) + c] - ref[c]));
            total[c] += out[6 * (i * 4 + j) + c];
          }
        }
      }
      expect(worst).toBeLessThan(1e-13);
      const want = [1, 0, 0, 1, rho, 1];
      for (let c = 0; c < 6; c++) expect(Math.abs(total[c] - want[c])).toBeLessThan(1e-15);
    }
    expect(() => bivariateNormalGridMoments([0, -1], [0, 1], 0, new Float64Array(6))).toThrow(/xb must ascend/);
    expect(() => bivariateNormalGridMoments([0, 1], [0, 1], 0, new Float64Array(5))).toThrow(/out needs 6/);
  });

  it('refuses NaN bounds, reversed bounds and bad rho', () => {
    const out: RectMoments = { m00: 0, m10: 0, m01: 0, m20: 0, m11: 0, m02: 0 };
    expect(() => bivariateNormalRectMoments(Number.NaN, 1, 0, 1, 0, out)).toThrow(/xlo <= xhi/);
    expect(() => bivariateNormalRectMoments(0, 1, 2, 1, 0, out)).toThrow(/ylo <= yhi/);
    expect(() => bivariateNormalRectMoments(0, 1, 0, 1, -2, out)).toThrow(DomainError);
  });
});
