import { DomainError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import {
  dimensionFromLargestGap,
  finalGapOpeningTime,
  gapStructure,
  gapThresholdTimes,
  groupSpectrum,
  jacobianLaw,
  phaseAt,
  phaseBoundaries,
  projectedMpApproximation,
  twoMpApproximation,
} from './index.js';

const fig4 = { alpha: 0.5, fractions: [0.75, 0.25], variances: [1, 0.01] };

describe('approximations beside the exact edges (spec §6)', () => {
  it('projected-MP t_max: 0.1 % (Fig 4), ~0 % (Fig 5/6), 3.7 % (Fig 9); eq 26: +18.2 %, +14.1 %', () => {
    const cases = [
      { p: { alpha: 0.5, f: 0.75, s1: 1, s2: 0.01 }, proj: 0.001, eq26: 0.182 },
      { p: { alpha: 0.4, f: 0.75, s1: 1, s2: 0.01 }, proj: 0.0, eq26: 0.141 },
      { p: { alpha: 0.5, f: 0.5, s1: 1, s2: 0.1 }, proj: 0.037, eq26: null },
    ];
    for (const c of cases) {
      const exact = gapStructure(groupSpectrum({ alpha: c.p.alpha, fractions: [c.p.f, 1 - c.p.f], variances: [c.p.s1, c.p.s2] }, 64)).intermediate[0].tMax;
      expect(Math.abs(Math.abs(projectedMpApproximation(c.p).tMax / exact - 1) - c.proj)).toBeLessThan(0.005);
      if (c.eq26 !== null) expect(Math.abs(twoMpApproximation(c.p).tMax / exact - 1 - c.eq26)).toBeLessThan(0.01);
    }
    expect(() => projectedMpApproximation({ alpha: 2, f: 0.75, s1: 1, s2: 0.01 })).toThrow(DomainError);
  });
});

describe('phases (spec §7)', () => {
  const g = gapStructure(groupSpectrum(fig4));
  it('Q11: the intermediate gap opens long before the final gap (2.438 vs 0.0342 at Delta = 0.1)', () => {
    const b = phaseBoundaries(g, 0.1);
    expect(b.intermediate[0]!.opening).toBeCloseTo(2.43823, 4);
    expect(b.finalOpening!).toBeCloseTo(finalGapOpeningTime(g.lowestEdge, 0.1), 14);
    expect(b.finalOpening!).toBeCloseTo(0.03417, 4);
  });
  it('trivial -> coverage -> consolidation as t decreases, switching at the threshold times', () => {
    const times = gapThresholdTimes(g.intermediate[0], 0.1)!;
    expect(phaseAt(times.opening * 1.01, g)).toBe('trivial');
    expect(phaseAt(times.opening * 0.99, g)).toBe('coverage');
    expect(phaseAt(0.02, g)).toBe('coverage');
    expect(phaseAt(times.closing * 1.01, g)).toBe('coverage');
    expect(phaseAt(times.closing * 0.99, g)).toBe('consolidation');
    // single variance: no intermediate gap, the manifold gap takes it straight to consolidation
    const mp = gapStructure(groupSpectrum({ alpha: 0.5, fractions: [1], variances: [1] }));
    expect(phaseAt(100, mp)).toBe('trivial');
    expect(phaseAt(0.1, mp)).toBe('consolidation');
    expect(() => phaseAt(0, g)).toThrow(DomainError);
  });
  it('dimension from the largest gap of the theoretical ordered spectrum: f m at t_max, m at small t', () => {
    const law = groupSpectrum(fig4);
    const d = 200;
    const atMax = dimensionFromLargestGap(jacobianLaw(law, g.intermediate[0].tMax).orderedSpectrum(d));
    expect(atMax.below).toBe(75);
    const late = dimensionFromLargestGap(jacobianLaw(law, 1e-3).orderedSpectrum(d));
    expect(late.below).toBe(100);
    expect(late.above).toBe(100);
    expect(() => dimensionFromLargestGap([1])).toThrow(DomainError);
  });
});
