import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './wang25-flow-matching.js';

describe('wang25-flow-matching', () => {
  it('quick scale: FM closed forms agree with the simulated gradient flow and sampling ODE', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1 });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(5);
  }, 120_000);

  it("the paper's printed two-layer exponent (4 eta m tau, i.e. twoLayerRate x 0.5) fails", async () => {
    const r = await runExperiment(experiment, { d: 32, simModes: 4, checkpoints: 20, odeSteps: 40 }, { seed: 1, perturb: { twoLayerRate: 0.5 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.startsWith('two-layer: max |closed-form gain'))).toBe(true);
    expect(failed.some((n) => n.startsWith('two-layer: max |log(theory'))).toBe(true);
  }, 120_000);
});
