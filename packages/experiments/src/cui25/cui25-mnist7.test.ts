import { ParameterError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './cui25-mnist7.js';

// The ODE-vs-SGD error model (standard error of the mean of the replicate runs + a finite-d allowance measured once)
// is calibrated at quick scale: docs/calibration/cui25-mnist7.json. The perturbed run only needs one failing
// agreement, so it uses a smaller override (fewer runs and samples, one snapshot, no raw-data run).
const small = { replicates: 4, nSamples: 600, replicateSamples: 200, snapshots: [3], realData: false };

describe('cui25-mnist7', () => {
  it('quick scale: every agreement check passes (ODE vs the mean of the SGD runs, generated variance, Cor. 2.3 at finite d)', async () => {
    const r = await runExperiment(experiment, {}, { seed: 5 });
    const agreements = r.checks.filter((c) => c.kind === 'agreement');
    expect(agreements).toHaveLength(6);
    expect(agreements.filter((c) => !c.pass).map((c) => `${c.name}: ${c.value} vs ${c.expected} +- ${c.tolerance}`)).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'bound').every((c) => c.pass)).toBe(true);
    expect(r.series.filter((s) => s.meta?.panel === 'density')).toHaveLength(10);
  }, 180_000);

  it('a wrong theory (covariance eigenvalues x 1.5 in the ODE) fails agreement checks', async () => {
    const r = await runExperiment(experiment, small, { seed: 5, perturb: { ell: 1.5 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.startsWith('tr Q'))).toBe(true);
    expect(failed.some((n) => n.startsWith('tr S'))).toBe(true);
  }, 180_000);

  it('refuses snapshots past tauMax and a sampler grid reaching t = 1 before any work', async () => {
    await expect(runExperiment(experiment, { snapshots: [1, 4] }, { seed: 1 })).rejects.toThrow(ParameterError);
    const p = experiment.params.parse(experiment.defaults.quick);
    expect(experiment.validate?.({ ...p, N: 10, tf: 0.99 })).toHaveLength(1);
    expect(experiment.validate?.({ ...p, snapshots: [2, 1] })).toHaveLength(1);
  });
});
