import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './cui25-fixed-skip.js';

// Quick scale (calibration: docs/calibration/cui25-fixed-skip.json).
describe('cui25-fixed-skip', () => {
  it('passes every check: Result 2.2 per group against the trained models and the d-dim sampler, b, mode collapse and its remedy', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(5);
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
  }, 180_000);

  it('a wrong theory fails: v_tf x 1.3 in Result 2.2, Lambda x 1.2 in eq. 11', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, perturb: { vtf: 1.3, Lambda: 1.2 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.includes('d-dimensional sampler vs Result 2.2'))).toBe(true);
    expect(failed.some((n) => n.startsWith('trained b at tauMax'))).toBe(true);
  }, 180_000);

  it('refuses N = 10 with tf = 0.99 before any work', async () => {
    await expect(runExperiment(experiment, { N: 10, tf: 0.99 }, { seed: 1 })).rejects.toThrow(/round\(tf N\) = 10/);
  });
});
