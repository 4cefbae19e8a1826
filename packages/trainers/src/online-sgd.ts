import { DivergenceError, DomainError, type InterpolantSchedule, NDArray, ParameterError, type Rng, ShapeError, assertInRange, assertInteger, assertPositive } from '@diffusion-theory/kernel';
import { type TiedDae, type TimeGrid, checkGrid } from '@diffusion-theory/denoisers';
import { type PreparedReference, type SgdStats, type StatisticsReference, computeStats, prepareReference } from './statistics.js';

/** Anything that draws data x1: `sample(n, rng)` returns n x d rows; `sampleInto` (optional) fills a buffer. */
export interface SampleSource {
  sample(n: number, rng: Rng): NDArray;
  sampleInto?(out: Float64Array, n: number, rng: Rng): void;
}

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
  /** The tied DAE to train (updated in place and returned). */
  model: TiedDae;
  /** The data source (one fresh x1 per step). */
  target: SampleSource;
  schedule: InterpolantSchedule;
  /** Loss time grid; default { times: [0.5], weights: [1] } (spec §2.2). */
  grid?: TimeGrid;
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
 * Time series of the summary statistics, one entry per record (index n). Flat row-major:
 * Q[n*r*r + k*r + l]; M[(n*K + c)*r + k]; G[(n*r + k)*R + j]; v[n*r + k];
 * q[((n*Ng + s)*r + k)*r + l]; m[((n*K + c)*Ng + s)*r + k]; g[((n*Ng + s)*r + k)*R + j]
 * (the per-record layouts of SgdStats). `loss[n]` is the mean per-sample loss over the steps since
 * record n-1 (NaN for the initial record).
 */
export interface SgdRecords {
  d: number;
  r: number;
  K: number;
  R: number;
  Ng: number;
  step: Float64Array;
  tau: Float64Array;
  loss: Float64Array;
  b: Float64Array;
  v: Float64Array;
  Q: Float64Array;
  M?: Float64Array;
  G?: Float64Array;
  q?: Float64Array;
  m?: Float64Array;
  g?: Float64Array;
  /** Values returned by `record.stats`, one array per record. */
  custom: Record<string, number[][]>;
}

export interface OnlineSgdResult {
  model: TiedDae;
  records: SgdRecords;
  /** Statistics of the initial parameters (the ODE initial condition, spec §4.8). */
  initial: SgdStats;
  final: SgdStats;
  steps: number;
  tau: number;
}

/** SgdStats of record n. */
export function recordAt(rec: SgdRecords, n: number): SgdStats {
  assertInteger(n, 0, 'n');
  if (n >= rec.tau.length) throw new DomainError(`n: expected < ${rec.tau.length} records, got ${n}`);
  const { r, K, R, Ng } = rec;
  const sl = (a: Float64Array, size: number) => a.slice(n * size, (n + 1) * size);
  const st: SgdStats = { b: rec.b[n], v: sl(rec.v, r), Q: sl(rec.Q, r * r) };
  if (rec.M) st.M = sl(rec.M, K * r);
  if (rec.G) st.G = sl(rec.G, r * R);
  if (rec.q) st.q = sl(rec.q, Ng * r * r);
  if (rec.m) st.m = sl(rec.m, K * Ng * r);
  if (rec.g) st.g = sl(rec.g, Ng * r * R);
  return st;
}

class Recorder {
  step: number[] = [];
  tau: number[] = [];
  loss: number[] = [];
  stats: SgdStats[] = [];
  custom: Record<string, number[][]> = {};
  constructor(
    readonly model: TiedDae,
    readonly ref: PreparedReference,
    readonly fn: SgdRecordOptions['stats'],
  ) {}
  take(step: number, tau: number, loss: number): SgdStats {
    const { model } = this;
    const st = computeStats(model.w, model.d, model.r, model.b, model.v, this.ref);
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
    const cat = (key: keyof SgdStats): Float64Array | undefined => {
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
    for (const k of ['M', 'G', 'q', 'm', 'g'] as const) {
      const a = cat(k);
      if (a) rec[k] = a;
    }
    return rec;
  }
}

/**
 * Online SGD of the tied DAE (spec dae-asymptotics §2.4): one fresh pair (x0 ~ N(0, I), x1 ~ target)
 * per step, the same pair at every grid time, updates
 *   b <- b - (eta / d^2) dL/db,  w <- w - eta (grad_w L + (lambda / d) w),  v <- v - (eta / d)(grad_v L + lambda v).
 * Training time tau = 2 eta n / d. The hot loop is allocation-free: x0 and x1 are drawn `block`
 * pairs at a time into preallocated buffers.
 */
export function onlineSgd(opts: OnlineSgdOptions): OnlineSgdResult {
  const { model, target, schedule, rng } = opts;
  if (!model || !(model.w instanceof Float64Array) || typeof model.d !== 'number') throw new ParameterError('model: expected a TiedDae');
  if (!target || typeof target.sample !== 'function') throw new ParameterError('target: expected an object with sample(n, rng)');
  if (!rng || typeof rng.stream !== 'function') throw new ParameterError('rng: expected an Rng');
  const grid = opts.grid ?? { times: [0.5], weights: [1] };
  checkGrid(grid);
  const eta = opts.eta ?? 0.2;
  const lambda = opts.lambda ?? 0;
  assertPositive(eta, 'eta');
  assertInRange(lambda, 0, Number.POSITIVE_INFINITY, 'lambda');
  const { d, r } = model;
  const dtau = (2 * eta) / d;
  let steps: number;
  if (opts.steps !== undefined && opts.tauMax !== undefined) throw new ParameterError('steps, tauMax: give one of them, not both');
  if (opts.steps !== undefined) {
    assertInteger(opts.steps, 0, 'steps');
    steps = opts.steps;
  } else if (opts.tauMax !== undefined) {
    assertInRange(opts.tauMax, 0, Number.POSITIVE_INFINITY, 'tauMax');
    steps = Math.round(opts.tauMax / dtau);
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
  const block = opts.block ?? 256;
  assertInteger(block, 1, 'block');
  const check = opts.divergenceCheck ?? true;
  const trainB = opts.trainB ?? true;
  const thresh = (opts.divergenceThreshold ?? 1e6) * d;

  const ref = prepareReference(recOpts, d);
  const recorder = new Recorder(model, ref, recOpts.stats);
  const initial = recorder.take(0, 0, Number.NaN);
  opts.onProgress?.({ step: 0, steps, tau: 0, loss: Number.NaN });

  // grid constants
  const J = grid.times.length;
  const al = new Float64Array(J);
  const be = new Float64Array(J);
  const om = new Float64Array(J);
  const pt = new Float64Array(J);
  for (let j = 0; j < J; j++) {
    const t = grid.times[j];
    al[j] = schedule.alpha(t);
    be[j] = schedule.beta(t);
    om[j] = grid.weights[j];
    pt[j] = model.timeEncoding(t);
  }
  const f = model.activation.f;
  const df = model.activation.df;
  const w = model.w;
  const v = model.v;
  const c = 1 / Math.sqrt(d);
  const decay = 1 - (eta * lambda) / d;
  const etaB = (2 * eta) / (d * d);
  const vDecay = 1 - (eta * lambda) / d;

  // buffers
  const X0 = new Float64Array(block * d);
  const X1 = new Float64Array(block * d);
  const xs = new Float64Array(J * d);
  const es = new Float64Array(J * d);
  const S = new Float64Array(J * r); // omega_j * sigma(h_j)
  const Psi = new Float64Array(J * r); // omega_j * psi_j
  const h = new Float64Array(r);
  const g = new Float64Array(r);
  const rng0 = rng.stream(0);
  const rng1 = rng.stream(1);
  const fast = typeof target.sampleInto === 'function';

  let lossAcc = 0;
  let lossCount = 0;
  let inBlock = block;
  let avail = 0;
  for (let step = 0; step < steps; step++) {
    if (inBlock >= avail) {
      const nb = Math.min(block, steps - step);
      rng0.fillNormal(nb === block ? X0 : X0.subarray(0, nb * d));
      if (fast) (target.sampleInto as (o: Float64Array, n: number, r: Rng) => void)(X1, nb, rng1);
      else {
        const s = target.sample(nb, rng1);
        if (!(s instanceof NDArray) || s.ndim !== 2 || s.shape[0] !== nb || s.shape[1] !== d) {
          throw new ShapeError(`target.sample: expected an NDArray of shape [${nb}, ${d}], got ${s instanceof NDArray ? `[${s.shape.join(', ')}]` : typeof s}`);
        }
        X1.set(s.contiguous().data);
      }
      inBlock = 0;
      avail = nb;
    }
    const off = inBlock * d;
    inBlock++;
    let b = model.b;
    let loss = 0;
    let gb = 0; // sum_j omega_j e_j . x_j
    for (let j = 0; j < J; j++) {
      const a = al[j];
      const bt = be[j];
      const xo = j * d;
      const so = j * r;
      let ee = 0;
      let ex = 0;
      if (r === 2) {
        // specialised r = 2 path (scalars instead of the h, g arrays)
        let h0 = 0;
        let h1 = 0;
        for (let i = 0; i < d; i++) {
          const x = a * X0[off + i] + bt * X1[off + i];
          xs[xo + i] = x;
          h0 += w[2 * i] * x;
          h1 += w[2 * i + 1] * x;
        }
        h0 = h0 * c + v[0] * pt[j];
        h1 = h1 * c + v[1] * pt[j];
        const s0 = c * f(h0);
        const s1 = c * f(h1);
        let g0 = 0;
        let g1 = 0;
        for (let i = 0; i < d; i++) {
          const x = xs[xo + i];
          const w0 = w[2 * i];
          const w1 = w[2 * i + 1];
          const e = X1[off + i] - b * x - w0 * s0 - w1 * s1;
          es[xo + i] = e;
          ee += e * e;
          ex += e * x;
          g0 += w0 * e;
          g1 += w1 * e;
        }
        h[0] = h0;
        h[1] = h1;
        S[so] = s0;
        S[so + 1] = s1;
        g[0] = g0;
        g[1] = g1;
      } else {
        // pass 1: x_t and h = w^T x / sqrt d
        for (let k = 0; k < r; k++) h[k] = 0;
        for (let i = 0; i < d; i++) {
          const x = a * X0[off + i] + bt * X1[off + i];
          xs[xo + i] = x;
          const wo = i * r;
          for (let k = 0; k < r; k++) h[k] += w[wo + k] * x;
        }
        for (let k = 0; k < r; k++) {
          const hk = h[k] * c + v[k] * pt[j];
          h[k] = hk;
          S[so + k] = c * f(hk); // c sigma(h)
          g[k] = 0;
        }
        // pass 2: e = x1 - b x - w sigma / sqrt d ; g = w^T e
        for (let i = 0; i < d; i++) {
          const wo = i * r;
          const x = xs[xo + i];
          let fi = b * x;
          for (let k = 0; k < r; k++) fi += w[wo + k] * S[so + k];
          const e = X1[off + i] - fi;
          es[xo + i] = e;
          ee += e * e;
          ex += e * x;
          for (let k = 0; k < r; k++) g[k] += w[wo + k] * e;
        }
      }
      const oj = om[j];
      loss += oj * ee;
      gb += oj * ex;
      for (let k = 0; k < r; k++) {
        const psi = df(h[k]) * g[k] * c; // psi = sigma'(h) (w^T e / sqrt d)
        Psi[so + k] = oj * psi;
        S[so + k] *= oj;
      }
    }
    if (check && !(loss <= thresh)) {
      throw new DivergenceError(
        `onlineSgd: loss ${loss} at step ${step} (tau = ${(step * dtau).toPrecision(4)}) is ${Number.isFinite(loss) ? `above the divergence threshold ${thresh}` : 'not finite'}; lower eta (${eta})`,
        step,
      );
    }
    // v update uses psi before w changes: grad_v L = -2 sum_j omega_j p_j psi_j
    for (let k = 0; k < r; k++) {
      let gv = 0;
      for (let j = 0; j < J; j++) gv += pt[j] * Psi[j * r + k];
      v[k] = vDecay * v[k] + (2 * eta * gv) / d;
    }
    // w update: w <- (1 - eta lambda / d) w + 2 eta / sqrt d sum_j omega_j (e_j sigma_j^T + x_j psi_j^T)
    const ce = 2 * eta; // S already carries the 1/sqrt d; Psi carries omega_j
    const cx = 2 * eta * c;
    if (J === 1 && r === 2) {
      const a0 = ce * S[0];
      const a1 = ce * S[1];
      const p0 = cx * Psi[0];
      const p1 = cx * Psi[1];
      for (let i = 0; i < d; i++) {
        const e = es[i];
        const x = xs[i];
        w[2 * i] = decay * w[2 * i] + e * a0 + x * p0;
        w[2 * i + 1] = decay * w[2 * i + 1] + e * a1 + x * p1;
      }
    } else if (J === 1) {
      for (let i = 0; i < d; i++) {
        const e = ce * es[i];
        const x = cx * xs[i];
        const wo = i * r;
        for (let k = 0; k < r; k++) w[wo + k] = decay * w[wo + k] + e * S[k] + x * Psi[k];
      }
    } else {
      for (let i = 0; i < d; i++) {
        const wo = i * r;
        for (let k = 0; k < r; k++) {
          let acc = 0;
          for (let j = 0; j < J; j++) acc += es[j * d + i] * S[j * r + k] * ce + xs[j * d + i] * Psi[j * r + k] * cx;
          w[wo + k] = decay * w[wo + k] + acc;
        }
      }
    }
    if (trainB) {
      b += etaB * gb;
      model.b = b;
    }
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
  }
  const records = recorder.finish();
  const final = recordAt(records, records.tau.length - 1);
  return { model, records, initial, final, steps, tau: steps * dtau };
}
