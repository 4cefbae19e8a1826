import { DomainError, NDArray, NonFiniteError, ParameterError, Rng, ShapeError, normalPdf } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { hellinger, hellingerProjected, hellingerSquared } from './hellinger.js';

const axis = { lo: -12, hi: 12, points: 4001 };
const xs = Float64Array.from({ length: axis.points }, (_, j) => axis.lo + (j * (axis.hi - axis.lo)) / (axis.points - 1));

describe('hellingerSquared on a grid', () => {
  it('N(0,1) vs N(delta,1): H^2 = 1 - exp(-delta^2 / 8)', () => {
    for (const delta of [0.1, 0.5, 2, 4]) {
      const p = xs.map((x) => normalPdf(x));
      const q = xs.map((x) => normalPdf(x, delta));
      expect(hellingerSquared(p, q, axis)).toBeCloseTo(1 - Math.exp(-(delta ** 2) / 8), 10);
      expect(hellinger(p, q, axis)).toBeCloseTo(Math.sqrt(1 - Math.exp(-(delta ** 2) / 8)), 9);
    }
  });
  it('N(0,1) vs N(0,s^2): H^2 = 1 - sqrt(2 s / (1 + s^2)); identical densities give 0', () => {
    const s = 1.7;
    const p = xs.map((x) => normalPdf(x));
    const q = xs.map((x) => normalPdf(x, 0, s));
    expect(hellingerSquared(p, q, axis)).toBeCloseTo(1 - Math.sqrt((2 * s) / (1 + s * s)), 10);
    expect(hellingerSquared(p, p, axis)).toBe(0);
  });
  it('2-D product Gaussians shifted by (a, b): H^2 = 1 - exp(-(a^2 + b^2) / 8), layout j * nx + i = (x_i, y_j)', () => {
    const gx = { lo: -8, hi: 8, points: 161 };
    const gy = { lo: -7, hi: 9, points: 121 };
    const X = (i: number) => gx.lo + (i * 16) / 160;
    const Y = (j: number) => gy.lo + (j * 16) / 120;
    const p = new Float64Array(161 * 121);
    const q = new Float64Array(161 * 121);
    for (let j = 0; j < 121; j++) for (let i = 0; i < 161; i++) {
      p[j * 161 + i] = normalPdf(X(i)) * normalPdf(Y(j));
      q[j * 161 + i] = normalPdf(X(i), 0.6) * normalPdf(Y(j), 1.2);
    }
    expect(hellingerSquared(p, q, [gx, gy])).toBeCloseTo(1 - Math.exp(-(0.36 + 1.44) / 8), 8);
  });
  it('typed errors', () => {
    const p = xs.map((x) => normalPdf(x));
    expect(() => hellingerSquared(p, p.subarray(1), axis)).toThrow(ShapeError);
    expect(() => hellingerSquared(p, p.map((v) => -v - 1), axis)).toThrow(DomainError);
    expect(() => hellingerSquared(p, p.map(() => Number.NaN), axis)).toThrow(NonFiniteError); // NaN entries: NonFiniteError (docs/errors.md)
    expect(() => hellingerSquared(p, p, { lo: 1, hi: 0, points: 4001 })).toThrow(DomainError);
    expect(() => hellingerSquared(p, p, { lo: 0, hi: 1, points: 1 })).toThrow(DomainError);
  });
});

describe('hellingerProjected', () => {
  // Samples of N(m, C) in d = 5; the projection on the unit vector u is N(u.m, u^T C u).
  const d = 5;
  const u = Float64Array.from([1, 1, 0, -1, 1]).map((v) => v / 2);
  const m = Float64Array.from([0.5, -0.2, 1, 0, 0.3]);
  const sdiag = [1, 0.5, 2, 0.8, 1.5];
  const mu = u.reduce((s, v, i) => s + v * m[i], 0);
  const sd = Math.sqrt(u.reduce((s, v, i) => s + v * v * sdiag[i] ** 2, 0));
  const draw = (n: number, seed: number) => {
    const z = new Rng(seed).normals(n * d);
    for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) z[r * d + i] = m[i] + sdiag[i] * z[r * d + i];
    return new NDArray(z, [n, d]);
  };
  const basis = new NDArray(u, [d, 1]);
  const density = (pts: Float64Array) => pts.map((x) => normalPdf(x, mu, sd));
  const grid = { lo: -10, hi: 10, points: 4000 };

  it('KDE: samples of the reference law itself give H^2 at the KDE bias floor, shrinking with n', () => {
    const big = hellingerProjected({ samples: draw(20_000, 1), density, basis, grid });
    const small = hellingerProjected({ samples: draw(500, 2), density, basis, grid });
    // Floor at n = 20,000 (Scott h = n^{-1/5} sd = 0.138 sd): smoothing bias 1 - sqrt(2s/(1+s^2)) with
    // s^2 = 1 + 0.138^2 is 4.5e-5; the variance term R(K) L / (8 n h) with L ~ 6 sd is ~ 8e-5. Allow 3x.
    expect(big.h2).toBeLessThan(4e-4);
    expect(small.h2).toBeGreaterThan(big.h2);
    expect(big.h).toBeCloseTo(Math.sqrt(big.h2), 15);
    expect(big.estimate.length).toBe(4000);
    // a shifted reference is clearly detected: H^2(N(mu, sd^2), N(mu + sd, sd^2)) = 1 - exp(-1/8) = 0.1175
    const shifted = hellingerProjected({ samples: draw(20_000, 1), density: (p) => p.map((x) => normalPdf(x, mu + sd, sd)), basis, grid });
    expect(Math.abs(shifted.h2 - (1 - Math.exp(-1 / 8)))).toBeLessThan(0.01);
  });

  it('histogram estimator: consistent, with a larger floor than the KDE', () => {
    const g = { lo: -6, hi: 6, points: 121 };
    const r = hellingerProjected({ samples: draw(20_000, 3), density, basis, grid: g, method: 'histogram' });
    // variance floor ~ L / (8 n h) with h = 0.1, L ~ 6 sd: ~ 4e-4; allow 3x
    expect(r.h2).toBeLessThan(1.5e-3);
  });

  it('2-D projection (KDE and histogram) on a tensor grid', () => {
    const B = new NDArray(Float64Array.from([1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), [d, 2]); // coordinates 0 and 1
    const dens2 = (pts: Float64Array) => {
      const out = new Float64Array(pts.length / 2);
      for (let k = 0; k < out.length; k++) out[k] = normalPdf(pts[2 * k], m[0], sdiag[0]) * normalPdf(pts[2 * k + 1], m[1], sdiag[1]);
      return out;
    };
    const gx = { lo: -5, hi: 6, points: 89 };
    const gy = { lo: -3, hi: 2.6, points: 57 };
    const kde = hellingerProjected({ samples: draw(5000, 4), density: dens2, basis: B, grid: [gx, gy] });
    expect(kde.h2).toBeLessThan(5e-3);
    const hist = hellingerProjected({ samples: draw(5000, 4), density: dens2, basis: B, grid: [gx, gy], method: 'histogram' });
    expect(hist.h2).toBeLessThan(0.05);
    expect(hist.h2).toBeGreaterThan(kde.h2);
  });

  it('typed errors', () => {
    const x = draw(100, 5);
    expect(() => hellingerProjected({ samples: x, density, basis: new NDArray(new Float64Array(15), [d, 3]), grid })).toThrow(ShapeError);
    expect(() => hellingerProjected({ samples: x, density, basis: new NDArray(new Float64Array(4), [4, 1]), grid })).toThrow(ShapeError);
    expect(() => hellingerProjected({ samples: x, density: () => new Float64Array(3), basis, grid })).toThrow(ShapeError);
    expect(() => hellingerProjected({ samples: x, density, basis, grid, method: 'knn' as 'kde' })).toThrow(ParameterError);
    expect(() => hellingerProjected({ samples: x, density, basis, grid: [grid, grid] })).toThrow(ShapeError);
  });
});
