import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './wang25-mlp-gaussian.js';

describe('wang25-mlp-gaussian', () => {
  it('quick scale: the agreement check passes and the spectral-bias property holds', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    const agreements = r.checks.filter((c) => c.kind === 'agreement');
    expect(agreements).toHaveLength(1);
    expect(r.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.value}`)).toEqual([]);
    expect(r.figures).toHaveLength(1);
  }, 120_000);

  it('a wrong theory (target variances x 2) fails the agreement check', async () => {
    const r = await runExperiment(experiment, { steps: 400, checkpoints: 6, nGen: 256 }, { seed: 1, perturb: { lambda: 2 } });
    expect(r.checks.filter((c) => c.kind === 'agreement' && !c.pass).length).toBeGreaterThan(0);
  }, 120_000);
});
