import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError } from '@diffusion-theory/kernel';

/** Exit code of a run stopped by SIGINT (128 + 2, the shell's convention). */
export const EXIT_INTERRUPTED = 130;

/**
 * Remove what process `pid` has staged in `outDir` and not yet swapped in: the staging
 * directories `.<id>.partial-<pid>-<n>`, retired directories `.<id>.old-<pid>-<n>` and
 * temporary files `.<name>.<pid>.<n>.tmp` of `runExperiment` / `writeFileAtomic`. Entries of
 * other processes and every `DIR/<id>` are left alone.
 * @param outDir the output directory of the run (missing: nothing to do).
 * @param pid the process whose entries go (default: this one).
 * @returns the names removed.
 * @throws ParameterError when `pid` is not a positive integer.
 */
export function removeOwnStaging(outDir: string, pid: number = process.pid): string[] {
  if (!Number.isInteger(pid) || pid <= 0) throw new ParameterError(`removeOwnStaging: pid must be a positive integer, got ${pid}`);
  if (!existsSync(outDir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(outDir)) {
    const m = /^\..+\.(?:partial|old)-(\d+)-\d+$/.exec(name) ?? /^\..+\.(\d+)\.\d+\.tmp$/.exec(name);
    if (!m || Number(m[1]) !== pid) continue;
    rmSync(join(outDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export interface InterruptOptions {
  /** The line printed when the signal arrives (computed then, from the command's state). */
  message: () => string;
  /** Output directory whose staging entries of this process are removed first (none for calibrate). */
  outDir?: string;
  /** Where the line goes (stderr). */
  write: (line: string) => void;
  /** Ends the process (default process.exit); called with 130. */
  exit?: (code: number) => void;
  /** The signal source (default process); tests pass their own emitter. */
  emitter?: NodeJS.EventEmitter;
}

/**
 * Install a SIGINT handler for one command: on the signal it removes itself, removes this
 * process's staging entries in `outDir` (so `DIR/<id>` keeps its previous contents), prints
 * `message()` and exits with 130. Node runs the handler when the event loop next gets control,
 * i.e. at the next point where the running experiment awaits real I/O or a timer, between
 * experiments and between calibration seeds; a computation that never yields is not cut short.
 * @returns a function that removes the handler (call it when the command ends).
 */
export function onInterrupt(opts: InterruptOptions): () => void {
  const emitter = opts.emitter ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const handler = () => {
    emitter.off('SIGINT', handler);
    if (opts.outDir) {
      try {
        removeOwnStaging(opts.outDir);
      } catch {
        // the next run's cleanStale removes what is left (this pid is then dead)
      }
    }
    opts.write(opts.message());
    exit(EXIT_INTERRUPTED);
  };
  emitter.on('SIGINT', handler);
  return () => {
    emitter.off('SIGINT', handler);
  };
}

/** Let the event loop run once (pending signals are handled here). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
