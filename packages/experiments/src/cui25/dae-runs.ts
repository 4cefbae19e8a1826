/**
 * Wiring shared by the DAE experiments of Cui, Pehlevan, Lu 2025 (no numerics): the record grid of
 * online SGD in training time tau, R replicate runs on named random streams, the Result 2.1 ODE
 * saved on the same grid, and curves picked out of the shared SummaryStatsRecord layout.
 */
import { type TiedDae, tiedDae } from '@diffusion-theory/denoisers';
import { type InterpolantSchedule, type NDArray, type Rng, type SampleSource, type SummaryStats, type SummaryStatsRecord, linearInterpolant } from '@diffusion-theory/kernel';
import { type DaeOdeRecord, type DaeQuadratureOptions, type FiniteDSkipCorrection, finiteDSkipCorrection, solveDaeOde } from '@diffusion-theory/ode-theory';
import { paperGrid, sampleInterpolant } from '@diffusion-theory/samplers';
import type { SpectralGroupMixture } from '@diffusion-theory/targets';
import { type OnlineSgdResult, onlineSgd } from '@diffusion-theory/trainers';
import type { ExperimentContext } from '../experiment.js';

/** alpha_t = 1 - t, beta_t = t, epsilon = 0: every figure of the paper. */
export const SCHEDULE: InterpolantSchedule = linearInterpolant();

/** The training setup of one experiment (spec §2). */
export interface DaeSetup {
  target: SpectralGroupMixture;
  r: number;
  activation: 'linear' | 'tanh' | 'relu';
  /** Initial weights (d x r), shared by every replicate. */
  w: NDArray;
  /** Initial (or frozen) skip connection; default 0. */
  b?: number;
  /** Train b (default true); false freezes it at `b` (App. D remedy). */
  trainB?: boolean;
  eta: number;
  lambda: number;
  lossTimes: number[];
  tauMax: number;
  tauEvery: number;
}

/**
 * The record grid: SGD records every `every` steps (tau spacing 2 eta every / d), the run has a
 * whole number of records, and the ODE steps `odeEvery` times per record (RK4 step <= 0.02).
 */
export function recordGrid(s: DaeSetup): { every: number; spacing: number; steps: number; records: number; odeEvery: number } {
  const d = s.target.dim;
  const every = Math.max(1, Math.round((s.tauEvery * d) / (2 * s.eta)));
  const spacing = (2 * s.eta * every) / d;
  const records = Math.max(1, Math.round(s.tauMax / spacing));
  return { every, spacing, steps: every * records, records, odeEvery: Math.ceil(spacing / 0.02 - 1e-9) };
}

/** Snap training times to the record grid (the record index of each). */
export function recordIndex(s: DaeSetup, taus: readonly number[]): number[] {
  const g = recordGrid(s);
  return taus.map((t) => Math.min(g.records, Math.max(0, Math.round(t / g.spacing))));
}

/**
 * R independent online-SGD runs from the same initial weights, run j on `ctx.rng.named(stream, j)`;
 * replicate 0 keeps checkpoints (model clones) at the given record indices. The data are `source`
 * (default the target itself; e.g. the images, or another model's samples), the statistics those of the target.
 */
export function trainReplicates(ctx: ExperimentContext<unknown>, s: DaeSetup, R: number, o: { checkpoints?: number[]; stream?: string; label?: string; source?: SampleSource } = {}): OnlineSgdResult[] {
  const g = recordGrid(s);
  const d = s.target.dim;
  const phase = ctx.progress.phase(o.label ?? 'online SGD (all replicates)', R);
  const reference = { mus: s.target.means(), E: s.target.reference(), groups: s.target.groups, Ng: s.target.Ng, microscopic: s.target.microscopic };
  const out: OnlineSgdResult[] = [];
  for (let j = 0; j < R; j++) {
    out.push(
      onlineSgd({
        model: tiedDae({ d, r: s.r, activation: s.activation, w: s.w, b: s.b ?? 0 }),
        target: o.source ?? s.target,
        schedule: SCHEDULE,
        grid: { times: s.lossTimes },
        eta: s.eta,
        lambda: s.lambda,
        steps: g.steps,
        trainB: s.trainB ?? true,
        rng: ctx.rng.named(o.stream ?? 'sgd', j),
        record: { every: g.every, ...reference },
        checkpoints: j === 0 && o.checkpoints ? o.checkpoints.map((i) => i * g.spacing) : undefined,
      }),
    );
    phase.tick();
  }
  phase.done();
  return out;
}

/**
 * Result 2.1 from the statistics of the actual initial weights, saved on the SGD record grid.
 * `spec` defaults to the target's constants (pass a perturbed copy to break the theory in tests).
 */
export function theoryOnRecords(ctx: ExperimentContext<unknown>, s: DaeSetup, init: SummaryStats, o: { eta?: number; spec?: ReturnType<SpectralGroupMixture['constants']>; form?: 'stein' | 'regression'; quadrature?: DaeQuadratureOptions } = {}): DaeOdeRecord {
  const g = recordGrid(s);
  const phase = ctx.progress.phase('Result 2.1 ODE', 1);
  const rec = solveDaeOde({
    spec: o.spec ?? s.target.constants(),
    init,
    trainB: s.trainB ?? true,
    r: s.r,
    activation: s.activation,
    form: o.form,
    quadrature: o.quadrature,
    grid: { times: s.lossTimes },
    schedule: SCHEDULE,
    eta: o.eta ?? s.eta,
    lambda: s.lambda,
    tauMax: g.steps * ((2 * s.eta) / s.target.dim),
    dtau: g.spacing / g.odeEvery,
    saveEvery: g.odeEvery,
  });
  phase.done();
  return rec;
}

/**
 * The finite-d prediction of the mean of b over SGD runs along the ODE path (ode-theory's
 * finiteDSkipCorrection: Lambda_d = E||x1||^2 / d, the network term and SGD's Euler step).
 */
export function skipAtFiniteD(s: DaeSetup, th: DaeOdeRecord, o: { secondMoment?: number } = {}): FiniteDSkipCorrection {
  return finiteDSkipCorrection({ record: th, spec: s.target.constants(), d: s.target.dim, activation: s.activation, grid: { times: s.lossTimes }, schedule: SCHEDULE, eta: s.eta, secondMoment: o.secondMoment ?? s.target.secondMoment() });
}

/** The curve of one entry of a statistic over the records: field Q (r x r), M (K x r), G (r x R) or b. */
export function curve(rec: SummaryStatsRecord, field: 'Q' | 'M' | 'G' | 'b', index = 0): number[] {
  const n = rec.tau.length;
  const a = rec[field];
  if (!a) throw new Error(`curve: the record has no ${field}`);
  const stride = a.length / n;
  return Array.from({ length: n }, (_, k) => a[k * stride + index]);
}

/** n samples of the d-dimensional sampler of spec §1.3 (grid k/N, round(t_f N) Euler steps) with a trained DAE: samplers' sampleInterpolant. */
export function generate(model: TiedDae, o: { n: number; N: number; tf: number; rng: Rng }): NDArray {
  return sampleInterpolant({ denoiser: model, schedule: SCHEDULE, n: o.n, rng: o.rng, grid: paperGrid(o.N, o.tf) }).samples;
}

/** Column a of an n x k sample matrix. */
export function column(x: NDArray, a: number): Float64Array {
  const [n, k] = x.shape;
  const data = x.contiguous().data;
  return Float64Array.from({ length: n }, (_, i) => data[i * k + a]);
}

/** The constraint between N and t_f of the discretised sampler (refused before any work). */
export function samplerGridProblems(p: { N: number; tf: number }): string[] {
  const K = Math.round(p.tf * p.N);
  if (K >= p.N) return [`N, tf: round(tf N) = ${K} Euler steps reach t = 1, where alpha_t = 0 (take tf < 1 - 1/(2N) = ${(1 - 0.5 / p.N).toFixed(4)} or a larger N)`];
  if (K < 1) return [`N, tf: round(tf N) = ${K}: no Euler step (take a larger N)`];
  return [];
}
