import { ParameterError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './cui24-binary-gmm.js';

// Quick scale (about 4 s). Calibration at quick scale: docs/calibration/cui24-binary-gmm.json.
describe('cui24-binary-gmm', () => {
  it('the flow of the fitted sign auto-encoders passes every agreement check with the closed forms', async () => {
    const r = await runExperiment(experiment, {}, { seed: 5 });
    const agreements = r.checks.filter((c) => c.kind === 'agreement');
    expect(agreements.length).toBe(7);
    expect(agreements.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
  }, 120_000);

  it('a wrong overlap M_t (5 % too large) or a wrong sigma in the closed forms (10 %) fails agreement checks', async () => {
    for (const perturb of [{ M: 1.05 }, { sigma: 1.1 }] as Record<string, number>[]) {
      const r = await runExperiment(experiment, {}, { seed: 5, perturb });
      expect(r.checks.filter((c) => c.kind === 'agreement' && !c.pass).length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('refuses N = 10 with tf = 0.99 (the grid would reach t = 1) before any work', async () => {
    await expect(runExperiment(experiment, { N: 10, tf: 0.99 }, { seed: 1 })).rejects.toThrow(ParameterError);
    expect(experiment.validate?.({ ...experiment.params.parse(experiment.defaults.quick), N: 10, tf: 0.99 })).toHaveLength(1);
    expect(experiment.validate?.(experiment.params.parse(experiment.defaults.paper))).toEqual([]);
  });
});
