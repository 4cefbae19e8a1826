import cliProgress from 'cli-progress';

import type { PhaseHandle, Progress } from '@diffusion-theory/experiments';

export interface ProgressOptions {
  /** Prefix of every line / bar, e.g. the experiment id. */
  label: string;
  /** Draw a live bar (a TTY, CI unset) or print one line per phase. */
  interactive: boolean;
  /** Where lines and bars go (default process.stderr for bars, `write` for lines). */
  stream?: NodeJS.WritableStream;
  /** Line printer used when not interactive. */
  write: (line: string) => void;
  /** Called with the elapsed milliseconds of each finished phase (phase timings of result.json). */
  onPhaseDone?: (name: string, ms: number) => void;
}

/** True when a live progress bar should be drawn: stdout is a TTY and the CI variable is unset. */
export function isInteractive(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stdout): boolean {
  return !env.CI && Boolean(stream.isTTY);
}

/**
 * A progress reporter: a cli-progress bar per phase when interactive, otherwise one line
 * when a phase starts and one when it ends (quiet enough for CI logs).
 */
export function createProgress(opts: ProgressOptions): Progress {
  return {
    phase(name: string, total: number): PhaseHandle {
      const t0 = performance.now();
      const tot = Math.max(1, Math.floor(total));
      let value = 0;
      let finished = false;
      let bar: cliProgress.SingleBar | undefined;
      if (opts.interactive) {
        bar = new cliProgress.SingleBar(
          {
            format: `${opts.label} | ${name} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`,
            stream: opts.stream ?? process.stderr,
            hideCursor: true,
            clearOnComplete: false,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(tot, 0);
      } else {
        opts.write(`${opts.label} | ${name} ...`);
      }
      return {
        tick(n = 1) {
          if (finished) return;
          value = Math.min(tot, value + n);
          bar?.update(value);
        },
        done() {
          if (finished) return;
          finished = true;
          const ms = performance.now() - t0;
          if (bar) {
            bar.update(tot);
            bar.stop();
          } else {
            opts.write(`${opts.label} | ${name} done in ${formatMs(ms)}`);
          }
          opts.onPhaseDone?.(name, ms);
        },
      };
    },
  };
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export interface SeedProgressOptions {
  /** Prefix of every line / the bar, e.g. the experiment id. */
  label: string;
  /** Number of seeds. */
  total: number;
  /** Draw a live bar (a TTY, CI unset) or print a line every `every` seeds. */
  interactive: boolean;
  /** Line printer used when not interactive. */
  write: (line: string) => void;
  /** Lines every this many seeds when not interactive (and after the last). Default 10. */
  every?: number;
  /** Where the bar goes (default process.stderr). */
  stream?: NodeJS.WritableStream;
}

/** Progress over the seeds of a calibration: `update(seed, allPass)` after each run, `stop()` at the end. */
export interface SeedProgress {
  update(seed: number, allPass: boolean): void;
  stop(): void;
  /** Runs finished so far and those with a failing check. */
  readonly done: number;
  readonly failing: number;
}

/**
 * A progress reporter over calibration seeds: a cli-progress bar with the number of runs with a
 * failing check when interactive, otherwise one line every `every` seeds (quiet enough for CI).
 */
export function createSeedProgress(opts: SeedProgressOptions): SeedProgress {
  const every = opts.every ?? 10;
  const t0 = performance.now();
  let done = 0;
  let failing = 0;
  let bar: cliProgress.SingleBar | undefined;
  if (opts.interactive) {
    bar = new cliProgress.SingleBar(
      {
        format: `${opts.label} | seeds [{bar}] {value}/{total} | {failing} with a failing check | eta {eta_formatted}`,
        stream: opts.stream ?? process.stderr,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(opts.total, 0, { failing: 0 });
  }
  return {
    update(seed: number, allPass: boolean) {
      done++;
      if (!allPass) failing++;
      if (bar) bar.update(done, { failing });
      else if (done % every === 0 || done === opts.total) {
        opts.write(`${opts.label} | ${done}/${opts.total} seeds (last ${seed}), ${failing} with a failing check, ${formatMs(performance.now() - t0)}`);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
    get done() {
      return done;
    },
    get failing() {
      return failing;
    },
  };
}
