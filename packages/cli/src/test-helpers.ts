import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agreement, type AnyExperiment, defineExperiment } from '@diffusion-theory/experiments';
import { linePlot } from '@diffusion-theory/plots';
import { z } from 'zod';

/** A tiny experiment: theory y = a x^2 vs a noisy "simulation" of it (one figure, one agreement check). */
export const dummy = defineExperiment({
  id: 'dummy',
  title: 'Dummy parabola',
  paper: 'none',
  description: 'Theory y = a x^2 beside a noisy simulation.',
  params: z.object({
    a: z.number().min(0).max(10).describe('curvature a (dimensionless)'),
    n: z.number().int().min(2).max(100).describe('number of points'),
    failCheck: z.boolean().describe('make the check fail'),
  }),
  defaults: { quick: { a: 1, n: 5, failCheck: false }, paper: { a: 1, n: 50, failCheck: false } },
  default: true,
  async run(ctx) {
    const { a, n, failCheck } = ctx.params;
    const ph = ctx.progress.phase('simulate', n);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      x.push(i / (n - 1));
      y.push(a * (i / (n - 1)) ** 2 + 0.01 * ctx.rng.normal());
      ph.tick();
    }
    ph.done();
    const theory = x.map((v) => a * v * v);
    const series = [
      { name: 'theory', kind: 'theory' as const, x, y: theory },
      { name: 'simulation', kind: 'simulation' as const, x, y },
    ];
    await ctx.figure('parabola', linePlot({ title: 'Parabola', xTitle: 'position x', yTitle: 'height y', series }), ctx.caption('Theory vs simulation.'));
    const err = Math.max(...y.map((v, i) => Math.abs(v - theory[i])));
    return { series, checks: [agreement('max deviation', failCheck ? 1 : err, 0, 0.05, '5 sigma of the 0.01 noise')] };
  },
});

/** Always throws. */
export const boom: AnyExperiment = defineExperiment({
  id: 'boom',
  title: 'Always throws',
  paper: 'none',
  description: 'Throws.',
  params: z.object({}),
  defaults: { quick: {}, paper: {} },
  default: false,
  async run() {
    throw new Error('kaboom');
  },
});

/** Succeeds, or throws when `explode` is set (a failed re-run). */
export const flaky = defineExperiment({
  id: 'flaky',
  title: 'Flaky',
  paper: 'none',
  description: 'Succeeds unless explode.',
  params: z.object({ explode: z.boolean().describe('throw instead of finishing') }),
  defaults: { quick: { explode: false }, paper: { explode: false } },
  default: false,
  async run(ctx) {
    if (ctx.params.explode) throw new Error('exploded on purpose');
    return { series: [], checks: [agreement('flaky value', 1, 1, 0.1, 'exact')] };
  },
});

/** Two parameters valid alone, constrained together (lo < hi). */
export const pair = defineExperiment({
  id: 'pair',
  title: 'Pair',
  paper: 'none',
  description: 'lo must stay below hi.',
  params: z.object({ lo: z.number().min(0).max(10).describe('lower end'), hi: z.number().min(0).max(10).describe('upper end') }),
  defaults: { quick: { lo: 1, hi: 2 }, paper: { lo: 1, hi: 2 } },
  default: false,
  validate: (p) => (p.lo < p.hi ? [] : [`lo = ${p.lo} must be below hi = ${p.hi}`]),
  async run() {
    return { series: [], checks: [] };
  },
});

/** Fails while writing its output: a figure name longer than a file name may be (ENAMETOOLONG). */
export const badFigure = defineExperiment({
  id: 'bad-figure',
  title: 'Bad figure',
  paper: 'none',
  description: 'Its figure cannot be written.',
  params: z.object({}),
  defaults: { quick: {}, paper: {} },
  default: false,
  async run(ctx) {
    const series = [{ name: 's', kind: 'simulation' as const, x: [0, 1], y: [0, 1] }];
    await ctx.figure('x'.repeat(300), linePlot({ title: 't', xTitle: 'x', yTitle: 'y', series }), 'too long a name');
    return { series, checks: [] };
  },
});

/**
 * A calibration subject: the sample mean of n draws of N(mu, 1) against the theory mu (routed
 * through the `mu` perturbation), tolerance z / sqrt(n): a false alarm with probability
 * P(|N(0,1)| > z) per run.
 */
export const coin = defineExperiment({
  id: 'coin',
  title: 'Sample mean',
  paper: 'none',
  description: 'Sample mean of N(mu, 1) against mu.',
  params: z.object({ n: z.number().int().min(1).max(10000).describe('draws'), z: z.number().positive().max(10).describe('tolerance in standard errors') }),
  defaults: { quick: { n: 100, z: 3 }, paper: { n: 1000, z: 3 } },
  default: false,
  perturbations: { mu: 'the theoretical mean mu = 1' },
  async run(ctx) {
    const { n, z: k } = ctx.params;
    const mu = 1;
    const rng = ctx.rng.named('draws');
    let s = 0;
    for (let i = 0; i < n; i++) s += mu + rng.normal();
    return { series: [], checks: [agreement('sample mean', s / n, ctx.perturb('mu', mu), k / Math.sqrt(n), `${k} standard errors 1/sqrt(n)`)] };
  },
});

export const testRegistry: AnyExperiment[] = [boom, dummy, flaky, pair, badFigure, coin];

/** Collected stdout / stderr lines, CLI deps (CI mode, no TTY) and a fresh temporary directory. */
export function harness(extra: Record<string, unknown> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const deps = {
    registry: testRegistry,
    stdout: (s: string): void => {
      out.push(s);
    },
    stderr: (s: string): void => {
      err.push(s);
    },
    env: { CI: '1' },
    isTTY: false,
    ...extra,
  };
  return { out, err, deps, dir: mkdtempSync(join(tmpdir(), 'dt-cli-')) };
}
