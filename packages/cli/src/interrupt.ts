import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError } from '@diffusion-theory/kernel';

/** Exit code of a run stopped by SIGINT (128 + 2, the shell's convention). */
export const EXIT_INTERRUPTED = 130;

/**
 * Remove what process `pid` has staged in `outDir` and not yet swapped in: the staging
 * directories `.<id>.partial-<pid>-<n>` and temporary files `.<name>.<pid>.<n>.tmp` of
 * `runExperiment` / `writeFileAtomic`. A retired directory `.<id>.old-<pid>-<n>` (the previous
 * `DIR/<id>`, set aside during the swap) is put back when `DIR/<id>` is missing (the process
 * was killed between the two renames of the swap) and removed otherwise. Entries of other
 * processes and every `DIR/<id>` are left alone.
 * @param outDir the output directory of the run (missing: nothing to do).
 * @param pid the process whose entries go (default: this one).
 * @returns the names removed or put back.
 * @throws ParameterError when `pid` is not a positive integer.
 */
export function removeOwnStaging(outDir: string, pid: number = process.pid): string[] {
  if (!Number.isInteger(pid) || pid <= 0) throw new ParameterError(`removeOwnStaging: pid must be a positive integer, got ${pid}`);
  if (!existsSync(outDir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(outDir)) {
    const m = /^\.(.+)\.(partial|old)-(\d+)-\d+$/.exec(name);
    const t = m ? undefined : /^\..+\.(\d+)\.\d+\.tmp$/.exec(name);
    if (m ? Number(m[3]) !== pid : !t || Number(t[1]) !== pid) continue;
    const path = join(outDir, name);
    if (m && m[2] === 'old' && !existsSync(join(outDir, m[1]))) renameSync(path, join(outDir, m[1]));
    else rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** The experiment ids whose staging directories (`.<id>.partial-<pid>-<n>`) are among `names`. */
export function stagedIds(names: readonly string[]): string[] {
  const ids = names.map((n) => /^\.(.+)\.partial-\d+-\d+$/.exec(n)?.[1]).filter((x): x is string => x !== undefined);
  return [...new Set(ids)];
}

/** What a supervising parent needs to finish an interrupted command: the output directory and the line to print. */
export interface InterruptState {
  outDir?: string;
  message: string;
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
 * Install a SIGINT handler for one command: on the signal it removes this process's staging
 * entries in `outDir` (so `DIR/<id>` keeps its previous contents), prints `message()` and exits
 * with 130. Node runs the handler when the event loop next gets control: at the next point
 * where the running code awaits real I/O or a timer (between experiments, between calibration
 * seeds, while figures are written), not inside a synchronous computation. The `bin` therefore
 * runs `run` and `calibrate` under `supervise`, which ends a child that does not stop by itself.
 * @returns a function that removes the handler (call it when the command ends).
 */
export function onInterrupt(opts: InterruptOptions): () => void {
  const emitter = opts.emitter ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let fired = false;
  const handler = () => {
    if (fired) return;
    fired = true;
    if (opts.outDir) {
      try {
        removeOwnStaging(opts.outDir);
      } catch {
        // the next run's cleanStale removes what is left (this pid is then dead)
      }
    }
    opts.write(opts.message());
    exit(EXIT_INTERRUPTED);
    // only reached when `exit` returns (tests); while process.exit runs the handler stays, so a
    // second SIGINT cannot fall back to the default action and kill the process mid-exit
    emitter.off('SIGINT', handler);
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
