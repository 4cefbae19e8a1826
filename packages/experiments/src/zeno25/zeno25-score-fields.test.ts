import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './zeno25-score-fields.js';

describe('zeno25-score-fields', () => {
  it('quick scale passes every check', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, scale: 'quick', outDir: process.env.ZENO_OUT });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(4);
  }, 60_000);

  it('a wrong theory fails: Prop 2 eigenvalues x 1.02', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, scale: 'quick', perturb: { lambda: 1.02 } });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name.split(':')[1])).toEqual([' lambda_1 of sigma^2 J_score (Prop 2, eq 157)', ' lambda_2 of sigma^2 J_score (Prop 2, eq 158)']);
  }, 60_000);
});
