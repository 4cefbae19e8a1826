import { ParameterError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.js';
import { configFor, describeParams, nonFinitePath, parseSet, parseSetValue, readConfigFile, validateParams } from './params.js';
import { harness } from './test-helpers.js';

const schema = z.object({
  n: z.number().int().min(10).max(1_000_000).describe('number of samples (count)'),
  d: z.number().int().min(1).max(1000).describe('dimension d'),
  method: z.enum(['euler-maruyama', 'heun']).describe('integrator'),
  sde: z.boolean().describe('use the SDE'),
  weights: z.array(z.number().positive()).min(1).describe('mixture weights'),
});
const good = { n: 100, d: 5, method: 'heun', sde: true, weights: [0.5, 0.5] };

describe('--set parsing', () => {
  it('parses numbers, booleans, arrays and objects as JSON and leaves other text as a string', () => {
    expect(parseSetValue('1e4')).toBe(10000);
    expect(parseSetValue('-2.5')).toBe(-2.5);
    expect(parseSetValue('true')).toBe(true);
    expect(parseSetValue('false')).toBe(false);
    expect(parseSetValue('[0.3, 0.7]')).toEqual([0.3, 0.7]);
    expect(parseSetValue('{"a":1}')).toEqual({ a: 1 });
    expect(parseSetValue('euler-maruyama')).toBe('euler-maruyama');
  });
  it('splits key, scope and nested paths', () => {
    expect(parseSet('n=5000')).toEqual({ scope: undefined, path: ['n'], value: 5000 });
    expect(parseSet('exact-score-sampling:n=7')).toEqual({ scope: 'exact-score-sampling', path: ['n'], value: 7 });
    expect(parseSet('a.b=[1,2]')).toEqual({ scope: undefined, path: ['a', 'b'], value: [1, 2] });
    expect(parseSet('x=a=b').value).toBe('a=b');
  });
  it('names a value that is not finite as given, not as null', () => {
    expect(() => parseSet('n=1e400')).toThrow('--set "n=1e400": 1e400 is not a finite number (it overflows a double)');
    expect(() => parseSet('n=-1e400')).toThrow(/-1e400 is not a finite number/);
    expect(() => parseSet('w=[1, 1e400]')).toThrow('--set "w=[1, 1e400]": [1, 1e400] holds a number that is not finite (at 1)');
    expect(nonFinitePath({ a: [1, { b: Infinity }] })).toBe('a.1.b');
    expect(nonFinitePath({ a: [1, 2] })).toBeUndefined();
    const { dir } = harness();
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, '{"dummy": {"a": 1e400}}');
    expect(() => readConfigFile(cfg)).toThrow(/"dummy.a" is not a finite number/);
  });
  it('through the CLI: exit 2 naming 1e400, not null', async () => {
    const h = harness();
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--set', 'a=1e400'], h.deps)).toBe(2);
    expect(h.err.join('\n')).toContain('1e400 is not a finite number');
    expect(h.err.join('\n')).not.toContain('null');
  });
  it('refuses __proto__, constructor and prototype before any object is built; Object.prototype stays clean', async () => {
    expect(() => parseSet('__proto__.x=1')).toThrow(/"__proto__" is not a parameter name/);
    expect(() => parseSet('dummy:constructor.prototype.x=1')).toThrow(/"constructor" is not a parameter name/);
    const h = harness();
    for (const arg of ['__proto__.polluted=1', 'dummy:__proto__.polluted=1', 'constructor.prototype.polluted=1', '__proto__={"polluted":1}']) {
      expect(await runCli(['run', 'dummy', '--out', h.dir, '--set', arg], h.deps)).toBe(2);
    }
    const cfg = join(h.dir, 'proto.json');
    writeFileSync(cfg, '{"__proto__": {"polluted": 1}}');
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--config', cfg], h.deps)).toBe(2);
    expect(h.err.at(-1)).toMatch(/key "__proto__" is not a parameter name/);
    writeFileSync(cfg, '{"dummy": {"constructor": {"prototype": {"polluted": 1}}}}');
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--config', cfg], h.deps)).toBe(2);
    expect(h.err.at(-1)).toMatch(/key "dummy.constructor" is not a parameter name/);
    expect(h.err.join('\n')).toMatch(/is not a parameter name/);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('rejects a missing = or an empty key', () => {
    expect(() => parseSet('n')).toThrow(ParameterError);
    expect(() => parseSet('=3')).toThrow(/key=value/);
    expect(() => parseSet('a..b=3')).toThrow(/empty parameter name/);
  });
});

describe('parameter validation', () => {
  it('accepts valid parameters and returns them', () => {
    expect(validateParams('x', schema, { ...good })).toEqual(good);
  });
  it('names an unknown key and lists the known ones', () => {
    expect(() => validateParams('exp', schema, { ...good, nn: 3 })).toThrow(/unknown parameter "nn" \(known: n, d, method, sde, weights\)/);
  });
  it('names an out-of-range key with the bound', () => {
    const f = () => validateParams('exp', schema, { ...good, n: 5 });
    expect(f).toThrow(ParameterError);
    expect(f).toThrow(/parameter "n": 5 is out of range, expected >= 10/);
    expect(() => validateParams('exp', schema, { ...good, d: 5000 })).toThrow(/parameter "d": 5000 is out of range, expected <= 1000/);
  });
  it('names a key of the wrong type', () => {
    expect(() => validateParams('exp', schema, { ...good, n: 'many' })).toThrow(/parameter "n": expected number, got "many"/);
    expect(() => validateParams('exp', schema, { ...good, sde: 1 })).toThrow(/parameter "sde": expected boolean, got 1/);
    expect(() => validateParams('exp', schema, { ...good, method: 'rk4' })).toThrow(/parameter "method"/);
    expect(() => validateParams('exp', schema, { ...good, weights: [1, -1] })).toThrow(/parameter "weights.1"/);
  });
  it('reports every problem at once, with the experiment id', () => {
    try {
      validateParams('exp', schema, { ...good, n: 1, zzz: 0 });
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/experiment "exp"/);
      expect(msg).toMatch(/"n"/);
      expect(msg).toMatch(/"zzz"/);
    }
  });
  it('describes parameters with type, range, description and defaults per scale', () => {
    const rows = describeParams(schema, { quick: good, paper: { ...good, n: 1000 } });
    const n = rows.find((r) => r.name === 'n')!;
    expect(n.type).toBe('integer');
    expect(n.range).toBe('[10, 1000000]');
    expect(n.description).toBe('number of samples (count)');
    expect(n.defaults).toEqual({ quick: 100, paper: 1000 });
    expect(rows.find((r) => r.name === 'method')!.range).toBe('one of "euler-maruyama" | "heun"');
  });
  it('takes flat config keys and the experiment\'s own section', () => {
    const cfg = { n: 1, a: { n: 2, d: 3 }, b: { n: 4 } };
    expect(configFor(cfg, 'a', ['a', 'b'])).toEqual({ n: 2, d: 3 });
    expect(configFor(cfg, 'c', ['a', 'b', 'c'])).toEqual({ n: 1 });
  });
});
