import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { gaussHermite, gaussHermiteNormal, gaussLegendre, tensorGaussHermiteNormal, trapezoidNormal } from './quadrature.js';

// [n, index (ascending), node, weight] from Newton refinement in 60-digit mpmath.
const REF: Array<[number, number, number, number]> = [
  [100, 99, 13.40648733814491, 5.908067865031207e-79],
  [100, 98, 12.82379974948781, 1.9728605748794527e-72],
  [100, 97, 12.342964222859674, 3.083028990003275e-67],
  [100, 75, 5.818232135203517, 4.829835321703033e-16],
  [100, 50, 0.11079587242243949, 0.21889262958743913],
  [20, 19, 5.387480890011233, 2.2293936455341513e-13],
  [20, 10, 0.24534070830090124, 0.4622436696006101],
  [7, 6, 2.6519613568352334, 0.0009717812450995191],
  [7, 5, 1.6735516287674714, 0.05451558281912703],
  [7, 3, 0.0, 0.8102646175568073],
];

const doubleFactorial = (k: number) => {
  let r = 1;
  for (let j = k; j > 1; j -= 2) r *= j;
  return r;
};

describe('gaussHermite', () => {
  it('matches high-precision nodes to 1e-13 and weights to 1e-12 relative (n up to 100)', () => {
    for (const [n, i, x, w] of REF) {
      const q = gaussHermite(n);
      expect(Math.abs(q.nodes[i] - x)).toBeLessThan(1e-13);
      expect(Math.abs(q.weights[i] - w) / w).toBeLessThan(1e-12);
    }
  });
  it('closed forms for n = 1, 2, 3', () => {
    const sp = Math.sqrt(Math.PI);
    const q1 = gaussHermite(1);
    expect(Array.from(q1.nodes)).toEqual([0]);
    expect(q1.weights[0]).toBeCloseTo(sp, 15);
    const q2 = gaussHermite(2);
    expect(q2.nodes[1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(q2.weights[0]).toBeCloseTo(sp / 2, 15);
    const q3 = gaussHermite(3);
    expect(q3.nodes[2]).toBeCloseTo(Math.sqrt(1.5), 15);
    expect(q3.weights[1]).toBeCloseTo((2 * sp) / 3, 15);
    expect(q3.weights[0]).toBeCloseTo(sp / 6, 15);
  });
  it('nodes are increasing and symmetric; weights sum to sqrt(pi)', () => {
    for (const n of [1, 2, 5, 16, 64, 100, 150, 300, 500]) {
      const q = gaussHermite(n);
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += q.weights[i];
        expect(q.nodes[i] + q.nodes[n - 1 - i]).toBe(0);
        if (i > 0) expect(q.nodes[i]).toBeGreaterThan(q.nodes[i - 1]);
      }
      expect(Math.abs(s - Math.sqrt(Math.PI))).toBeLessThan(1e-14);
      if (n > 1) expect(Math.max(...Array.from(q.nodes))).toBeLessThan(Math.sqrt(2 * n + 1));
    }
  });
});

describe('gaussHermiteNormal', () => {
  it('gives E z^{2k} = (2k-1)!! exactly for every even degree <= 2n - 1 (relative 1e-12), odd moments 0', () => {
    for (const n of [3, 10, 40, 100]) {
      const { nodes, weights } = gaussHermiteNormal(n);
      for (let deg = 0; deg <= 2 * n - 1; deg++) {
        let m = 0;
        for (let i = 0; i < n; i++) m += weights[i] * nodes[i] ** deg;
        if (deg % 2 === 1) {
          expect(Math.abs(m)).toBeLessThan(1e-12 * doubleFactorial(deg));
        } else {
          const want = doubleFactorial(deg - 1);
          expect(Math.abs(m - want) / want).toBeLessThan(1e-12);
        }
      }
    }
  });
  it('large rules (n = 300, 500) still give E z^2 = 1, E z^8 = 105, E cos z = e^{-1/2}', () => {
    for (const n of [300, 500]) {
      const { nodes, weights } = gaussHermiteNormal(n);
      let m2 = 0;
      let m8 = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        m2 += weights[i] * nodes[i] ** 2;
        m8 += weights[i] * nodes[i] ** 8;
        c += weights[i] * Math.cos(nodes[i]);
      }
      expect(Math.abs(m2 - 1)).toBeLessThan(1e-12);
      expect(Math.abs(m8 / 105 - 1)).toBeLessThan(1e-12);
      expect(Math.abs(c - Math.exp(-0.5))).toBeLessThan(1e-13);
    }
    expect(() => gaussHermite(501)).toThrow(DomainError);
  });
  it('is not exact at degree 2n (the rule really has degree 2n - 1)', () => {
    const n = 4;
    const { nodes, weights } = gaussHermiteNormal(n);
    let m = 0;
    for (let i = 0; i < n; i++) m += weights[i] * nodes[i] ** (2 * n);
    expect(Math.abs(m - doubleFactorial(2 * n - 1))).toBeGreaterThan(1);
  });
  it('integrates a non-polynomial: E cos(z) = e^{-1/2} to 1e-15 with n = 30', () => {
    const { nodes, weights } = gaussHermiteNormal(30);
    let m = 0;
    for (let i = 0; i < 30; i++) m += weights[i] * Math.cos(nodes[i]);
    expect(Math.abs(m - Math.exp(-0.5))).toBeLessThan(1e-15);
  });
});

describe('tensorGaussHermiteNormal', () => {
  it('has n^dim nodes, weights summing to 1 and the moments of N(0, I)', () => {
    const q = tensorGaussHermiteNormal(3, 5);
    expect(q.count).toBe(125);
    expect(q.nodes.length).toBe(375);
    let s = 0;
    let m2 = 0;
    let m4 = 0;
    let cross = 0;
    for (let k = 0; k < q.count; k++) {
      const w = q.weights[k];
      const [a, b, c] = [q.nodes[3 * k], q.nodes[3 * k + 1], q.nodes[3 * k + 2]];
      s += w;
      m2 += w * (a * a + b * b + c * c);
      m4 += w * a ** 2 * b ** 2 * c ** 4;
      cross += w * a * b;
    }
    expect(s).toBeCloseTo(1, 14);
    expect(m2).toBeCloseTo(3, 13);
    expect(m4).toBeCloseTo(3, 12);
    expect(Math.abs(cross)).toBeLessThan(1e-15);
    // last coordinate varies fastest
    const q1 = gaussHermiteNormal(5);
    expect(q.nodes[2 + 3]).toBe(q1.nodes[1]);
    expect(q.nodes[3]).toBe(q1.nodes[0]);
  });
  it('refuses oversized grids', () => {
    expect(() => tensorGaussHermiteNormal(10, 10)).toThrow(DomainError);
  });
});

describe('trapezoidNormal', () => {
  it('weights sum to 1; moments of N(0,1) to the truncation error at L = 6.5', () => {
    for (const spacing of [0.5, 0.15, 0.05]) {
      const { nodes, weights } = trapezoidNormal({ spacing });
      let s = 0;
      let m1 = 0;
      let m2 = 0;
      let m4 = 0;
      for (let i = 0; i < nodes.length; i++) {
        s += weights[i];
        m1 += weights[i] * nodes[i];
        m2 += weights[i] * nodes[i] ** 2;
        m4 += weights[i] * nodes[i] ** 4;
      }
      expect(s).toBeCloseTo(1, 14);
      expect(Math.abs(m1)).toBeLessThan(1e-15);
      // tail beyond 6.5 has mass 8e-11; its second / fourth moments ~ 3.6e-9 / 1.6e-7
      expect(Math.abs(m2 - 1)).toBeLessThan(1e-8);
      expect(Math.abs(m4 - 3)).toBeLessThan(5e-7);
    }
  });
  it('grid is symmetric with 0 a node and stops inside [-L, L]', () => {
    const { nodes } = trapezoidNormal({ halfWidth: 1, spacing: 0.3 });
    expect(Array.from(nodes).map((z) => Math.round(z * 10) / 10)).toEqual([-0.9, -0.6, -0.3, 0, 0.3, 0.6, 0.9]);
    expect(() => trapezoidNormal({ spacing: 0 })).toThrow(DomainError);
  });
  it('a coarse spacing is less accurate than a fine one on a kinked integrand (E|z| = sqrt(2/pi))', () => {
    const err = (spacing: number) => {
      const { nodes, weights } = trapezoidNormal({ spacing });
      let m = 0;
      for (let i = 0; i < nodes.length; i++) m += weights[i] * Math.abs(nodes[i]);
      return Math.abs(m - Math.sqrt(2 / Math.PI));
    };
    expect(err(0.05)).toBeLessThan(err(0.5));
    expect(err(0.05)).toBeLessThan(1e-3);
  });
});

describe('gaussLegendre', () => {
  it('matches leggauss(400) references and integrates x^{2k} on [-1, 1] exactly to degree 2n - 1', () => {
    const q = gaussLegendre(400);
    expect(Math.abs(q.nodes[399] - 0.9999819727039625)).toBeLessThan(1e-15);
    // 50-digit mpmath value (numpy's leggauss is off by 6e-10 relative here)
    // (1 - z^2) at z = 1 - 1.8e-5 amplifies the 1e-16 node rounding to ~5e-12 relative
    expect(Math.abs(q.weights[399] - 4.626372417719012e-5) / 4.626372417719012e-5).toBeLessThan(1e-11);
    expect(Math.abs(q.nodes[200] - 0.003922075094838089)).toBeLessThan(1e-15);
    expect(Math.abs(q.weights[200] - 0.00784410996803365)).toBeLessThan(1e-15);
    for (const n of [1, 2, 7, 50]) {
      const { nodes, weights } = gaussLegendre(n);
      for (let deg = 0; deg <= 2 * n - 1; deg++) {
        let m = 0;
        for (let i = 0; i < n; i++) m += weights[i] * nodes[i] ** deg;
        const want = deg % 2 === 1 ? 0 : 2 / (deg + 1);
        expect(Math.abs(m - want)).toBeLessThan(1e-14);
      }
    }
  });
  it('maps to [a, b]: int_0^2 e^x dx = e^2 - 1 with 12 nodes', () => {
    const { nodes, weights } = gaussLegendre(12, 0, 2);
    let m = 0;
    for (let i = 0; i < 12; i++) m += weights[i] * Math.exp(nodes[i]);
    expect(Math.abs(m - (Math.exp(2) - 1))).toBeLessThan(1e-14);
    expect(nodes[0]).toBeGreaterThan(0);
    expect(nodes[11]).toBeLessThan(2);
    expect(() => gaussLegendre(3, 1, 0)).toThrow(DomainError);
  });
});
