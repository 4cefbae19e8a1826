import { type AnyExperiment, type CalibrationReport, calibrate, type Scale } from '@diffusion-theory/experiments';
import { ParameterError } from '@diffusion-theory/kernel';
import { yieldToEventLoop } from './interrupt.js';
import { createSeedProgress, formatMs } from './progress.js';

export interface CalibrationOptions {
  experiment: AnyExperiment;
  /** Number of seeds (runs), >= 1. */
  seeds: number;
  /** First seed (default that of `calibrate()`, 1000). */
  firstSeed?: number;
  scale: Scale;
  /** Resolved parameters (validated before the call). */
  params: Record<string, unknown>;
  /** Theory coefficients to scale (the power of the checks against a wrong theory). */
  perturb?: Record<string, number>;
  /** Live bar (TTY, CI unset) or a line every 10 seeds. */
  interactive: boolean;
  write: (line: string) => void;
  /** Told after each seed how many have finished (for the SIGINT message). */
  onSeed?: (done: number) => void;
}

/**
 * Run `calibrate()` of @diffusion-theory/experiments with progress per seed, yielding to the
 * event loop after each seed (so SIGINT is handled between seeds).
 * @throws ParameterError when `seeds` is not a positive integer.
 */
export async function runCalibration(o: CalibrationOptions): Promise<CalibrationReport> {
  if (!Number.isInteger(o.seeds) || o.seeds < 1) throw new ParameterError(`runCalibration: seeds must be a positive integer, got ${o.seeds}`);
  const progress = createSeedProgress({ label: o.experiment.id, total: o.seeds, interactive: o.interactive, write: o.write });
  try {
    return await calibrate(o.experiment, {
      seeds: o.seeds,
      firstSeed: o.firstSeed,
      scale: o.scale,
      params: o.params,
      perturb: o.perturb,
      onRun: async (seed, allPass) => {
        o.onSeed?.(progress.done + 1);
        progress.update(seed, allPass);
        await yieldToEventLoop();
      },
    });
  } finally {
    progress.stop();
  }
}

/** A number with 4 significant digits (exponent form when very large or small); `-` when not finite. */
export function formatValue(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** A rate as a percentage with one decimal. */
export function formatRate(r: number): string {
  return `${(100 * r).toFixed(1)} %`;
}

function table(rows: string[][]): string[] {
  const w = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) =>
    r
      .map((c, j) => (j === 0 || j === 1 ? c.padEnd(w[j]) : c.padStart(w[j])))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The text of a calibration report: one row per check (pass rate, mean, sd, min, max of its
 * value, and the worst |value - expected| / tolerance of agreement checks), then the
 * family-wise failure rate with its one-sided 95 % upper bound and the failing seeds.
 */
export function formatCalibration(r: CalibrationReport): string[] {
  const n = r.seeds.length;
  const head = `${r.id}: ${n} seed(s) ${n ? `${r.seeds[0]}..${r.seeds[n - 1]}` : ''}, scale ${r.scale}${r.perturb ? `, perturbed theory: ${Object.entries(r.perturb).map(([k, v]) => `${k} x ${v}`).join(', ')}` : ''}, ${formatMs(r.elapsedMs)}`;
  const rows = [['check', 'kind', 'pass', 'mean', 'sd', 'min', 'max', 'worst |dev|/tol']];
  for (const c of r.checks) {
    rows.push([c.name, c.kind, `${c.passes}/${c.runs}`, formatValue(c.mean), formatValue(c.sd), formatValue(c.min), formatValue(c.max), formatValue(c.worstDeviationOverTolerance)]);
  }
  const what = r.perturb ? 'family-wise failure rate (power against the perturbed theory)' : 'family-wise failure rate (false alarms)';
  const lines = [head, '', ...table(rows), '', `${what}: ${r.runsWithFailure}/${n} = ${formatRate(r.familyWiseFailureRate)}, 95 % upper bound ${formatRate(r.familyWiseUpper95)}`];
  if (r.failingSeeds.length) {
    const shown = r.failingSeeds.slice(0, 20).join(', ');
    lines.push(`seeds with a failing check: ${shown}${r.failingSeeds.length > 20 ? `, ... (${r.failingSeeds.length} in all)` : ''}`);
  }
  return lines;
}
