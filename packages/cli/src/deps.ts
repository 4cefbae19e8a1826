import type { AnyExperiment } from '@diffusion-theory/experiments';
import type { InterruptState } from './interrupt.js';

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
