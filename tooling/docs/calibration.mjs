#!/usr/bin/env node
// Writes docs/calibration.md from the calibration reports in docs/calibration/<id>.json (each the
// object returned by `calibrate()` of @diffusion-theory/experiments, or written by
// `diffusion-theory calibrate <id> --seeds N --json docs/calibration/<id>.json`).
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const dir = join(root, 'docs', 'calibration');
const reports = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const lines = [
  '# Calibration of the experiments\' checks',
  '',
  'Each experiment was run at quick scale over many seeds (`diffusion-theory calibrate <id> --seeds N`);',
  'a run fails when any of its checks fails. With the right theory that family-wise failure rate is the',
  'false-alarm rate, which must stay at or below 2 %. The upper bound is the one-sided 95 % Clopper–Pearson',
  'bound of the rate. The column "power" is the family-wise failure rate with a deliberately wrong theory',
  '(the perturbation named, injected through the test hook), where one was measured.',
  '',
  'Regenerate this page with `node tooling/docs/calibration.mjs` after writing the JSON reports.',
  '',
  '| experiment | seeds | checks | runs with a failing check | false-alarm rate (95 % upper) | power (perturbation) |',
  '|---|---|---|---|---|---|',
];
for (const r of reports) {
  const power = r.power ? `${pct(r.power.familyWiseFailureRate)} (${Object.entries(r.power.perturb ?? {}).map(([k, v]) => `${k} x ${v}`).join(', ')}, ${r.power.seeds.length} seeds)` : '-';
  lines.push(`| \`${r.id}\` | ${r.seeds.length} (from ${r.seeds[0]}) | ${r.checks.length} | ${r.runsWithFailure} | ${pct(r.familyWiseFailureRate)} (${pct(r.familyWiseUpper95)}) | ${power} |`);
}
lines.push('', '## Per check', '');
for (const r of reports) {
  lines.push(`### ${r.id}`, '', '| check | kind | pass rate | mean | sd | worst deviation / tolerance |', '|---|---|---|---|---|---|');
  for (const c of r.checks) {
    const f = (v) => (v === undefined || v === null || Number.isNaN(v) ? '-' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(3));
    lines.push(`| ${c.name.replaceAll('|', '\\|')} | ${c.kind} | ${pct(c.passRate)} | ${f(c.mean)} | ${f(c.sd)} | ${f(c.worstDeviationOverTolerance)} |`);
  }
  lines.push('');
}
const out = join(root, 'docs', 'calibration.md');
writeFileSync(`${out}.tmp`, `${lines.join('\n')}\n`);
renameSync(`${out}.tmp`, out);
console.log(`docs/calibration.md: ${reports.length} experiment(s)`);
