import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './cui25-summary-stats.js';

// Quick scale (calibration: docs/calibration/cui25-summary-stats.json).
describe('cui25-summary-stats', () => {
  it('the ODE and eq. 11 pass every agreement check against the mean of the SGD runs', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    const agreements = r.checks.filter((c) => c.kind === 'agreement');
    expect(agreements.map((c) => c.name.split(':')[0])).toEqual(['M¹₁', 'M¹₂', 'M²₁', 'M²₂', 'Q₁₁', 'Q₂₂', 'Q₁₂', 'b']);
    expect(agreements.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.series.filter((s) => s.kind === 'simulation')).toHaveLength(8);
  }, 120_000);

  it('a wrong theory fails: centroid overlaps T x 1.1 in the ODE, Lambda x 1.05 in eq. 11', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, perturb: { T: 1.1, Lambda: 1.05 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name.split(':')[0]);
    expect(failed).toContain('b');
    expect(failed.some((n) => n.startsWith('M'))).toBe(true);
  }, 120_000);
});
