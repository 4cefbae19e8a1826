import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './wang25-convolution.js';

describe('wang25-convolution', () => {
  it('quick scale: Props 5.2-5.4 agree with the simulated taps and PF-ODE; rate ratio N', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(5);
  }, 120_000);

  it('a wrong rate (eta x 2) or speed-up (N x 1.5) fails', async () => {
    const r = await runExperiment(experiment, { checkpoints: 6, odeSteps: 20 }, { seed: 1, perturb: { eta: 2, N: 1.5 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.startsWith('full-width: max |closed-form filter'))).toBe(true);
    expect(failed.some((n) => n.startsWith('rate ratio'))).toBe(true);
  }, 120_000);
});
