import { assertFinite, assertInteger, assertPositive, assertObject } from '../check.js';
import { DomainError, ParameterError } from '../errors.js';
import { dopri5Solver } from './dopri5-solver.js';
import { checkSpan } from './grid.js';
import { type OdeRhs, allFinite } from './types.js';

export interface Dopri5Options {
  f: OdeRhs;
  /** Initial value y(t0); not modified. */
  y0: Float64Array;
  t0: number;
  /** End time (may be < t0 to integrate backwards). */
  t1: number;
  /** Relative tolerance. Default 1e-8. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-10. */
  atol?: number;
  /** Initial step size (magnitude). Default: Hairer's starting-step heuristic. */
  h0?: number;
  /** Maximum number of attempted (accepted + rejected) steps. Default 100000. */
  maxSteps?: number;
  /**
   * Times at which to report y, ordered from t0 to t1 and within [t0, t1]. Values between steps
   * come from the 4th-order continuous extension (dense output), so they cost no extra
   * evaluations and do not shorten the steps. Default [t1].
   */
  saveAt?: readonly number[];
}

export interface Dopri5Result {
  /** The requested times that were reached (all of saveAt on success). */
  ts: Float64Array;
  /** y at each of ts (copies). */
  ys: Float64Array[];
  /** The time reached and the state there (t1 and y(t1) on success). */
  t: number;
  y: Float64Array;
  status: 'success' | 'max_steps' | 'step_too_small' | 'non_finite';
  stats: { steps: number; rejected: number; fevals: number };
}

const SAFETY = 0.9;
const FAC_MIN = 0.2;
const FAC_MAX = 10;

/**
 * Adaptive Dormand-Prince 5(4) with dense output. The local error of each step, measured as the
 * RMS over components of err_i / (atol + rtol max(|y_i|, |y_new_i|)), must be <= 1.
 * Defaults: rtol = 1e-8, atol = 1e-10, maxSteps = 100000 (attempted steps), h0 from Hairer's
 * heuristic. Does not throw half-way: returns status 'max_steps', 'step_too_small' (|h| below
 * 16 ulp of t) or 'non_finite' (f gave NaN/Infinity at an accepted state, or successive
 * step-size cuts by 10 did not remove a non-finite trial value before 20 cuts or a too small step) with what was reached so far.
 */
export function dopri5(opts: Dopri5Options): Dopri5Result {
  assertObject(opts, 'opts');
  const { f, y0, t0, t1 } = opts;
  const rtol = opts.rtol ?? 1e-8;
  const atol = opts.atol ?? 1e-10;
  const maxSteps = opts.maxSteps ?? 100000;
  if (typeof f !== 'function') throw new ParameterError('f: expected a function (t, y, dydt) => void');
  if (!(y0 instanceof Float64Array)) throw new ParameterError('y0: expected a Float64Array');
  assertFinite(y0, 'y0');
  checkSpan(t0, t1, 1);
  assertPositive(rtol, 'rtol');
  assertPositive(atol, 'atol');
  assertInteger(maxSteps, 1, 'maxSteps');
  if (opts.h0 !== undefined) assertPositive(opts.h0, 'h0');
  const saveAt = opts.saveAt ?? [t1];
  const dir = Math.sign(t1 - t0);
  for (let i = 0; i < saveAt.length; i++) {
    const ts = saveAt[i];
    if (!Number.isFinite(ts) || (ts - t0) * dir < 0 || (ts - t1) * dir > 0) {
      throw new DomainError(`saveAt[${i}]: expected a time between t0 = ${t0} and t1 = ${t1}, got ${ts}`);
    }
    if (i > 0 && (ts - saveAt[i - 1]) * dir < 0) {
      throw new DomainError(`saveAt: expected times ordered from t0 to t1, got ${saveAt[i - 1]} before ${ts}`);
    }
  }

  const n = y0.length;
  const s = dopri5Solver.init(n);
  let y = y0.slice();
  let yNew = new Float64Array(n);
  const ts: number[] = [];
  const ys: Float64Array[] = [];
  const stats = { steps: 0, rejected: 0, fevals: 0 };
  let next = 0;
  while (next < saveAt.length && saveAt[next] === t0) {
    ts.push(t0);
    ys.push(y.slice());
    next++;
  }
  const done = (status: Dopri5Result['status'], t: number): Dopri5Result => ({ ts: Float64Array.from(ts), ys, t, y, status, stats });

  const norm = (v: Float64Array, a: Float64Array, b: Float64Array): number => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const sc = atol + rtol * Math.max(Math.abs(a[i]), Math.abs(b[i]));
      const r = v[i] / sc;
      acc += r * r;
    }
    return n === 0 ? 0 : Math.sqrt(acc / n);
  };

  let t = t0;
  f(t, y, s.k1);
  stats.fevals++;
  if (!allFinite(s.k1)) return done('non_finite', t);
  let h = dir * (opts.h0 ?? initialStep(f, t0, dir, y, s.k1, atol, rtol, s.tmp, s.k2, stats));
  if (Math.abs(h) > Math.abs(t1 - t0)) h = t1 - t0;
  let facMax = FAC_MAX;
  let nonFinite = 0;
  let attempts = 0;
  while ((t1 - t) * dir > 0) {
    if (attempts >= maxSteps) return done('max_steps', t);
    let last = false;
    if ((t + h - t1) * dir >= 0) {
      h = t1 - t;
      last = true;
    }
    if (Math.abs(h) <= 16 * Number.EPSILON * Math.max(Math.abs(t), Number.MIN_VALUE)) {
      // shrinking towards a point where f stops being finite is a non-finite failure
      return done(nonFinite > 0 ? 'non_finite' : 'step_too_small', t);
    }
    attempts++;
    dopri5Solver.step(f, t, h, y, s, yNew);
    stats.fevals += 6;
    const err = norm(s.err, y, yNew);
    if (!Number.isFinite(err) || !allFinite(yNew) || !allFinite(s.k7)) {
      stats.rejected++;
      if (++nonFinite > 20) return done('non_finite', t);
      h *= 0.1;
      facMax = 1;
      continue;
    }
    nonFinite = 0;
    if (err <= 1) {
      stats.steps++;
      const tNew = last ? t1 : t + h;
      if (next < saveAt.length && (saveAt[next] - tNew) * dir <= 0) {
        dopri5Solver.prepareDense(h, y, yNew, s);
        while (next < saveAt.length && (saveAt[next] - tNew) * dir <= 0) {
          const out = new Float64Array(n);
          if (saveAt[next] === tNew) out.set(yNew);
          else dopri5Solver.interpolate((saveAt[next] - t) / h, s, out);
          ts.push(saveAt[next]);
          ys.push(out);
          next++;
        }
      }
      const tmp = y;
      y = yNew;
      yNew = tmp;
      const k = s.k1;
      s.k1 = s.k7;
      s.k7 = k;
      t = tNew;
      const fac = err === 0 ? facMax : Math.min(facMax, Math.max(FAC_MIN, SAFETY * err ** -0.2));
      h *= fac;
      facMax = FAC_MAX;
    } else {
      stats.rejected++;
      h *= Math.max(FAC_MIN, SAFETY * err ** -0.2);
      facMax = 1;
    }
  }
  return done('success', t);
}

/** Hairer's starting step size (Solving ODEs I, II.4): a magnitude. */
function initialStep(
  f: OdeRhs,
  t0: number,
  dir: number,
  y0: Float64Array,
  f0: Float64Array,
  atol: number,
  rtol: number,
  y1: Float64Array,
  f1: Float64Array,
  stats: { fevals: number },
): number {
  const n = y0.length;
  if (n === 0) return 1;
  let d0 = 0;
  let d1 = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol + rtol * Math.abs(y0[i]);
    d0 += (y0[i] / sc) ** 2;
    d1 += (f0[i] / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / n);
  d1 = Math.sqrt(d1 / n);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  for (let i = 0; i < n; i++) y1[i] = y0[i] + dir * h0 * f0[i];
  f(t0 + dir * h0, y1, f1);
  stats.fevals++;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += ((f1[i] - f0[i]) / (atol + rtol * Math.abs(y0[i]))) ** 2;
  d2 = Math.sqrt(d2 / n) / h0;
  const m = Math.max(d1, d2);
  const h1 = m <= 1e-15 || !Number.isFinite(m) ? Math.max(1e-6, h0 * 1e-3) : (0.01 / m) ** 0.2;
  return Math.min(100 * h0, h1);
}
