import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { binomialUpper, calibrate } from './calibrate.js';
import { defineExperiment } from './experiment.js';
import { agreement } from './result.js';

/** A known-rate experiment: the mean of n standard normals against 0 with tolerance z sd. */
const gauss = defineExperiment({
  id: 'gauss-mean',
  title: 'Mean of normals',
  paper: 'none',
  description: 'The sample mean of n N(0,1) draws against 0, tolerance z/sqrt(n).',
  params: z.object({ n: z.number().int().min(1), z: z.number().positive() }),
  defaults: { quick: { n: 100, z: 1.6448536 }, paper: { n: 100, z: 3 } },
  default: false,
  perturbations: { mean: 'the theoretical mean (0 + 1 * factor offset)' },
  async run(ctx) {
    const x = ctx.rng.named('x').normals(ctx.params.n);
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const expected = ctx.perturb('mean', 1) - 1;
    return { series: [], checks: [agreement('mean', m, expected, ctx.params.z / Math.sqrt(ctx.params.n), 'z standard errors')] };
  },
});

describe('calibrate', () => {
  it('measures a known two-sided false-alarm rate (10 % at z = 1.645) within binomial error', async () => {
    const r = await calibrate(gauss, { seeds: 400 });
    // sd of the rate: sqrt(0.1 * 0.9 / 400) = 0.015; 4 sd
    expect(Math.abs(r.familyWiseFailureRate - 0.1)).toBeLessThan(0.06);
    expect(r.checks[0].passRate).toBeCloseTo(1 - r.familyWiseFailureRate, 12);
    expect(r.checks[0].sd).toBeGreaterThan(0.07);
    expect(r.checks[0].sd).toBeLessThan(0.13);
    expect(r.failingSeeds).toHaveLength(r.runsWithFailure);
  });
  it('a perturbed theory is caught (power)', async () => {
    const r = await calibrate(gauss, { seeds: 20, params: { z: 4 }, perturb: { mean: 2 } });
    // expected becomes 1, tolerance 4 / 10 = 0.4: a pass needs a 6-sigma draw
    expect(r.familyWiseFailureRate).toBe(1);
  });
  it('binomialUpper matches closed forms: k = 0 gives 1 - alpha^(1/n)', () => {
    expect(binomialUpper(0, 50)).toBeCloseTo(1 - 0.05 ** (1 / 50), 9);
    expect(binomialUpper(50, 50)).toBe(1);
    expect(binomialUpper(1, 50)).toBeGreaterThan(binomialUpper(0, 50));
  });
});
