import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import { ResultSchema } from '../result.js';

describe('exact-score-sampling', () => {
  it('with the exact denoiser, SDE and ODE samples match the target within Monte-Carlo error (small d, n)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-ess-'));
    await runExperiment('exact-score-sampling', { d: 12, n: 1500, steps: 60, bins: 20, method: 'heun' }, { seed: 3, outDir: dir });
    const r = ResultSchema.parse(JSON.parse(readFileSync(join(dir, 'exact-score-sampling', 'result.json'), 'utf8')));
    expect(r.checks).toHaveLength(12);
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([]);
    expect(r.parameters.d).toBe(12);
    expect(r.figures[0].file).toBe('samples-vs-target.png');
    expect(r.series.filter((s) => s.kind === 'simulation')).toHaveLength(4);
  });
});
