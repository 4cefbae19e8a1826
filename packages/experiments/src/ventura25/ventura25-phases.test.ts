import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './ventura25-phases.js';

describe('ventura25-phases', () => {
  it('empirical threshold crossings and the dimensions per phase agree with the theory (quick scale)', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(3);
    expect(r.checks.filter((c) => c.kind === 'property')).toHaveLength(2);
  }, 60_000);
  it('a wrong theory fails: sigma1^2 x 1.25 (opening time), sigma2^2 x 1.25 (closing and final-gap times)', async () => {
    const a = await runExperiment(experiment, {}, { seed: 1, perturb: { s1: 1.25 } });
    expect(a.checks.filter((c) => !c.pass).map((c) => c.name)).toContain('opening time t_in(Δ) of the intermediate gap');
    const b = await runExperiment(experiment, {}, { seed: 1, perturb: { s2: 1.25 } });
    expect(b.checks.filter((c) => !c.pass).length).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
