import { DomainError, Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { equilateralMinCost, minCostFamily, obtuseSimplexMinCost, orthogonalMinCost } from './closed-form.js';
import { shallowReluCost, shallowReluForward, shallowReluJacobian, shallowReluPathNorm } from './shallow-relu.js';

const ref = { d: 3, count: 3, points: Float64Array.of(0, 0, 0, 1, 0, 0, 0, 2, 0) };
const deg = (a: number) => (a * Math.PI) / 180;

describe('closed-form min-cost denoisers (spec §3, §16.1)', () => {
  it('§16.1: eq 17 value, score and realisation cost', () => {
    const h = orthogonalMinCost(ref, { rho: 0.1 });
    const y = Float64Array.of(0.3, 1.95, -0.4);
    const out = h.denoise(y, 1);
    [0.25, 2, 0].forEach((v, i) => {
      expect(out[i]).toBeCloseTo(v, 12);
    });
    const score = Array.from(out, (v, i) => (v - y[i]) / 0.01);
    [-5, 5, 40].forEach((v, i) => {
      expect(score[i]).toBeCloseTo(v, 9);
    });
    expect(h.cost).toBeCloseTo(4.722222222222, 12);
    const net = h.network();
    expect(shallowReluCost(net)).toBeCloseTo(4.722222222222, 12);
    expect(shallowReluPathNorm(net)).toBeCloseTo(4.722222222222, 12);
  });

  it('M1: interpolates every ball exactly; network = formula; Jacobian = finite differences', () => {
    const rng = new Rng(7);
    const pts = Float64Array.of(0, 0, 0, 0, 1.5, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 1.2, 0);
    const set = { d: 4, count: 4, points: pts };
    const h = orthogonalMinCost(set, { rho: 0.3 });
    const net = h.network();
    for (let k = 0; k < 4; k++) {
      for (let rep = 0; rep < 50; rep++) {
        const z = rng.normals(4);
        const nz = Math.hypot(...z);
        const r = 0.3 * rng.uniform() ** 0.25;
        const y = Float64Array.from(z, (v, i) => pts[k * 4 + i] + (r * v) / nz);
        const o = h.denoise(y, 1);
        for (let i = 0; i < 4; i++) expect(Math.abs(o[i] - pts[k * 4 + i])).toBeLessThan(1e-12);
      }
    }
    // Prop 1: the Jacobian vanishes inside every interpolation ball (score Jacobian -I/sigma^2)
    for (let k = 0; k < 4; k++) {
      const J = h.jacobian(Float64Array.from({ length: 4 }, (_, i) => pts[k * 4 + i] + 0.05 * (i % 2 ? 1 : -1)));
      for (const v of J) expect(v).toBe(0);
    }
    const ys = rng.normals(200 * 4);
    const a = h.denoise(ys, 200);
    const b = shallowReluForward(net, ys, 200);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-12);
    for (let rep = 0; rep < 10; rep++) {
      const y = rng.normals(4);
      const J = h.jacobian(y);
      const Jn = shallowReluJacobian(net, y);
      const e = 1e-6;
      for (let j = 0; j < 4; j++) {
        const yp = y.slice();
        const ym = y.slice();
        yp[j] += e;
        ym[j] -= e;
        const hp = h.denoise(yp, 1);
        const hm = h.denoise(ym, 1);
        for (let i = 0; i < 4; i++) {
          expect(J[i * 4 + j]).toBeCloseTo((hp[i] - hm[i]) / (2 * e), 6);
          expect(Jn[i * 4 + j]).toBeCloseTo(J[i * 4 + j], 12);
        }
      }
    }
  });

  it('obtuse simplex: interpolates, reduces to eq 17 at right angles; equilateral: centroid fixed, vertices interpolated', () => {
    const th = deg(120);
    const tri = { d: 2, count: 3, points: Float64Array.of(0, 0, 1, 0, Math.cos(th), Math.sin(th)) };
    const h = obtuseSimplexMinCost(tri, { rho: 0.2 });
    for (let k = 0; k < 3; k++) {
      const y = Float64Array.of(tri.points[2 * k] + 0.1, tri.points[2 * k + 1] - 0.12);
      const o = h.denoise(y, 1);
      expect(Math.abs(o[0] - tri.points[2 * k]) + Math.abs(o[1] - tri.points[2 * k + 1])).toBeLessThan(1e-12);
    }
    const right = { d: 2, count: 3, points: Float64Array.of(0, 0, 1, 0, 0, 1) };
    expect(() => obtuseSimplexMinCost(right, { rho: 0.1 })).toThrow(/not an obtuse simplex/);
    const eq = { d: 2, count: 3, points: Float64Array.of(0, 1, Math.sqrt(3) / 2, -0.5, -Math.sqrt(3) / 2, -0.5) };
    const he = equilateralMinCost(eq, { rho: 0.2 });
    expect(Array.from(he.denoise(Float64Array.of(0.05, -0.03), 1)).map((v) => Math.abs(v) < 1e-12)).toEqual([false, false]);
    const c = he.denoise(Float64Array.of(0, 0), 1);
    expect(Math.abs(c[0]) + Math.abs(c[1])).toBeLessThan(1e-14);
    for (let k = 0; k < 3; k++) {
      const o = he.denoise(Float64Array.of(eq.points[2 * k] - 0.15, eq.points[2 * k + 1] + 0.1), 1);
      expect(Math.abs(o[0] - eq.points[2 * k]) + Math.abs(o[1] - eq.points[2 * k + 1])).toBeLessThan(1e-12);
    }
    const net = he.network();
    const ys = new Rng(2).normals(100);
    const a = he.denoise(ys, 50);
    const b = shallowReluForward(net, ys, 50);
    for (let i = 0; i < 100; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-12);
    expect(shallowReluCost(net)).toBeCloseTo(6 / (1.5 - 0.4), 12);
  });

  it('bad input gets a typed error naming the violated condition', () => {
    const skew = { d: 2, count: 3, points: Float64Array.of(0, 0, 1, 0, 0.1, 1) };
    expect(() => orthogonalMinCost(skew, { rho: 0.1 })).toThrow(/not orthogonal/);
    expect(() => orthogonalMinCost(ref, { rho: 0.5 })).toThrow(DomainError);
    expect(() => orthogonalMinCost(ref, { rho: 0.5 })).toThrow(/rho < min_k \|x_k - x_0\| \/ 2/);
    const bad = { d: 2, count: 3, points: Float64Array.of(0, 0, 1, 0, 0.5, 0.9) };
    expect(() => equilateralMinCost(bad, { rho: 0.1 })).toThrow(/not equilateral/);
    const fam = minCostFamily(ref, { kind: 'orthogonal', alpha: 1 });
    expect(fam.sigmaMax).toBe(0.5);
    expect(() => fam.denoise(new Float64Array(3), 1, 0.6)).toThrow(/rho/);
    expect(fam.denoise(Float64Array.of(0.3, 1.95, -0.4), 1, 0.1)[0]).toBeCloseTo(0.25, 12);
  });
});
