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
