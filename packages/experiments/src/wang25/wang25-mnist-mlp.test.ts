import { DatasetUnavailableError, mnistDigits } from '@diffusion-theory/targets';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './wang25-mnist-mlp.js';

let available = true;
try {
  mnistDigits(0, { limit: 1 });
} catch (e) {
  if (!(e instanceof DatasetUnavailableError)) throw e;
  available = false;
}
// a smaller override than quick scale (quick takes ~45 s here): 100 images per digit, 600 steps, 6 checkpoints
const small = { limitPerDigit: 100, steps: 600, checkpoints: 6, nGen: 192 };

describe('wang25-mnist-mlp', () => {
  it.skipIf(!available)('small override: the agreement check passes and the spectral-bias property holds', async () => {
    const r = await runExperiment(experiment, small, { seed: 1 });
    expect(r.checks.filter((c) => c.kind === 'agreement')).toHaveLength(1);
    expect(r.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.value}`)).toEqual([]);
  }, 120_000);

  it.skipIf(!available)('a wrong reference (PC variances x 2) fails the agreement check', async () => {
    const r = await runExperiment(experiment, small, { seed: 1, perturb: { lambda: 2 } });
    expect(r.checks.filter((c) => c.kind === 'agreement' && !c.pass).length).toBeGreaterThan(0);
  }, 120_000);
});
