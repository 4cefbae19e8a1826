import { join } from 'node:path';
import { type AnyExperiment, type Scale, writeJsonAtomic } from '@diffusion-theory/experiments';
import { ParameterError } from '@diffusion-theory/kernel';
import { Command, CommanderError, Option } from 'commander';
import { formatCalibration, formatRate, runCalibration } from './calibrate.js';
import { checkInDir, checkOutDir, checkOutFile, MAX_SEED, type Perturbation, parseCount, parsePerturb, parseRate, parseSeed, perturbRecord } from './flags.js';
import { type InterruptState, onInterrupt } from './interrupt.js';
import { describeParams, parseSet, readConfigFile, type SetOverride } from './params.js';
import { isInteractive } from './progress.js';
import { writeReport } from './report.js';
import { resolveAllParams, runExperiments } from './runner.js';
import { cliVersion } from './version.js';

export interface CliDeps {
  /** Experiments available (default: src/experiments/index.ts). */
  registry?: AnyExperiment[];
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (live progress bars); default process.stdout.isTTY. */
  isTTY?: boolean;
  /** Ends the process on SIGINT (default process.exit); tests pass a recorder. */
  exit?: (code: number) => void;
  /** Source of SIGINT (default process); tests pass their own emitter. */
  signals?: NodeJS.EventEmitter;
  /**
   * Told the output directory and the line to print if the command were interrupted now, at
   * each change (the bin passes it to a supervising parent over IPC, see `supervise`).
   */
  onInterruptState?: (state: InterruptState) => void;
}

interface RunFlags {
  scale: Scale;
  seed: number;
  out: string;
  set: string[];
  config?: string;
  default?: boolean;
  strict?: boolean;
}

interface CalibrateFlags {
  seeds: number;
  firstSeed?: number;
  scale: Scale;
  set: string[];
  config?: string;
  perturb: Perturbation[];
  json?: string;
  maxFalseAlarm?: number;
}

const collect = (v: string, acc: string[]) => [...acc, v];

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Render describe's text for one experiment. */
export function describeText(e: AnyExperiment): string {
  const rows = describeParams(e.params, e.defaults as Record<string, Record<string, unknown>>);
  const lines = [`${e.id}: ${e.title}${e.default ? '  [default set]' : ''}`, `paper: ${e.paper}`, '', e.description, '', 'parameters (override with --set key=value):'];
  const show = (v: unknown) => (v === undefined ? '-' : JSON.stringify(v));
  const w = Math.max(...rows.map((r) => r.name.length), 4);
  for (const r of rows) {
    lines.push(`  ${pad(r.name, w)}  ${r.type}${r.range ? (r.range.startsWith('one of') ? `: ${r.range}` : `  in ${r.range}`) : ''}`);
    if (r.description) lines.push(`  ${pad('', w)}  ${r.description}`);
    lines.push(`  ${pad('', w)}  default: quick ${show(r.defaults.quick)}, paper ${show(r.defaults.paper)}`);
  }
  return lines.join('\n');
}

/**
 * The CLI as a function: parses `argv` (without node and script), runs the command and
 * resolves to the process exit code. `bin.ts` calls it with process.argv.slice(2).
 * Exit codes: 0 ok; 1 an experiment threw (the others still ran), --strict and a check failed,
 * or calibrate's family-wise failure rate exceeded --max-false-alarm; 2 usage / parameter errors
 * (nothing was run); 130 interrupted by SIGINT (`DIR/<id>` of the running experiment unchanged).
 */
export async function runCli(argv: string[], deps: CliDeps = {}): Promise<number> {
  // The registry is loaded lazily so that `report` does not load the domain packages.
  let registryCache: AnyExperiment[] | undefined = deps.registry;
  const getRegistry = async (): Promise<AnyExperiment[]> => {
    registryCache ??= (await import('@diffusion-theory/experiments')).experiments;
    return registryCache;
  };
  const out = deps.stdout ?? ((s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`));
  const err = deps.stderr ?? ((s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`));
  const env = deps.env ?? process.env;
  const interactive = isInteractive(env, { isTTY: deps.isTTY ?? process.stdout.isTTY });
  let exitCode = 0;
  // after a live bar: show the cursor again (the bar hides it) and start a fresh line
  const errInterrupted = (line: string) => err(interactive ? `\x1b[?25h\n${line}` : line);

  const find = async (id: string): Promise<AnyExperiment> => {
    const registry = await getRegistry();
    const allIds = registry.map((e) => e.id);
    const e = registry.find((x) => x.id === id);
    if (!e) throw new ParameterError(`unknown experiment "${id}" (known: ${allIds.join(', ')}; see \`diffusion-theory list\`)`);
    return e;
  };

  const program = new Command()
    .name('diffusion-theory')
    .description('Reproduce the papers\' figures: theory beside simulation, with checks and a report.')
    .version(cliVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.replace(/\n$/, '')), writeErr: (s) => err(s.replace(/\n$/, '')) })
    .showHelpAfterError();

  program
    .command('list')
    .description('list the experiments (* = in the default set)')
    .action(async () => {
      const registry = await getRegistry();
      const w = Math.max(...registry.map((e) => e.id.length), 2);
      for (const e of registry) out(`${e.default ? '*' : ' '} ${pad(e.id, w)}  ${e.title}`);
    });

  program
    .command('describe')
    .description('an experiment: what it reproduces and its parameters (defaults, units, ranges)')
    .argument('<id>', 'experiment id')
    .action(async (id: string) => {
      out(describeText(await find(id)));
    });

  program
    .command('run')
    .description('run experiments; writes DIR/<id>/result.json and figures (SVG, PNG)')
    .argument('[ids...]', 'experiment ids (or use --default)')
    .addOption(new Option('--scale <scale>', 'parameter set').choices(['quick', 'paper']).default('quick'))
    .option('--seed <n>', 'root random seed (decimal integer in [0, 2^32 - 1])', (v) => parseSeed('--seed', v), 1)
    .option('--out <dir>', 'output directory', 'results')
    .option('--set <key=value>', 'override a parameter (repeatable); value is JSON (numbers, true/false, [arrays]) or a string; scope to one experiment with id:key=value', collect, [] as string[])
    .option('--config <file>', 'JSON file of parameters (flat, or keyed by experiment id)')
    .option('--default', 'run the default set of experiments')
    .option('--strict', 'exit non-zero when any check fails')
    .action(async (ids: string[], flags: RunFlags) => {
      const outDir = checkOutDir('--out', flags.out);
      const registry = await getRegistry();
      const allIds = registry.map((e) => e.id);
      const selected: AnyExperiment[] = [];
      if (flags.default) selected.push(...registry.filter((e) => e.default));
      for (const id of ids) {
        const e = await find(id);
        if (!selected.includes(e)) selected.push(e);
      }
      if (selected.length === 0) throw new ParameterError('run: name experiments to run or pass --default (see `diffusion-theory list`)');
      const overrides: SetOverride[] = flags.set.map(parseSet);
      const config = flags.config ? readConfigFile(flags.config) : undefined;
      let current: string | undefined;
      const finished: string[] = [];
      const message = () =>
        current !== undefined
          ? `interrupted: ${current} stopped; ${join(outDir, current)} unchanged`
          : `interrupted: stopped between experiments (${finished.length} of ${selected.length} finished${finished.length ? `: ${finished.join(', ')}` : ''})`;
      const stopHandling = onInterrupt({ outDir, write: errInterrupted, exit: deps.exit, emitter: deps.signals, message });
      deps.onInterruptState?.({ outDir, message: message() });
      let summary: Awaited<ReturnType<typeof runExperiments>>;
      try {
        summary = await runExperiments({
          experiments: selected,
          allIds,
          scale: flags.scale,
          seed: flags.seed,
          outDir,
          overrides,
          config,
          interactive,
          write: out,
          writeErr: err,
          onExperiment: (id, event) => {
            if (event === 'start') current = id;
            else {
              current = undefined;
              finished.push(id);
            }
            deps.onInterruptState?.({ outDir, message: message() });
          },
        });
      } finally {
        stopHandling();
      }
      if (summary.failed.length) {
        err(`${summary.failed.length} experiment(s) failed: ${summary.failed.map((f) => f.id).join(', ')}`);
        exitCode = 1;
      }
      if (summary.failedChecks) {
        out(`${summary.failedChecks} check(s) failed${flags.strict ? ' (--strict: exit code 1)' : ''}`);
        if (flags.strict) exitCode = 1;
      }
    });

  program
    .command('calibrate')
    .description('run an experiment over many seeds: each check\'s pass rate and spread, and the family-wise failure rate')
    .argument('<id>', 'experiment id')
    .requiredOption('--seeds <n>', 'number of seeds (runs)', (v) => parseCount('--seeds', v))
    .option('--first-seed <n>', 'first seed; runs use S, S + 1, ... (default 1000)', (v) => parseSeed('--first-seed', v))
    .addOption(new Option('--scale <scale>', 'parameter set').choices(['quick', 'paper']).default('quick'))
    .option('--set <key=value>', 'override a parameter (repeatable), as for run', collect, [] as string[])
    .option('--config <file>', 'JSON file of parameters (flat, or keyed by experiment id)')
    .option('--perturb <name=factor>', 'multiply a theory coefficient (repeatable; see the experiment\'s perturbations): measures the power of the checks', (v: string, acc: Perturbation[]) => [...acc, parsePerturb(v)], [] as Perturbation[])
    .option('--json <file>', 'write the calibration report as JSON (atomically)')
    .option('--max-false-alarm <rate>', 'exit 1 when the family-wise failure rate exceeds this rate in [0, 1]', (v) => parseRate('--max-false-alarm', v))
    .action(async (id: string, flags: CalibrateFlags) => {
      const json = flags.json === undefined ? undefined : checkOutFile('--json', flags.json);
      const e = await find(id);
      const registry = await getRegistry();
      const first = flags.firstSeed ?? 1000;
      if (first + flags.seeds - 1 > MAX_SEED) throw new ParameterError(`--first-seed ${first} with --seeds ${flags.seeds}: the last seed would exceed 2^32 - 1`);
      const perturb = perturbRecord(e.id, e.perturbations, flags.perturb);
      if (perturb && flags.maxFalseAlarm !== undefined) throw new ParameterError('--max-false-alarm: not meaningful with --perturb (the family-wise failure rate is then the power)');
      const params = resolveAllParams({
        experiments: [e],
        allIds: registry.map((x) => x.id),
        scale: flags.scale,
        overrides: flags.set.map(parseSet),
        config: flags.config ? readConfigFile(flags.config) : undefined,
      }).get(e.id)!;
      let done = 0;
      const message = () => `interrupted: ${e.id} stopped after ${done} of ${flags.seeds} seeds; ${json ? `${json} unchanged` : 'no report written'}`;
      const stopHandling = onInterrupt({ write: errInterrupted, exit: deps.exit, emitter: deps.signals, message });
      deps.onInterruptState?.({ message: message() });
      let report: Awaited<ReturnType<typeof runCalibration>>;
      try {
        report = await runCalibration({
          experiment: e,
          seeds: flags.seeds,
          firstSeed: first,
          scale: flags.scale,
          params,
          perturb,
          interactive,
          write: out,
          onSeed: (n) => {
            done = n;
            deps.onInterruptState?.({ message: message() });
          },
        });
      } finally {
        stopHandling();
      }
      for (const line of formatCalibration(report)) out(line);
      if (json) {
        writeJsonAtomic(json, report);
        out(`calibration report -> ${json}`);
      }
      if (flags.maxFalseAlarm !== undefined && report.familyWiseFailureRate > flags.maxFalseAlarm) {
        err(`calibrate: family-wise failure rate ${formatRate(report.familyWiseFailureRate)} exceeds --max-false-alarm ${formatRate(flags.maxFalseAlarm)}`);
        exitCode = 1;
      }
    });

  program
    .command('report')
    .description('write DIR/index.html: every experiment\'s figures, parameters and checks')
    .option('--out <dir>', 'results directory', 'results')
    .action((flags: { out: string }) => {
      const { file, input } = writeReport(checkInDir('--out', flags.out));
      for (const i of input.invalid) err(`report: skipped ${i.file}: ${i.problem}`);
      out(`report: ${input.results.length} result(s), ${input.errors.length} failed run(s) -> ${file}`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    if (e instanceof ParameterError) {
      err(`error: ${e.message}`);
      return 2;
    }
    err(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
