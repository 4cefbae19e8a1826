import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './wang25-kl.js';

describe('wang25-kl', () => {
  it('quick scale: KL theory = simulation, per-mode sum = full formula, spec R12', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.name.startsWith('R12'))).toHaveLength(5);
  }, 120_000);

  it('a wrong rate (eta x 2) fails the theory-vs-simulation check and R12', async () => {
    const r = await runExperiment(experiment, { d: 16, checkpoints: 8, odeSteps: 30 }, { seed: 1, perturb: { eta: 2 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.startsWith('max over tau of |KL theory'))).toBe(true);
    expect(failed.some((n) => n.startsWith('R12'))).toBe(true);
  }, 120_000);
});
