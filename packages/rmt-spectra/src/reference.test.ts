import { DomainError, ShapeError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import {
  cubicDiscriminantEdges,
  finalGapOpeningTime,
  finalGapWidth,
  gapStructure,
  gapThresholdTimes,
  groupSpectrum,
  intermediateGapWidth,
  jacobianLaw,
  marchenkoPastur,
  mpDensity,
  mpEdges,
  mpJacobianDensity,
  mpJacobianEdges,
  stieltjesFixedPoint,
  twoMpApproximation,
} from './index.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const fig4 = { alpha: 0.5, fractions: [0.75, 0.25], variances: [1, 0.01] };
const fig6 = { alpha: 0.4, fractions: [0.75, 0.25], variances: [1, 0.01] };
const fig9 = { alpha: 0.5, fractions: [0.5, 0.5], variances: [1, 0.1] };

describe('spec §14 single variance (cases 1-4)', () => {
  it('case 1: MP edges and density at 1', () => {
    const e = mpEdges({ alpha: 0.5, variance: 1 });
    expect(e.lower).toBeCloseTo(0.171572875, 9);
    expect(e.upper).toBeCloseTo(5.828427125, 9);
    expect(mpDensity(1, { alpha: 0.5 })).toBeCloseTo(1 / (2 * Math.PI), 12);
  });
  it('cases 2-3: J_t edges, final gap and density in r', () => {
    const o1 = { alpha: 0.5, variance: 1, t: 1 };
    const e1 = mpJacobianEdges(o1);
    expect(e1.rMinus).toBeCloseTo(-0.853553391, 8);
    expect(e1.rPlus).toBeCloseTo(-0.146446609, 8);
    expect(1 + e1.rMinus).toBeCloseTo(0.146446609, 8);
    expect(mpJacobianDensity(-0.5, o1)).toBeCloseTo(2 / Math.PI, 8);
    expect(mpJacobianDensity(-0.3, o1)).toBeCloseTo(1.041607367, 8);
    const o2 = { alpha: 0.5, variance: 1, t: 0.1 };
    const e2 = mpJacobianEdges(o2);
    expect(e2.rMinus).toBeCloseTo(-0.368225287, 8);
    expect(e2.rPlus).toBeCloseTo(-0.01686788, 8);
    expect(mpJacobianDensity(-0.2, o2)).toBeCloseTo(0.553835763, 8);
    expect(mpJacobianDensity(-0.05, o2)).toBeCloseTo(4.365474076, 8);
    // the generic change of variables agrees with the closed form
    const law = jacobianLaw(marchenkoPastur({ alpha: 0.5 }), 0.1);
    expect(law.density(0.2)).toBeCloseTo(0.553835763, 8);
    const g = gapStructure(marchenkoPastur({ alpha: 0.5 }));
    expect(finalGapWidth(0.1, g)).toBeCloseTo(0.631774713, 8);
  });
  it('case 4: alpha = 2, no atom', () => {
    const law = marchenkoPastur({ alpha: 2, variance: 0.5 });
    expect(law.edges[0]).toBeCloseTo(0.042893219, 9);
    expect(law.edges[1]).toBeCloseTo(1.457106781, 9);
    expect(law.density(1)).toBeCloseTo(0.421084399, 8);
    expect(law.atom).toBe(0);
    expect(law.bulks[0].mass).toBeCloseTo(1, 7);
  });
});

describe('spec §14 double variance (cases 5-9)', () => {
  it('case 5: Fig 4 setting', () => {
    const law = groupSpectrum(fig4);
    const want = [0.00379667733, 0.0260205056, 0.303076462, 5.20200534];
    want.forEach((w, i) => {
      expect(rel(law.edges[i], w)).toBeLessThan(1e-7);
    });
    expect(rel(law.density(0.01), 7.982061586)).toBeLessThan(1e-7);
    expect(law.density(0.1)).toBe(0);
    expect(rel(law.density(1), 0.136530557)).toBeLessThan(1e-7);
    expect(rel(law.density(2), 0.09286624)).toBeLessThan(1e-6);
    const [gr, gi] = law.stieltjes(1, -0.1);
    expect(rel(gr, 0.542771365)).toBeLessThan(1e-7);
    expect(rel(gi, 0.459767548)).toBeLessThan(1e-7);
    expect(law.atom).toBe(0.5);
    expect(law.bulks[0].mass).toBeCloseTo(0.125, 7);
    expect(law.bulks[1].mass).toBeCloseTo(0.375, 7);
    const g = gapStructure(law);
    expect(rel(g.intermediate[0].tMax, 0.0888042948)).toBeLessThan(1e-7);
    expect(rel(g.intermediate[0].deltaMax, 0.546778998)).toBeLessThan(1e-7);
    const j = jacobianLaw(law, 0.3);
    [0.054526, 0.497449, 0.920188, 0.987503].forEach((w, i) => {
      expect(j.edges[i]).toBeCloseTo(w, 6);
    });
    expect(intermediateGapWidth(0.3, g.intermediate[0])).toBeCloseTo(0.422738, 6);
    expect(finalGapWidth(0.3, g)).toBeCloseTo(0.012497, 6);
  });
  it('case 6: Fig 5/6 setting', () => {
    const law = groupSpectrum(fig6);
    [0.00674209013, 0.0330841155, 0.513943739, 5.99112905].forEach((w, i) => {
      expect(rel(law.edges[i], w)).toBeLessThan(1e-7);
    });
    const g = gapStructure(law);
    expect(rel(g.intermediate[0].tMax, 0.130396986)).toBeLessThan(1e-7);
    expect(rel(g.intermediate[0].deltaMax, 0.595254557)).toBeLessThan(1e-7);
    expect(rel(law.density(0.01), 5.545057206)).toBeLessThan(1e-7);
    expect(rel(law.density(1), 0.099413501)).toBeLessThan(1e-7);
    const [gr, gi] = law.stieltjes(1, -0.1);
    expect(rel(gr, 0.544729943)).toBeLessThan(1e-7);
    expect(rel(gi, 0.348845635)).toBeLessThan(1e-7);
    [0.45, 0.3, 0.11].forEach((t, i) => {
      expect(intermediateGapWidth(t, g.intermediate[0])).toBeCloseTo([0.464683, 0.532098, 0.592481][i], 6);
      expect(finalGapWidth(t, g)).toBeCloseTo([0.014761, 0.02198, 0.057752][i], 6);
    });
  });
  it('case 7: Fig 9 setting', () => {
    const law = groupSpectrum(fig9);
    [0.025881777, 0.357984426, 0.562562775, 4.55357102].forEach((w, i) => {
      expect(rel(law.edges[i], w)).toBeLessThan(1e-7);
    });
    const g = gapStructure(law);
    expect(rel(g.intermediate[0].tMax, 0.448763537)).toBeLessThan(1e-7);
    expect(rel(g.intermediate[0].deltaMax, 0.112524748)).toBeLessThan(1e-7);
    expect(rel(law.density(0.1), 1.147371965)).toBeLessThan(1e-7);
    const [gr, gi] = law.stieltjes(1, -0.1);
    expect(rel(gr, 0.639647911)).toBeLessThan(1e-7);
    expect(rel(gi, 0.379056481)).toBeLessThan(1e-7);
  });
  it('case 8: corrected eq 19 threshold times and the final-gap opening', () => {
    const g = gapStructure(groupSpectrum(fig4));
    const a = gapThresholdTimes(g.intermediate[0], 0.1)!;
    expect(Math.abs(a.closing - 0.00323)).toBeLessThan(1e-5);
    expect(Math.abs(a.opening - 2.43823)).toBeLessThan(1e-5);
    const b = gapThresholdTimes(g.intermediate[0], 0.3)!;
    expect(Math.abs(b.closing - 0.01358)).toBeLessThan(1e-5);
    expect(Math.abs(b.opening - 0.58085)).toBeLessThan(1e-5);
    expect(rel(finalGapOpeningTime(g.lowestEdge, 0.1), 0.0341701)).toBeLessThan(1e-5);
    // the widths at the threshold times equal Delta
    expect(intermediateGapWidth(a.opening, g.intermediate[0])).toBeCloseTo(0.1, 12);
    expect(intermediateGapWidth(a.closing, g.intermediate[0])).toBeCloseTo(0.1, 12);
    expect(gapThresholdTimes(g.intermediate[0], 0.6)).toBeNull();
  });
  it('case 9: eq 26 helper and its 18 % overestimate', () => {
    const a = twoMpApproximation({ alpha: 0.5, f: 0.75, s1: 1, s2: 0.01 });
    expect(Math.abs(a.a - 0.30051)).toBeLessThan(1e-5);
    expect(Math.abs(a.b - 0.03664)).toBeLessThan(1e-5);
    expect(Math.abs(a.tMax - 0.10493)).toBeLessThan(1e-5);
    const exact = gapStructure(groupSpectrum(fig4)).intermediate[0].tMax;
    expect(Math.abs(a.tMax / exact - 1 - 0.182)).toBeLessThan(0.01);
  });
});

describe('invariants', () => {
  it('masses including the atom sum to 1 (1e-6), by an independent fine midpoint rule', () => {
    for (const o of [fig4, fig6, fig9, { alpha: 1.7, fractions: [0.3, 0.7], variances: [2, 0.5] }]) {
      const law = groupSpectrum(o, 200);
      let total = law.atom;
      for (const b of law.bulks) {
        // plain midpoint in x on a fine grid with the edge cells done by the cosine map: independent of the table
        const n = 20000;
        for (let j = 0; j < n; j++) {
          const th = ((j + 0.5) * Math.PI) / n;
          const x = b.lo + ((b.hi - b.lo) / 2) * (1 - Math.cos(th));
          total += law.density(x) * ((b.hi - b.lo) / 2) * Math.sin(th) * (Math.PI / n);
        }
      }
      expect(Math.abs(total - 1)).toBeLessThan(1e-6);
      expect(law.cdf(1e9)).toBeCloseTo(1, 6);
    }
  });
  it('edges from critical values equal the discriminant roots (K = 2)', () => {
    for (const [o, p] of [
      [fig4, { alpha: 0.5, f: 0.75, s1: 1, s2: 0.01 }],
      [fig9, { alpha: 0.5, f: 0.5, s1: 1, s2: 0.1 }],
      [{ alpha: 2, fractions: [0.4, 0.6], variances: [1, 0.3] }, { alpha: 2, f: 0.4, s1: 1, s2: 0.3 }],
    ] as const) {
      const a = groupSpectrum(o, 16).edges;
      const b = cubicDiscriminantEdges(p);
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) expect(rel(b[i], a[i])).toBeLessThan(1e-10);
    }
  });
  it('K = 1 solver reproduces Marchenko-Pastur (density, edges, CDF)', () => {
    for (const [alpha, s] of [
      [0.5, 1],
      [2, 0.5],
      [0.2, 3],
    ]) {
      const mp = marchenkoPastur({ alpha, variance: s });
      const k1 = groupSpectrum({ alpha, fractions: [1], variances: [s] });
      expect(rel(k1.edges[0], mp.edges[0])).toBeLessThan(1e-10);
      expect(rel(k1.edges[1], mp.edges[1])).toBeLessThan(1e-10);
      for (let i = 1; i < 50; i++) {
        const x = mp.edges[0] + ((mp.edges[1] - mp.edges[0]) * i) / 50;
        expect(Math.abs(k1.density(x) - mp.density(x))).toBeLessThan(1e-10 * (1 + mp.density(x)));
        expect(Math.abs(k1.cdf(x) - mp.cdf(x))).toBeLessThan(1e-8);
      }
    }
  });
  it('a variance split into two equal groups is the same law; the fixed point agrees off the axis', () => {
    const a = groupSpectrum({ alpha: 0.5, fractions: [0.5, 0.5], variances: [1, 1] });
    expect(rel(a.edges[1], mpEdges({ alpha: 0.5 }).upper)).toBeLessThan(1e-10);
    const law = groupSpectrum(fig4);
    const [fr, fi] = stieltjesFixedPoint(fig4, 1, -0.1);
    const [pr, pi] = law.stieltjes(1, -0.1);
    expect(Math.abs(fr - pr) + Math.abs(fi - pi)).toBeLessThan(1e-10);
    const [cr, ci] = law.stieltjes(1, 0.1);
    expect(cr).toBeCloseTo(pr, 14);
    expect(ci).toBeCloseTo(-pi, 14);
  });
  it('quantile inverts the CDF; J_t quantile/cdf consistent', () => {
    const law = groupSpectrum(fig4);
    for (const p of [0.51, 0.6, 0.624, 0.7, 0.9, 0.999]) expect(law.cdf(law.quantile(p))).toBeCloseTo(p, 7);
    expect(law.quantile(0.3)).toBe(0);
    const j = jacobianLaw(law, 0.3);
    for (const p of [0.01, 0.2, 0.37, 0.45]) expect(j.cdf(j.quantile(p))).toBeCloseTo(p, 7);
    expect(j.quantile(0.6)).toBe(1);
  });
});

describe('bad input gets a typed error', () => {
  it('alpha <= 0, fractions not summing to 1, negative variances, t <= 0', () => {
    expect(() => marchenkoPastur({ alpha: 0 })).toThrow(DomainError);
    expect(() => groupSpectrum({ alpha: -1, fractions: [1], variances: [1] })).toThrow(DomainError);
    expect(() => groupSpectrum({ alpha: 0.5, fractions: [0.5, 0.4], variances: [1, 2] })).toThrow(/summing to 1/);
    expect(() => groupSpectrum({ alpha: 0.5, fractions: [0.5, 0.5], variances: [1, -2] })).toThrow(DomainError);
    expect(() => groupSpectrum({ alpha: 0.5, fractions: [1], variances: [1, 2] })).toThrow(ShapeError);
    expect(() => jacobianLaw(marchenkoPastur({ alpha: 0.5 }), 0)).toThrow(DomainError);
    expect(() => mpJacobianDensity(-0.5, { alpha: 0.5, t: -1 })).toThrow(DomainError);
    expect(() => mpDensity(1, { alpha: 0.5, variance: Number.NaN })).toThrow(DomainError);
  });
});
