import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParameterError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineExperiment } from './experiment.js';
import { agreement } from './result.js';
import { cleanStale, runExperiment } from './run.js';

const toy = defineExperiment({
  id: 'toy',
  title: 'Toy',
  paper: 'none',
  description: 'Mean of n normals against a theory of 0.',
  params: z.object({ n: z.number().int().min(1).describe('draws'), lo: z.number(), hi: z.number(), fail: z.boolean() }),
  defaults: { quick: { n: 50, lo: 0, hi: 1, fail: false }, paper: { n: 500, lo: 0, hi: 1, fail: false } },
  default: false,
  validate: (p) => (p.lo < p.hi ? [] : [`lo (${p.lo}) must be below hi (${p.hi})`]),
  perturbations: { mean: 'the predicted mean (shifted by factor - 1)' },
  async run(ctx) {
    if (ctx.params.fail) throw new Error('toy failure');
    const x = ctx.rng.named('x').normals(ctx.params.n);
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    return { series: [{ name: 'x', kind: 'simulation', y: Array.from(x) }], checks: [agreement('mean', m, ctx.perturb('mean', 1) - 1, 5 / Math.sqrt(ctx.params.n), '5 standard errors')] };
  },
});

describe('runExperiment', () => {
  it('same seed, same numbers; another seed, other numbers', async () => {
    const a = await runExperiment(toy, {}, { seed: 4 });
    expect((await runExperiment(toy, {}, { seed: 4 })).series[0].y).toEqual(a.series[0].y);
    expect((await runExperiment(toy, {}, { seed: 5 })).series[0].y).not.toEqual(a.series[0].y);
    expect(a.parameters).toEqual({ n: 50, lo: 0, hi: 1, fail: false });
  });
  it('refuses bad parameters, cross-parameter violations, unknown perturbations and bad seeds before any work', async () => {
    await expect(runExperiment(toy, { n: 0 })).rejects.toThrow(/parameter "n"/);
    await expect(runExperiment(toy, { lo: 2 })).rejects.toThrow(/lo \(2\) must be below hi \(1\)/);
    await expect(runExperiment(toy, { nn: 1 })).rejects.toThrow(/unknown parameter "nn"/);
    await expect(runExperiment(toy, JSON.parse('{"__proto__": {"x": 1}}'))).rejects.toThrow(ParameterError);
    await expect(runExperiment(toy, {}, { perturb: { other: 2 } })).rejects.toThrow(/no perturbation "other"/);
    await expect(runExperiment(toy, {}, { seed: -1 })).rejects.toThrow(/seed/);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it('the perturbation hook moves the theory and fails the agreement', async () => {
    expect((await runExperiment(toy, {}, { seed: 2 })).checks[0].pass).toBe(true);
    expect((await runExperiment(toy, {}, { seed: 2, perturb: { mean: 3 } })).checks[0].pass).toBe(false);
  });
  it('replaces the output directory as a whole; a failed re-run leaves only error.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dt-run-'));
    await runExperiment(toy, {}, { outDir: out });
    writeFileSync(join(out, 'toy', 'stale.png'), 'old figure');
    await runExperiment(toy, {}, { outDir: out, seed: 3 });
    expect(readdirSync(join(out, 'toy'))).toEqual(['result.json']);
    await expect(runExperiment(toy, { fail: true }, { outDir: out })).rejects.toThrow('toy failure');
    expect(readdirSync(join(out, 'toy'))).toEqual(['error.json']);
    expect(JSON.parse(readFileSync(join(out, 'toy', 'error.json'), 'utf8')).error).toMatch(/toy failure/);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });
  it('cleanStale removes staging of dead processes and puts back a retired result whose replacement never arrived', () => {
    const out = mkdtempSync(join(tmpdir(), 'dt-stale-'));
    const dead = 2 ** 22 + 12345; // above the default pid_max of 2^22: never a live process
    mkdirSync(join(out, `.toy.partial-${dead}-0`));
    mkdirSync(join(out, `.toy.old-${dead}-1`));
    writeFileSync(join(out, `.toy.old-${dead}-1`, 'result.json'), '{}');
    mkdirSync(join(out, `.other.partial-${dead}-0`));
    expect(cleanStale(out, 'toy')).toEqual([`.toy.partial-${dead}-0`]);
    expect(existsSync(join(out, 'toy', 'result.json'))).toBe(true);
    expect(existsSync(join(out, `.other.partial-${dead}-0`))).toBe(true);
  });
});
