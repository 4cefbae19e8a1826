import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './ventura25-trained-score.js';

// Smaller documented overrides of the quick scale (2000 steps, ~45 s) to keep the file near 30 s:
// 1600 steps reach the same gap indices; the perturbed run only needs Algorithm 2 against the net.
describe('ventura25-trained-score', () => {
  it('gap indices d - 30 and d - m, Algorithm 2 within its probe resolution (1600 steps)', async () => {
    const r = await runExperiment(experiment, { steps: 1600 }, { seed: 1 });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'property').map((c) => c.value)).toEqual([70, 70, 70, 60]);
  }, 120_000);
  it('a wrong Algorithm-2 normalisation (x 1.5) fails the agreement with the exact Jacobian', async () => {
    const r = await runExperiment(experiment, { steps: 100, fig6Times: [0.3], times: [0.3, 0.01] }, { seed: 1, perturb: { probeNormalisation: 1.5 } });
    expect(r.checks.filter((c) => c.kind === 'agreement' && !c.pass)).toHaveLength(1);
  }, 120_000);
});
