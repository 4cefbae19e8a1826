import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './cui25-model-collapse.js';

// Calibration at quick scale: docs/calibration/cui25-model-collapse.json. The perturbed run uses fewer samples.
const small = { nSamples: 600, replicateSamples: 200 };

describe('cui25-model-collapse', () => {
  it('quick scale: the simulated generation-2 / generation-1 ratios agree with the predicted ones; the ODEs with the chains', async () => {
    const r = await runExperiment(experiment, {}, { seed: 5 });
    const agreements = r.checks.filter((c) => c.kind === 'agreement');
    expect(agreements).toHaveLength(4);
    expect(agreements.filter((c) => !c.pass).map((c) => `${c.name}: ${c.value} vs ${c.expected} +- ${c.tolerance}`)).toEqual([]);
    expect(r.checks.find((c) => c.kind === 'bound')?.pass).toBe(true);
    expect(r.series.filter((s) => s.meta?.panel === 'density')).toHaveLength(4);
  }, 240_000);

  it('a wrong spread in eq. 11 (Lambda_d x 1.5 in both generations) fails the off-span ratio and the b checks', async () => {
    const r = await runExperiment(experiment, small, { seed: 5, perturb: { Lambda: 1.5 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed.some((n) => n.startsWith('generation-2 / generation-1 variance per direction off span(w)'))).toBe(true);
    expect(failed.some((n) => n.startsWith('generation 1: b'))).toBe(true);
  }, 240_000);
});
