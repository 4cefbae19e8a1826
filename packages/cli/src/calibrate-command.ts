import { type AnyExperiment, type Scale, writeJsonAtomic } from '@diffusion-theory/experiments';
import { ParameterError } from '@diffusion-theory/kernel';
import { formatCalibration, formatRate, runCalibration } from './calibrate.js';
import type { CliDeps } from './deps.js';
import { checkOutFile, MAX_SEED, type Perturbation, perturbRecord } from './flags.js';
import { onInterrupt } from './interrupt.js';
import { parseSet, readConfigFile } from './params.js';
import { resolveAllParams } from './runner.js';

export interface CalibrateFlags {
  seeds: number;
  firstSeed?: number;
  scale: Scale;
  set: string[];
  config?: string;
  perturb: Perturbation[];
  json?: string;
  maxFalseAlarm?: number;
}

/** What the `calibrate` command needs from the shell around it. */
export interface CalibrateCommandOptions {
  experiment: AnyExperiment;
  registry: AnyExperiment[];
  flags: CalibrateFlags;
  interactive: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
  errInterrupted: (line: string) => void;
  deps: CliDeps;
}

/**
 * The `calibrate` command after flag parsing: validates the combination, runs the seeds with
 * progress and Ctrl-C handling, prints the table, writes --json. Resolves to true when the
 * family-wise failure rate exceeds --max-false-alarm (exit code 1).
 */
export async function calibrateCommand(o: CalibrateCommandOptions): Promise<boolean> {
  let failed = false;
    const json = o.flags.json === undefined ? undefined : checkOutFile('--json', o.flags.json);
    const e = o.experiment;
    const registry = o.registry;
    const first = o.flags.firstSeed ?? 1000;
    if (first + o.flags.seeds - 1 > MAX_SEED) throw new ParameterError(`--first-seed ${first} with --seeds ${o.flags.seeds}: the last seed would exceed 2^32 - 1`);
    const perturb = perturbRecord(e.id, e.perturbations, o.flags.perturb);
    if (perturb && o.flags.maxFalseAlarm !== undefined) throw new ParameterError('--max-false-alarm: not meaningful with --perturb (the family-wise failure rate is then the power)');
    const params = resolveAllParams({
      experiments: [e],
      allIds: registry.map((x) => x.id),
      scale: o.flags.scale,
      overrides: o.flags.set.map(parseSet),
      config: o.flags.config ? readConfigFile(o.flags.config) : undefined,
    }).get(e.id)!;
    let done = 0;
    const message = () => `interrupted: ${e.id} stopped after ${done} of ${o.flags.seeds} seeds; ${json ? `${json} unchanged` : 'no report written'}`;
    const stopHandling = onInterrupt({ write: o.errInterrupted, exit: o.deps.exit, emitter: o.deps.signals, message });
    o.deps.onInterruptState?.({ message: message() });
    let report: Awaited<ReturnType<typeof runCalibration>>;
    try {
      report = await runCalibration({
        experiment: e,
        seeds: o.flags.seeds,
        firstSeed: first,
        scale: o.flags.scale,
        params,
        perturb,
        interactive: o.interactive,
        write: o.out,
        onSeed: (n) => {
          done = n;
          o.deps.onInterruptState?.({ message: message() });
        },
      });
    } finally {
      stopHandling();
    }
    for (const line of formatCalibration(report)) o.out(line);
    if (json) {
      writeJsonAtomic(json, report);
      o.out(`calibration report -> ${json}`);
    }
    if (o.flags.maxFalseAlarm !== undefined && report.familyWiseFailureRate > o.flags.maxFalseAlarm) {
      o.err(`calibrate: family-wise failure rate ${formatRate(report.familyWiseFailureRate)} exceeds --max-false-alarm ${formatRate(o.flags.maxFalseAlarm)}`);
      failed = true;
    }
  return failed;
}
