import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { ResultSchema } from '../result.js';

describe('exact-score-sampling', () => {
  it('with the exact denoiser, SDE and ODE samples match the target within Monte-Carlo error (small d, n)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-ess-'));
    const out: string[] = [];
    const code = await runCli(
      ['run', 'exact-score-sampling', '--out', dir, '--seed', '3', '--set', 'd=12', '--set', 'n=1500', '--set', 'steps=60', '--set', 'bins=20', '--set', 'method=heun', '--strict'],
      { stdout: (s) => out.push(s), stderr: (s) => out.push(s), env: { CI: '1' }, isTTY: false },
    );
    const r = ResultSchema.parse(JSON.parse(readFileSync(join(dir, 'exact-score-sampling', 'result.json'), 'utf8')));
    expect(r.checks).toHaveLength(12);
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(code).toBe(0);
    expect(r.parameters.d).toBe(12);
    expect(r.figures[0].file).toBe('samples-vs-target.png');
    expect(r.series.filter((s) => s.kind === 'simulation')).toHaveLength(4);
  });
});
