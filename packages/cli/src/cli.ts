import { resolve } from 'node:path';
import { ParameterError } from '@diffusion-theory/kernel';
import { Command, CommanderError, Option } from 'commander';
import type { AnyExperiment, Scale } from '@diffusion-theory/experiments';
import { describeParams, parseSet, readConfigFile, type SetOverride } from './params.js';
import { isInteractive } from './progress.js';
import { writeReport } from './report.js';
import { runExperiments } from './runner.js';
import { cliVersion } from './version.js';

export interface CliDeps {
  /** Experiments available (default: src/experiments/index.ts). */
  registry?: AnyExperiment[];
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (live progress bars); default process.stdout.isTTY. */
  isTTY?: boolean;
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
 * Exit codes: 0 ok; 1 an experiment threw (the others still ran), or --strict and a check failed;
 * 2 usage / parameter errors (nothing was run).
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
    .option('--seed <n>', 'root random seed (non-negative integer)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new ParameterError(`--seed: expected an integer in [0, 2^32 - 1], got "${v}"`);
      return n;
    }, 1)
    .option('--out <dir>', 'output directory', 'results')
    .option('--set <key=value>', 'override a parameter (repeatable); value is JSON (numbers, true/false, [arrays]) or a string; scope to one experiment with id:key=value', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--config <file>', 'JSON file of parameters (flat, or keyed by experiment id)')
    .option('--default', 'run the default set of experiments')
    .option('--strict', 'exit non-zero when any check fails')
    .action(async (ids: string[], flags: RunFlags) => {
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
      const summary = await runExperiments({
        experiments: selected,
        allIds,
        scale: flags.scale,
        seed: flags.seed,
        outDir: resolve(flags.out),
        overrides,
        config,
        interactive,
        write: out,
        writeErr: err,
      });
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
    .command('report')
    .description('write DIR/index.html: every experiment\'s figures, parameters and checks')
    .option('--out <dir>', 'results directory', 'results')
    .action((flags: { out: string }) => {
      const { file, input } = writeReport(resolve(flags.out));
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
