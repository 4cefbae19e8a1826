import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import experiment from './zeno25-flows.js';

describe('zeno25-flows', () => {
  it('quick scale passes every check (SF nearest vertex, PF one-shot endpoint, class fractions)', async () => {
    const r = await runExperiment(experiment, {}, { seed: 1, scale: 'quick', outDir: process.env.ZENO_OUT });
    expect(r.checks.filter((c) => !c.pass).map((c) => `${c.name} ${c.value} vs ${c.expected} +- ${c.tolerance}`)).toEqual([]);
  }, 60_000);

  it('a wrong theory fails: SF p x 1.1, PF rho_T x 1.2', async () => {
    const r = await runExperiment(experiment, { sfSteps: 300, sfGamma: 0.005, paths: 2 }, { seed: 1, scale: 'quick', perturb: { p: 1.1, rhoT: 1.2 } });
    const failed = r.checks.filter((c) => c.kind === 'agreement' && !c.pass).map((c) => c.name);
    expect(failed).toContain('SF: mean number of summed points |I| of the endpoint vertex');
    expect(failed.some((n) => n.startsWith('PF:') && n.includes('fraction'))).toBe(true);
  }, 60_000);
});
