import { type ChildProcess, fork } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { EXIT_INTERRUPTED, type InterruptState, removeOwnStaging, stagedIds } from './interrupt.js';

/** Set in the child's environment: run the command in this process. */
export const WORKER_ENV = 'DIFFUSION_THEORY_WORKER';

export interface SuperviseOptions {
  /** The module the child runs (the CLI's bin). */
  script: string;
  /** Its arguments (the command line). */
  args: string[];
  /** Child environment (default process.env), plus WORKER_ENV=1. */
  env?: NodeJS.ProcessEnv;
  /** Source of SIGINT (default process). */
  signals?: NodeJS.EventEmitter;
  /** Where the interruption line goes (default stderr). */
  write?: (line: string) => void;
  /** How long a child may take to stop by itself after SIGINT before it is killed, ms. Default 300. */
  graceMs?: number;
  /** Pipe the child's stdout and stderr (readable on the child given to `onChild`) instead of sharing ours. */
  silent?: boolean;
  /** Called with the child once started (tests). */
  onChild?: (child: ChildProcess) => void;
}

function isState(m: unknown): m is InterruptState {
  return typeof m === 'object' && m !== null && typeof (m as InterruptState).message === 'string';
}

/**
 * Run a long command (`run`, `calibrate`) in a child process and stay responsive to SIGINT.
 * An experiment computing synchronously cannot run a JS signal handler, so on SIGINT the parent
 * passes the signal on and, when the child has not stopped by itself within `graceMs` (its own
 * handler exits 130 and prints the line), kills it, removes the child's staging entries in the
 * output directory it reported (`DIR/<id>` keeps its previous contents), prints which
 * experiment was stopped, and resolves to 130. A second SIGINT kills the child at once.
 * The child reports `{ outDir, message }` over IPC (`runCli`'s `onInterruptState`).
 * @returns the exit code: the child's, 130 when interrupted, or 128 + the signal number when the child was killed otherwise.
 */
export function supervise(o: SuperviseOptions): Promise<number> {
  const signals = o.signals ?? process;
  // on a terminal the killed child may have left a live bar: show the cursor again, start a fresh line
  const write = o.write ?? ((s: string) => process.stderr.write(`${process.stderr.isTTY ? '\x1b[?25h\n' : ''}${s}\n`));
  const grace = o.graceMs ?? 300;
  return new Promise((resolve) => {
    const child = fork(o.script, o.args, { env: { ...(o.env ?? process.env), [WORKER_ENV]: '1' }, silent: o.silent ?? false });
    o.onChild?.(child);
    let state: InterruptState | undefined;
    let interrupted = false;
    let killTimer: NodeJS.Timeout | undefined;
    child.on('message', (m) => {
      if (isState(m)) state = m;
    });
    const onSigint = () => {
      if (interrupted) {
        child.kill('SIGKILL');
        return;
      }
      interrupted = true;
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), grace);
    };
    signals.on('SIGINT', onSigint);
    const finish = (code: number) => {
      signals.off('SIGINT', onSigint);
      clearTimeout(killTimer);
      resolve(code);
    };
    child.on('error', (err) => {
      write(`error: cannot start the command: ${err.message}`);
      finish(1);
    });
    child.on('exit', (code, signal) => {
      if (code !== null) {
        finish(code);
        return;
      }
      if (!interrupted) {
        finish(128 + (constants.signals[signal as keyof typeof constants.signals] ?? 0));
        return;
      }
      let line = state?.message ?? 'interrupted';
      if (state?.outDir && child.pid !== undefined) {
        try {
          const ids = stagedIds(removeOwnStaging(state.outDir, child.pid));
          if (ids.length) line = ids.map((id) => `interrupted: ${id} stopped; ${join(state!.outDir!, id)} unchanged`).join('\n');
        } catch (err) {
          line += ` (staging not removed: ${(err as Error).message}; the next run removes it)`;
        }
      }
      write(line);
      finish(EXIT_INTERRUPTED);
    });
  });
}
