import type { Rng } from '@diffusion-theory/kernel';
import type { z } from 'zod';
import type { VlSpec } from './plot/render.js';
import type { Progress } from './progress.js';
import type { Check, Figure, Series } from './result.js';

export type Scale = 'quick' | 'paper';
export const SCALES: readonly Scale[] = ['quick', 'paper'];

/** What an experiment's `run` receives. */
export interface ExperimentContext<P> {
  /** Validated parameters (defaults of the scale, then --config, then --set). */
  params: P;
  scale: Scale;
  /** Root seed given on the command line. */
  seed: number;
  /** This experiment's random stream: `new Rng(seed).stream(hash(id))` (independent of which other experiments run). */
  rng: Rng;
  /** DIR/<id>/, already created. */
  outDir: string;
  /** `progress.phase(name, total)` gives `{ tick(n?), done() }`; each finished phase is recorded in `timings`. */
  progress: Progress;
  /** One line of log output (prefixed with the experiment id). */
  log: (message: string) => void;
  /**
   * Render a vega-lite spec (see `src/plot/`) to `<name>.svg` and `<name>.png` in outDir,
   * record it in the result's `figures` and return the entry. The caption is also drawn under
   * the figure title unless the spec already has a subtitle.
   */
  figure: (name: string, spec: VlSpec, caption: string) => Promise<Figure>;
  /** `text` followed by what was run: every parameter, the scale and the seed (for figure captions). */
  caption: (text: string) => string;
}

/** What `run` returns; the runner adds id, title, parameters, scale, seed, version, createdAt, figures, timings. */
export interface ExperimentOutput {
  series: Series[];
  checks: Check[];
  /** Extra timings (ms) besides the phases recorded by `progress`. */
  timings?: Record<string, number>;
}

/**
 * One experiment (one paper figure, theory beside simulation). Add one by writing
 * `src/experiments/<id>.ts` exporting `defineExperiment({...})` and listing it in
 * `src/experiments/index.ts`.
 */
export interface Experiment<S extends z.ZodObject = z.ZodObject> {
  /** kebab-case id, also the output directory name. */
  id: string;
  title: string;
  /** The paper and figure reproduced. */
  paper: string;
  description: string;
  /** Parameter schema; `.describe()` each field with its meaning and unit; bounds with .min/.max. */
  params: S;
  /** Parameter sets of the two scales (validated against `params`). */
  defaults: { quick: z.input<S>; paper: z.input<S> };
  /** Part of the default set (`run --default`). */
  default: boolean;
  run(ctx: ExperimentContext<z.output<S>>): Promise<ExperimentOutput>;
}

// biome-ignore lint/suspicious/noExplicitAny: registry holds experiments with different schemas
export type AnyExperiment = Experiment<any>;

/** Identity with type inference of the schema (so `ctx.params` is typed). */
export function defineExperiment<S extends z.ZodObject>(e: Experiment<S>): Experiment<S> {
  return e;
}

/** FNV-1a hash of a string to a 31-bit non-negative integer (the experiment's Rng stream index). */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}
