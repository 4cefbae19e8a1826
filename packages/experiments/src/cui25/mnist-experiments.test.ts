import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../run.js';
import { type ExperimentResult, ResultSchema } from '../result.js';
import fashion from './cui25-fashion.js';
import mnist7 from './cui25-mnist7.js';
import collapse from './cui25-model-collapse.js';

const ALL = [mnist7, collapse, fashion];

async function runTiny(exp: (typeof ALL)[number], overrides: Array<[string, unknown]>): Promise<ExperimentResult> {
  const dir = mkdtempSync(join(tmpdir(), `dt-${exp.id}-`));
  const lines: string[] = [];
  await runExperiment(exp, Object.fromEntries(overrides), { seed: 2, outDir: dir });
  return ResultSchema.parse(JSON.parse(readFileSync(join(dir, exp.id, 'result.json'), 'utf8')));
}

function expectFiniteSeries(r: ExperimentResult): void {
  for (const s of r.series) {
    for (const v of [...(s.x ?? []), ...(s.y ?? []), ...(s.points ?? []).flat()]) expect(Number.isFinite(v), `${s.name}`).toBe(true);
  }
}

const check = (r: ExperimentResult, prefix: string) => {
  const c = r.checks.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no check starting with "${prefix}" in ${r.checks.map((x) => x.name).join(' | ')}`);
  return c;
};

describe('MNIST / model-collapse / FashionMNIST experiments (tiny scale, d = 784)', () => {
  const tiny: Array<[string, unknown]> = [['nSamples', 300], ['tauEvery', 0.1], ['bulkBins', 4], ['spikes', 4], ['imageRows', 1]];

  it('cui25-mnist7: valid result; Result 2.2 is exact given w (off-span variance = v_tf); b follows eq. 11 + O(r/d)', async () => {
    const r = await runTiny(mnist7, [...tiny, ['snapshots', [0.4, 0.8]], ['realData', false], ['dtau', 0.04]]);
    expect(r.figures.map((f) => f.file).sort()).toEqual(['generated-images.png', 'projected-density.png', 'summary-statistics.png']);
    expectFiniteSeries(r);
    // exact at any tau and d given the weights: the off-span(w) variance of the d-dim samples is v_tf
    expect(check(r, 'v_tf: off-span').pass).toBe(true);
    // the skip connection decouples from w (spec §4.2): the finite-d b matches at any scale
    expect(check(r, 'b at tau').pass).toBe(true);
    // small Lambda => v_tf far below the bulk variance, whatever tau
    expect(check(r, 'mode collapse off span(w)').pass).toBe(true);
  }, 120_000);

  it('cui25-model-collapse: valid result; generation 2 has less variance than generation 1', async () => {
    const r = await runTiny(collapse, [['nSamples', 300], ['tauEvery', 0.1], ['bulkBins', 4], ['spikes', 4], ['imageCols', 2], ['nc', 6], ['tau', 1], ['dtau', 0.05]]);
    expectFiniteSeries(r);
    expect(r.series.filter((s) => s.meta?.panel === 'density' && s.kind !== 'target')).toHaveLength(4);
    expect(check(r, 'simulation: generation-2 / generation-1 total variance').pass).toBe(true);
    expect(check(r, 'theory: generation-2 / generation-1 total variance').pass).toBe(true);
  }, 120_000);

  it('cui25-fashion: valid result, or a failing dataset-available check when FashionMNIST is absent', async () => {
    const r = await runTiny(fashion, [...tiny, ['snapshots', [0.4]], ['limit', 300], ['dtau', 0.02]]);
    const avail = check(r, 'dataset-available');
    expectFiniteSeries(r);
    if (avail.pass) {
      expect(r.figures).toHaveLength(3);
      expect(check(r, 'v_tf: off-span').pass).toBe(true);
    } else {
      expect(r.series).toEqual([]);
      expect(avail.note).toMatch(/apt-get install dataset-fashion-mnist/);
    }
  }, 120_000);
});
