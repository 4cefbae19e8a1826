import {
  DomainError,
  type InterpolantSchedule,
  ParameterError,
  ShapeError,
  assertFinite,
  assertInRange,
  assertInteger,
} from '@diffusion-theory/kernel';
import { type Activation, resolveActivation } from '@diffusion-theory/kernel';
import {
  type ClusterFields,
  type DaeQuadratureOptions,
  type PairMoments,
  type SingleMoments,
  type TimePoint,
  linearPairMoments,
  linearScratch,
  linearSingleMoments,
  pairMoments,
  rotatedEngine,
  singleMoments,
} from './dae-moments.js';
import { microMask, syncMicroStats } from './dae-micro.js';
import { type DaeStateLayout, daeStateLayout } from './dae-layout.js';
import { pinvSymInto, symEigen } from './small-linalg.js';
import { type SpectralMixtureSpec, validateSpectralMixture } from './spectral-mixture.js';

/** Training-time grid G = {t_j} with weights omega_j (sum 1; default uniform). */
export interface TimeGrid {
  times: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

/** How the Gaussian expectations of §4.3 are formed. */
export type DaeOdeForm = 'stein' | 'regression' | 'linear-closed';

export interface DaeOdeOptions {
  /** Number of hidden units r (columns of w). */
  r: number;
  /** Activation sigma (object or built-in name). */
  activation: Activation | 'linear' | 'tanh' | 'relu' | 'sign';
  /**
   * 'stein' (§4.3, needs sigma''), 'regression' (§4.4, sigma and sigma' only: ReLU, sign) or
   * 'linear-closed' (§4.5, sigma(x) = x, no quadrature). Default: 'linear-closed' for the linear
   * activation, 'stein' when d2f exists, else 'regression'.
   */
  form?: DaeOdeForm;
  /** Loss time grid G with weights (spec §2.2). */
  grid: TimeGrid;
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
}

/** The ODE right-hand side f(tau, y, dydt) of Result 2.1, with its state layout attached. */
export type DaeOdeRhs = ((tau: number, y: Float64Array, dydt: Float64Array) => void) & {
  readonly layout: DaeStateLayout;
  readonly form: DaeOdeForm;
};

export interface ResolvedGrid {
  times: Float64Array;
  weights: Float64Array;
}

/** Validate a time grid (times in [0, 1], weights >= 0 summing to 1; default uniform). */
export function resolveGrid(grid: TimeGrid, name = 'grid'): ResolvedGrid {
  if (!grid || grid.times === undefined) throw new ParameterError(`${name}.times: expected an array of times in [0, 1]`);
  const J = grid.times.length;
  if (J < 1) throw new ShapeError(`${name}.times: expected at least one time, got 0`);
  const times = Float64Array.from(grid.times);
  for (let j = 0; j < J; j++) assertInRange(times[j], 0, 1, `${name}.times[${j}]`);
  let weights: Float64Array;
  if (grid.weights === undefined) weights = new Float64Array(J).fill(1 / J);
  else {
    if (grid.weights.length !== J) throw new ShapeError(`${name}.weights: expected length ${J} (one per time), got ${grid.weights.length}`);
    weights = Float64Array.from(grid.weights);
    assertFinite(weights, `${name}.weights`);
    let s = 0;
    for (let j = 0; j < J; j++) {
      if (weights[j] < 0) throw new DomainError(`${name}.weights[${j}]: expected >= 0, got ${weights[j]}`);
      s += weights[j];
    }
    if (Math.abs(s - 1) > 1e-9) throw new DomainError(`${name}.weights: expected weights summing to 1, got sum ${s}`);
  }
  return { times, weights };
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
 * (spec §4.3 Stein form, §4.4 regression form, §4.5 linear closed form), state layout of
 * daeStateLayout. tau is training time (tau = 2 eta n / d); the RHS is autonomous (tau unused).
 * Allocation-free per call; deterministic (same inputs, bit-identical output).
 *
 * With `spec.micro`, the listed microscopic groups are evolved in factor form (dae-micro.ts): the state
 * gets a factor block u (layout.oU, nMicro x r) with du_p/dtau = E_{c,t}[mu_{c,p} a_{c,t} + K_{c,t,s}^T u_p]
 * - (lambda/2) u_p; their q_s, m_{c,s}, g_s are rebuilt from u on every call (the slots of y are not read)
 * and their derivative slots receive the push-forward (the §4.3 equations on the rebuilt state).
 */
export function daeOdeRhs(spec: SpectralMixtureSpec, opts: DaeOdeOptions): DaeOdeRhs {
  validateSpectralMixture(spec);
  if (!opts || typeof opts !== 'object') throw new ParameterError('opts: expected an options object');
  const { r } = opts;
  assertInteger(r, 1, 'r');
  const act = resolveActivation(opts.activation);
  const form = resolveForm(act, opts.form);
  const { times, weights } = resolveGrid(opts.grid);
  const sched = opts.schedule;
  if (!sched || typeof sched.alpha !== 'function' || typeof sched.beta !== 'function') {
    throw new ParameterError('schedule: expected an InterpolantSchedule with alpha(t), beta(t)');
  }
  assertInRange(opts.eta, 0, Number.POSITIVE_INFINITY, 'eta');
  assertInRange(opts.lambda, 0, Number.POSITIVE_INFINITY, 'lambda');
  const eta = opts.eta;
  const lambda = opts.lambda;
  const penc = opts.timeEncoding;
  if (penc !== undefined && typeof penc !== 'function') throw new ParameterError('timeEncoding: expected a function t => p_t');
  const { K, Ng, R } = spec;
  const micro = spec.micro;
  const nMicro = micro ? micro.coords.length : 0;
  const layout = daeStateLayout({ r, K, Ng, R, nMicro });
  const { oM, oG, oV, oB, oU } = layout;
  // factor form of microscopic groups (dae-micro.ts): coordinates of each group, CSR
  const isMicro = microMask(spec);
  const microStart = new Int32Array(Ng + 1);
  const microIdx = new Int32Array(nMicro);
  if (micro) {
    for (let p = 0; p < nMicro; p++) microStart[micro.coords[p] + 1]++;
    for (let s = 0; s < Ng; s++) microStart[s + 1] += microStart[s];
    const fill = microStart.slice(0, Ng);
    for (let p = 0; p < nMicro; p++) microIdx[fill[micro.coords[p]]++] = p;
  }
  const microMu = micro ? micro.mu : new Float64Array(0);
  // state with the q, m, g slots of factor-form groups rebuilt from u (read instead of y)
  const yFull = nMicro > 0 ? new Float64Array(layout.length) : null;
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
  const Lambda = spec.Lambda;
  const pi = spec.pi;
  const ell = spec.ell;
  const rho = spec.rho;
  const T = spec.T;
  const P = spec.P;
  let anyRho = false;
  for (let s = 0; s < Ng; s++) if (rho[s] > 0) anyRho = true;
  const withNoise = eta > 0 && anyRho;
  const needReg = form === 'regression';

  const rr = r * r;
  const engine = form === 'linear-closed' ? null : rotatedEngine(r, act, opts.quadrature, form === 'stein');
  const lin = linearScratch(r);
  const sm: SingleMoments = singleMoments(r);
  const pm: PairMoments = pairMoments(r);
  const Q = new Float64Array(rr);
  const S = new Float64Array(rr);
  const M = new Float64Array(r);
  const v = new Float64Array(r);
  const fields: ClusterFields = { Q, S, M, b: 0, v };
  const eig = symEigen(r);
  const Qp = new Float64Array(rr);
  const Sp = new Float64Array(rr);
  const Abar = new Float64Array(rr);
  const Bbar = new Float64Array(rr);
  const abar = new Float64Array(r);
  const N1 = new Float64Array(rr);
  const N0 = new Float64Array(rr);
  const Kmat = new Float64Array(rr);
  const Fm = new Float64Array(rr);
  const J0 = new Float64Array(rr);
  const J1 = new Float64Array(rr);

  const rhs = (_tau: number, y: Float64Array, dydt: Float64Array): void => {
    let Y = y;
    if (yFull) {
      yFull.set(y);
      syncMicroStats(spec, layout, yFull, isMicro);
      Y = yFull;
    }
    const b = Y[oB];
    fields.b = b;
    for (let k = 0; k < r; k++) v[k] = Y[oV + k];
    Q.fill(0);
    for (let s = 0; s < Ng; s++) for (let i = 0; i < rr; i++) Q[i] += Y[s * rr + i];
    for (let i = 0; i < r; i++) {
      for (let l = i + 1; l < r; l++) {
        const m = 0.5 * (Q[i * r + l] + Q[l * r + i]);
        Q[i * r + l] = m;
        Q[l * r + i] = m;
      }
    }
    dydt.fill(0);
    if (needReg) pinvSymInto(eig, Q, Qp);
    const dv = oV;
    for (let c = 0; c < K; c++) {
      const pic = pi[c];
      if (pic === 0) continue;
      S.fill(0);
      M.fill(0);
      for (let s = 0; s < Ng; s++) {
        const l = ell[c * Ng + s];
        for (let i = 0; i < rr; i++) S[i] += l * Y[s * rr + i];
        for (let k = 0; k < r; k++) M[k] += Y[oM + (c * Ng + s) * r + k];
      }
      for (let i = 0; i < r; i++) {
        for (let l = i + 1; l < r; l++) {
          const m = 0.5 * (S[i * r + l] + S[l * r + i]);
          S[i * r + l] = m;
          S[l * r + i] = m;
        }
      }
      if (needReg) pinvSymInto(eig, S, Sp);
      Abar.fill(0);
      Bbar.fill(0);
      abar.fill(0);
      N1.fill(0);
      N0.fill(0);
      for (let j = 0; j < J; j++) {
        const t = tp[j];
        const wj = weights[j];
        if (wj === 0) continue;
        if (engine) engine.single(fields, t, sm, needReg);
        else linearSingleMoments(r, fields, t, sm, lin);
        const al = t.alpha;
        const be = t.beta;
        const c1 = 1 - b * be;
        // a = (1 - b beta) E[sigma] + beta E[psi]
        for (let k = 0; k < r; k++) abar[k] += wj * (c1 * sm.Es[k] + be * sm.Epsi[k]);
        if (needReg) {
          // J0 = Q^+ E[lambda0 psi^T], J1 = S^+ E[lambda1 psi^T]
          matmul(Qp, sm.El0psi, J0, r);
          matmul(Sp, sm.El1psi, J1, r);
          for (let i = 0; i < r; i++) {
            for (let l = 0; l < r; l++) {
              const id = i === l ? sm.Eds[i] : 0;
              Abar[i * r + l] += wj * (be * c1 * id + be * J1[i * r + l]);
              Bbar[i * r + l] += wj * (-b * al * al * id - sm.Ess[i * r + l] + al * J0[i * r + l]);
            }
          }
        } else {
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
        if (t.p !== 0) for (let k = 0; k < r; k++) dydt[dv + k] += pic * wj * t.p * sm.Epsi[k];
        if (withNoise) {
          // diagonal (j, j) term of N, split N = ell N1 + N0
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
      }
      if (withNoise && J > 1) {
        for (let j = 0; j < J; j++) {
          for (let l2 = j + 1; l2 < J; l2++) {
            const ww = weights[j] * weights[l2];
            if (ww === 0) continue;
            const ta = tp[j];
            const tb = tp[l2];
            if (engine) engine.pair(fields, ta, tb, pm);
            else linearPairMoments(r, fields, ta, tb, pm, lin);
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
      // assemble per group
      for (let s = 0; s < Ng; s++) {
        const l = ell[c * Ng + s];
        for (let i = 0; i < rr; i++) Kmat[i] = l * Abar[i] + Bbar[i];
        const qo = s * rr;
        const mo = oM + (c * Ng + s) * r;
        // dq_s += pi_c (m a^T + a m^T + q K + K^T q)
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
        if (withNoise && rho[s] > 0) {
          const f2 = 2 * eta * rho[s] * pic;
          for (let i = 0; i < rr; i++) dydt[qo + i] += f2 * (l * N1[i] + N0[i]);
        }
        // factor form: du_p += pi_c (mu_{c,p} a + K^T u_p) for the micro coordinates p of group s
        for (let pp = microStart[s]; pp < microStart[s + 1]; pp++) {
          const p = microIdx[pp];
          const uo = oU + p * r;
          const mcp = microMu[c * nMicro + p];
          for (let k = 0; k < r; k++) {
            let ku = 0;
            for (let m = 0; m < r; m++) ku += Kmat[m * r + k] * Y[uo + m];
            dydt[uo + k] += pic * (mcp * abar[k] + ku);
          }
        }
        // dm_{c',s} += pi_c (T_{c c', s} a + K^T m_{c', s})
        for (let c2 = 0; c2 < K; c2++) {
          const m2 = oM + (c2 * Ng + s) * r;
          const Tcc = T[(c * K + c2) * Ng + s];
          for (let k = 0; k < r; k++) {
            let km = 0;
            for (let m = 0; m < r; m++) km += Kmat[m * r + k] * Y[m2 + m];
            dydt[m2 + k] += pic * (Tcc * abar[k] + km);
          }
        }
        // dg_s += pi_c (a P_{c,s}^T + K^T g_s)
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
    }
    // weight decay and b
    if (lambda !== 0) {
      for (let i = 0; i < oM; i++) dydt[i] -= lambda * Y[i];
      const h = 0.5 * lambda;
      for (let i = oM; i < oB; i++) dydt[i] -= h * Y[i];
      for (let i = oU; i < layout.length; i++) dydt[i] -= h * Y[i];
    }
    let db = 0;
    for (let j = 0; j < J; j++) {
      const t = tp[j];
      db += weights[j] * (t.beta * (1 - b * t.beta) * Lambda - b * t.alpha * t.alpha);
    }
    dydt[oB] = db;
    // exact symmetry of dq_s
    for (let s = 0; s < Ng; s++) {
      const qo = s * rr;
      for (let i = 0; i < r; i++) {
        for (let l = i + 1; l < r; l++) {
          const m = 0.5 * (dydt[qo + i * r + l] + dydt[qo + l * r + i]);
          dydt[qo + i * r + l] = m;
          dydt[qo + l * r + i] = m;
        }
      }
    }
  };
  if (nMicro > 0) Object.defineProperty(layout, 'spec', { value: spec, enumerable: false });
  return Object.assign(rhs, { layout, form });
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
