import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './ventura25-double-variance.js';

describe('ventura25-double-variance', () => {
  it('cubic-eq-57 spectra, t_max and the gap at t_max agree with random matrices (quick scale)', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(5);
  }, 60_000);
  it('a wrong theory fails: sigma2^2 x 1.1 moves t_max by ~5 %', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, perturb: { s2: 1.1 } });
    const failed = r.checks.filter((c) => !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.startsWith('empirical t_max (d'))).toBe(true);
    expect(failed.some((n) => n.includes('band'))).toBe(true);
  }, 60_000);
});
