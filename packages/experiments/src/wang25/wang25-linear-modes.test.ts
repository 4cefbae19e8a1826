import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './wang25-linear-modes.js';

describe('wang25-linear-modes', () => {
  it('quick scale: closed forms agree with the simulated gradient flow + PF-ODE; exponents 1.014 / 1.170', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'agreement').length).toBeGreaterThanOrEqual(7);
    expect(r.checks.filter((c) => c.kind === 'bound')).toHaveLength(2);
  }, 120_000);

  it('a wrong rate in the theory (eta x 2) fails the agreement checks', async () => {
    const r = await runExperiment(experiment, { simModes: 6, checkpoints: 30, odeSteps: 60 }, { seed: 1, perturb: { eta: 2 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.includes('generated variance'))).toBe(true);
    expect(failed.some((n) => n.includes('weight'))).toBe(true);
  }, 120_000);
});
