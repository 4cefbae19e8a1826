import type { AnyExperiment, Scale } from './experiment.js';
import type { CheckKind } from './result.js';
import { findExperiment } from './registry.js';
import { runExperiment } from './run.js';

export interface CalibrateOptions {
  /** Number of seeds (runs). */
  seeds: number;
  /** First seed; runs use firstSeed, firstSeed + 1, ... Default 1000 (apart from the default seed 1). */
  firstSeed?: number;
  scale?: Scale;
  /** Parameter overrides (as for runExperiment). */
  params?: Record<string, unknown>;
  /** Perturbed theory (the test hook): the calibration then measures the power to detect it. */
  perturb?: Record<string, number>;
  /** Called after each run with the seed and whether every check passed; awaited (so a caller can yield to the event loop, e.g. to handle SIGINT). */
  onRun?: (seed: number, allPass: boolean) => void | Promise<void>;
}

/** Pass rate and spread of one check over the seeds. */
export interface CheckCalibration {
  name: string;
  kind: CheckKind;
  runs: number;
  passes: number;
  passRate: number;
  /** Mean, standard deviation, min and max of the check's value over the runs (non-finite values excluded). */
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** Typical tolerance (agreement) over the runs, and the value's deviation from `expected` in units of it (max). */
  tolerance?: number;
  worstDeviationOverTolerance?: number;
}

export interface CalibrationReport {
  id: string;
  scale: Scale;
  seeds: number[];
  params: Record<string, unknown>;
  perturb?: Record<string, number>;
  checks: CheckCalibration[];
  /** Runs in which at least one check failed, and their share (the family-wise false-alarm rate when the theory is right). */
  runsWithFailure: number;
  familyWiseFailureRate: number;
  /** One-sided 95 % upper confidence bound of the family-wise rate (Clopper-Pearson). */
  familyWiseUpper95: number;
  /** Seeds whose run had a failing check. */
  failingSeeds: number[];
  elapsedMs: number;
}

/** Clopper-Pearson one-sided upper bound of a binomial proportion (k of n) at level 1 - alpha, by bisection. */
export function binomialUpper(k: number, n: number, alpha = 0.05): number {
  if (k >= n) return 1;
  // P(X <= k | p) = alpha, decreasing in p
  const cdf = (p: number) => {
    let s = 0;
    let term = (1 - p) ** n;
    for (let i = 0; i <= k; i++) {
      s += term;
      term *= ((n - i) / (i + 1)) * (p / (1 - p));
    }
    return s;
  };
  let lo = k / n;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Run an experiment over many seeds and report each check's pass rate and the spread of its
 * value, and the family-wise failure rate (a run with any failing check). With the right theory
 * the family-wise rate is the false-alarm rate; with `perturb` it is the power.
 */
export async function calibrate(experiment: string | AnyExperiment, o: CalibrateOptions): Promise<CalibrationReport> {
  const e = typeof experiment === 'string' ? findExperiment(experiment) : experiment;
  const first = o.firstSeed ?? 1000;
  const scale = o.scale ?? 'quick';
  const t0 = performance.now();
  const values = new Map<string, { kind: CheckKind; v: number[]; pass: number; runs: number; tol: number[]; dev: number[] }>();
  const seeds: number[] = [];
  const failingSeeds: number[] = [];
  let params: Record<string, unknown> = {};
  for (let i = 0; i < o.seeds; i++) {
    const seed = first + i;
    const r = await runExperiment(e, o.params ?? {}, { seed, scale, perturb: o.perturb });
    params = r.parameters;
    seeds.push(seed);
    let all = true;
    for (const c of r.checks) {
      let acc = values.get(c.name);
      if (!acc) {
        acc = { kind: c.kind, v: [], pass: 0, runs: 0, tol: [], dev: [] };
        values.set(c.name, acc);
      }
      acc.runs++;
      if (c.pass) acc.pass++;
      else all = false;
      if (c.value !== null) acc.v.push(c.value);
      if (c.kind === 'agreement' && c.tolerance !== undefined && c.expected !== undefined) {
        acc.tol.push(c.tolerance);
        if (c.value !== null && c.tolerance > 0) acc.dev.push(Math.abs(c.value - c.expected) / c.tolerance);
      }
    }
    if (!all) failingSeeds.push(seed);
    await o.onRun?.(seed, all);
  }
  const checks: CheckCalibration[] = [...values.entries()].map(([name, a]) => {
    const n = a.v.length;
    const mean = n ? a.v.reduce((s, x) => s + x, 0) / n : Number.NaN;
    const sd = n > 1 ? Math.sqrt(a.v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : Number.NaN;
    const tol = a.tol.length ? a.tol.reduce((s, x) => s + x, 0) / a.tol.length : undefined;
    return {
      name,
      kind: a.kind,
      runs: a.runs,
      passes: a.pass,
      passRate: a.pass / a.runs,
      mean,
      sd,
      min: n ? Math.min(...a.v) : Number.NaN,
      max: n ? Math.max(...a.v) : Number.NaN,
      tolerance: tol,
      worstDeviationOverTolerance: a.dev.length ? Math.max(...a.dev) : undefined,
    };
  });
  const k = failingSeeds.length;
  return {
    id: e.id,
    scale,
    seeds,
    params,
    perturb: o.perturb,
    checks,
    runsWithFailure: k,
    familyWiseFailureRate: k / o.seeds,
    familyWiseUpper95: binomialUpper(k, o.seeds),
    failingSeeds,
    elapsedMs: performance.now() - t0,
  };
}
