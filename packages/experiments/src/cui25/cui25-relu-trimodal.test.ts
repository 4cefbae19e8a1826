import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './cui25-relu-trimodal.js';

// Quick scale (calibration: docs/calibration/cui25-relu-trimodal.json).
describe('cui25-relu-trimodal', () => {
  it('passes every agreement check (summary statistics, generated quantiles) at seed 1', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    const agreements = r.checks.filter((c) => c.kind === 'agreement');
    expect(agreements).toHaveLength(15);
    expect(agreements.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
  }, 180_000);

  it('a wrong theory fails: centroid overlaps T x 1.25 in the ODE, b x 1.1 in Cor. 2.3', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, perturb: { T: 1.25, b: 1.1 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.startsWith('M'))).toBe(true);
    expect(failed.some((n) => n.includes('d-dimensional sampler vs Cor. 2.3'))).toBe(true);
  }, 180_000);

  it('refuses N = 10 with tf = 0.99 before any work', async () => {
    await expect(runExperiment(experiment, { N: 10, tf: 0.99 }, { seed: 1 })).rejects.toThrow(/round\(tf N\) = 10/);
  });
});
