import {
  DivergenceError,
  DomainError,
  type NDArray,
  type OdeRhs,
  ParameterError,
  ShapeError,
  type SummaryStats,
  type SummaryStatsRecord,
  assertFinite,
  assertInRange,
  assertInteger,
  dopri5,
  integrateFixed,
  summaryStatsOf,
} from '@diffusion-theory/kernel';
import { type DivergenceGuard, divergenceGuard } from './dae-divergence.js';
import { type DaeOdeOptions, daeOdeRhs } from './dae-ode.js';
import { microFactorsFromStats, microMask, syncMicroStats } from './dae-micro.js';
import { type DaeState, type DaeStateLayout, packState } from './dae-state.js';
import type { SpectralMixtureSpec } from './spectral-mixture.js';

/** The closed ODE state in named blocks (layout of dae-state.ts); g, v, b default to 0, u see DaeInit. */
export interface DaeStateBlocks {
  q: ArrayLike<number>;
  m: ArrayLike<number>;
  g?: ArrayLike<number>;
  v?: ArrayLike<number>;
  b?: number;
  u?: ArrayLike<number>;
}

/**
 * Initial condition: kernel `SummaryStats` (what online SGD records, e.g. `onlineSgd(...).initial`, or
 * `statsAt(record, n)`), the named blocks, or an already packed state.
 * - From SummaryStats the per-group q_s, m_{c,s}, g_s are read (q, m, g); with one group (Ng = 1) the
 *   totals Q, M, G serve as well, and m may be absent when every centroid of the spec is 0 (then m = 0).
 *   b and v are taken as given. Missing q (Ng > 1) or m is a ParameterError naming what to record.
 * - `u` (only read when spec.micro is given): the factor rows w_{i,:}/sqrt d of the micro coordinates,
 *   nMicro x r in the order of spec.micro.coords (summaryStatsOf / initialStateFromWeights return them
 *   when the reference has `microscopic`). Without `u`, the rows of one-coordinate groups are rebuilt
 *   from the rank-one q_s and the sign from m / g (microFactorsFromStats); with `u`, q_s, m_{c,s}, g_s
 *   of those groups are taken from u (the given values are ignored).
 * - A packed state of the plain length (no factor block) is accepted too and treated like the named
 *   blocks without `u`.
 */
export type DaeInit = SummaryStats | DaeStateBlocks | Float64Array;

export interface SolveDaeOdeOptions extends DaeOdeOptions {
  spec: SpectralMixtureSpec;
  init: DaeInit;
  /** Final training time tau (>= 0). */
  tauMax: number;
  /** 'rk4' (fixed step dtau, default) or 'dopri5' (adaptive, rtol / atol). */
  method?: 'rk4' | 'dopri5';
  /** RK4 step in tau. Default 0.02 (converged: dopri5 at rtol 1e-8 agrees to < 1e-6 in the tests). */
  dtau?: number;
  /** Save every `saveEvery`-th RK4 step (plus tau = 0 and tauMax). Default 1. */
  saveEvery?: number;
  /**
   * Explicit save times (ascending, in [0, tauMax]), reported exactly: RK4 integrates each interval
   * between them with steps of at most dtau; dopri5 uses its dense output.
   */
  saveAt?: readonly number[];
  /** dopri5 tolerances. Defaults 1e-8, 1e-10. */
  rtol?: number;
  atol?: number;
  /**
   * A state entry above this many times the problem's scale (the largest entry of the initial state
   * and of the target constants T, ell, Lambda; at least 1) counts as divergence (default 1e6).
   */
  divergenceThreshold?: number;
}

/**
 * The learning curve of the ODE: kernel's `SummaryStatsRecord` (the record shape of online SGD, one
 * entry per saved tau, layouts there), with every per-group field present, plus the state layout and
 * the number of RHS evaluations. `statsAt(rec, n)` gives the SummaryStats of record n (an ODE initial
 * state again); `recordState(rec, n)` the packed state.
 */
export interface SummaryStatsOdeRecord extends SummaryStatsRecord {
  M: Float64Array;
  G: Float64Array;
  q: Float64Array;
  m: Float64Array;
  g: Float64Array;
  /** Factor rows u_p of the micro coordinates, u[(n*nMicro + p)*r + k]; only with spec.micro (q, m, g of those groups are computed from them). */
  u?: Float64Array;
  /** The state layout of the ODE (to rebuild a packed state with packState). */
  layout: DaeStateLayout;
  /** Number of RHS evaluations. */
  nfev: number;
}

/** @deprecated the same type as `SummaryStatsOdeRecord` (a kernel SummaryStatsRecord); this name goes in the next minor release. */
export type DaeOdeRecord = SummaryStatsOdeRecord;

/**
 * Integrate Result 2.1 from `init` over [0, tauMax] (with `trainB: false`, b stays at its initial value).
 * @throws ParameterError for missing options or init fields (see DaeInit); ShapeError for blocks of the
 * wrong length; NonFiniteError for a non-finite init; DivergenceError (with the step and `err.tau`) on a
 * non-finite, blown-up (above divergenceThreshold x the problem's scale) or non-physical state (a Gram
 * matrix q_s with a negative diagonal, or Q not positive semi-definite).
 * @param opts - spec (the target's SpectralMixtureSpec), r, activation, grid, schedule, eta, lambda, init,
 *   tauMax; optional method ('rk4' | 'dopri5'), dtau, saveEvery / saveAt, tolerances, divergenceThreshold
 * @returns the learning curve as a kernel SummaryStatsRecord (one entry per saved tau) with layout and nfev
 * @example
 * ```ts
 * const target = trimodalGmm(1000);
 * const init = initialStateFromWeights(warmStart(target.means(), 1000, 2), target, target.means(), target.reference());
 * const rec = solveDaeOde({ spec: target.constants(), r: 2, activation: 'tanh', grid: { times: [0.5] },
 *   schedule: linearInterpolant(), eta: 0.2, lambda: 0, init, tauMax: 8, saveEvery: 10 });
 * ```
 */
export function solveDaeOde(opts: SolveDaeOdeOptions): SummaryStatsOdeRecord {
  if (!opts || typeof opts !== 'object') throw new ParameterError('opts: expected an options object');
  assertInRange(opts.tauMax, 0, Number.POSITIVE_INFINITY, 'tauMax');
  const rhs0 = daeOdeRhs(opts.spec, opts);
  const layout = rhs0.layout;
  const spec = opts.spec;
  const nU = layout.nMicro * layout.r;
  let y0: Float64Array;
  if (opts.init instanceof Float64Array) {
    const plain = layout.length - nU;
    if (opts.init.length !== layout.length && !(nU > 0 && opts.init.length === plain)) {
      throw new ShapeError(`init: expected a packed state of length ${layout.length} (r = ${layout.r}, K = ${layout.K}, Ng = ${layout.Ng}, R = ${layout.R}, nMicro = ${layout.nMicro})${nU > 0 ? ` or ${plain} (no factor block)` : ''}, got ${opts.init.length}`);
    }
    assertFinite(opts.init, 'init');
    if (opts.init.length === layout.length) y0 = opts.init.slice();
    else {
      const a = opts.init;
      const st = { q: a.subarray(0, layout.oM), m: a.subarray(layout.oM, layout.oG), g: a.subarray(layout.oG, layout.oV) };
      y0 = new Float64Array(layout.length);
      y0.set(a);
      y0.set(microFactorsFromStats(spec, layout.r, st), layout.oU);
    }
  } else if (opts.init && typeof opts.init === 'object') {
    const init = initBlocks(opts.init, spec, layout.r);
    if (nU > 0 && init.u === undefined) y0 = packState(layout, { ...init, u: microFactorsFromStats(spec, layout.r, init) });
    else y0 = packState(layout, init);
  } else throw new ParameterError('init: expected kernel SummaryStats, { q, m, g?, v?, b?, u? } or a packed Float64Array');
  const isMicro = microMask(spec);
  syncMicroStats(spec, layout, y0, isMicro);
  const threshold = opts.divergenceThreshold ?? 1e6;
  assertInRange(threshold, 1, Number.POSITIVE_INFINITY, 'divergenceThreshold');
  const guard = divergenceGuard(layout, problemScale(spec, y0), threshold, opts.eta ?? Number.NaN);
  const method = opts.method ?? 'rk4';
  const stepOf = (t: number) => (method === 'rk4' ? Math.floor(t / (opts.dtau ?? 0.02) + 1e-9) : nfev);
  let nfev = 0;
  const f = (t: number, y: Float64Array, dy: Float64Array) => {
    nfev++;
    // a blown-up stage state makes the RHS quadrature slow (a hang): refuse it before evaluating
    guard.check(y, t, stepOf(t), false);
    rhs0(t, y, dy);
  };
  let saved: { ts: number[]; ys: Float64Array[] };
  if (method === 'rk4') {
    const dtau = opts.dtau ?? 0.02;
    assertInRange(dtau, Number.MIN_VALUE, Number.POSITIVE_INFINITY, 'dtau');
    if (opts.saveAt) saved = rk4SolveAt(f, y0, checkSaveAt(opts.saveAt, opts.tauMax), dtau, guard);
    else {
      const steps = Math.max(opts.tauMax === 0 ? 0 : 1, Math.round(opts.tauMax / dtau));
      saved = rk4Solve(f, y0, opts.tauMax, steps, saveIdx(opts, steps), guard);
    }
  } else if (method === 'dopri5') {
    const rtol = opts.rtol ?? 1e-8;
    const atol = opts.atol ?? 1e-10;
    assertInRange(rtol, 0, 1, 'rtol');
    assertInRange(atol, 0, Number.POSITIVE_INFINITY, 'atol');
    let times: number[];
    if (opts.saveAt) times = checkSaveAt(opts.saveAt, opts.tauMax);
    else {
      const dt = (opts.dtau ?? 0.02) * (opts.saveEvery ?? 1);
      const n = Math.max(1, Math.round(opts.tauMax / dt));
      times = [];
      for (let i = 0; i <= n; i++) times.push(i === n ? opts.tauMax : (i * opts.tauMax) / n);
    }
    saved = dopri5Solve(f, y0, times, rtol, atol);
    for (let i = 0; i < saved.ys.length; i++) guard.check(saved.ys[i], saved.ts[i], i, true);
  } else throw new ParameterError(`method: expected 'rk4' or 'dopri5', got '${String(method)}'`);
  // factor-form groups: report q_s, m_{c,s}, g_s computed from the factors
  for (const y of saved.ys) syncMicroStats(spec, layout, y, isMicro);
  return toRecord(layout, saved.ts, saved.ys, nfev);
}

/**
 * The named blocks of an object init: q, m, g as given; for one group the totals Q, M, G; m = 0 when
 * every centroid of the spec vanishes (T_{cc,s} = 0 for all c, s).
 */
function initBlocks(init: SummaryStats | DaeStateBlocks, spec: SpectralMixtureSpec, r: number): DaeStateBlocks {
  const st = init as Partial<SummaryStats> & Partial<DaeStateBlocks>;
  const one = spec.Ng === 1;
  const q = st.q ?? (one ? st.Q : undefined);
  if (q === undefined) {
    throw new ParameterError(
      `init.q: expected the per-group q_s (Ng = ${spec.Ng} groups), got none; record them from the weights with the groups of the target (kernel summaryStatsOf / onlineSgd record: { groups })`,
    );
  }
  let m = st.m ?? (one ? st.M : undefined);
  if (m === undefined) {
    let centred = true;
    for (let c = 0; c < spec.K; c++) for (let s = 0; s < spec.Ng; s++) if (spec.T[(c * spec.K + c) * spec.Ng + s] !== 0) centred = false;
    if (!centred) {
      throw new ParameterError(
        `init.m: expected the per-(cluster, group) m_{c,s} (K = ${spec.K}, Ng = ${spec.Ng}), got none; record them with the centroids and groups of the target (summaryStatsOf / onlineSgd record: { mus, groups })`,
      );
    }
    m = new Float64Array(spec.K * spec.Ng * r);
  }
  const g = st.g ?? (one ? st.G : undefined);
  return { q, m, g, v: st.v, b: st.b, u: st.u };
}

function checkSaveAt(saveAt: readonly number[], tauMax: number): number[] {
  let prev = -1;
  const out: number[] = [];
  for (let i = 0; i < saveAt.length; i++) {
    const t = saveAt[i];
    assertInRange(t, 0, tauMax, `saveAt[${i}]`);
    if (t < prev) throw new DomainError(`saveAt: expected ascending times, got ${t} after ${prev}`);
    prev = t;
    out.push(t);
  }
  return out;
}

function saveIdx(opts: SolveDaeOdeOptions, steps: number): Int32Array {
  const every = opts.saveEvery ?? 1;
  assertInteger(every, 1, 'saveEvery');
  const out: number[] = [];
  for (let k = 0; k < steps; k += every) out.push(k);
  out.push(steps);
  return Int32Array.from(out);
}

/**
 * RK4 saved exactly at the given times: each interval between consecutive save times (and from 0 to
 * the first) is integrated with ceil(length / dtau) equal steps, so a record at tau is the state at tau
 * (not at the nearest grid point before it, which for a fast early phase differs by dtau x the slope).
 */
function rk4SolveAt(f: OdeRhs, y0: Float64Array, times: number[], dtau: number, guard: DivergenceGuard): { ts: number[]; ys: Float64Array[] } {
  const ys: Float64Array[] = [];
  let y: Float64Array = y0.slice();
  let t = 0;
  let done = 0;
  for (const t1 of times) {
    if (t1 > t) {
      const steps = Math.max(1, Math.ceil((t1 - t) / dtau - 1e-9));
      const before = done;
      const res = integrateFixed({ f, y0: y, t0: t, t1, steps, method: 'rk4', saveAt: 'end', onStep: (k, tk, yk) => guard.check(yk, tk, before + k, true) });
      if (res.status !== 'success') {
        const step = done + (res.failedAt?.step ?? 0);
        throw new DivergenceError(`solveDaeOde: non-finite state at RK4 step ${step} (tau ${res.failedAt?.t ?? t}); reduce dtau, eta or the initial overlaps`, step);
      }
      y = res.y;
      t = t1;
      done += steps;
    }
    ys.push(y.slice());
  }
  return { ts: times.slice(), ys };
}

/**
 * Fixed-step RK4 through kernel `integrateFixed` (allocation-free per step). Saving is done here in
 * `onStep` from the grid indices of `saveIdx` so that ts (= step * h, tauMax at the end) and the
 * "grid point not past each save time" rule are exactly those of solveDaeOde's contract; the
 * kernel only returns its final state. A non-finite state becomes a DivergenceError with the step.
 */
function rk4Solve(f: OdeRhs, y0: Float64Array, tauMax: number, steps: number, idx: Int32Array, guard: DivergenceGuard): { ts: number[]; ys: Float64Array[] } {
  const ts: number[] = [];
  const ys: Float64Array[] = [];
  let s = 0;
  while (s < idx.length && idx[s] === 0) {
    ts.push(0);
    ys.push(y0.slice());
    s++;
  }
  if (steps === 0) return { ts, ys };
  const h = tauMax / steps;
  const res = integrateFixed({
    f,
    y0,
    t0: 0,
    t1: tauMax,
    steps,
    method: 'rk4',
    saveAt: 'end',
    onStep: (step, t, y) => {
      guard.check(y, t, step, true);
      while (s < idx.length && idx[s] === step) {
        ts.push(step === steps ? tauMax : step * h);
        ys.push(y.slice());
        s++;
      }
    },
  });
  if (res.status !== 'success') {
    const step = res.failedAt?.step ?? 0;
    const t = res.failedAt?.t ?? 0;
    throw new DivergenceError(`solveDaeOde: non-finite state at RK4 step ${step} (tau ${t} -> ${t + h}); reduce dtau, eta or the initial overlaps`, step);
  }
  return { ts, ys };
}

/**
 * Adaptive Dormand-Prince 5(4) through kernel `dopri5` (FSAL, dense output: the save times are
 * reported exactly, values between steps from the 4th-order continuous extension). Integrates up
 * to the last save time only. Failures become a DivergenceError with the attempted-step count.
 */
function dopri5Solve(f: OdeRhs, y0: Float64Array, times: number[], rtol: number, atol: number): { ts: number[]; ys: Float64Array[] } {
  const tEnd = times.length === 0 ? 0 : times[times.length - 1];
  if (tEnd === 0) return { ts: times.slice(), ys: times.map(() => y0.slice()) };
  // solveDaeOde accepts rtol = 0 or atol = 0 (pure absolute / relative control); kernel dopri5 wants > 0.
  const res = dopri5({ f, y0, t0: 0, t1: tEnd, rtol: rtol > 0 ? rtol : Number.MIN_VALUE, atol: atol > 0 ? atol : Number.MIN_VALUE, h0: Math.min(0.01, tEnd), maxSteps: 1_000_000, saveAt: times });
  if (res.status !== 'success') {
    const step = res.stats.steps + res.stats.rejected;
    const why =
      res.status === 'max_steps'
        ? 'dopri5 exceeded 1e6 steps'
        : res.status === 'step_too_small'
          ? 'dopri5 step size underflow'
          : 'non-finite state';
    throw new DivergenceError(`solveDaeOde: ${why} at dopri5 step ${step} (tau ${res.t})`, step);
  }
  return { ts: Array.from(res.ts), ys: res.ys };
}

/** The magnitude of the problem: largest |entry| of the initial state and of the target constants (>= 1). */
function problemScale(spec: SpectralMixtureSpec, y0: Float64Array): number {
  let m = Math.max(1, Math.abs(spec.Lambda));
  for (const a of [y0, spec.T, spec.ell]) for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function toRecord(layout: DaeStateLayout, ts: number[], ys: Float64Array[], nfev: number): SummaryStatsOdeRecord {
  const { r, K, Ng, R, oM, oG, oV, oB } = layout;
  const n = ts.length;
  const rr = r * r;
  const rec: SummaryStatsOdeRecord = {
    r,
    K,
    R,
    Ng,
    tau: Float64Array.from(ts),
    b: new Float64Array(n),
    v: new Float64Array(n * r),
    Q: new Float64Array(n * rr),
    M: new Float64Array(n * K * r),
    G: new Float64Array(n * r * R),
    q: new Float64Array(n * Ng * rr),
    m: new Float64Array(n * K * Ng * r),
    g: new Float64Array(n * Ng * r * R),
    layout,
    nfev,
  };
  const nU = layout.nMicro * r;
  if (nU > 0) rec.u = new Float64Array(n * nU);
  ys.forEach((y, i) => {
    if (rec.u) rec.u.set(y.subarray(layout.oU, layout.oU + nU), i * nU);
    for (let s = 0; s < Ng; s++) for (let j = 0; j < rr; j++) rec.Q[i * rr + j] += y[s * rr + j];
    for (let c = 0; c < K; c++) for (let s = 0; s < Ng; s++) for (let k = 0; k < r; k++) rec.M[(i * K + c) * r + k] += y[oM + (c * Ng + s) * r + k];
    for (let s = 0; s < Ng; s++) for (let j = 0; j < r * R; j++) rec.G[i * r * R + j] += y[oG + s * r * R + j];
    rec.q.set(y.subarray(0, oM), i * Ng * rr);
    rec.m.set(y.subarray(oM, oG), i * K * Ng * r);
    rec.g.set(y.subarray(oG, oV), i * Ng * r * R);
    rec.v.set(y.subarray(oV, oB), i * r);
    rec.b[i] = y[oB];
  });
  return rec;
}

/** The packed ODE state of record n (layout of daeStateLayout). */
export function recordState(rec: SummaryStatsOdeRecord, n: number): Float64Array {
  assertInteger(n, 0, 'n');
  if (n >= rec.tau.length) throw new DomainError(`n: expected < ${rec.tau.length} records, got ${n}`);
  const { r, K, Ng, R } = rec;
  const rr = r * r;
  return packState(rec.layout, {
    q: rec.q.subarray(n * Ng * rr, (n + 1) * Ng * rr),
    m: rec.m.subarray(n * K * Ng * r, (n + 1) * K * Ng * r),
    g: rec.g.subarray(n * Ng * r * R, (n + 1) * Ng * r * R),
    v: rec.v.subarray(n * r, (n + 1) * r),
    b: rec.b[n],
    u: rec.u ? rec.u.subarray(n * rec.layout.nMicro * r, (n + 1) * rec.layout.nMicro * r) : undefined,
  });
}

/**
 * Summary statistics of actual weights (Cui et al. 2025, Result 2.1 "initial conditions"): for w (d x r, in the
 * common eigenbasis), q_s = (1/d) sum_{i in s} w_i^T w_i, m_{c,s} = d^{-1/2} sum_{i in s} mu_{c,i} w_i,
 * g_s = d^{-1/2} sum_{i in s} w_i^T E_i. `groups.groups[i]` is the spectral group of coordinate i (a targets SpectralGroupMixture fits);
 * `mus` is K x d (one centroid per row); `E` is d x R (or null for R = 0). b and v default to 0.
 * When `groups.microscopic` is given (a targets SpectralGroupMixture has it), the result also has
 * `u`: the rows w_{i,:}/sqrt d of the coordinates of microscopic groups in ascending i — the order of
 * targets' `constants().micro.coords` — for the factor form of those groups (DaeInit.u).
 * Computed by kernel `summaryStatsOf` (the one computation of these statistics; online SGD records the
 * same), so the result is kernel SummaryStats as well (Q, M, G included); m and g are empty without mus / E.
 * @throws ShapeError / DomainError from summaryStatsOf (shapes, group indices); NonFiniteError for a non-finite w.
 */
export function initialStateFromWeights(
  w: NDArray,
  groups: { groups: ArrayLike<number>; Ng: number; microscopic?: readonly boolean[] },
  mus: NDArray | null,
  E: NDArray | null,
  extra: { b?: number; v?: ArrayLike<number> } = {},
): DaeState & SummaryStats {
  if (w?.ndim !== 2) throw new ShapeError(`w: expected a d x r NDArray, got ${w ? `shape [${w.shape.join(', ')}]` : String(w)}`);
  const [d, r] = w.shape;
  if (!groups || typeof groups !== 'object') throw new ParameterError('groups: expected { groups, Ng, microscopic? }');
  assertInteger(groups.Ng, 1, 'groups.Ng');
  const st = summaryStatsOf(w, d, r, { mus, E, groups: groups.groups, Ng: groups.Ng, microscopic: groups.microscopic }, extra);
  assertFinite(st.Q, 'w');
  const q = st.q as Float64Array;
  const m = st.m ?? new Float64Array(0);
  const g = st.g ?? new Float64Array(0);
  return { ...st, q, m, g };
}
