import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultSchema } from '@diffusion-theory/experiments';
import { runCli } from './cli.js';
import { harness } from './test-helpers.js';

describe('cli end to end', () => {
  it('list and describe show experiments and parameters with defaults and ranges', async () => {
    const h = harness();
    expect(await runCli(['list'], h.deps)).toBe(0);
    expect(h.out.join('\n')).toMatch(/\* dummy +Dummy parabola/);
    expect(await runCli(['describe', 'dummy'], h.deps)).toBe(0);
    const text = h.out.join('\n');
    expect(text).toMatch(/a +number +in \[0, 10\]/);
    expect(text).toContain('curvature a (dimensionless)');
    expect(text).toMatch(/default: quick 5, paper 50/);
    expect(await runCli(['describe', 'nope'], h.deps)).toBe(2);
    expect(h.err.join('\n')).toMatch(/unknown experiment "nope"/);
  });

  it('runs the default set with --set overrides, writes a valid result.json, figures and a report', async () => {
    const h = harness();
    const code = await runCli(['run', '--default', '--scale', 'quick', '--seed', '7', '--out', h.dir, '--set', 'n=9', '--set', 'dummy:a=2.5'], h.deps);
    expect(code).toBe(0);
    const result = ResultSchema.parse(JSON.parse(readFileSync(join(h.dir, 'dummy', 'result.json'), 'utf8')));
    expect(result.parameters).toEqual({ a: 2.5, n: 9, failCheck: false });
    expect(result.seed).toBe(7);
    expect(result.series[0].x).toHaveLength(9);
    expect(result.checks[0].pass).toBe(true);
    expect(result.timings.simulate).toBeGreaterThanOrEqual(0);
    expect(result.figures[0].caption).toMatch(/a = 2.5, n = 9/);
    const png = readFileSync(join(h.dir, 'dummy', 'parabola.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(h.dir, 'dummy', 'parabola.svg'), 'utf8')).toContain('position x');
    expect(h.out.join('\n')).toMatch(/dummy \| simulate done in/);
    expect(existsSync(join(h.dir, 'boom'))).toBe(false);

    expect(await runCli(['report', '--out', h.dir], h.deps)).toBe(0);
    const html = readFileSync(join(h.dir, 'index.html'), 'utf8');
    expect(html).toContain('src="dummy/parabola.png"');
    expect(html).toContain('max deviation');
    expect(html).toContain('class="pass"');
    expect(html).toContain(result.figures[0].caption.slice(0, 30));
  });

  it('same seed gives the same numbers', async () => {
    const h1 = harness();
    const h2 = harness();
    await runCli(['run', 'dummy', '--out', h1.dir], h1.deps);
    await runCli(['run', 'dummy', '--out', h2.dir], h2.deps);
    const y1 = JSON.parse(readFileSync(join(h1.dir, 'dummy', 'result.json'), 'utf8')).series[1].y;
    const y2 = JSON.parse(readFileSync(join(h2.dir, 'dummy', 'result.json'), 'utf8')).series[1].y;
    expect(y1).toEqual(y2);
  });

  it('refuses bad parameters before any work, naming the key', async () => {
    const h = harness();
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--set', 'nn=3'], h.deps)).toBe(2);
    expect(h.err.join('\n')).toMatch(/unknown parameter "nn"/);
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--set', 'a=11'], h.deps)).toBe(2);
    expect(h.err.join('\n')).toMatch(/parameter "a": 11 is out of range, expected <= 10/);
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--set', 'n=many'], h.deps)).toBe(2);
    expect(h.err.join('\n')).toMatch(/parameter "n": expected number, got "many"/);
    expect(existsSync(join(h.dir, 'dummy'))).toBe(false);
  });

  it('reads a JSON config file, keyed by experiment id', async () => {
    const h = harness();
    const cfg = join(h.dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ dummy: { a: 3 } }));
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--config', cfg, '--set', 'n=4'], h.deps)).toBe(0);
    expect(JSON.parse(readFileSync(join(h.dir, 'dummy', 'result.json'), 'utf8')).parameters).toEqual({ a: 3, n: 4, failCheck: false });
  });

  it('an experiment that throws is reported, the others still run, and the exit code is 1', async () => {
    const h = harness();
    expect(await runCli(['run', 'boom', 'dummy', '--out', h.dir], h.deps)).toBe(1);
    expect(h.err.join('\n')).toMatch(/boom \| FAILED: Error: kaboom/);
    expect(existsSync(join(h.dir, 'dummy', 'result.json'))).toBe(true);
    expect(existsSync(join(h.dir, 'boom', 'error.json'))).toBe(true);
    await runCli(['report', '--out', h.dir], h.deps);
    expect(readFileSync(join(h.dir, 'index.html'), 'utf8')).toContain('kaboom');
  });

  it('a failing check keeps exit code 0 unless --strict', async () => {
    const h = harness();
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--set', 'failCheck=true'], h.deps)).toBe(0);
    const r = JSON.parse(readFileSync(join(h.dir, 'dummy', 'result.json'), 'utf8'));
    expect(r.checks[0].pass).toBe(false);
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--set', 'failCheck=true', '--strict'], h.deps)).toBe(1);
    await runCli(['report', '--out', h.dir], h.deps);
    expect(readFileSync(join(h.dir, 'index.html'), 'utf8')).toContain('class="fail"');
  });
});
