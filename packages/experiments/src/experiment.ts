import type { Rng } from '@diffusion-theory/kernel';
import type { VlSpec } from '@diffusion-theory/plots';
import type { z } from 'zod';
import type { Check, Figure, Series } from './result.js';

export type Scale = 'quick' | 'paper';
export const SCALES: readonly Scale[] = ['quick', 'paper'];

/** One phase of an experiment: `tick(n)` advances by n (default 1) of `total`; `done()` ends it. */
export interface PhaseHandle {
  tick(n?: number): void;
  done(): void;
}

/** What experiments receive as `ctx.progress` (the CLI draws bars; code callers may ignore it). */
export interface Progress {
  phase(name: string, total: number): PhaseHandle;
}

/** What an experiment's `run` receives. */
export interface ExperimentContext<P> {
  /** Validated parameters (defaults of the scale, then the caller's overrides). */
  params: P;
  scale: Scale;
  /** Root seed. */
  seed: number;
  /**
   * This experiment's random stream (`new Rng(seed).named(id)`, independent of which other
   * experiments run). Take sub-streams by name, `ctx.rng.named('sgd', replicate)`, never by
   * hand-picked numbers.
   */
  rng: Rng;
  /** `progress.phase(name, total)` gives `{ tick(n?), done() }`; each finished phase is recorded in `timings`. */
  progress: Progress;
  /** One line of log output. */
  log: (message: string) => void;
  /**
   * Render a vega-lite spec (from `@diffusion-theory/plots`) to `<name>.svg` and `<name>.png`
   * in the output directory (when there is one), record it in the result's `figures` and
   * return the entry. The caption is drawn under the figure title.
   */
  figure: (name: string, spec: VlSpec, caption: string) => Promise<Figure>;
  /** `text` followed by what was run: every parameter, the scale and the seed (for figure captions). */
  caption: (text: string) => string;
  /**
   * Test hook on a theory coefficient: returns `value` unchanged unless the caller of
   * `runExperiment` passed `perturb: { [name]: factor }`, then `value * factor`. Experiments
   * route the prediction's key coefficient through it (names listed in `perturbations`), so a
   * test can show that a wrong theory fails the agreement checks.
   */
  perturb: (name: string, value: number) => number;
}

/** What `run` returns; the runner adds id, title, parameters, scale, seed, version, createdAt, figures, timings. */
export interface ExperimentOutput {
  series: Series[];
  checks: Check[];
  /** Extra timings (ms) besides the phases recorded by `progress`. */
  timings?: Record<string, number>;
}

/**
 * One experiment (one paper figure, theory beside simulation): a parameter schema with two
 * scales and a short `run` that wires package functions, builds checks and draws figures.
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
  /**
   * Constraints between parameters that are valid alone (e.g. a time grid of N steps that must
   * stop short of t = 1): one message per violated constraint, naming the parameters. Checked
   * before any work.
   */
  validate?: (params: z.output<S>) => string[];
  /** Approximate peak memory of a run in bytes (refused up front when it exceeds the machine). */
  memoryBytes?: (params: z.output<S>) => number;
  /** Names accepted by `ctx.perturb` and what each scales (the theory coefficient a test breaks). */
  perturbations?: Record<string, string>;
  run(ctx: ExperimentContext<z.output<S>>): Promise<ExperimentOutput>;
}

// biome-ignore lint/suspicious/noExplicitAny: registry holds experiments with different schemas
export type AnyExperiment = Experiment<any>;

/** Identity with type inference of the schema (so `ctx.params` is typed). */
export function defineExperiment<S extends z.ZodObject>(e: Experiment<S>): Experiment<S> {
  return e;
}
