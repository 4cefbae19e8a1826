import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { ParameterError, Rng } from '@diffusion-theory/kernel';
import { attachCaption, renderFigure } from '@diffusion-theory/plots';
import type { AnyExperiment, ExperimentContext, Progress, Scale } from './experiment.js';
import { writeFileAtomic, writeJsonAtomic } from './io.js';
import { resolveParams } from './params.js';
import { findExperiment } from './registry.js';
import { type ExperimentResult, type Figure, ResultSchema } from './result.js';
import { experimentsVersion } from './version.js';

export interface RunExperimentOptions {
  /** Root seed (non-negative integer). Default 1. */
  seed?: number;
  /** Which defaults the given parameters override. Default 'quick'. */
  scale?: Scale;
  /**
   * Output directory: when given, figures (SVG, PNG) and result.json go to `outDir/<id>/`,
   * written into a fresh staging directory and swapped in whole at the end (a failed run
   * leaves `error.json` there instead). Without it nothing is written and figures are not rendered.
   */
  outDir?: string;
  progress?: Progress;
  log?: (message: string) => void;
  /** Test hook: multiply the named theory coefficients (see the experiment's `perturbations`). */
  perturb?: Record<string, number>;
  /** Called with the elapsed milliseconds of each finished phase. */
  onPhaseDone?: (name: string, ms: number) => void;
}

const quietProgress: Progress = { phase: () => ({ tick() {}, done() {} }) };

function summarise(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k} = ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

let stagingCounter = 0;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove staging and retired directories of `id` left in `outDir` by runs that were killed
 * (their process is gone); a retired directory whose replacement never arrived is renamed back.
 * Returns the names removed.
 */
export function cleanStale(outDir: string, id?: string): string[] {
  if (!existsSync(outDir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(outDir)) {
    const m = /^\.(.+)\.(partial|old)-(\d+)-\d+$/.exec(name) ?? /^\..+\.(\d+)\.\d+\.tmp$/.exec(name);
    if (!m) continue;
    if (id !== undefined && m.length === 4 && m[1] !== id) continue;
    const pid = Number(m.length === 4 ? m[3] : m[1]);
    if (pid !== process.pid && pidAlive(pid)) continue;
    if (m.length === 4 && m[2] === 'old' && !existsSync(join(outDir, m[1]))) {
      // killed between the two renames of a swap: the retired result is the only one, put it back
      renameSync(join(outDir, name), join(outDir, m[1]));
      continue;
    }
    rmSync(join(outDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Replace `final` by `staging` as a whole (rename the old one aside, rename the new one in, remove the old one). */
function swapIn(staging: string, final: string, outDir: string, id: string): void {
  let retired: string | undefined;
  if (existsSync(final)) {
    retired = join(outDir, `.${id}.old-${process.pid}-${stagingCounter++}`);
    renameSync(final, retired);
  }
  renameSync(staging, final);
  if (retired) rmSync(retired, { recursive: true, force: true });
}

/**
 * Run one experiment from code: `runExperiment('exact-score-sampling', { nSamples: 2000 }, { seed: 3 })` (an id or an experiment object) returns the
 * result record (parameters used, series, checks, timings, figures). Parameters are the
 * defaults of `scale` overridden by `params`, validated before any work (ParameterError).
 */
export async function runExperiment(experiment: string | AnyExperiment, params: Record<string, unknown> = {}, options: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const e = typeof experiment === 'string' ? findExperiment(experiment) : experiment;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ParameterError(`seed: expected an integer in [0, 2^32 - 1], got ${String(seed)}`);
  const scale = options.scale ?? 'quick';
  const p = resolveParams(e, scale, params);
  const mem = e.memoryBytes?.(p);
  if (mem !== undefined && mem > 0.8 * totalmem()) {
    throw new ParameterError(`experiment "${e.id}": these parameters need about ${(mem / 2 ** 30).toFixed(1)} GiB, more than 80 % of this machine's ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
  }
  const outDir = options.outDir === undefined ? undefined : resolve(options.outDir);
  let staging: string | undefined;
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    cleanStale(outDir, e.id);
    staging = join(outDir, `.${e.id}.partial-${process.pid}-${stagingCounter++}`);
    mkdirSync(staging);
  }
  const timings: Record<string, number> = {};
  const figures: Figure[] = [];
  const log = options.log ?? (() => {});
  const base = options.progress ?? quietProgress;
  const progress: Progress = {
    phase(name, total) {
      const t0 = performance.now();
      const h = base.phase(name, total);
      return {
        tick: (n?: number) => h.tick(n),
        done: () => {
          h.done();
          const ms = performance.now() - t0;
          timings[name] = (timings[name] ?? 0) + ms;
          options.onPhaseDone?.(name, ms);
        },
      };
    },
  };
  const perturb = options.perturb ?? {};
  for (const name of Object.keys(perturb)) {
    if (!e.perturbations || !(name in e.perturbations)) throw new ParameterError(`perturb: experiment "${e.id}" has no perturbation "${name}" (known: ${Object.keys(e.perturbations ?? {}).join(', ') || 'none'})`);
  }
  const ctx: ExperimentContext<Record<string, unknown>> = {
    params: p,
    scale,
    seed,
    rng: new Rng(seed).named(e.id),
    progress,
    log,
    caption: (text) => `${text.trim()} Parameters: ${summarise(p)}; scale ${scale}, seed ${seed}.`,
    perturb: (name, value) => {
      if (!e.perturbations || !(name in e.perturbations)) throw new Error(`experiment "${e.id}" uses perturbation "${name}" without declaring it`);
      return name in perturb ? value * perturb[name] : value;
    },
    figure: async (name, spec, caption) => {
      const fig: Figure = { file: `${name}.png`, svg: `${name}.svg`, caption };
      if (staging) {
        const t0 = performance.now();
        const { svg, png } = await renderFigure(attachCaption(spec, caption));
        writeFileAtomic(join(staging, `${name}.svg`), svg);
        writeFileAtomic(join(staging, `${name}.png`), png);
        timings[`figure:${name}`] = performance.now() - t0;
      }
      const i = figures.findIndex((f) => f.file === fig.file);
      if (i >= 0) figures[i] = fig;
      else figures.push(fig);
      return fig;
    },
  };
  const t0 = performance.now();
  try {
    const out = await e.run(ctx);
    Object.assign(timings, out.timings ?? {});
    timings.total = performance.now() - t0;
    const result: ExperimentResult = ResultSchema.parse({
      id: e.id,
      title: e.title,
      paper: e.paper,
      parameters: p,
      scale,
      seed,
      series: out.series,
      checks: out.checks,
      timings,
      figures,
      version: experimentsVersion(),
      createdAt: new Date().toISOString(),
    });
    if (staging && outDir) {
      writeJsonAtomic(join(staging, 'result.json'), result);
      swapIn(staging, join(outDir, e.id), outDir, e.id);
    }
    return result;
  } catch (err) {
    if (staging && outDir) {
      const error = err instanceof Error ? err : new Error(String(err));
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging);
      writeJsonAtomic(join(staging, 'error.json'), { id: e.id, title: e.title, error: `${error.name}: ${error.message}`, stack: error.stack, parameters: p, scale, seed, createdAt: new Date().toISOString() });
      swapIn(staging, join(outDir, e.id), outDir, e.id);
    }
    throw err;
  }
}
