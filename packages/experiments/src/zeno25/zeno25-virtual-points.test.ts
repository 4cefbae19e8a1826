import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './zeno25-virtual-points.js';

describe('zeno25-virtual-points', () => {
  it('quick scale passes every check; all pair/triplet/quadruplet sums are stable for the closed form', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, scale: 'quick', outDir: process.env.ZENO_OUT });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.series.filter((s) => s.kind === 'theory').map((s) => s.y?.[0])).toEqual([1, 1, 1]);
    expect(r.series.filter((s) => s.kind === 'simulation')).toHaveLength(3);
  }, 60_000);

  it('a wrong theory fails: attraction radius rho x 1.05', async () => {
    const r = await runExperiment(experiment, { train: false }, { seed: 1, scale: 'quick', perturb: { rho: 1.05 } });
    expect(r.checks.filter((c) => c.kind === 'agreement' && !c.pass)).toHaveLength(2);
  }, 60_000);
});
