import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { checkInDir, checkOutDir, checkOutFile, parseCount, parseFiniteNumber, parsePerturb, parseRate, parseSeed, perturbRecord } from './flags.js';
import { harness } from './test-helpers.js';

describe('seed and count flags', () => {
  it('reads plain decimal digits exactly', () => {
    expect(parseSeed('--seed', '0')).toBe(0);
    expect(parseSeed('--seed', '42')).toBe(42);
    expect(parseSeed('--seed', '007')).toBe(7);
    expect(parseSeed('--seed', '4294967295')).toBe(4294967295);
  });
  it.each(['', ' 7', '0x10', '1e3', '-1', '1.5', '+3', '4294967296', 'NaN', 'Infinity'])('refuses %j instead of reading it as a number', (raw) => {
    expect(() => parseSeed('--seed', raw)).toThrow(ParameterError);
    expect(() => parseSeed('--seed', raw)).toThrow(new RegExp(`--seed: expected .*, got "${raw.replace(/[+.]/g, '\\$&')}"`));
  });
  it('takes counts in range only', () => {
    expect(parseCount('--seeds', '50')).toBe(50);
    expect(() => parseCount('--seeds', '0')).toThrow(/--seeds: expected an integer in \[1, 1000000\], got "0"/);
    expect(() => parseCount('--seeds', '5e1')).toThrow(/--seeds: expected a positive integer/);
  });
});

describe('number, rate and perturbation flags', () => {
  it('reads finite decimals and names what it refuses as given', () => {
    expect(parseFiniteNumber('--x', '1.5e-3')).toBe(0.0015);
    expect(parseFiniteNumber('--x', '-.5')).toBe(-0.5);
    expect(() => parseFiniteNumber('--x', '1e400')).toThrow('--x: expected a finite decimal number, got "1e400"');
    expect(() => parseFiniteNumber('--x', '0x10')).toThrow(/got "0x10"/);
    expect(() => parseFiniteNumber('--x', '')).toThrow(/got ""/);
  });
  it('takes a rate in [0, 1]', () => {
    expect(parseRate('--max-false-alarm', '0.02')).toBe(0.02);
    expect(() => parseRate('--max-false-alarm', '2')).toThrow(/expected a rate in \[0, 1\], got "2"/);
  });
  it('parses name=factor and checks names against the declared perturbations', () => {
    expect(parsePerturb('mu=1.5')).toEqual({ name: 'mu', factor: 1.5 });
    expect(() => parsePerturb('mu')).toThrow(/expected name=factor/);
    expect(() => parsePerturb('__proto__=2')).toThrow(/"__proto__" is not a perturbation name/);
    expect(() => parsePerturb('mu=1e400')).toThrow(/--perturb mu: expected a finite decimal number, got "1e400"/);
    const declared = { mu: 'the mean' };
    expect(perturbRecord('coin', declared, [])).toBeUndefined();
    expect(perturbRecord('coin', declared, [{ name: 'mu', factor: 2 }])).toEqual({ mu: 2 });
    expect(() => perturbRecord('coin', declared, [{ name: 'sigma', factor: 2 }])).toThrow(/experiment "coin" has no perturbation "sigma" \(known: mu\)/);
    expect(() => perturbRecord('coin', declared, [{ name: 'toString', factor: 2 }])).toThrow(/no perturbation "toString"/);
    expect(() => perturbRecord('coin', declared, [{ name: 'mu', factor: 2 }, { name: 'mu', factor: 3 }])).toThrow(/given twice/);
    expect(() => perturbRecord('dummy', undefined, [{ name: 'mu', factor: 2 }])).toThrow(/known: none/);
  });
});

describe('output and input paths', () => {
  it('accepts an existing directory or one that can be created, and creates nothing', () => {
    const { dir } = harness();
    expect(checkOutDir('--out', dir)).toBe(dir);
    expect(checkOutDir('--out', join(dir, 'a', 'b'))).toBe(join(dir, 'a', 'b'));
    expect(readdirSync(dir)).toEqual([]);
  });
  it('refuses an empty path, a file, a path under a file and an unwritable place, in one line', () => {
    const { dir } = harness();
    const file = join(dir, 'f.txt');
    writeFileSync(file, 'x');
    expect(() => checkOutDir('--out', '')).toThrow('--out: expected a directory, got an empty path');
    expect(() => checkOutDir('--out', file)).toThrow(`--out ${file}: is a file, expected a directory`);
    expect(() => checkOutDir('--out', join(file, 'sub'))).toThrow(`${file} is a file, expected a directory`);
    // /proc refuses new entries even to root (mode bits alone would not tell)
    if (process.platform === 'linux') expect(() => checkOutDir('--out', '/proc/dt-results')).toThrow(/cannot create it \(\/proc is not writable\)/);
    for (const bad of ['', file, '/proc/dt-results']) {
      try {
        checkOutDir('--out', bad);
      } catch (e) {
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });
  it('checks a JSON output file and a results directory to read', () => {
    const { dir } = harness();
    mkdirSync(join(dir, 'sub'));
    expect(checkOutFile('--json', join(dir, 'r.json'))).toBe(join(dir, 'r.json'));
    expect(() => checkOutFile('--json', join(dir, 'sub'))).toThrow(/is a directory, expected a file/);
    expect(() => checkOutFile('--json', '')).toThrow(/empty path/);
    expect(checkInDir('--out', dir)).toBe(dir);
    expect(() => checkInDir('--out', join(dir, 'missing'))).toThrow(/no such directory/);
    writeFileSync(join(dir, 'f'), '');
    expect(() => checkInDir('--out', join(dir, 'f'))).toThrow(/is a file/);
  });
});
