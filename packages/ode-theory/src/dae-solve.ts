import {
  DivergenceError,
  DomainError,
  type NDArray,
  type OdeRhs,
  ParameterError,
  ShapeError,
  assertFinite,
  assertInRange,
  assertInteger,
  dopri5,
  integrateFixed,
} from '@diffusion-theory/kernel';
import { type DaeOdeOptions, daeOdeRhs } from './dae-ode.js';
import { microFactorsFromStats, microMask, syncMicroStats } from './dae-micro.js';
import { type DaeState, type DaeStateLayout, packState } from './dae-state.js';
import type { SpectralMixtureSpec } from './spectral-mixture.js';

/**
 * Initial condition: the named blocks (layout of dae-state.ts) or an already packed state.
 * `u` (only read when spec.micro is given): the factor rows w_{i,:}/sqrt d of the micro coordinates,
 * nMicro x r in the order of spec.micro.coords (initialStateFromWeights returns them when `groups`
 * carries `microscopic`). Without `u`, the rows of one-coordinate groups are rebuilt from the rank-one
 * q_s and the sign from m / g (microFactorsFromStats); with `u`, q_s, m_{c,s}, g_s of those groups are
 * taken from u (the given values are ignored). A packed state of the plain length (no factor block)
 * is accepted too and treated like the named blocks without `u`.
 */
export type DaeInit = { q: ArrayLike<number>; m: ArrayLike<number>; g?: ArrayLike<number>; v?: ArrayLike<number>; b?: number; u?: ArrayLike<number> } | Float64Array;

export interface SolveDaeOdeOptions extends DaeOdeOptions {
  spec: SpectralMixtureSpec;
  init: DaeInit;
  /** Final training time tau (>= 0). */
  tauMax: number;
  /** 'rk4' (fixed step dtau, default) or 'dopri5' (adaptive, rtol / atol). */
  method?: 'rk4' | 'dopri5';
  /** RK4 step in tau. Default 0.02 (converged in all of the spec's tests). */
  dtau?: number;
  /** Save every `saveEvery`-th RK4 step (plus tau = 0 and tauMax). Default 1. */
  saveEvery?: number;
  /** Explicit save times (ascending, in [0, tauMax]); RK4 saves at the grid point not past each. dopri5 reports them exactly (dense output). */
  saveAt?: readonly number[];
  /** dopri5 tolerances. Defaults 1e-8, 1e-10. */
  rtol?: number;
  atol?: number;
}

/**
 * The learning curve in the record shape of the simulation (trainers' `SgdRecords`): one entry per
 * saved tau, flat row-major over records n:
 * Q[n*r*r + k*r + l]; M[(n*K + c)*r + k]; G[(n*r + k)*R + j]; v[n*r + k]; b[n];
 * q[((n*Ng + s)*r + k)*r + l]; m[((n*K + c)*Ng + s)*r + k]; g[((n*Ng + s)*r + k)*R + j].
 */
export interface DaeOdeRecord {
  r: number;
  K: number;
  R: number;
  Ng: number;
  /** Training times tau (= 2 eta n / d). */
  tau: Float64Array;
  /** Skip connection b. */
  b: Float64Array;
  /** Time-encoding weights v. */
  v: Float64Array;
  /** Q = w^T w / d. */
  Q: Float64Array;
  /** M^c = w^T mu_c / sqrt d. */
  M: Float64Array;
  /** G = w^T E / sqrt d. */
  G: Float64Array;
  /** Per-group q_s. */
  q: Float64Array;
  /** Per-(cluster, group) m_{c,s}. */
  m: Float64Array;
  /** Per-group g_s. */
  g: Float64Array;
  /** Factor rows u_p of the micro coordinates, u[(n*nMicro + p)*r + k]; only with spec.micro (q, m, g of those groups are computed from them). */
  u?: Float64Array;
  /** The state layout of the ODE (to rebuild a packed state with packState). */
  layout: DaeStateLayout;
  /** Number of RHS evaluations. */
  nfev: number;
}

/** Integrate Result 2.1 from `init` over [0, tauMax]. Throws DivergenceError (with the step) on a non-finite state. */
export function solveDaeOde(opts: SolveDaeOdeOptions): DaeOdeRecord {
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
    const init = opts.init;
    if (nU > 0 && init.u === undefined) y0 = packState(layout, { ...init, u: microFactorsFromStats(spec, layout.r, init) });
    else y0 = packState(layout, init);
  } else throw new ParameterError('init: expected { q, m, g?, v?, b?, u? } or a packed Float64Array');
  const isMicro = microMask(spec);
  syncMicroStats(spec, layout, y0, isMicro);
  let nfev = 0;
  const f = (t: number, y: Float64Array, dy: Float64Array) => {
    nfev++;
    rhs0(t, y, dy);
  };
  const method = opts.method ?? 'rk4';
  let saved: { ts: number[]; ys: Float64Array[] };
  if (method === 'rk4') {
    const dtau = opts.dtau ?? 0.02;
    assertInRange(dtau, Number.MIN_VALUE, Number.POSITIVE_INFINITY, 'dtau');
    const steps = Math.max(opts.tauMax === 0 ? 0 : 1, Math.round(opts.tauMax / dtau));
    saved = rk4Solve(f, y0, opts.tauMax, steps, saveIdx(opts, steps));
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
  } else throw new ParameterError(`method: expected 'rk4' or 'dopri5', got '${String(method)}'`);
  // factor-form groups: report q_s, m_{c,s}, g_s computed from the factors
  for (const y of saved.ys) syncMicroStats(spec, layout, y, isMicro);
  return toRecord(layout, saved.ts, saved.ys, nfev);
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
  if (opts.saveAt) {
    const times = checkSaveAt(opts.saveAt, opts.tauMax);
    const h = steps === 0 ? 1 : opts.tauMax / steps;
    return Int32Array.from(times.map((t) => (steps === 0 ? 0 : Math.min(steps, Math.floor(t / h + 1e-9)))));
  }
  const every = opts.saveEvery ?? 1;
  assertInteger(every, 1, 'saveEvery');
  const out: number[] = [];
  for (let k = 0; k < steps; k += every) out.push(k);
  out.push(steps);
  return Int32Array.from(out);
}

/**
 * Fixed-step RK4 through kernel `integrateFixed` (allocation-free per step). Saving is done here in
 * `onStep` from the grid indices of `saveIdx` so that ts (= step * h, tauMax at the end) and the
 * "grid point not past each save time" rule are exactly those of solveDaeOde's contract; the
 * kernel only returns its final state. A non-finite state becomes a DivergenceError with the step.
 */
function rk4Solve(f: OdeRhs, y0: Float64Array, tauMax: number, steps: number, idx: Int32Array): { ts: number[]; ys: Float64Array[] } {
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
    onStep: (step, _t, y) => {
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

function toRecord(layout: DaeStateLayout, ts: number[], ys: Float64Array[], nfev: number): DaeOdeRecord {
  const { r, K, Ng, R, oM, oG, oV, oB } = layout;
  const n = ts.length;
  const rr = r * r;
  const rec: DaeOdeRecord = {
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
export function recordState(rec: DaeOdeRecord, n: number): Float64Array {
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
 * Summary statistics of actual weights (spec §4.1, §4.8 "initial conditions"): for w (d x r, in the
 * common eigenbasis), q_s = (1/d) sum_{i in s} w_i^T w_i, m_{c,s} = d^{-1/2} sum_{i in s} mu_{c,i} w_i,
 * g_s = d^{-1/2} sum_{i in s} w_i^T E_i. `groups.groups[i]` is the spectral group of coordinate i (a targets SpectralGroupMixture fits);
 * `mus` is K x d (one centroid per row); `E` is d x R (or null for R = 0). b and v default to 0.
 * When `groups.microscopic` is given (a targets SpectralGroupMixture has it), the result also has
 * `u`: the rows w_{i,:}/sqrt d of the coordinates of microscopic groups in ascending i — the order of
 * targets' `constants().micro.coords` — for the factor form of those groups (DaeInit.u).
 */
export function initialStateFromWeights(
  w: NDArray,
  groups: { groups: ArrayLike<number>; Ng: number; microscopic?: readonly boolean[] },
  mus: NDArray | null,
  E: NDArray | null,
  extra: { b?: number; v?: ArrayLike<number> } = {},
): DaeState {
  if (w?.ndim !== 2) throw new ShapeError(`w: expected a d x r NDArray, got ${w ? `shape [${w.shape.join(', ')}]` : String(w)}`);
  const [d, r] = w.shape;
  const { Ng } = groups;
  const groupOf = groups.groups;
  assertInteger(Ng, 1, 'groups.Ng');
  if (groupOf.length !== d) throw new ShapeError(`groups.groups: expected length d = ${d}, got ${groupOf.length}`);
  const K = mus ? mus.shape[0] : 0;
  if (mus && (mus.ndim !== 2 || mus.shape[1] !== d)) throw new ShapeError(`mus: expected K x ${d}, got [${mus.shape.join(', ')}]`);
  const R = E ? E.shape[1] : 0;
  if (E && (E.ndim !== 2 || E.shape[0] !== d)) throw new ShapeError(`E: expected ${d} x R, got [${E.shape.join(', ')}]`);
  const q = new Float64Array(Ng * r * r);
  const m = new Float64Array(K * Ng * r);
  const g = new Float64Array(Ng * r * R);
  const row = new Float64Array(r);
  const sd = 1 / Math.sqrt(d);
  for (let i = 0; i < d; i++) {
    const s = groupOf[i];
    if (!Number.isInteger(s) || s < 0 || s >= Ng) throw new DomainError(`groups.groups[${i}]: expected an integer in [0, ${Ng}), got ${s}`);
    for (let k = 0; k < r; k++) row[k] = w.get(i, k);
    for (let k = 0; k < r; k++) for (let l = 0; l < r; l++) q[s * r * r + k * r + l] += (row[k] * row[l]) / d;
    for (let c = 0; c < K; c++) {
      const mc = mus!.get(c, i) * sd;
      if (mc !== 0) for (let k = 0; k < r; k++) m[(c * Ng + s) * r + k] += mc * row[k];
    }
    for (let j = 0; j < R; j++) {
      const e = E!.get(i, j) * sd;
      if (e !== 0) for (let k = 0; k < r; k++) g[(s * r + k) * R + j] += e * row[k];
    }
  }
  assertFinite(q, 'w');
  const v = extra.v ? Float64Array.from(extra.v) : new Float64Array(r);
  if (v.length !== r) throw new ShapeError(`extra.v: expected length r = ${r}, got ${v.length}`);
  const out: DaeState = { q, m, g, v, b: extra.b ?? 0 };
  const micro = groups.microscopic;
  if (micro) {
    if (micro.length !== Ng) throw new ShapeError(`groups.microscopic: expected length Ng = ${Ng}, got ${micro.length}`);
    const rows: number[] = [];
    for (let i = 0; i < d; i++) if (micro[groupOf[i]]) for (let k = 0; k < r; k++) rows.push(w.get(i, k) * sd);
    out.u = Float64Array.from(rows);
  }
  return out;
}
