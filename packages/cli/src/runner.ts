import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError, Rng } from '@diffusion-theory/kernel';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { type AnyExperiment, type ExperimentContext, hashId, type Scale } from './experiment.js';
import { configFor, type SetOverride, setPath, validateParams } from './params.js';
import { attachCaption, renderFigure } from './plot/render.js';
import { createProgress, formatMs } from './progress.js';
import { type ExperimentResult, type Figure, ResultSchema } from './result.js';
import { cliVersion } from './version.js';

export interface RunOptions {
  experiments: AnyExperiment[];
  /** Every registered experiment id (to tell config sections from flat keys). */
  allIds: readonly string[];
  scale: Scale;
  seed: number;
  outDir: string;
  overrides?: SetOverride[];
  config?: Record<string, unknown>;
  /** Live progress bars (TTY and CI unset) or one line per phase. */
  interactive: boolean;
  write: (line: string) => void;
  writeErr: (line: string) => void;
}

export interface RunSummary {
  results: ExperimentResult[];
  failed: Array<{ id: string; error: Error }>;
  failedChecks: number;
}

/**
 * Resolve the parameters of every experiment: defaults of the scale, then the config file,
 * then the --set overrides; validated against each schema. Throws ParameterError (naming
 * the experiment and the key) before any work is done.
 */
export function resolveAllParams(opts: Pick<RunOptions, 'experiments' | 'allIds' | 'scale' | 'overrides' | 'config'>): Map<string, Record<string, unknown>> {
  const ids = opts.experiments.map((e) => e.id);
  for (const o of opts.overrides ?? []) {
    if (o.scope !== undefined && !ids.includes(o.scope)) {
      throw new ParameterError(`--set ${o.scope}:${o.path.join('.')}: experiment "${o.scope}" is not among those being run (${ids.join(', ')})`);
    }
  }
  const out = new Map<string, Record<string, unknown>>();
  const errors: string[] = [];
  for (const e of opts.experiments) {
    const merged: Record<string, unknown> = structuredClone({ ...(e.defaults[opts.scale] as Record<string, unknown>) });
    Object.assign(merged, structuredClone(configFor(opts.config, e.id, opts.allIds)));
    for (const o of opts.overrides ?? []) {
      if (o.scope === undefined || o.scope === e.id) setPath(merged, o.path, structuredClone(o.value));
    }
    try {
      out.set(e.id, validateParams(e.id, e.params, merged) as Record<string, unknown>);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length) throw new ParameterError(errors.join('\n'));
  return out;
}

function summarise(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k} = ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/** Run the experiments one after the other; an experiment that throws is reported and the others continue. */
export async function runExperiments(opts: RunOptions): Promise<RunSummary> {
  const paramsById = resolveAllParams(opts);
  const summary: RunSummary = { results: [], failed: [], failedChecks: 0 };
  const version = cliVersion();
  for (const e of opts.experiments) {
    const params = paramsById.get(e.id)!;
    const dir = join(opts.outDir, e.id);
    mkdirSync(dir, { recursive: true });
    const timings: Record<string, number> = {};
    const figures: Figure[] = [];
    const log = (m: string) => opts.write(`${e.id} | ${m}`);
    const progress = createProgress({
      label: e.id,
      interactive: opts.interactive,
      write: opts.write,
      onPhaseDone: (name, ms) => {
        timings[name] = (timings[name] ?? 0) + ms;
      },
    });
    const ctx: ExperimentContext<Record<string, unknown>> = {
      params,
      scale: opts.scale,
      seed: opts.seed,
      rng: new Rng(opts.seed).stream(hashId(e.id)),
      outDir: dir,
      progress,
      log,
      caption: (text) => `${text.trim()} Parameters: ${summarise(params)}; scale ${opts.scale}, seed ${opts.seed}.`,
      figure: async (name, spec, caption) => {
        const t0 = performance.now();
        const { svg, png } = await renderFigure(attachCaption(spec, caption));
        writeFileAtomic(join(dir, `${name}.svg`), svg);
        writeFileAtomic(join(dir, `${name}.png`), png);
        const fig: Figure = { file: `${name}.png`, svg: `${name}.svg`, caption };
        const i = figures.findIndex((f) => f.file === fig.file);
        if (i >= 0) figures[i] = fig;
        else figures.push(fig);
        timings[`figure:${name}`] = performance.now() - t0;
        return fig;
      },
    };
    opts.write(`${e.id} | start (${opts.scale}, seed ${opts.seed}): ${summarise(params)}`);
    const t0 = performance.now();
    try {
      const out = await e.run(ctx);
      Object.assign(timings, out.timings ?? {});
      timings.total = performance.now() - t0;
      const result: ExperimentResult = ResultSchema.parse({
        id: e.id,
        title: e.title,
        paper: e.paper,
        parameters: params,
        scale: opts.scale,
        seed: opts.seed,
        series: out.series,
        checks: out.checks,
        timings,
        figures,
        version,
        createdAt: new Date().toISOString(),
      });
      writeJsonAtomic(join(dir, 'result.json'), result);
      rmSync(join(dir, 'error.json'), { force: true });
      summary.results.push(result);
      const nFail = result.checks.filter((c) => !c.pass).length;
      summary.failedChecks += nFail;
      for (const c of result.checks) {
        opts.write(`${e.id} | check ${c.pass ? 'PASS' : 'FAIL'}: ${c.name}: ${fmt(c.value)} vs ${fmt(c.expected)} +- ${fmt(c.tolerance)}`);
      }
      opts.write(`${e.id} | done in ${formatMs(timings.total)}: ${result.checks.length - nFail}/${result.checks.length} checks pass, ${figures.length} figure(s) -> ${dir}`);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      summary.failed.push({ id: e.id, error });
      opts.writeErr(`${e.id} | FAILED: ${error.name}: ${error.message}`);
      if (error.stack) opts.writeErr(error.stack.split('\n').slice(1, 8).join('\n'));
      writeJsonAtomic(join(dir, 'error.json'), { id: e.id, title: e.title, error: `${error.name}: ${error.message}`, stack: error.stack, parameters: params, scale: opts.scale, seed: opts.seed, createdAt: new Date().toISOString() });
    }
  }
  return summary;
}

function fmt(v: number | null): string {
  if (v === null) return 'NaN';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
}
