import {
  type Activation,
  type ActivationName,
  DomainError,
  type InterpolantSchedule,
  type LossTimeGrid,
  ParameterError,
  type ResolvedLossTimeGrid,
  assertInRange,
  assertInteger,
  resolveActivation,
  resolveLossTimeGrid,
} from '@diffusion-theory/kernel';
import { type DaeStateLayout, daeStateLayout } from './dae-layout.js';
import { microMask, syncMicroStats } from './dae-micro.js';
import {
  type ClusterFields,
  type DaeQuadratureOptions,
  type PairMoments,
  type RotatedEngine,
  type SingleMoments,
  type TimePoint,
  linearPairMoments,
  linearScratch,
  linearSingleMoments,
  pairMoments,
  rotatedEngine,
  singleMoments,
} from './dae-moments.js';
import { type SymEigen, pinvSymInto, symEigen } from './small-linalg.js';
import { type SpectralMixtureSpec, validateSpectralMixture } from './spectral-mixture.js';

/**
 * Training-time grid G = {t_j} with weights omega_j.
 * @deprecated use kernel `LossTimeGrid` (the same shape and rule); this alias goes in the next minor release.
 */
export type TimeGrid = LossTimeGrid;

/** How the Gaussian expectations of Cui et al. 2025, Result 2.1 are formed. */
export type DaeOdeForm = 'stein' | 'regression' | 'linear-closed';

export interface DaeOdeOptions {
  /** Number of hidden units r (columns of w). */
  r: number;
  /** Activation sigma: a kernel `Activation` or a built-in name ('linear', 'tanh', 'relu', 'sign'). */
  activation: Activation | ActivationName;
  /**
   * 'stein' (needs sigma''), 'regression' (sigma and sigma' only: ReLU, sign) or
   * 'linear-closed' (sigma(x) = x, no quadrature): three forms of the Result 2.1 ODE of Cui et al. 2025. Default: 'linear-closed' for the linear
   * activation, 'stein' when d2f exists, else 'regression'.
   */
  form?: DaeOdeForm;
  /** Loss time grid G with weights (kernel `LossTimeGrid`: weights optional, default uniform, else >= 0 summing to 1; Cui et al. 2025, eqs. 4–6). */
  grid: LossTimeGrid;
  /** The interpolant alpha_t, beta_t. */
  schedule: InterpolantSchedule;
  /** Learning rate eta (enters only the O(eta) noise term 2 eta rho_s N_{c,s}). */
  eta: number;
  /** Weight decay lambda (>= 0). */
  lambda: number;
  /** Time encoding p_t (default p = 0). */
  timeEncoding?: (t: number) => number;
  /** Rotated-quadrature options (ignored by 'linear-closed'). */
  quadrature?: DaeQuadratureOptions;
  /**
   * Train the skip connection b (default true). `false` freezes b at its initial value (db/dtau = 0):
   * the fixed-skip remedy of Cui et al. 2025, App. D, the theory of online SGD with `trainB: false`.
   */
  trainB?: boolean;
}

/** The ODE right-hand side f(tau, y, dydt) of Result 2.1, with its state layout attached. */
export type DaeOdeRhs = ((tau: number, y: Float64Array, dydt: Float64Array) => void) & {
  readonly layout: DaeStateLayout;
  readonly form: DaeOdeForm;
};

/** @deprecated use kernel `ResolvedLossTimeGrid`; this alias goes in the next minor release. */
export type ResolvedGrid = ResolvedLossTimeGrid;

/**
 * Validate a time grid (times in [0, 1], weights >= 0 summing to 1; default uniform).
 * @deprecated use kernel `resolveLossTimeGrid` (this calls it); goes in the next minor release.
 */
export function resolveGrid(grid: LossTimeGrid, name = 'grid'): ResolvedLossTimeGrid {
  return resolveLossTimeGrid(grid, name);
}

export function resolveForm(act: Activation, form: DaeOdeForm | undefined): DaeOdeForm {
  if (form === undefined) return act.isLinear ? 'linear-closed' : act.d2f ? 'stein' : 'regression';
  if (form !== 'stein' && form !== 'regression' && form !== 'linear-closed') {
    throw new ParameterError(`form: expected 'stein', 'regression' or 'linear-closed', got '${String(form)}'`);
  }
  if (form === 'stein' && !act.d2f) throw new ParameterError(`form: 'stein' needs activation.d2f (sigma''), which '${act.name}' lacks; use form 'regression'`);
  if (form === 'linear-closed' && !act.isLinear) throw new ParameterError(`form: 'linear-closed' needs the linear activation, got '${act.name}'`);
  return form;
}

/**
 * Build the right-hand side of the summary-statistic ODEs of online SGD for the tied-weight DAE
 * (the Result 2.1 ODE of Cui et al. 2025 in Stein form, regression form and linear closed form), state layout of
 * daeStateLayout. tau is training time (tau = 2 eta n / d); the RHS is autonomous (tau unused).
 * Allocation-free per call; deterministic (same inputs, bit-identical output).
 *
 * With `spec.micro`, the listed microscopic groups are evolved in factor form (dae-micro.ts): the state
 * gets a factor block u (layout.oU, nMicro x r) with du_p/dtau = E_{c,t}[mu_{c,p} a_{c,t} + K_{c,t,s}^T u_p]
 * - (lambda/2) u_p; their q_s, m_{c,s}, g_s are rebuilt from u on every call (the slots of y are not read)
 * and their derivative slots receive the push-forward (the Result 2.1 equations of Cui et al. 2025 on the rebuilt state).
 *
 * One call: the fields Q (shared) and S^c, M^c per cluster; the grid averages a-bar, A-bar, B-bar
 * (and the noise N) over the loss times; the per-group equations for q_s, u_p, m_{c,s}, g_s; weight
 * decay; the skip connection (eq. 11 drift, or 0 with trainB: false); exact symmetry of dq_s.
 * @throws ParameterError / DomainError / ShapeError for invalid options (naming the option).
 */
export function daeOdeRhs(spec: SpectralMixtureSpec, opts: DaeOdeOptions): DaeOdeRhs {
  const w = setupRhs(spec, opts);
  const { layout, K, Ng, J, yFull } = w;
  const rhs = (_tau: number, y: Float64Array, dydt: Float64Array): void => {
    let Y = y;
    if (yFull) {
      yFull.set(y);
      syncMicroStats(spec, layout, yFull, w.isMicro);
      Y = yFull;
    }
    loadSharedFields(w, Y);
    dydt.fill(0);
    if (w.needReg) pinvSymInto(w.eig, w.Q, w.Qp);
    for (let c = 0; c < K; c++) {
      if (spec.pi[c] === 0) continue;
      loadClusterFields(w, Y, c);
      averageOverGrid(w, c, dydt);
      if (w.withNoise && J > 1) addCrossTimeNoise(w);
      for (let s = 0; s < Ng; s++) assembleGroup(w, Y, dydt, c, s);
    }
    addDecayAndSkip(w, Y, dydt);
    symmetriseDq(w, dydt);
  };
  if (w.nMicro > 0) Object.defineProperty(layout, 'spec', { value: spec, enumerable: false });
  return Object.assign(rhs, { layout, form: w.form });
}

/** What daeOdeRhs fixes once: validated options, the grid's time points, the factor-form index, scratch. */
interface RhsWork {
  spec: SpectralMixtureSpec;
  layout: DaeStateLayout;
  r: number;
  rr: number;
  K: number;
  Ng: number;
  R: number;
  form: DaeOdeForm;
  needReg: boolean;
  eta: number;
  lambda: number;
  withNoise: boolean;
  trainB: boolean;
  J: number;
  tp: TimePoint[];
  weights: Float64Array;
  /** Factor form: which groups, the micro coordinates of each group (CSR), their centroid entries. */
  isMicro: Uint8Array;
  nMicro: number;
  microStart: Int32Array;
  microIdx: Int32Array;
  microMu: Float64Array;
  /** State with the q, m, g slots of factor-form groups rebuilt from u (read instead of y); null without micro groups. */
  yFull: Float64Array | null;
  engine: RotatedEngine | null;
  lin: ReturnType<typeof linearScratch>;
  sm: SingleMoments;
  pm: PairMoments;
  fields: ClusterFields;
  eig: SymEigen;
  Q: Float64Array;
  S: Float64Array;
  M: Float64Array;
  v: Float64Array;
  Qp: Float64Array;
  Sp: Float64Array;
  Abar: Float64Array;
  Bbar: Float64Array;
  abar: Float64Array;
  N1: Float64Array;
  N0: Float64Array;
  Kmat: Float64Array;
  Fm: Float64Array;
  J0: Float64Array;
  J1: Float64Array;
}

function setupRhs(spec: SpectralMixtureSpec, opts: DaeOdeOptions): RhsWork {
  validateSpectralMixture(spec);
  if (!opts || typeof opts !== 'object') throw new ParameterError('opts: expected an options object');
  const { r } = opts;
  assertInteger(r, 1, 'r');
  const act = resolveActivation(opts.activation);
  const form = resolveForm(act, opts.form);
  const { times, weights } = resolveLossTimeGrid(opts.grid);
  const sched = opts.schedule;
  if (!sched || typeof sched.alpha !== 'function' || typeof sched.beta !== 'function') {
    throw new ParameterError('schedule: expected an InterpolantSchedule with alpha(t), beta(t)');
  }
  assertInRange(opts.eta, 0, Number.POSITIVE_INFINITY, 'eta');
  assertInRange(opts.lambda, 0, Number.POSITIVE_INFINITY, 'lambda');
  const penc = opts.timeEncoding;
  if (penc !== undefined && typeof penc !== 'function') throw new ParameterError('timeEncoding: expected a function t => p_t');
  const trainB = opts.trainB ?? true;
  if (typeof trainB !== 'boolean') throw new ParameterError(`trainB: expected a boolean, got ${typeof trainB}`);
  const { K, Ng, R } = spec;
  const micro = spec.micro;
  const nMicro = micro ? micro.coords.length : 0;
  const layout = daeStateLayout({ r, K, Ng, R, nMicro });
  const microStart = new Int32Array(Ng + 1);
  const microIdx = new Int32Array(nMicro);
  if (micro) {
    for (let p = 0; p < nMicro; p++) microStart[micro.coords[p] + 1]++;
    for (let s = 0; s < Ng; s++) microStart[s + 1] += microStart[s];
    const fill = microStart.slice(0, Ng);
    for (let p = 0; p < nMicro; p++) microIdx[fill[micro.coords[p]]++] = p;
  }
  const J = times.length;
  const tp: TimePoint[] = [];
  for (let j = 0; j < J; j++) {
    const t = times[j];
    const p = penc ? penc(t) : 0;
    const tpj = { alpha: sched.alpha(t), beta: sched.beta(t), p };
    if (!Number.isFinite(tpj.alpha) || !Number.isFinite(tpj.beta) || !Number.isFinite(p)) {
      throw new DomainError(`grid.times[${j}] = ${t}: schedule / time encoding not finite there`);
    }
    tp.push(tpj);
  }
  let anyRho = false;
  for (let s = 0; s < Ng; s++) if (spec.rho[s] > 0) anyRho = true;
  const rr = r * r;
  const vec = () => new Float64Array(r);
  const mat = () => new Float64Array(rr);
  const Q = mat();
  const S = mat();
  const M = vec();
  const v = vec();
  return {
    spec,
    layout,
    r,
    rr,
    K,
    Ng,
    R,
    form,
    needReg: form === 'regression',
    eta: opts.eta,
    lambda: opts.lambda,
    withNoise: opts.eta > 0 && anyRho,
    trainB,
    J,
    tp,
    weights,
    isMicro: microMask(spec),
    nMicro,
    microStart,
    microIdx,
    microMu: micro ? micro.mu : new Float64Array(0),
    yFull: nMicro > 0 ? new Float64Array(layout.length) : null,
    engine: form === 'linear-closed' ? null : rotatedEngine(r, act, opts.quadrature, form === 'stein'),
    lin: linearScratch(r),
    sm: singleMoments(r),
    pm: pairMoments(r),
    fields: { Q, S, M, b: 0, v },
    eig: symEigen(r),
    Q,
    S,
    M,
    v,
    Qp: mat(),
    Sp: mat(),
    Abar: mat(),
    Bbar: mat(),
    abar: vec(),
    N1: mat(),
    N0: mat(),
    Kmat: mat(),
    Fm: mat(),
    J0: mat(),
    J1: mat(),
  };
}

/** Exact symmetrisation of an r x r row-major matrix in place. */
function symmetrise(a: Float64Array, r: number, o = 0): void {
  for (let i = 0; i < r; i++) {
    for (let l = i + 1; l < r; l++) {
      const m = 0.5 * (a[o + i * r + l] + a[o + l * r + i]);
      a[o + i * r + l] = m;
      a[o + l * r + i] = m;
    }
  }
}

/** b, v and Q = sum_s q_s (symmetrised) from the state. */
function loadSharedFields(w: RhsWork, Y: Float64Array): void {
  const { r, rr, Ng, layout, Q } = w;
  w.fields.b = Y[layout.oB];
  for (let k = 0; k < r; k++) w.v[k] = Y[layout.oV + k];
  Q.fill(0);
  for (let s = 0; s < Ng; s++) for (let i = 0; i < rr; i++) Q[i] += Y[s * rr + i];
  symmetrise(Q, r);
}

/** S^c = sum_s ell_{c,s} q_s (symmetrised), M^c = sum_s m_{c,s}, and S^+ for the regression form. */
function loadClusterFields(w: RhsWork, Y: Float64Array, c: number): void {
  const { r, rr, Ng, S, M } = w;
  const { oM } = w.layout;
  const ell = w.spec.ell;
  S.fill(0);
  M.fill(0);
  for (let s = 0; s < Ng; s++) {
    const l = ell[c * Ng + s];
    for (let i = 0; i < rr; i++) S[i] += l * Y[s * rr + i];
    for (let k = 0; k < r; k++) M[k] += Y[oM + (c * Ng + s) * r + k];
  }
  symmetrise(S, r);
  if (w.needReg) pinvSymInto(w.eig, S, w.Sp);
}

/**
 * The grid averages of cluster c over the loss times: a-bar = E_t[(1 - b beta) E sigma + beta E psi],
 * A-bar and B-bar (K = ell A-bar + B-bar), the diagonal (t, t) part of the noise N = ell N1 + N0, and
 * the time-encoding drift of v (added to dydt).
 */
function averageOverGrid(w: RhsWork, c: number, dydt: Float64Array): void {
  const { r, J, tp, weights, sm, Abar, Bbar, abar, N1, N0 } = w;
  const pic = w.spec.pi[c];
  const b = w.fields.b;
  const dv = w.layout.oV;
  Abar.fill(0);
  Bbar.fill(0);
  abar.fill(0);
  N1.fill(0);
  N0.fill(0);
  for (let j = 0; j < J; j++) {
    const t = tp[j];
    const wj = weights[j];
    if (wj === 0) continue;
    if (w.engine) w.engine.single(w.fields, t, sm, w.needReg);
    else linearSingleMoments(r, w.fields, t, sm, w.lin);
    const c1 = 1 - b * t.beta;
    // a = (1 - b beta) E[sigma] + beta E[psi]
    for (let k = 0; k < r; k++) abar[k] += wj * (c1 * sm.Es[k] + t.beta * sm.Epsi[k]);
    if (w.needReg) accumulateRegression(w, t, wj, c1);
    else accumulateStein(w, t, wj, c1);
    if (t.p !== 0) for (let k = 0; k < r; k++) dydt[dv + k] += pic * wj * t.p * sm.Epsi[k];
    if (w.withNoise) accumulateDiagonalNoise(w, t, wj, c1);
  }
}

/** Regression form (Cui et al. 2025, Result 2.1): J0 = Q^+ E[lambda0 psi^T], J1 = S^+ E[lambda1 psi^T]. */
function accumulateRegression(w: RhsWork, t: TimePoint, wj: number, c1: number): void {
  const { r, sm, Abar, Bbar, J0, J1 } = w;
  const b = w.fields.b;
  const al = t.alpha;
  const be = t.beta;
  matmul(w.Qp, sm.El0psi, J0, r);
  matmul(w.Sp, sm.El1psi, J1, r);
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < r; l++) {
      const id = i === l ? sm.Eds[i] : 0;
      Abar[i * r + l] += wj * (be * c1 * id + be * J1[i * r + l]);
      Bbar[i * r + l] += wj * (-b * al * al * id - sm.Ess[i * r + l] + al * J0[i * r + l]);
    }
  }
}

/** Stein form (Cui et al. 2025, Result 2.1). */
function accumulateStein(w: RhsWork, t: TimePoint, wj: number, c1: number): void {
  const { r, sm, Abar, Bbar, Fm, Q } = w;
  const b = w.fields.b;
  const al = t.alpha;
  const be = t.beta;
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < r; l++) {
      Fm[i * r + l] = Q[i * r + l] * sm.Edsds[i * r + l];
      const d1 = i === l ? sm.Eds[i] : 0;
      const d2f = (i === l ? sm.Ed2g[i] : 0) - Fm[i * r + l];
      Abar[i * r + l] += wj * (2 * be * c1 * d1 + be * be * d2f);
      Bbar[i * r + l] += wj * (-2 * b * al * al * d1 + al * al * d2f - sm.Ess[i * r + l]);
    }
  }
}

/** The diagonal (j, j) term of the noise N = ell N1 + N0. */
function accumulateDiagonalNoise(w: RhsWork, t: TimePoint, wj: number, c1: number): void {
  const { r, sm, N1, N0 } = w;
  const b = w.fields.b;
  const al = t.alpha;
  const be = t.beta;
  const w2 = wj * wj;
  const e1 = c1 * c1;
  const e0 = b * b * al * al;
  const x1 = c1 * be;
  const x0 = -b * al * al;
  const z1 = be * be;
  const z0 = al * al;
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < r; l++) {
      const sp = sm.Espsi[i * r + l] + sm.Espsi[l * r + i];
      N1[i * r + l] += w2 * (e1 * sm.Ess[i * r + l] + x1 * sp + z1 * sm.Epsipsi[i * r + l]);
      N0[i * r + l] += w2 * (e0 * sm.Ess[i * r + l] + x0 * sp + z0 * sm.Epsipsi[i * r + l]);
    }
  }
}

/** The cross-time (j < l) terms of the noise N = ell N1 + N0 (same x0, x1 at both times). */
function addCrossTimeNoise(w: RhsWork): void {
  const { r, J, tp, weights, pm, N1, N0 } = w;
  const b = w.fields.b;
  for (let j = 0; j < J; j++) {
    for (let l2 = j + 1; l2 < J; l2++) {
      const ww = weights[j] * weights[l2];
      if (ww === 0) continue;
      const ta = tp[j];
      const tb = tp[l2];
      if (w.engine) w.engine.pair(w.fields, ta, tb, pm);
      else linearPairMoments(r, w.fields, ta, tb, pm, w.lin);
      const ca = 1 - b * ta.beta;
      const cb = 1 - b * tb.beta;
      // C^ee_ab, C^ex_ab (sigma_a psi_b), C^ex_ba (psi_a sigma_b), C^xx_ab
      const e1 = ca * cb;
      const e0 = b * b * ta.alpha * tb.alpha;
      const xab1 = ca * tb.beta;
      const xab0 = -b * ta.alpha * tb.alpha;
      const xba1 = cb * ta.beta;
      const xba0 = xab0;
      const z1 = ta.beta * tb.beta;
      const z0 = ta.alpha * tb.alpha;
      for (let i = 0; i < r; i++) {
        for (let l = 0; l < r; l++) {
          const il = i * r + l;
          const li = l * r + i;
          const X1 = e1 * pm.Ess[il] + xab1 * pm.Espsi[il] + xba1 * pm.Epsis[il] + z1 * pm.Epsipsi[il];
          const X1t = e1 * pm.Ess[li] + xab1 * pm.Espsi[li] + xba1 * pm.Epsis[li] + z1 * pm.Epsipsi[li];
          const X0 = e0 * pm.Ess[il] + xab0 * pm.Espsi[il] + xba0 * pm.Epsis[il] + z0 * pm.Epsipsi[il];
          const X0t = e0 * pm.Ess[li] + xab0 * pm.Espsi[li] + xba0 * pm.Epsis[li] + z0 * pm.Epsipsi[li];
          N1[il] += ww * (X1 + X1t);
          N0[il] += ww * (X0 + X0t);
        }
      }
    }
  }
}

/**
 * The contribution of cluster c to the equations of group s, with K = ell_{c,s} A-bar + B-bar:
 * dq_s += pi_c (m a^T + a m^T + q K + K^T q) (+ the noise 2 eta rho_s pi_c N), du_p += pi_c (mu_{c,p} a + K^T u_p)
 * for the micro coordinates p of s, dm_{c',s} += pi_c (T_{c c',s} a + K^T m_{c',s}), dg_s += pi_c (a P_{c,s}^T + K^T g_s).
 */
function assembleGroup(w: RhsWork, Y: Float64Array, dydt: Float64Array, c: number, s: number): void {
  const { r, rr, K, Ng, R, Kmat, Abar, Bbar, abar, N1, N0 } = w;
  const { oM, oG, oU } = w.layout;
  const { pi, ell, rho, T, P } = w.spec;
  const pic = pi[c];
  const l = ell[c * Ng + s];
  for (let i = 0; i < rr; i++) Kmat[i] = l * Abar[i] + Bbar[i];
  const qo = s * rr;
  const mo = oM + (c * Ng + s) * r;
  for (let i = 0; i < r; i++) {
    for (let k = 0; k < r; k++) {
      let qk = 0;
      let kq = 0;
      for (let m = 0; m < r; m++) {
        qk += Y[qo + i * r + m] * Kmat[m * r + k];
        kq += Kmat[m * r + i] * Y[qo + m * r + k];
      }
      dydt[qo + i * r + k] += pic * (Y[mo + i] * abar[k] + abar[i] * Y[mo + k] + qk + kq);
    }
  }
  if (w.withNoise && rho[s] > 0) {
    const f2 = 2 * w.eta * rho[s] * pic;
    for (let i = 0; i < rr; i++) dydt[qo + i] += f2 * (l * N1[i] + N0[i]);
  }
  for (let pp = w.microStart[s]; pp < w.microStart[s + 1]; pp++) {
    const p = w.microIdx[pp];
    const uo = oU + p * r;
    const mcp = w.microMu[c * w.nMicro + p];
    for (let k = 0; k < r; k++) {
      let ku = 0;
      for (let m = 0; m < r; m++) ku += Kmat[m * r + k] * Y[uo + m];
      dydt[uo + k] += pic * (mcp * abar[k] + ku);
    }
  }
  for (let c2 = 0; c2 < K; c2++) {
    const m2 = oM + (c2 * Ng + s) * r;
    const Tcc = T[(c * K + c2) * Ng + s];
    for (let k = 0; k < r; k++) {
      let km = 0;
      for (let m = 0; m < r; m++) km += Kmat[m * r + k] * Y[m2 + m];
      dydt[m2 + k] += pic * (Tcc * abar[k] + km);
    }
  }
  if (R > 0) {
    const go = oG + s * r * R;
    const po = (c * Ng + s) * R;
    for (let k = 0; k < r; k++) {
      for (let jj = 0; jj < R; jj++) {
        let kg = 0;
        for (let m = 0; m < r; m++) kg += Kmat[m * r + k] * Y[go + m * R + jj];
        dydt[go + k * R + jj] += pic * (abar[k] * P[po + jj] + kg);
      }
    }
  }
}

/**
 * Weight decay (-lambda q_s, -(lambda/2) on m, g, v, u) and the skip connection:
 * db/dtau = sum_j omega_j [beta_j (1 - b beta_j) Lambda - b alpha_j^2] (Cui et al. 2025, eq. 11), or 0 with trainB: false.
 */
function addDecayAndSkip(w: RhsWork, Y: Float64Array, dydt: Float64Array): void {
  const { layout, lambda, J, tp, weights } = w;
  const { oM, oB, oU } = layout;
  if (lambda !== 0) {
    for (let i = 0; i < oM; i++) dydt[i] -= lambda * Y[i];
    const h = 0.5 * lambda;
    for (let i = oM; i < oB; i++) dydt[i] -= h * Y[i];
    for (let i = oU; i < layout.length; i++) dydt[i] -= h * Y[i];
  }
  if (!w.trainB) {
    dydt[oB] = 0;
    return;
  }
  const b = Y[oB];
  const Lambda = w.spec.Lambda;
  let db = 0;
  for (let j = 0; j < J; j++) {
    const t = tp[j];
    db += weights[j] * (t.beta * (1 - b * t.beta) * Lambda - b * t.alpha * t.alpha);
  }
  dydt[oB] = db;
}

/** Exact symmetry of every dq_s. */
function symmetriseDq(w: RhsWork, dydt: Float64Array): void {
  for (let s = 0; s < w.Ng; s++) symmetrise(dydt, w.r, s * w.rr);
}

function matmul(a: Float64Array, b: Float64Array, out: Float64Array, r: number): void {
  for (let i = 0; i < r; i++) {
    for (let k = 0; k < r; k++) {
      let x = 0;
      for (let m = 0; m < r; m++) x += a[i * r + m] * b[m * r + k];
      out[i * r + k] = x;
    }
  }
}
