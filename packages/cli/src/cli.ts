import { join } from 'node:path';
import type { AnyExperiment, Scale } from '@diffusion-theory/experiments';
import { ParameterError } from '@diffusion-theory/kernel';
import { Command, CommanderError, Option } from 'commander';
import { type CalibrateFlags, calibrateCommand } from './calibrate-command.js';
import type { CliDeps } from './deps.js';

export type { CliDeps } from './deps.js';

import { describeText, pad } from './describe.js';
import { checkInDir, checkOutDir, type Perturbation, parseCount, parsePerturb, parseRate, parseSeed } from './flags.js';
import { onInterrupt } from './interrupt.js';
import { parseSet, readConfigFile, type SetOverride } from './params.js';
import { isInteractive } from './progress.js';
import { writeReport } from './report.js';
import { runExperiments } from './runner.js';
import { cliVersion } from './version.js';

export { describeText } from './describe.js';


interface RunFlags {
  scale: Scale;
  seed: number;
  out: string;
  set: string[];
  config?: string;
  default?: boolean;
  strict?: boolean;
}


const collect = (v: string, acc: string[]) => [...acc, v];

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
      if (await calibrateCommand({ experiment: await find(id), registry: await getRegistry(), flags, interactive, out, err, errInterrupted, deps })) exitCode = 1;
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
