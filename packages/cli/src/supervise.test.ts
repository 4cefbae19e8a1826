import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { supervise } from './supervise.js';
import { harness } from './test-helpers.js';

/**
 * A stand-in for the CLI child (plain JS, so no build is needed): it stages `.blk.partial-<pid>-0`
 * in the output directory, reports its state over IPC like runCli's onInterruptState, installs
 * a SIGINT handler like the CLI's, then either blocks in a synchronous loop (an experiment
 * computing), waits cooperatively, or exits with a code.
 */
const CHILD = `
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [mode, outDir] = process.argv.slice(2);
process.channel?.unref();
const staging = join(outDir, '.blk.partial-' + process.pid + '-0');
mkdirSync(staging);
writeFileSync(join(staging, 'result.json'), 'new, half-written');
process.on('SIGINT', () => {
  console.error('interrupted: blk stopped by its own handler');
  process.exit(130);
});
process.send({ outDir, message: 'interrupted: blk (state from the child)' });
if (mode === 'exit') process.exit(3);
if (mode === 'blocked') setTimeout(() => { const t = Date.now(); while (Date.now() - t < 60000); }, 20);
if (mode === 'cooperative') setInterval(() => {}, 1000);
`;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

function setup(mode: string) {
  const h = harness();
  const script = join(h.dir, 'child.mjs');
  writeFileSync(script, CHILD);
  const out = join(h.dir, 'results');
  mkdirSync(join(out, 'blk'), { recursive: true });
  writeFileSync(join(out, 'blk', 'result.json'), 'previous run');
  const signals = new EventEmitter();
  const lines: string[] = [];
  let childErr = '';
  let ready!: () => void;
  const readyP = new Promise<void>((r) => {
    ready = r;
  });
  const codeP = supervise({
    script,
    args: [mode, out],
    signals,
    write: (l) => lines.push(l),
    graceMs: 200,
    silent: true,
    onChild: (c) => {
      child = c;
      c.stderr?.on('data', (d) => {
        childErr += String(d);
      });
      c.once('message', () => setTimeout(ready, 60));
    },
  });
  return { out, signals, lines, readyP, codeP, childErr: () => childErr };
}

describe('supervise', () => {
  it('kills a child blocked in a computation, removes its staging, keeps DIR/<id>, says so, 130', async () => {
    const s = setup('blocked');
    await s.readyP;
    expect(readdirSync(s.out).filter((n) => n.startsWith('.blk.partial-'))).toHaveLength(1);
    const t0 = performance.now();
    s.signals.emit('SIGINT');
    expect(await s.codeP).toBe(130);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(child?.signalCode).toBe('SIGKILL');
    expect(s.lines).toEqual([`interrupted: blk stopped; ${join(s.out, 'blk')} unchanged`]);
    expect(readdirSync(s.out)).toEqual(['blk']);
    expect(readFileSync(join(s.out, 'blk', 'result.json'), 'utf8')).toBe('previous run');
    expect(s.signals.listenerCount('SIGINT')).toBe(0);
  });

  it('a child that stops by itself (its own handler, exit 130) is not killed and the parent prints nothing', async () => {
    const s = setup('cooperative');
    await s.readyP;
    s.signals.emit('SIGINT');
    expect(await s.codeP).toBe(130);
    expect(child?.signalCode).toBeNull();
    expect(s.lines).toEqual([]);
    await vi.waitFor(() => expect(s.childErr()).toBe('interrupted: blk stopped by its own handler\n'));
  });

  it('passes the child\'s exit code through, and 128 + signal when it is killed otherwise', async () => {
    const s = setup('exit');
    expect(await s.codeP).toBe(3);
    expect(s.signals.listenerCount('SIGINT')).toBe(0);
    const s2 = setup('cooperative');
    await s2.readyP;
    child?.kill('SIGTERM');
    expect(await s2.codeP).toBe(143);
    expect(s2.lines).toEqual([]);
  });
});
