import {
  DivergenceError,
  DomainError,
  type InterpolantSchedule,
  type LossTimeGrid,
  NDArray,
  ParameterError,
  type PreparedSummaryStatsReference,
  type Rng,
  type SampleSource,
  ShapeError,
  type SummaryStats,
  type SummaryStatsRecord,
  assertInRange,
  assertInteger,
  assertPositive,
  isNDArray,
  prepareSummaryStatsReference,
  statsAt,
  summaryStatsOf,
} from '@diffusion-theory/kernel';
import { type TiedDae, addDaeWeightGrad, daeGrad, daeGradInto, daeLossCoefficients } from '@diffusion-theory/denoisers';
import type { StatisticsReference } from './statistics.js';

/** Anything that draws data x1 (kernel's `SampleSource`: `dim`, `sample(n, rng)`, optional `sampleInto`). */
export type { SampleSource } from '@diffusion-theory/kernel';

export interface SgdRecordOptions extends StatisticsReference {
  /** Record every this many SGD steps (default: about 100 records over the run). */
  every?: number;
  /** Alternative to `every`: record every this much training time tau (converted to steps, >= 1). */
  tauEvery?: number;
  /** Extra statistics of the current parameters (w is a live d x r view: do not keep it). */
  stats?: (w: NDArray, b: number, v: Float64Array) => Record<string, number | ArrayLike<number>>;
}

export interface SgdProgress {
  step: number;
  steps: number;
  tau: number;
  /** Mean per-sample loss since the previous record. */
  loss: number;
}

export interface OnlineSgdOptions {
  /** The tied DAE to train (updated in place and returned); its weights are the start (e.g. a warm start). */
  model: TiedDae;
  /** The data source (one fresh x1 per step); `target.dim` must equal `model.d`. */
  target: SampleSource;
  schedule: InterpolantSchedule;
  /** Loss time grid (kernel `LossTimeGrid`: weights optional, default uniform, else summing to 1); default { times: [0.5] } (Cui et al. 2025, eqs. 4–6). */
  grid?: LossTimeGrid;
  /** Learning rate eta (default 0.2). */
  eta?: number;
  /** Weight decay lambda (default 0). */
  lambda?: number;
  /** Number of SGD steps n (= number of samples). Give this or `tauMax`. */
  steps?: number;
  /** Final training time tau = 2 eta n / d (n = round(tauMax d / (2 eta))). */
  tauMax?: number;
  /** Randomness: stream 0 draws x0, stream 1 draws x1. */
  rng: Rng;
  record?: SgdRecordOptions;
  /**
   * Training times tau (ascending, within the run) at which to keep a clone of the model: each at the
   * first step n with tau_n = 2 eta n / d >= it (1e-9 relative slack for round-off). Returned in
   * `result.checkpoints`, in this order.
   */
  checkpoints?: readonly number[];
  onProgress?: (p: SgdProgress) => void;
  /** Throw DivergenceError on a non-finite or exploding loss (default true). */
  divergenceCheck?: boolean;
  /** A per-sample loss above threshold * d counts as divergence (default 1e6). */
  divergenceThreshold?: number;
  /** Pairs drawn per RNG block (default 256). Results do not depend on it. */
  block?: number;
  /**
   * Train the skip connection b (default true). `false` freezes b at `model.b`: the fixed-skip
   * remedy for mode collapse (Cui et al. 2025, App. D); w and v are trained as usual.
   */
  trainB?: boolean;
}

/**
 * The records of an online SGD run: kernel's `SummaryStatsRecord` (the record shape of the ODE, one
 * entry per record n, layouts there) plus the SGD step of each record, the mean per-sample loss over
 * the steps since record n-1 (NaN for the initial record), d, and the values of `record.stats`.
 */
export interface SgdRecords extends SummaryStatsRecord {
  d: number;
  step: Float64Array;
  loss: Float64Array;
  /** Values returned by `record.stats`, one array per record. */
  custom: Record<string, number[][]>;
}

/** A clone of the model at a requested training time. */
export interface SgdCheckpoint {
  /** The training time of the step, tau = 2 eta step / d (>= the requested time). */
  tau: number;
  step: number;
  model: TiedDae;
}

export interface OnlineSgdResult {
  model: TiedDae;
  records: SgdRecords;
  /** Statistics of the initial parameters: the ODE initial state (Cui et al. 2025, Result 2.1; pass it as `solveDaeOde({ init })`). */
  initial: SummaryStats;
  final: SummaryStats;
  /** One per `checkpoints` entry, in order (empty when none were asked for). */
  checkpoints: SgdCheckpoint[];
  steps: number;
  tau: number;
}

/**
 * The SummaryStats of record n.
 * @deprecated use kernel `statsAt(records, n)`; this wrapper (which checks n) goes in the next minor release.
 * @param rec - the records of an onlineSgd run
 * @param n - record index (integer in [0, records))
 * @returns the kernel SummaryStats of record n
 * @throws DomainError for n out of range
 */
export function recordAt(rec: SgdRecords, n: number): SummaryStats {
  assertInteger(n, 0, 'n');
  if (n >= rec.tau.length) throw new DomainError(`n: expected < ${rec.tau.length} records, got ${n}`);
  return statsAt(rec, n);
}

const STAT_FIELDS = ['M', 'G', 'q', 'm', 'g', 'u'] as const;

class Recorder {
  step: number[] = [];
  tau: number[] = [];
  loss: number[] = [];
  stats: SummaryStats[] = [];
  custom: Record<string, number[][]> = {};
  constructor(
    readonly model: TiedDae,
    readonly ref: PreparedSummaryStatsReference,
    readonly fn: SgdRecordOptions['stats'],
  ) {}
  take(step: number, tau: number, loss: number): SummaryStats {
    const { model } = this;
    const st = summaryStatsOf(model.w, model.d, model.r, this.ref, { b: model.b, v: model.v });
    this.step.push(step);
    this.tau.push(tau);
    this.loss.push(loss);
    this.stats.push(st);
    if (this.fn) {
      const extra = this.fn(new NDArray(model.w, [model.d, model.r]), model.b, model.v);
      for (const [k, v] of Object.entries(extra)) {
        if (!this.custom[k]) this.custom[k] = [];
        this.custom[k].push(typeof v === 'number' ? [v] : Array.from(v));
      }
    }
    return st;
  }
  finish(): SgdRecords {
    const { model, ref } = this;
    const cat = (key: 'v' | 'Q' | (typeof STAT_FIELDS)[number]): Float64Array | undefined => {
      if (this.stats[0][key] === undefined) return undefined;
      const parts = this.stats.map((s) => s[key] as Float64Array);
      const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    };
    const rec: SgdRecords = {
      d: model.d,
      r: model.r,
      K: ref.K,
      R: ref.R,
      Ng: ref.Ng,
      step: Float64Array.from(this.step),
      tau: Float64Array.from(this.tau),
      loss: Float64Array.from(this.loss),
      b: Float64Array.from(this.stats.map((s) => s.b)),
      v: cat('v') as Float64Array,
      Q: cat('Q') as Float64Array,
      custom: this.custom,
    };
    for (const k of STAT_FIELDS) {
      const a = cat(k);
      if (a) rec[k] = a;
    }
    return rec;
  }
}

interface SgdPlan {
  steps: number;
  dtau: number;
  every: number;
  /** Step of each checkpoint, in the order asked. */
  checkpointSteps: number[];
}

/** Validate the run length, record spacing and checkpoints (before any work). */
function planRun(opts: OnlineSgdOptions, d: number, eta: number): SgdPlan {
  const dtau = (2 * eta) / d;
  let steps: number;
  if (opts.steps !== undefined && opts.tauMax !== undefined) throw new ParameterError('steps, tauMax: give one of them, not both');
  if (opts.steps !== undefined) {
    assertInteger(opts.steps, 0, 'steps');
    steps = opts.steps;
  } else if (opts.tauMax !== undefined) {
    assertInRange(opts.tauMax, 0, Number.POSITIVE_INFINITY, 'tauMax');
    steps = Math.round(opts.tauMax / dtau);
    if (steps === 0 && opts.tauMax > 0) {
      // one SGD step advances tau by 2 eta / d: with a huge eta, tauMax is less than half a step
      throw new DomainError(
        `tauMax: ${opts.tauMax} is less than half of one SGD step (dtau = 2 eta / d = ${dtau} with eta = ${eta}, d = ${d}), so the run would take 0 steps; give steps, a larger tauMax or a smaller eta`,
      );
    }
  } else throw new ParameterError('steps: give the number of SGD steps or tauMax');
  const recOpts = opts.record ?? {};
  let every: number;
  if (recOpts.every !== undefined && recOpts.tauEvery !== undefined) throw new ParameterError('record.every, record.tauEvery: give one of them');
  if (recOpts.every !== undefined) {
    assertInteger(recOpts.every, 1, 'record.every');
    every = recOpts.every;
  } else if (recOpts.tauEvery !== undefined) {
    assertPositive(recOpts.tauEvery, 'record.tauEvery');
    every = Math.max(1, Math.round(recOpts.tauEvery / dtau));
  } else every = Math.max(1, Math.floor(steps / 100));
  const checkpointSteps: number[] = [];
  if (opts.checkpoints !== undefined) {
    if (!Array.isArray(opts.checkpoints)) throw new ShapeError('checkpoints: expected an array of training times tau');
    const tauEnd = steps * dtau;
    opts.checkpoints.forEach((c, i) => {
      if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > tauEnd * (1 + 1e-9)) {
        throw new DomainError(`checkpoints[${i}]: expected a training time in [0, ${tauEnd}] (the run's tau = 2 eta steps / d), got ${c}`);
      }
      if (i > 0 && c < opts.checkpoints![i - 1]) throw new DomainError(`checkpoints[${i}]: expected ascending times, got ${opts.checkpoints![i - 1]} then ${c}`);
      checkpointSteps.push(Math.min(steps, Math.max(0, Math.ceil(c / dtau - 1e-9))));
    });
  }
  return { steps, dtau, every, checkpointSteps };
}

/** Fill `X1` with `nb` rows from the target (sampleInto when present), checking the shape of `sample`. */
function drawTarget(target: SampleSource, X1: Float64Array, nb: number, d: number, rng: Rng): void {
  if (typeof target.sampleInto === 'function') {
    target.sampleInto(X1, nb, rng);
    return;
  }
  const s = target.sample(nb, rng);
  if (!isNDArray(s) || s.ndim !== 2 || s.shape[0] !== nb || s.shape[1] !== d) {
    throw new ShapeError(`target.sample: expected an NDArray of shape [${nb}, ${d}], got ${isNDArray(s) ? `[${s.shape.join(', ')}]` : typeof s}`);
  }
  X1.set(s.contiguous().data);
}

/**
 * Online SGD of the tied DAE (Cui et al. 2025, eqs. 4–6): one fresh pair (x0 ~ N(0, I), x1 ~ target)
 * per step, the same pair at every grid time, updates
 *   b <- b - (eta / d^2) dL/db,  w <- w - eta (grad_w L + (lambda / d) w),  v <- v - (eta / d)(grad_v L + lambda v),
 * with the gradient of denoisers' `daeGradInto` (the one of `TiedDae.lossAndGrad`). Training time
 * tau = 2 eta n / d. The hot loop is allocation-free: x0 and x1 are drawn `block` pairs at a time
 * into preallocated buffers.
 * @throws ParameterError / ShapeError / DomainError for invalid options (before any work; a target
 * whose dim differs from model.d is a ShapeError); DivergenceError (with the step) on divergence.
 * @param opts - model (trained in place), target (a SampleSource with dim = model.d), schedule, rng, and
 *   steps or tauMax; optional grid, eta (0.2), lambda (0), record, checkpoints, trainB, divergence options
 * @returns the trained model, its records (kernel SummaryStatsRecord + step, loss), initial and final
 *   statistics, the checkpoints, the number of steps and the final training time tau
 * @example
 * ```ts
 * const target = trimodalGmm(400);
 * const model = tiedDae({ d: 400, r: 2, activation: 'tanh', w: warmStart(target.means(), 400, 2) });
 * const { records } = onlineSgd({ model, target, schedule: linearInterpolant(), eta: 0.2, tauMax: 1, rng: new Rng(1),
 *   record: { every: 100, mus: target.means(), E: target.reference(), groups: target.groups } });
 * ```
 */
export function onlineSgd(opts: OnlineSgdOptions): OnlineSgdResult {
  const { model, target, schedule, rng } = opts ?? ({} as OnlineSgdOptions);
  if (!model || !(model.w instanceof Float64Array) || typeof model.d !== 'number') throw new ParameterError('model: expected a TiedDae');
  if (!target || typeof target.sample !== 'function') throw new ParameterError('target: expected a SampleSource with dim and sample(n, rng)');
  const { d, r } = model;
  if (target.dim !== d) throw new ShapeError(`target: expected a sample source of dim = model.d = ${d}, got target.dim = ${target.dim}`);
  if (!rng || typeof rng.stream !== 'function') throw new ParameterError('rng: expected an Rng');
  const coef = daeLossCoefficients(model, opts.grid ?? { times: [0.5] }, schedule);
  const eta = opts.eta ?? 0.2;
  const lambda = opts.lambda ?? 0;
  assertPositive(eta, 'eta');
  assertInRange(lambda, 0, Number.POSITIVE_INFINITY, 'lambda');
  const { steps, dtau, every, checkpointSteps } = planRun(opts, d, eta);
  const block = opts.block ?? 256;
  assertInteger(block, 1, 'block');
  const check = opts.divergenceCheck ?? true;
  const trainB = opts.trainB ?? true;
  const thresh = (opts.divergenceThreshold ?? 1e6) * d;
  const recOpts = opts.record ?? {};
  const recorder = new Recorder(model, prepareSummaryStatsReference(recOpts, d, 'record'), recOpts.stats);

  const checkpoints: SgdCheckpoint[] = [];
  let nextCp = 0;
  const keepCheckpoints = (step: number) => {
    while (nextCp < checkpointSteps.length && checkpointSteps[nextCp] === step) {
      checkpoints.push({ tau: step * dtau, step, model: model.clone() });
      nextCp++;
    }
  };
  const initial = recorder.take(0, 0, Number.NaN);
  keepCheckpoints(0);
  opts.onProgress?.({ step: 0, steps, tau: 0, loss: Number.NaN });

  const w = model.w;
  const v = model.v;
  const decay = 1 - (eta * lambda) / d;
  const etaB = eta / (d * d);
  const grad = daeGrad(d, r, coef.J);
  const X0 = new Float64Array(block * d);
  const X1 = new Float64Array(block * d);
  const rng0 = rng.stream(0);
  const rng1 = rng.stream(1);

  let lossAcc = 0;
  let lossCount = 0;
  let inBlock = block;
  let avail = 0;
  for (let step = 0; step < steps; step++) {
    if (inBlock >= avail) {
      const nb = Math.min(block, steps - step);
      rng0.fillNormal(nb === block ? X0 : X0.subarray(0, nb * d));
      drawTarget(target, X1, nb, d, rng1);
      inBlock = 0;
      avail = nb;
    }
    const loss = daeGradInto(model, X0, X1, coef, grad, inBlock * d);
    inBlock++;
    if (check && !(loss <= thresh)) {
      throw new DivergenceError(
        `onlineSgd: loss ${loss} at step ${step} (tau = ${(step * dtau).toPrecision(4)}) is ${Number.isFinite(loss) ? `above the divergence threshold ${thresh}` : 'not finite'}; lower eta (${eta})`,
        step,
      );
    }
    // v <- (1 - eta lambda / d) v - (eta / d) grad_v L; w <- (1 - eta lambda / d) w - eta grad_w L; b <- b - (eta / d^2) dL/db
    const gradV = grad.gradV;
    for (let k = 0; k < r; k++) v[k] = decay * v[k] - (eta * gradV[k]) / d;
    addDaeWeightGrad(w, grad, -eta, decay);
    if (trainB) model.b -= etaB * grad.gradB;
    lossAcc += loss;
    lossCount++;
    const done = step + 1;
    if (done % every === 0 || done === steps) {
      const tau = done * dtau;
      const ml = lossAcc / lossCount;
      const st = recorder.take(done, tau, ml);
      if (check && !(Number.isFinite(st.b) && st.Q.every(Number.isFinite))) {
        throw new DivergenceError(`onlineSgd: non-finite weights at step ${done} (tau = ${tau.toPrecision(4)}); lower eta (${eta})`, done);
      }
      lossAcc = 0;
      lossCount = 0;
      opts.onProgress?.({ step: done, steps, tau, loss: ml });
    }
    keepCheckpoints(done);
  }
  const records = recorder.finish();
  const final = statsAt(records, records.tau.length - 1);
  return { model, records, initial, final, checkpoints, steps, tau: steps * dtau };
}
