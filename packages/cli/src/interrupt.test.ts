import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineExperiment } from '@diffusion-theory/experiments';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCli } from './cli.js';
import { EXIT_INTERRUPTED, onInterrupt, removeOwnStaging, stagedIds } from './interrupt.js';
import { harness, testRegistry } from './test-helpers.js';

describe('removeOwnStaging', () => {
  it('removes this process\'s staging, retired and temporary entries and nothing else', () => {
    const { dir } = harness();
    const pid = 4242;
    const mine = [`.dummy.partial-${pid}-0`, `.dummy.old-${pid}-3`, `.index.html.${pid}.7.tmp`, `.a.b.partial-${pid}-12`];
    const others = [`.dummy.partial-${pid + 1}-0`, `.index.html.${pid}1.0.tmp`, 'dummy', `.dummy.partial-${pid}`, `dummy.partial-${pid}-0`];
    for (const n of [...mine, ...others]) {
      if (n.endsWith('.tmp')) writeFileSync(join(dir, n), 'x');
      else {
        mkdirSync(join(dir, n));
        writeFileSync(join(dir, n, 'result.json'), '{}');
      }
    }
    expect(removeOwnStaging(dir, pid).sort()).toEqual([...mine].sort());
    expect(readdirSync(dir).sort()).toEqual([...others].sort());
    expect(removeOwnStaging(join(dir, 'missing'), pid)).toEqual([]);
    expect(stagedIds(mine)).toEqual(['dummy', 'a.b']);
  });
  it('puts a retired directory back when the process died between the two renames of the swap', () => {
    const { dir } = harness();
    mkdirSync(join(dir, '.gone.old-77-1'));
    writeFileSync(join(dir, '.gone.old-77-1', 'result.json'), 'previous');
    mkdirSync(join(dir, '.gone.partial-77-2'));
    expect(removeOwnStaging(dir, 77).sort()).toEqual(['.gone.old-77-1', '.gone.partial-77-2']);
    expect(readdirSync(dir)).toEqual(['gone']);
    expect(readFileSync(join(dir, 'gone', 'result.json'), 'utf8')).toBe('previous');
    expect(() => removeOwnStaging(dir, 0)).toThrow(/pid must be a positive integer/);
  });
});

describe('onInterrupt', () => {
  it('on SIGINT removes itself and the staging, prints the message and exits 130; uninstalled it does nothing', () => {
    const { dir } = harness();
    const emitter = new EventEmitter();
    const lines: string[] = [];
    const codes: number[] = [];
    const staging = join(dir, `.x.partial-${process.pid}-0`);
    mkdirSync(staging);
    onInterrupt({ outDir: dir, emitter, write: (l) => lines.push(l), exit: (c) => codes.push(c), message: () => 'interrupted: x stopped' });
    expect(emitter.listenerCount('SIGINT')).toBe(1);
    emitter.emit('SIGINT');
    expect(codes).toEqual([EXIT_INTERRUPTED]);
    expect(lines).toEqual(['interrupted: x stopped']);
    expect(existsSync(staging)).toBe(false);
    expect(emitter.listenerCount('SIGINT')).toBe(0);
    const off = onInterrupt({ emitter, write: (l) => lines.push(l), exit: (c) => codes.push(c), message: () => 'again' });
    off();
    emitter.emit('SIGINT');
    expect(codes).toEqual([130]);
  });
});

/** An experiment that signals when it has started and then waits (as at an await point) until released. */
function hanging() {
  let started!: () => void;
  const startedP = new Promise<void>((r) => {
    started = r;
  });
  const exp = defineExperiment({
    id: 'hang',
    title: 'Hangs',
    paper: 'none',
    description: 'Waits.',
    params: z.object({}),
    defaults: { quick: {}, paper: {} },
    default: false,
    async run() {
      started();
      await new Promise(() => {});
      return { series: [], checks: [] };
    },
  });
  return { exp, startedP };
}

describe('SIGINT in the CLI', () => {
  it('run: stops the running experiment, removes its staging, leaves DIR/<id> as it was, exit 130', async () => {
    const { exp, startedP } = hanging();
    const emitter = new EventEmitter();
    let exited!: (code: number) => void;
    const exitP = new Promise<number>((r) => {
      exited = r;
    });
    const h = harness({ registry: [...testRegistry, exp], signals: emitter, exit: (c: number) => exited(c) });
    mkdirSync(join(h.dir, 'hang'));
    writeFileSync(join(h.dir, 'hang', 'result.json'), 'previous run');
    void runCli(['run', 'dummy', 'hang', '--out', h.dir], h.deps);
    await startedP;
    expect(readdirSync(h.dir).filter((n) => n.startsWith(`.hang.partial-${process.pid}-`))).toHaveLength(1);
    emitter.emit('SIGINT');
    expect(await exitP).toBe(130);
    expect(h.err.at(-1)).toBe(`interrupted: hang stopped; ${join(h.dir, 'hang')} unchanged`);
    expect(readdirSync(h.dir).sort()).toEqual(['dummy', 'hang']);
    expect(readdirSync(join(h.dir, 'hang'))).toEqual(['result.json']);
    expect(readFileSync(join(h.dir, 'hang', 'result.json'), 'utf8')).toBe('previous run');
    expect(existsSync(join(h.dir, 'dummy', 'result.json'))).toBe(true);
    expect(emitter.listenerCount('SIGINT')).toBe(0);
  });

  it('run: the handler is removed when the command ends', async () => {
    const emitter = new EventEmitter();
    const codes: number[] = [];
    const h = harness({ signals: emitter, exit: (c: number) => codes.push(c) });
    expect(await runCli(['run', 'flaky', '--out', h.dir], h.deps)).toBe(0);
    expect(emitter.listenerCount('SIGINT')).toBe(0);
    emitter.emit('SIGINT');
    expect(codes).toEqual([]);
  });

  it('calibrate: handled between seeds, says how far it got, writes no report', async () => {
    const emitter = new EventEmitter();
    const codes: number[] = [];
    const h = harness({
      signals: emitter,
      exit: (c: number) => {
        codes.push(c);
        throw new Error('process would exit here');
      },
    });
    const file = join(h.dir, 'coin.json');
    const stdout = h.deps.stdout;
    h.deps.stdout = (s: string) => {
      stdout(s);
      if (s.startsWith('coin | 10/30 seeds')) emitter.emit('SIGINT');
    };
    await runCli(['calibrate', 'coin', '--seeds', '30', '--json', file], h.deps);
    expect(codes).toEqual([130]);
    expect(h.err[0]).toBe(`interrupted: coin stopped after 10 of 30 seeds; ${file} unchanged`);
    expect(existsSync(file)).toBe(false);
    expect(emitter.listenerCount('SIGINT')).toBe(0);
  });
});
