import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { readResults } from './report.js';
import { harness } from './test-helpers.js';

describe('runs that fail safely', () => {
  it('--out that is a file, empty or unwritable: exit 2, one line, before any work', async () => {
    const h = harness();
    const file = join(h.dir, 'taken');
    writeFileSync(file, 'not a directory');
    const cases: Array<[string, RegExp]> = [
      [file, /^error: --out .*taken: is a file, expected a directory$/],
      ['', /^error: --out: expected a directory, got an empty path$/],
      [join(file, 'below'), /^error: --out .*: .*taken is a file, expected a directory$/],
    ];
    if (process.platform === 'linux') cases.push(['/proc/dt-results', /^error: --out \/proc\/dt-results: cannot create it/]);
    for (const [out, msg] of cases) {
      h.err.length = 0;
      h.out.length = 0;
      expect(await runCli(['run', 'dummy', '--out', out], h.deps)).toBe(2);
      expect(h.err).toHaveLength(1);
      expect(h.err[0]).toMatch(msg);
      expect(h.err[0]).not.toContain('\n');
      expect(h.out).toEqual([]);
    }
    expect(readFileSync(file, 'utf8')).toBe('not a directory');
  });

  it.each(['', '0x10', '1e3', '-1', '1.5'])('--seed %j is refused (exit 2), not read as a number', async (seed) => {
    const h = harness();
    expect(await runCli(['run', 'dummy', '--out', h.dir, '--seed', seed], h.deps)).toBe(2);
    expect(h.err.join('\n')).toContain(`--seed: expected a non-negative integer written in decimal digits, got "${seed}"`);
    expect(readdirSync(h.dir)).toEqual([]);
  });

  it('parameters valid alone but not together (Experiment.validate): exit 2 before any work', async () => {
    const h = harness();
    expect(await runCli(['run', 'pair', 'dummy', '--out', h.dir, '--set', 'pair:lo=5', '--set', 'pair:hi=2'], h.deps)).toBe(2);
    expect(h.err.join('\n')).toMatch(/invalid parameters for experiment "pair":\n {2}- lo = 5 must be below hi = 2/);
    expect(readdirSync(h.dir)).toEqual([]);
    expect(await runCli(['run', 'pair', '--out', h.dir, '--set', 'lo=1', '--set', 'hi=3'], h.deps)).toBe(0);
  });

  it('one experiment whose output cannot be written does not stop the others (exit 1)', async () => {
    const h = harness();
    expect(await runCli(['run', 'bad-figure', 'dummy', '--out', h.dir], h.deps)).toBe(1);
    expect(h.err.join('\n')).toMatch(/bad-figure \| FAILED: .*ENAMETOOLONG/);
    expect(existsSync(join(h.dir, 'dummy', 'result.json'))).toBe(true);
    const error = JSON.parse(readFileSync(join(h.dir, 'bad-figure', 'error.json'), 'utf8'));
    expect(error.error).toMatch(/ENAMETOOLONG/);
    expect(readdirSync(join(h.dir, 'bad-figure'))).toEqual(['error.json']);
    expect(readdirSync(h.dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('report on a missing directory or a file is an error (exit 2) and writes nothing', async () => {
    const h = harness();
    const missing = join(h.dir, 'nothing-here');
    expect(await runCli(['report', '--out', missing], h.deps)).toBe(2);
    expect(h.err.at(-1)).toMatch(/^error: --out .*nothing-here: no such directory/);
    expect(existsSync(missing)).toBe(false);
    writeFileSync(join(h.dir, 'f'), '');
    expect(await runCli(['report', '--out', join(h.dir, 'f')], h.deps)).toBe(2);
    expect(h.err.at(-1)).toMatch(/is a file, expected a directory/);
  });

  it('after a failed re-run the report shows one entry per experiment, the latest (the failure)', async () => {
    const h = harness();
    expect(await runCli(['run', 'flaky', 'dummy', '--out', h.dir], h.deps)).toBe(0);
    let input = readResults(h.dir);
    expect(input.results.map((r) => r.id)).toEqual(['dummy', 'flaky']);
    expect(input.errors).toEqual([]);
    expect(await runCli(['run', 'flaky', '--out', h.dir, '--set', 'explode=true'], h.deps)).toBe(1);
    expect(readdirSync(join(h.dir, 'flaky'))).toEqual(['error.json']);
    input = readResults(h.dir);
    expect(input.results.map((r) => r.id)).toEqual(['dummy']);
    expect(input.errors).toEqual([{ id: 'flaky', title: 'Flaky', error: 'Error: exploded on purpose' }]);
    expect(await runCli(['report', '--out', h.dir], h.deps)).toBe(0);
    expect(h.out.at(-1)).toMatch(/report: 1 result\(s\), 1 failed run\(s\)/);
    const html = readFileSync(join(h.dir, 'index.html'), 'utf8');
    expect(html).toContain('exploded on purpose');
    expect(html).not.toContain('flaky value');
    // and back: a successful re-run replaces the failure
    expect(await runCli(['run', 'flaky', '--out', h.dir], h.deps)).toBe(0);
    input = readResults(h.dir);
    expect(input.results.map((r) => r.id)).toEqual(['dummy', 'flaky']);
    expect(input.errors).toEqual([]);
  });

  it('the report skips staging directories and, in a directory holding both files, takes the newer', () => {
    const h = harness();
    const staged = join(h.dir, '.flaky.partial-999999-0');
    mkdirSync(staged);
    writeFileSync(join(staged, 'error.json'), JSON.stringify({ id: 'flaky', error: 'half-finished' }));
    const both = join(h.dir, 'old');
    mkdirSync(both);
    writeFileSync(join(both, 'result.json'), '{"not": "a result"}');
    writeFileSync(join(both, 'error.json'), JSON.stringify({ id: 'old', error: 'newer failure' }));
    utimesSync(join(both, 'result.json'), new Date('2020-01-01'), new Date('2020-01-01'));
    let input = readResults(h.dir);
    expect(input.errors).toEqual([{ id: 'old', title: undefined, error: 'newer failure' }]);
    expect(input.results).toEqual([]);
    expect(input.invalid).toEqual([]);
    utimesSync(join(both, 'error.json'), new Date('2019-01-01'), new Date('2019-01-01'));
    input = readResults(h.dir);
    expect(input.errors).toEqual([]);
    expect(input.invalid.map((i) => i.file)).toEqual([join(both, 'result.json')]);
  });
});
