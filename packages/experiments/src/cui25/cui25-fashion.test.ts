import { DatasetUnavailableError, fashionMnist } from '@diffusion-theory/targets';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './cui25-fashion.js';

let available = true;
try {
  fashionMnist({ split: 'test', limit: 1 });
} catch (e) {
  if (!(e instanceof DatasetUnavailableError)) throw e;
  available = false;
}
// calibration at quick scale: docs/calibration/cui25-fashion.json; the perturbed run uses a smaller override
const small = { replicates: 4, nSamples: 600, replicateSamples: 200, snapshots: [3], limit: 500 };

describe('cui25-fashion', () => {
  it.skipIf(!available)('quick scale: every agreement check passes (SGD on the raw images vs the Gaussian theory, with the measured allowances)', async () => {
    const r = await runExperiment(experiment, {}, { seed: 5 });
    expect(r.checks[0]).toMatchObject({ kind: 'precondition', name: 'dataset-available', pass: true });
    const agreements = r.checks.filter((c) => c.kind === 'agreement');
    expect(agreements).toHaveLength(6);
    expect(agreements.filter((c) => !c.pass).map((c) => `${c.name}: ${c.value} vs ${c.expected} +- ${c.tolerance}`)).toEqual([]);
  }, 180_000);

  it.skipIf(!available)('a wrong theory (covariance eigenvalues x 1.5) fails agreement checks', async () => {
    const r = await runExperiment(experiment, small, { seed: 5, perturb: { ell: 1.5 } });
    expect(r.checks.filter((c) => c.kind === 'agreement' && !c.pass).length).toBeGreaterThan(0);
  }, 180_000);

  it.skipIf(available)('without the dataset: a failing precondition that says how to install it, no series', async () => {
    const r = await runExperiment(experiment, {}, { seed: 5 });
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]).toMatchObject({ kind: 'precondition', name: 'dataset-available', pass: false });
    expect(r.checks[0].note).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(r.series).toEqual([]);
  });
});
