import { ParameterError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './exact-score-sampling.js';

// A smaller override than quick (d 100 -> 20, nSamples 4000 -> 1500) keeps the suite fast; the checks and their
// error model are the same (calibration at quick scale: docs/calibration/exact-score-sampling.json).
const small = { d: 20, nSamples: 1500, N: 40, bins: 20 };

describe('exact-score-sampling', () => {
  it('with the exact denoiser, SDE and ODE samples pass every agreement check against the law of x_tf', async () => {
    const r = await runExperiment(experiment, small, { seed: 3 });
    const agreements = r.checks.filter((c) => c.kind === 'agreement');
    expect(agreements).toHaveLength(12);
    expect(agreements.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.series.filter((s) => s.kind === 'simulation')).toHaveLength(4);
  }, 120_000);

  it('a wrong law (beta = t_f times 1.1) fails agreement checks', async () => {
    const r = await runExperiment(experiment, small, { seed: 3, perturb: { beta: 1.1 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass);
    expect(failed.length).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a last step that overshoots the stiff drift (uniform grid, N = 10, tf = 0.99) before any work', async () => {
    await expect(runExperiment(experiment, { N: 10, tf: 0.99, grid: 'uniform' }, { seed: 1 })).rejects.toThrow(ParameterError);
    expect(experiment.validate?.({ ...experiment.params.parse(experiment.defaults.quick), N: 10, grid: 'uniform' })).toHaveLength(1);
  });
});
