import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrate } from '@diffusion-theory/experiments';
import { describe, expect, it } from 'vitest';
import { formatCalibration, formatRate, formatValue } from './calibrate.js';
import { runCli } from './cli.js';
import { coin, harness } from './test-helpers.js';

const withoutTime = (r: Record<string, unknown>) => ({ ...r, elapsedMs: 0 });

describe('calibrate command', () => {
  it('prints each check\'s pass rate and spread and the family-wise rate, and writes the same report as calibrate()', async () => {
    const h = harness();
    const file = join(h.dir, 'sub', 'coin.json');
    const code = await runCli(['calibrate', 'coin', '--seeds', '20', '--first-seed', '5', '--set', 'z=1', '--json', file], h.deps);
    expect(code).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    const direct = await calibrate(coin, { seeds: 20, firstSeed: 5, params: { n: 100, z: 1 } });
    expect(withoutTime(written)).toEqual(withoutTime(JSON.parse(JSON.stringify(direct))));
    expect(written.seeds).toEqual(Array.from({ length: 20 }, (_, i) => 5 + i));
    expect(written.params).toEqual({ n: 100, z: 1 });
    // z = 1: a run fails with probability 32 %, so some of 20 fail (none with probability 4e-4; fixed seeds, so deterministic)
    const c = written.checks[0];
    expect(c.runs).toBe(20);
    expect(c.passes + written.runsWithFailure).toBe(20);
    expect(written.failingSeeds.length).toBe(written.runsWithFailure);
    expect(written.runsWithFailure).toBeGreaterThan(0);
    const text = h.out.join('\n');
    expect(text).toContain(`sample mean  agreement  ${c.passes}/20`);
    expect(text).toContain(`family-wise failure rate (false alarms): ${written.runsWithFailure}/20 = ${formatRate(written.familyWiseFailureRate)}, 95 % upper bound ${formatRate(written.familyWiseUpper95)}`);
    expect(text).toContain(`seeds with a failing check: ${written.failingSeeds.join(', ')}`);
    expect(text).toContain(`calibration report -> ${file}`);
    // CI progress: a line every 10 seeds
    expect(h.out.filter((l) => /^coin \| \d+\/20 seeds/.test(l)).map((l) => l.split(' ')[2])).toEqual(['10/20', '20/20']);
    expect(readdirSync(join(h.dir, 'sub'))).toEqual(['coin.json']);
  });

  it('--max-false-alarm: exit 1 when the family-wise rate exceeds it, 0 otherwise', async () => {
    const h = harness();
    expect(await runCli(['calibrate', 'coin', '--seeds', '12', '--set', 'z=0.5', '--max-false-alarm', '0.02'], h.deps)).toBe(1);
    expect(h.err.at(-1)).toMatch(/^calibrate: family-wise failure rate \d+\.\d % exceeds --max-false-alarm 2\.0 %$/);
    const h2 = harness();
    expect(await runCli(['calibrate', 'coin', '--seeds', '12', '--set', 'z=6', '--max-false-alarm', '0'], h2.deps)).toBe(0);
    expect(h2.out.join('\n')).toContain('(false alarms): 0/12 = 0.0 %');
  });

  it('--perturb measures the power: a mean off by 100 % (10 standard errors) fails every run', async () => {
    const h = harness();
    expect(await runCli(['calibrate', 'coin', '--seeds', '10', '--perturb', 'mu=2'], h.deps)).toBe(0);
    const text = h.out.join('\n');
    expect(text).toContain('perturbed theory: mu x 2');
    expect(text).toContain('(power against the perturbed theory): 10/10 = 100.0 %');
  });

  it.each([
    [['calibrate', 'coin'], /required option '--seeds <n>'/],
    [['calibrate', 'coin', '--seeds', '0'], /--seeds: expected an integer in \[1, 1000000\], got "0"/],
    [['calibrate', 'coin', '--seeds', '3', '--first-seed', '0x10'], /--first-seed: expected a non-negative integer written in decimal digits, got "0x10"/],
    [['calibrate', 'coin', '--seeds', '3', '--first-seed', '4294967295'], /the last seed would exceed 2\^32 - 1/],
    [['calibrate', 'coin', '--seeds', '3', '--set', 'z=11'], /parameter "z": 11 is out of range/],
    [['calibrate', 'coin', '--seeds', '3', '--set', 'dummy:a=1'], /experiment "dummy" is not among those being run/],
    [['calibrate', 'coin', '--seeds', '3', '--perturb', 'sigma=2'], /has no perturbation "sigma" \(known: mu\)/],
    [['calibrate', 'coin', '--seeds', '3', '--perturb', 'mu=2', '--max-false-alarm', '0.1'], /not meaningful with --perturb/],
    [['calibrate', 'coin', '--seeds', '3', '--max-false-alarm', '5'], /expected a rate in \[0, 1\]/],
    [['calibrate', 'coin', '--seeds', '3', '--json', ''], /--json: expected a file name, got an empty path/],
    [['calibrate', 'nope', '--seeds', '3'], /unknown experiment "nope"/],
    [['calibrate', 'pair', '--seeds', '3', '--set', 'lo=4', '--set', 'hi=1'], /lo = 4 must be below hi = 1/],
  ])('refuses %j before any work (exit 2)', async (argv, msg) => {
    const h = harness();
    expect(await runCli(argv, h.deps)).toBe(2);
    expect(h.err.join('\n')).toMatch(msg);
    expect(h.out.filter((l) => l.includes('seeds'))).toEqual([]);
  });

  it('--json naming a directory is refused before any work', async () => {
    const h = harness();
    expect(await runCli(['calibrate', 'coin', '--seeds', '3', '--json', h.dir], h.deps)).toBe(2);
    expect(h.err).toEqual([`error: --json ${h.dir}: is a directory, expected a file`]);
    expect(existsSync(join(h.dir, 'coin.json'))).toBe(false);
  });
});

describe('calibration text', () => {
  it('formats numbers and a report with a table row per check', () => {
    expect(formatValue(Number.NaN)).toBe('-');
    expect(formatValue(undefined)).toBe('-');
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(1.5e-5)).toBe('1.500e-5');
    expect(formatRate(0.02)).toBe('2.0 %');
    const lines = formatCalibration({
      id: 'x',
      scale: 'quick',
      seeds: [1, 2, 3, 4],
      params: {},
      checks: [{ name: 'c', kind: 'agreement', runs: 4, passes: 3, passRate: 0.75, mean: 1, sd: 0.5, min: 0.5, max: 2, tolerance: 1, worstDeviationOverTolerance: 1.25 }],
      runsWithFailure: 1,
      familyWiseFailureRate: 0.25,
      familyWiseUpper95: 0.75,
      failingSeeds: [3],
      elapsedMs: 1500,
    });
    expect(lines[0]).toBe('x: 4 seed(s) 1..4, scale quick, 1.5 s');
    expect(lines[2]).toMatch(/^check +kind +pass +mean +sd +min +max +worst \|dev\|\/tol$/);
    expect(lines[3].split(/ +/)).toEqual(['c', 'agreement', '3/4', '1', '0.5', '0.5', '2', '1.25']);
    expect(lines.at(-2)).toBe('family-wise failure rate (false alarms): 1/4 = 25.0 %, 95 % upper bound 75.0 %');
    expect(lines.at(-1)).toBe('seeds with a failing check: 3');
  });
});
