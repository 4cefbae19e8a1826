import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './ventura25-single-variance.js';

describe('ventura25-single-variance', () => {
  it('the corrected J_t law passes every check against random matrices (quick scale)', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(3);
  }, 60_000);
  it('a wrong theory fails: sigma^2 x 1.1', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, perturb: { variance: 1.1 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.includes('dLarge = 1000'))).toBe(true);
  }, 60_000);
});
