/**
 * The finite-d correction of the skip connection (Cui et al. 2025, eq. 11). Online SGD at dimension d
 * updates b by b <- b + (2 eta / d) e.x / d, whose mean drift per unit of tau = 2 eta n / d is exactly
 *   db/dtau = E_t[beta_t (1 - b beta_t) Lambda_d - b alpha_t^2] - E_{c,t} E[sigma(h_t)^T (h_t - p_t v)] / d,
 *   Lambda_d = E||x1||^2 / d = Lambda + (finite-d spread of microscopic groups + E_c ||mu_c||^2) / d,
 * with the pre-activation h_t ~ N(beta_t M^c + p_t v, Omega^c_t), Omega^c_t = alpha_t^2 Q + beta_t^2 S^c
 * (one unit at a time: only the diagonal of Omega enters). The d -> infinity equation (eq. 11) keeps
 * Lambda and drops the network term, so b_SGD - b_eq11 = O(1/d) of either sign. The drift is linear in
 * b and the network term depends on w only, so its mean along the ODE path of (Q, S^c, M^c, v)
 * predicts the mean of b over SGD runs to O(d^-2); with `eta`, the Euler step 2 eta / d of SGD is kept
 * (an O(eta / d) effect in the transient), so the prediction is that of the discrete update itself.
 */
import {
  type Activation,
  type ActivationName,
  type InterpolantSchedule,
  type LossTimeGrid,
  ParameterError,
  ShapeError,
  type SummaryStatsRecord,
  assertFinite,
  assertInRange,
  assertInteger,
  gaussHermiteNormal,
  resolveActivation,
  resolveLossTimeGrid,
  trapezoidNormal,
} from '@diffusion-theory/kernel';
import { type SpectralMixtureSpec, validateSpectralMixture } from './spectral-mixture.js';

export interface FiniteDSkipOptions {
  /**
   * The learning curve along which to predict: the ODE record of solveDaeOde (or any kernel
   * SummaryStatsRecord with Q, and q per group unless Ng = 1; M unless every centroid is 0).
   * The prediction is made at its times `record.tau`.
   */
  record: SummaryStatsRecord;
  /** The target's spectral-mixture constants (pi, ell, T, Lambda; `groupSizes` when the target gives them). */
  spec: SpectralMixtureSpec;
  /** The dimension d of the simulation to predict (integer >= 1). */
  d: number;
  /** The activation sigma of the DAE (kernel Activation or a built-in name). */
  activation: Activation | ActivationName;
  /** The loss time grid of training (kernel LossTimeGrid). */
  grid: LossTimeGrid;
  schedule: InterpolantSchedule;
  /**
   * SGD learning rate: when given, the prediction iterates the mean of the discrete update with step
   * 2 eta / d (what online SGD does); when omitted, the continuous-time drift is integrated exactly.
   */
  eta?: number;
  /** Time encoding p_t (default 0). */
  timeEncoding?: (t: number) => number;
  /**
   * Lambda_d = E||x1||^2 / d at this d (targets: `secondMoment()`). Default from the spec:
   * sum_c pi_c (sum_s |s| ell_{c,s} + sum_s T_{cc,s}) / d, with |s| = spec.groupSizes when present, else rho_s d.
   */
  secondMoment?: number;
  /** b at record.tau[0] (default record.b[0]). */
  b0?: number;
}

export interface FiniteDSkipCorrection {
  /** The record times tau. */
  tau: Float64Array;
  /** The predicted mean of b over SGD runs at dimension d. */
  b: Float64Array;
  /** The d -> infinity prediction on the same times from the same b0 (eq. 11 with spec.Lambda). */
  bInfinite: Float64Array;
  /** b - bInfinite: the finite-d correction, O(1/d). */
  offset: Float64Array;
  /** The network term E_{c,t} E[sigma(h_t)^T (h_t - p_t v)] / d at each record. */
  networkTerm: Float64Array;
  /** The Lambda_d used. */
  secondMoment: number;
}

/**
 * The finite-d prediction of the skip connection b along a learning curve (Cui et al. 2025, eq. 11): eq. 11's drift
 * with Lambda_d = E||x1||^2 / d and the network term -E[sigma(h)^T (h - p v)] / d, evaluated along
 * `record` (linear in tau between records). Returns the corrected mean b, eq. 11 on the same times,
 * and their difference. One function for every experiment that compares b with SGD at finite d.
 * @throws ParameterError for missing options or record fields; ShapeError for record fields of the
 * wrong length; DomainError for d, eta, secondMoment or tau out of range (kernel assertions, naming them).
 */
export function finiteDSkipCorrection(o: FiniteDSkipOptions): FiniteDSkipCorrection {
  if (!o || typeof o !== 'object') throw new ParameterError('options: expected { record, spec, d, activation, grid, schedule, ... }');
  const { record: rec, spec, d } = o;
  validateSpectralMixture(spec);
  assertInteger(d, 1, 'd');
  const act = resolveActivation(o.activation);
  const { times, weights } = resolveLossTimeGrid(o.grid);
  const sched = o.schedule;
  if (!sched || typeof sched.alpha !== 'function' || typeof sched.beta !== 'function') throw new ParameterError('schedule: expected an InterpolantSchedule with alpha(t), beta(t)');
  if (o.eta !== undefined) assertInRange(o.eta, Number.MIN_VALUE, Number.POSITIVE_INFINITY, 'eta');
  const penc = o.timeEncoding;
  if (penc !== undefined && typeof penc !== 'function') throw new ParameterError('timeEncoding: expected a function t => p_t');
  const fields = recordFields(rec, spec);
  const { n, r } = fields;
  const LambdaD = o.secondMoment ?? defaultSecondMoment(spec, d);
  assertInRange(LambdaD, 0, Number.POSITIVE_INFINITY, 'secondMoment');
  const b0 = o.b0 ?? rec.b[0];
  assertFinite([b0], 'b0');

  // grid averages of the b drift: db/dtau = A - kappa b - c(tau)
  const J = times.length;
  const al = new Float64Array(J);
  const be = new Float64Array(J);
  const pt = new Float64Array(J);
  let Eb = 0;
  let Eb2 = 0;
  let Ea2 = 0;
  for (let j = 0; j < J; j++) {
    al[j] = sched.alpha(times[j]);
    be[j] = sched.beta(times[j]);
    pt[j] = penc ? penc(times[j]) : 0;
    assertFinite([al[j], be[j], pt[j]], `schedule / time encoding at grid.times[${j}]`);
    Eb += weights[j] * be[j];
    Eb2 += weights[j] * be[j] * be[j];
    Ea2 += weights[j] * al[j] * al[j];
  }

  // network term per record: sum_c pi_c sum_j omega_j sum_k E[sigma(h_k)(h_k - p v_k)] / d
  const rule = act.smooth ? gaussHermiteNormal(40) : trapezoidNormal({ halfWidth: 9, spacing: 0.005 });
  const f = act.f;
  const net = new Float64Array(n);
  const { K, Ng } = spec;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let c = 0; c < K; c++) {
      const pic = spec.pi[c];
      if (pic === 0) continue;
      for (let j = 0; j < J; j++) {
        if (weights[j] === 0) continue;
        let sum = 0;
        for (let k = 0; k < r; k++) {
          let Skk = 0;
          for (let s = 0; s < Ng; s++) Skk += spec.ell[c * Ng + s] * fields.qkk(i, s, k);
          const variance = al[j] * al[j] * fields.Q(i, k) + be[j] * be[j] * Skk;
          const sd = Math.sqrt(Math.max(0, variance));
          const pv = pt[j] * fields.v(i, k);
          const mean = be[j] * fields.M(i, c, k) + pv;
          let e = 0;
          for (let u = 0; u < rule.nodes.length; u++) {
            const h = mean + sd * rule.nodes[u];
            e += rule.weights[u] * f(h) * (h - pv);
          }
          sum += e;
        }
        acc += pic * weights[j] * sum;
      }
    }
    net[i] = acc / d;
  }
  assertFinite(net, 'networkTerm');

  const tau = Float64Array.from(rec.tau);
  const A = LambdaD * Eb;
  const kap = LambdaD * Eb2 + Ea2;
  const b = new Float64Array(n);
  b[0] = b0;
  const h = o.eta === undefined ? 0 : (2 * o.eta) / d;
  for (let i = 0; i + 1 < n; i++) {
    const len = tau[i + 1] - tau[i];
    if (!(len >= 0)) throw new ShapeError(`record.tau: expected ascending times, got ${tau[i + 1]} after ${tau[i]}`);
    b[i + 1] = h > 0 ? eulerSegment(b[i], A, kap, net[i], net[i + 1], len, h) : exactSegment(b[i], A, kap, net[i], net[i + 1], len);
  }
  // eq. 11 on the same times, from the same b0
  const kInf = spec.Lambda * Eb2 + Ea2;
  const bInfinite = Float64Array.from(tau, (t) => {
    const s = t - tau[0];
    if (kInf === 0) return b0 + spec.Lambda * Eb * s;
    const binf = (spec.Lambda * Eb) / kInf;
    const e = Math.exp(-kInf * s);
    return binf * (1 - e) + b0 * e;
  });
  const offset = Float64Array.from(b, (x, i) => x - bInfinite[i]);
  return { tau, b, bInfinite, offset, networkTerm: net, secondMoment: LambdaD };
}

/** b' = A - kappa b - c(u), c linear from c0 to c1 over [0, len]: exact solution at u = len. */
function exactSegment(b: number, A: number, kap: number, c0: number, c1: number, len: number): number {
  if (len === 0) return b;
  const slope = (c1 - c0) / len;
  if (kap === 0) return b + (A - c0) * len - 0.5 * slope * len * len;
  // particular solution b_p(u) = (A - c0)/kappa + slope/kappa^2 - slope u / kappa
  const bp0 = (A - c0) / kap + slope / (kap * kap);
  const bpL = bp0 - (slope * len) / kap;
  return bpL + (b - bp0) * Math.exp(-kap * len);
}

/** The mean SGD recursion b <- b + h (A - kappa b - c), c linear over the segment, round(len / h) steps (>= 1 for len > 0). */
function eulerSegment(b: number, A: number, kap: number, c0: number, c1: number, len: number, h: number): number {
  if (len === 0) return b;
  const steps = Math.max(1, Math.round(len / h));
  const hh = len / steps;
  let x = b;
  for (let k = 0; k < steps; k++) {
    const c = c0 + ((c1 - c0) * k) / steps;
    x += hh * (A - kap * x - c);
  }
  return x;
}

/** Lambda_d from the spec: sum_c pi_c (sum_s |s| ell_{c,s} + sum_s T_{cc,s}) / d. */
function defaultSecondMoment(spec: SpectralMixtureSpec, d: number): number {
  const sizes = spec.groupSizes;
  if (sizes !== undefined && sizes.length !== spec.Ng) throw new ShapeError(`spec.groupSizes: expected length Ng = ${spec.Ng}, got ${sizes.length}`);
  let L = 0;
  for (let c = 0; c < spec.K; c++) {
    let tr = 0;
    for (let s = 0; s < spec.Ng; s++) {
      const size = sizes ? sizes[s] : spec.rho[s] * d;
      tr += size * spec.ell[c * spec.Ng + s] + spec.T[(c * spec.K + c) * spec.Ng + s];
    }
    L += (spec.pi[c] * tr) / d;
  }
  return L;
}

interface RecordFields {
  n: number;
  r: number;
  Q(i: number, k: number): number;
  qkk(i: number, s: number, k: number): number;
  M(i: number, c: number, k: number): number;
  v(i: number, k: number): number;
}

/** Accessors of the diagonal statistics of a record, with the Ng = 1 and centred-target fallbacks. */
function recordFields(rec: SummaryStatsRecord, spec: SpectralMixtureSpec): RecordFields {
  if (!rec || typeof rec !== 'object' || !(rec.tau instanceof Float64Array) || !(rec.Q instanceof Float64Array) || !(rec.b instanceof Float64Array)) {
    throw new ParameterError('record: expected a kernel SummaryStatsRecord (tau, b, v, Q, ...), e.g. the result of solveDaeOde');
  }
  const n = rec.tau.length;
  if (n < 1) throw new ShapeError('record.tau: expected at least one record');
  assertInteger(rec.r, 1, 'record.r');
  const r = rec.r;
  const { K, Ng } = spec;
  const need = (a: Float64Array | undefined, len: number, name: string) => {
    if (a !== undefined && a.length !== n * len) throw new ShapeError(`record.${name}: expected length ${n} x ${len} = ${n * len}, got ${a.length}`);
  };
  need(rec.Q, r * r, 'Q');
  need(rec.b, 1, 'b');
  need(rec.v, r, 'v');
  need(rec.q, Ng * r * r, 'q');
  need(rec.M, K * r, 'M');
  const q = rec.q;
  if (q === undefined && Ng > 1) throw new ParameterError(`record.q: expected the per-group q_s (Ng = ${Ng}) to form S^c = sum_s ell_{c,s} q_s; record them with the target's groups`);
  const M = rec.M;
  if (M === undefined) {
    for (let c = 0; c < K; c++) for (let s = 0; s < Ng; s++) {
      if (spec.T[(c * K + c) * Ng + s] !== 0) throw new ParameterError('record.M: expected the centroid overlaps M^c (the target has non-zero centroids)');
    }
  }
  assertFinite(rec.Q, 'record.Q');
  const rr = r * r;
  return {
    n,
    r,
    Q: (i, k) => rec.Q[i * rr + k * r + k],
    qkk: q ? (i, s, k) => q[((i * Ng + s) * r + k) * r + k] : (i, _s, k) => rec.Q[i * rr + k * r + k],
    M: M ? (i, c, k) => M[(i * K + c) * r + k] : () => 0,
    v: rec.v ? (i, k) => rec.v[i * r + k] : () => 0,
  };
}
