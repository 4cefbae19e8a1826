import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnyExperiment } from '../experiment.js';
import { ResultSchema } from '../result.js';
import { runExperiment } from '../run.js';
import cui24BinaryGmm from './cui24-binary-gmm.js';
import cui25Bimodal from './cui25-bimodal.js';
import cui25FixedSkip from './cui25-fixed-skip.js';
import cui25ReluTrimodal from './cui25-relu-trimodal.js';
import cui25SummaryStats from './cui25-summary-stats.js';
import { experiments } from '../registry.js';

/** Tiny parameter sets (validated by each schema through the runner's --set path). */
const TINY: Array<[AnyExperiment, Record<string, unknown>]> = [
  [cui25SummaryStats, { d: 60, tauMax: 0.6, recordEvery: 0.2, replicates: 2 }],
  [cui25Bimodal, { d: 60, tauMax: 1, nSamples: 300, panelTaus: [0.5, 1], hellingerTaus: [0.5, 1], recordEvery: 0.25, replicates: 2 }],
  [cui25ReluTrimodal, { d: 60, r: 2, tauMax: 0.4, nSamples: 300, panelTaus: [0.4], recordEvery: 0.2, replicates: 2, ghNodes: 4 }],
  [cui25FixedSkip, { d: 60, tauMax: 0.4, nSamples: 200, nZ: 2000, recordEvery: 0.2 }],
  [cui24BinaryGmm, { d: 80, N: 20, tf: 0.95, nSamples: 20, nList: [2, 4], replicates: 3 }],
];

const out = mkdtempSync(join(tmpdir(), 'dae-exp-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('DAE-asymptotics experiments at a tiny scale', () => {
  it('are registered', () => {
    const ids = experiments.map((e) => e.id);
    for (const [e] of TINY) expect(ids).toContain(e.id);
  });

  for (const [exp, tiny] of TINY) {
    it(`${exp.id}: runs through the runner, validates, has finite series and its checks`, async () => {
      const lines: string[] = [];
      const res = ResultSchema.parse(await runExperiment(exp, tiny, { seed: 3, outDir: out }));
      expect(res.id).toBe(exp.id);
      expect(res.checks.length).toBeGreaterThanOrEqual(3);
      for (const c of res.checks) {
        expect(c.note.length).toBeGreaterThan(10);
        expect(c.kind === 'agreement' ? Number.isFinite(c.tolerance) : true).toBe(true);
      }
      expect(res.figures.length).toBeGreaterThanOrEqual(1);
      for (const f of res.figures) expect(f.caption).toContain('Parameters:');
      expect(res.series.length).toBeGreaterThan(0);
      for (const s of res.series) {
        if (s.x || s.y) {
          expect(s.x?.length).toBe(s.y?.length);
          expect((s.y ?? []).every(Number.isFinite)).toBe(true);
          expect((s.x ?? []).every(Number.isFinite)).toBe(true);
        }
        if (s.yErr) expect(s.yErr.length).toBe(s.y?.length);
        if (s.points) for (const pt of s.points) expect(pt.every(Number.isFinite)).toBe(true);
      }
      // theory and simulation share the record shape: every experiment has both kinds
      expect(res.series.some((s) => s.kind === 'theory')).toBe(true);
      expect(res.series.some((s) => s.kind === 'simulation')).toBe(true);
    });
  }

  it('cui25-summary-stats: the ODE b equals eq. 11 at any scale (exact, decoupled linear ODE)', async () => {
    const res = await runExperiment(cui25SummaryStats, TINY[0][1], { seed: 4 });
    const c = res.checks.find((x) => x.name.startsWith('b: ODE vs eq. 11'));
    expect(c?.pass).toBe(true);
  });
});
