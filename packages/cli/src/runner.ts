import { join } from 'node:path';
import { type AnyExperiment, cleanStale, type ExperimentResult, formatCheck, resolveParams, runExperiment, type Scale } from '@diffusion-theory/experiments';
import { ParameterError } from '@diffusion-theory/kernel';
import { configFor, type SetOverride, setPath } from './params.js';
import { yieldToEventLoop } from './interrupt.js';
import { createProgress, formatMs } from './progress.js';

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
  /** Told when an experiment starts and when it has ended (its directory swapped in), e.g. for the SIGINT message. */
  onExperiment?: (id: string, event: 'start' | 'end') => void;
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
    const merged: Record<string, unknown> = structuredClone(configFor(opts.config, e.id, opts.allIds));
    for (const o of opts.overrides ?? []) {
      if (o.scope === undefined || o.scope === e.id) setPath(merged, o.path, structuredClone(o.value));
    }
    try {
      out.set(e.id, resolveParams(e, opts.scale, merged));
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

/**
 * Run the experiments one after the other; an experiment that throws (in its computation or
 * while writing its output) is reported and the others continue. Parameters of all are
 * resolved first (ParameterError before any work). Yields to the event loop between
 * experiments, so a SIGINT handler runs there at the latest.
 */
export async function runExperiments(opts: RunOptions): Promise<RunSummary> {
  const paramsById = resolveAllParams(opts);
  const summary: RunSummary = { results: [], failed: [], failedChecks: 0 };
  for (const e of opts.experiments) {
    await yieldToEventLoop();
    opts.onExperiment?.(e.id, 'start');
    const params = paramsById.get(e.id)!;
    const dir = join(opts.outDir, e.id);
    for (const name of cleanStale(opts.outDir, e.id)) opts.write(`${e.id} | removed ${name}, left by an interrupted run`);
    const log = (m: string) => opts.write(`${e.id} | ${m}`);
    const progress = createProgress({ label: e.id, interactive: opts.interactive, write: opts.write });
    opts.write(`${e.id} | start (${opts.scale}, seed ${opts.seed}): ${summarise(params)}`);
    try {
      const result = await runExperiment(e, params, { seed: opts.seed, scale: opts.scale, outDir: opts.outDir, progress, log });
      summary.results.push(result);
      const nFail = result.checks.filter((c) => !c.pass).length;
      summary.failedChecks += nFail;
      for (const c of result.checks) opts.write(`${e.id} | check ${formatCheck(c)}`);
      opts.write(`${e.id} | done in ${formatMs(result.timings.total)}: ${result.checks.length - nFail}/${result.checks.length} checks pass, ${result.figures.length} figure(s) -> ${dir}`);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      summary.failed.push({ id: e.id, error });
      opts.writeErr(`${e.id} | FAILED: ${error.name}: ${error.message}`);
      if (error.stack) opts.writeErr(error.stack.split('\n').slice(1, 8).join('\n'));
    }
    opts.onExperiment?.(e.id, 'end');
  }
  await yieldToEventLoop();
  return summary;
}
