#!/usr/bin/env node
// Runs the whole test suite (vitest over every package, then the consumer smoke test) and ends
// with one summary line "tests: N passed, N failed, N skipped" that CI can read.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.tmp', 'vitest.json');
mkdirSync(join(root, '.tmp'), { recursive: true });
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const vitest = spawnSync(join(root, 'node_modules/.bin/vitest'), args, { cwd: root, stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  if (report.numFailedTestSuites > 0 && failed === 0) failed = report.numFailedTestSuites;
} catch {
  failed = 1;
}

let smokeOk = true;
if (vitest.status === 0 && !process.argv.includes('--no-smoke')) {
  const smoke = spawnSync('node', [join(root, 'tooling/smoke/consumer.mjs')], { cwd: root, stdio: 'inherit' });
  smokeOk = smoke.status === 0;
  if (smokeOk) passed += 1;
  else failed += 1;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(vitest.status === 0 && smokeOk ? 0 : 1);
