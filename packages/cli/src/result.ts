import { z } from 'zod';

/**
 * The schema of `DIR/<id>/result.json` (documented in packages/cli/README.md).
 * One record per experiment run; theory and simulation share the `series` shape so that
 * one plot and one metric serve both.
 */
export const SeriesSchema = z
  .object({
    /** Legend label, e.g. "theory H^2(t)" or "SDE samples". */
    name: z.string(),
    /** 'theory' (a prediction, drawn as a line), 'simulation' (drawn as markers / maps), 'target' (ground truth). */
    kind: z.enum(['theory', 'simulation', 'target']),
    /** Abscissa values (a curve). */
    x: z.array(z.number()).optional(),
    /** Ordinate values, same length as x. */
    y: z.array(z.number()).optional(),
    /** Point cloud, e.g. samples projected to 2-D: [[x, y], ...]. */
    points: z.array(z.array(z.number())).optional(),
    /** Error bars / spread of y (same length as y), e.g. one Monte-Carlo standard error. */
    yErr: z.array(z.number()).optional(),
    /** Names of the axes / columns, e.g. { x: 't', y: 'H^2' }. */
    labels: z.record(z.string(), z.string()).optional(),
    /** Anything else that identifies the series (panel, method, mixture, ...). */
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export const CheckSchema = z.object({
  /** What is compared, e.g. "2-mode SDE: mean error per coordinate". */
  name: z.string(),
  /** The measured value. */
  value: z.number().nullable(),
  /** The expected (theoretical) value. */
  expected: z.number(),
  /** Allowed |value - expected|. */
  tolerance: z.number().nonnegative(),
  /** |value - expected| <= tolerance (false for NaN). */
  pass: z.boolean(),
  /** How the tolerance was derived (Monte-Carlo error formula, discretisation order, ...). */
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
  /** The parameters actually used, after defaults, --config and --set. */
  parameters: z.record(z.string(), z.unknown()),
  scale: z.enum(['quick', 'paper']),
  /** The root seed; the experiment's Rng is `new Rng(seed).stream(hash(id))`. */
  seed: z.number().int().nonnegative(),
  series: z.array(SeriesSchema),
  checks: z.array(CheckSchema),
  /** Wall time per phase, milliseconds. `total` is the whole run. */
  timings: z.record(z.string(), z.number()),
  figures: z.array(FigureSchema),
  /** Version of @diffusion-theory/cli that produced the file. */
  version: z.string(),
  /** ISO 8601 time the run finished. */
  createdAt: z.string(),
});

export type Series = z.infer<typeof SeriesSchema>;
export type Check = z.infer<typeof CheckSchema>;
export type Figure = z.infer<typeof FigureSchema>;
export type ExperimentResult = z.infer<typeof ResultSchema>;

/**
 * A check of a measured `value` against an `expected` one: pass iff |value - expected| <= tolerance.
 * Non-finite values fail (and are recorded as null in JSON). `note` states where the tolerance
 * comes from (e.g. "3 sqrt(tr C / (n d)), Monte-Carlo error of the sample mean").
 */
export function check(name: string, value: number, expected: number, tolerance: number, note = ''): Check {
  const finite = Number.isFinite(value);
  return {
    name,
    value: finite ? value : null,
    expected,
    tolerance,
    pass: finite && Math.abs(value - expected) <= tolerance,
    note,
  };
}

/** A one-sided check value <= bound (recorded as expected = 0, tolerance = bound). For non-negative errors. */
export function checkBelow(name: string, value: number, bound: number, note = ''): Check {
  return check(name, value, 0, bound, note);
}
