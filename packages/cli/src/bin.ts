#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.js';
import type { InterruptState } from './interrupt.js';
import { supervise, WORKER_ENV } from './supervise.js';

const argv = process.argv.slice(2);
const done = (code: number) => {
  process.exitCode = code;
};
const fail = (err: unknown) => {
  console.error(err);
  process.exitCode = 1;
};

if (process.env[WORKER_ENV] !== '1' && (argv[0] === 'run' || argv[0] === 'calibrate')) {
  // long commands run in a child, so that SIGINT is answered even while an experiment computes
  supervise({ script: fileURLToPath(import.meta.url), args: argv }).then(done, fail);
} else {
  // as a supervised child: report what an interruption would leave, without the IPC channel keeping us alive
  process.channel?.unref();
  let finished = false;
  // the supervising parent went away (killed): stop as on Ctrl-C rather than run on unseen
  process.on('disconnect', () => {
    if (!finished) process.emit('SIGINT');
  });
  const onInterruptState = process.send
    ? (s: InterruptState) => {
        // the parent may be gone (EPIPE): then there is no one to tell
        if (process.connected) process.send?.(s, undefined, {}, () => {});
      }
    : undefined;
  runCli(argv, { onInterruptState })
    .then(done, fail)
    .finally(() => {
      finished = true;
      if (process.connected) process.disconnect();
    });
}
