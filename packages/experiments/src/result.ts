import type { Series as PlotSeries } from '@diffusion-theory/plots';
import { z } from 'zod';

/**
 * The schema of `DIR/<id>/result.json` (documented in the package README). One record per
 * experiment run; theory and simulation share the `series` shape so that one plot and one
 * metric serve both.
 */
export const SeriesSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['theory', 'simulation', 'target']),
    x: z.array(z.number()).optional(),
    y: z.array(z.number()).optional(),
    points: z.array(z.array(z.number())).optional(),
    yErr: z.array(z.number()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

/**
 * What a check states:
 * - `agreement`: theory against simulation (or against an exact value), |value - expected| <= tolerance,
 *   the tolerance from a stated error model (standard error of the mean, finite-d term, ...);
 * - `bound`: value within [lower, upper] (either side may be open), stored as a bound;
 * - `property`: a fact that must hold of the run (a monotonicity, an ordering), value optional;
 * - `precondition`: a condition under which the other checks mean something (e.g. training converged).
 */
export const CHECK_KINDS = ['agreement', 'bound', 'property', 'precondition'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const CheckSchema = z.object({
  kind: z.enum(CHECK_KINDS),
  /** What is compared, e.g. "2-mode SDE: mean error per coordinate". */
  name: z.string(),
  /** The measured value (null when not finite, or for a property without a value). */
  value: z.number().nullable(),
  /** agreement: the expected (theoretical) value. */
  expected: z.number().optional(),
  /** agreement: allowed |value - expected|. */
  tolerance: z.number().nonnegative().optional(),
  /** bound: value >= lower. */
  lower: z.number().optional(),
  /** bound: value <= upper. */
  upper: z.number().optional(),
  pass: z.boolean(),
  /** The error model behind the tolerance, or why the bound / property holds. */
  note: z.string(),
});

export const FigureSchema = z.object({
  /** PNG file name, relative to DIR/<id>/. */
  file: z.string(),
  /** SVG file name, relative to DIR/<id>/. */
  svg: z.string().optional(),
  /** What was run: parameters, n, d, seed. */
  caption: z.string(),
});

export const ResultSchema = z.object({
  /** Experiment id (kebab-case), also the directory name. */
  id: z.string(),
  title: z.string(),
  /** The paper (and figure) it reproduces. */
  paper: z.string().optional(),
  /** The parameters actually used. */
  parameters: z.record(z.string(), z.unknown()),
  scale: z.enum(['quick', 'paper']),
  /** The root seed; the experiment's Rng is `new Rng(seed).named(id)`. */
  seed: z.number().int().nonnegative(),
  series: z.array(SeriesSchema),
  checks: z.array(CheckSchema),
  /** Wall time per phase, milliseconds. `total` is the whole run. */
  timings: z.record(z.string(), z.number()),
  figures: z.array(FigureSchema),
  /** Version of @diffusion-theory/experiments that produced the file. */
  version: z.string(),
  /** ISO 8601 time the run finished. */
  createdAt: z.string(),
});

export type Series = z.infer<typeof SeriesSchema>;
export type Check = z.infer<typeof CheckSchema>;
export type Figure = z.infer<typeof FigureSchema>;
export type ExperimentResult = z.infer<typeof ResultSchema>;
// The zod record and the plots package's record are one shape.
const _seriesIsPlotSeries: (s: Series) => PlotSeries = (s) => s;
void _seriesIsPlotSeries;

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Theory against simulation (or an exact value): passes iff |value - expected| <= tolerance.
 * A non-finite value fails (stored as null). `note` states the error model of the tolerance.
 */
export function agreement(name: string, value: number, expected: number, tolerance: number, note: string): Check {
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) throw new RangeError(`agreement "${name}": tolerance must be finite and >= 0, got ${tolerance}`);
  const v = finiteOrNull(value);
  return { kind: 'agreement', name, value: v, expected, tolerance, pass: v !== null && Math.abs(v - expected) <= tolerance, note };
}

/** value within [lower, upper] (give one or both). Non-finite values fail. */
export function bound(name: string, value: number, range: { lower?: number; upper?: number }, note: string): Check {
  if (range.lower === undefined && range.upper === undefined) throw new RangeError(`bound "${name}": give lower, upper or both`);
  const v = finiteOrNull(value);
  const pass = v !== null && (range.lower === undefined || v >= range.lower) && (range.upper === undefined || v <= range.upper);
  return { kind: 'bound', name, value: v, lower: range.lower, upper: range.upper, pass, note };
}

/** A fact that must hold of the run; `value` is what was measured, if anything. */
export function property(name: string, holds: boolean, note: string, value?: number): Check {
  return { kind: 'property', name, value: value === undefined ? null : finiteOrNull(value), pass: holds, note };
}

/** A condition under which the other checks mean something (e.g. training did not diverge). */
export function precondition(name: string, holds: boolean, note: string, value?: number): Check {
  return { kind: 'precondition', name, value: value === undefined ? null : finiteOrNull(value), pass: holds, note };
}

/** One line: `PASS agreement name: value vs expected +- tol` or the bound / property form. */
export function formatCheck(c: Check): string {
  const f = (v: number | null | undefined) => {
    if (v === null || v === undefined) return 'NaN';
    if (v === 0) return '0';
    const a = Math.abs(v);
    return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : v.toPrecision(4);
  };
  const head = `${c.pass ? 'PASS' : 'FAIL'} ${c.kind}: ${c.name}`;
  if (c.kind === 'agreement') return `${head}: ${f(c.value)} vs ${f(c.expected)} +- ${f(c.tolerance)}`;
  if (c.kind === 'bound') return `${head}: ${f(c.value)} in [${c.lower === undefined ? '-inf' : f(c.lower)}, ${c.upper === undefined ? 'inf' : f(c.upper)}]`;
  return c.value === null ? head : `${head}: ${f(c.value)}`;
}
