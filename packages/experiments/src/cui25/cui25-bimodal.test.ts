import { ParameterError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './cui25-bimodal.js';

// Quick scale (calibration: docs/calibration/cui25-bimodal.json).
describe('cui25-bimodal', () => {
  it('passes every check: H^2 of the ODE theory vs the trained models, the d-dim sampler vs Cor. 2.3, H^2 decreasing, two modes', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(3);
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
  }, 180_000);

  it('a wrong theory fails: weight decay x 1.3 in the ODE', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, perturb: { lambda: 1.3 } });
    expect(r.checks.filter((c) => c.kind === 'agreement' && !c.pass).length).toBeGreaterThan(0);
  }, 180_000);

  it('refuses N = 10 with tf = 0.99 (the last Euler step reaches t = 1) before any work', async () => {
    await expect(runExperiment(experiment, { N: 10, tf: 0.99 }, { seed: 1 })).rejects.toThrow(/round\(tf N\) = 10/);
    await expect(runExperiment(experiment, { dipTau: 7 }, { seed: 1 })).rejects.toThrow(ParameterError);
  });
});
