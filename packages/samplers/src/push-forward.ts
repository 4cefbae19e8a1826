import {
  type AffineDenoiser,
  DomainError,
  type InterpolantSchedule,
  NDArray,
  ParameterError,
  ShapeError,
  assertFinite,
  assertInteger,
  dgemm,
  driftDenoiserCoef,
  driftLinearCoef,
  isNDArray,
} from '@diffusion-theory/kernel';
import { type TimeGridOptions, timeGrid } from './grid.js';

/** A linear (affine) denoiser at time t: f(t, x) = A x + c, A dim x dim (kernel's `AffineDenoiser`, re-exported). */
export type { AffineDenoiser } from '@diffusion-theory/kernel';

export interface GaussianPushForwardOptions extends TimeGridOptions {
  /** The denoiser's affine form at each time (e.g. `gaussian(...).affineDenoiser(schedule)`, or a trained linear denoiser). */
  affine: AffineDenoiser;
  schedule: InterpolantSchedule;
  /**
   * 'euler-maruyama' / 'heun': the exact law of the discrete chain that `sampleInterpolant` runs with
   * the same grid and method (the discretisation error included). 'continuous': the law of the
   * continuous-time SDE / ODE at the last grid time (RK4 on the moment equations, `substeps` per grid
   * interval). Default 'continuous'.
   */
  method?: 'euler-maruyama' | 'heun' | 'continuous';
  /** RK4 steps per grid interval for 'continuous' (default 20). */
  substeps?: number;
  /** Law of X_0; default N(0, I). */
  mean0?: Float64Array;
  covariance0?: NDArray;
}

export interface GaussianLaw {
  /** The time of the law (the last grid time). */
  t: number;
  mean: Float64Array;
  covariance: NDArray;
}

function matmul(d: number, A: Float64Array, B: Float64Array, transB = false, out: Float64Array = new Float64Array(d * d)): Float64Array {
  dgemm(false, transB, d, d, d, 1, A, d, B, d, 0, out, d);
  return out;
}

function matvec(d: number, A: Float64Array, v: Float64Array): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += A[i * d + j] * v[j];
    out[i] = s;
  }
  return out;
}

/**
 * For a denoiser that is affine in x, f(t, x) = A_t x + c_t, the generative SDE
 * dX = [Gamma_t f + Delta_t X] dt + sqrt(2 eps_t) dW is linear: X stays Gaussian, with
 *   M_t = Gamma_t A_t + Delta_t I,  q_t = Gamma_t c_t,
 *   dm/dt = M_t m + q_t,  dS/dt = M_t S + S M_t^T + 2 eps_t I.
 * Returns the Gaussian law of the output at the last grid time: of the continuous process or,
 * exactly, of the discrete Euler-Maruyama / Heun chain of `sampleInterpolant`.
 * @param opts - an affine denoiser (t -> { A, c }), the schedule, the grid options and the method
 * @returns the exact Gaussian law (mean, covariance) of the sampler's output
 * @throws ParameterError / ShapeError / DomainError for invalid options
 */
export function gaussianPushForward(opts: GaussianPushForwardOptions): GaussianLaw {
  const { affine, schedule } = opts ?? ({} as GaussianPushForwardOptions);
  if (typeof affine !== 'function') throw new ParameterError('affine: expected a function t => { A, c }');
  if (schedule?.kind !== 'interpolant') throw new ParameterError("schedule: expected an InterpolantSchedule (kind 'interpolant')");
  const method = opts.method ?? 'continuous';
  if (method !== 'euler-maruyama' && method !== 'heun' && method !== 'continuous') {
    throw new ParameterError(`method: expected 'euler-maruyama', 'heun' or 'continuous', got ${String(method)}`);
  }
  const substeps = opts.substeps ?? 20;
  assertInteger(substeps, 1, 'substeps');
  const { substeps: _s, method: _m, affine: _a, schedule: _sc, mean0, covariance0, ...gridOpts } = opts;
  const grid = timeGrid(schedule, gridOpts);

  let d = -1;
  /** M_t (d x d) and q_t (d) at time t. */
  const coefs = (t: number): { M: Float64Array; q: Float64Array; eps: number } => {
    const { A, c } = affine(t);
    if (!isNDArray(A) || A.ndim !== 2 || A.shape[0] !== A.shape[1]) throw new ShapeError(`affine(${t}).A: expected a square NDArray`);
    if (d < 0) d = A.shape[0];
    if (A.shape[0] !== d) throw new ShapeError(`affine(${t}).A: expected shape [${d}, ${d}], got [${A.shape.join(', ')}]`);
    if (!(c instanceof Float64Array) || c.length !== d) throw new ShapeError(`affine(${t}).c: expected a Float64Array of length ${d}`);
    const a = A.contiguous().data;
    assertFinite(a, `affine(${t}).A`);
    assertFinite(c, `affine(${t}).c`);
    const G = driftDenoiserCoef(schedule, t);
    const D = driftLinearCoef(schedule, t);
    const M = Float64Array.from(a, (v) => G * v);
    for (let i = 0; i < d; i++) M[i * d + i] += D;
    const eps = schedule.epsilon(t);
    if (!(eps >= 0) || !Number.isFinite(eps)) throw new DomainError(`schedule.epsilon: expected a finite number >= 0, got ${eps} at t = ${t}`);
    return { M, q: Float64Array.from(c, (v) => G * v), eps };
  };

  let cur = coefs(grid[0]);
  let m: Float64Array<ArrayBufferLike>;
  let S: Float64Array<ArrayBufferLike>;
  if (mean0 !== undefined) {
    if (!(mean0 instanceof Float64Array) || mean0.length !== d) throw new ShapeError(`mean0: expected a Float64Array of length ${d}`);
    assertFinite(mean0, 'mean0');
    m = Float64Array.from(mean0);
  } else m = new Float64Array(d);
  if (covariance0 !== undefined) {
    if (!isNDArray(covariance0) || covariance0.ndim !== 2 || covariance0.shape[0] !== d || covariance0.shape[1] !== d) {
      throw new ShapeError(`covariance0: expected an NDArray of shape [${d}, ${d}]`);
    }
    S = Float64Array.from(covariance0.contiguous().data);
    assertFinite(S, 'covariance0');
  } else {
    S = new Float64Array(d * d);
    for (let i = 0; i < d; i++) S[i * d + i] = 1;
  }

  const tmp = new Float64Array(d * d);
  /** S <- P S P^T + noiseVar R R^T (R = I when null). */
  const propagate = (P: Float64Array, noiseVar: number, R: Float64Array | null) => {
    matmul(d, P, S, false, tmp);
    matmul(d, tmp, P, true, S);
    if (noiseVar > 0) {
      if (R === null) for (let i = 0; i < d; i++) S[i * d + i] += noiseVar;
      else {
        const RR = matmul(d, R, R, true);
        for (let i = 0; i < d * d; i++) S[i] += noiseVar * RR[i];
      }
    }
  };

  for (let k = 0; k + 1 < grid.length; k++) {
    const t = grid[k];
    const t1 = grid[k + 1];
    const h = t1 - t;
    if (method === 'euler-maruyama') {
      const P = Float64Array.from(cur.M, (v) => h * v);
      for (let i = 0; i < d; i++) P[i * d + i] += 1;
      const mNew = matvec(d, P, m);
      for (let i = 0; i < d; i++) mNew[i] += h * cur.q[i];
      m = mNew;
      propagate(P, 2 * cur.eps * h, null);
      cur = coefs(t1);
    } else if (method === 'heun') {
      const nxt = coefs(t1);
      // P = I + h/2 (M_k + M_{k+1} + h M_{k+1} M_k), const = h/2 (q_k + q_{k+1} + h M_{k+1} q_k), R = I + h/2 M_{k+1}
      const MM = matmul(d, nxt.M, cur.M);
      const P = new Float64Array(d * d);
      for (let i = 0; i < d * d; i++) P[i] = 0.5 * h * (cur.M[i] + nxt.M[i] + h * MM[i]);
      for (let i = 0; i < d; i++) P[i * d + i] += 1;
      const Mq = matvec(d, nxt.M, cur.q);
      const mNew = matvec(d, P, m);
      for (let i = 0; i < d; i++) mNew[i] += 0.5 * h * (cur.q[i] + nxt.q[i] + h * Mq[i]);
      m = mNew;
      const R = Float64Array.from(nxt.M, (v) => 0.5 * h * v);
      for (let i = 0; i < d; i++) R[i * d + i] += 1;
      propagate(P, (cur.eps + nxt.eps) * h, R);
      cur = nxt;
    } else {
      // RK4 on (m, S) with `substeps` steps in [t, t1].
      const hh = h / substeps;
      const rhs = (c: { M: Float64Array; q: Float64Array; eps: number }, mv: Float64Array, Sv: Float64Array) => {
        const dm = matvec(d, c.M, mv);
        for (let i = 0; i < d; i++) dm[i] += c.q[i];
        const MS = matmul(d, c.M, Sv);
        const dS = new Float64Array(d * d);
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) dS[i * d + j] = MS[i * d + j] + MS[j * d + i];
        for (let i = 0; i < d; i++) dS[i * d + i] += 2 * c.eps;
        return { dm, dS };
      };
      let c0 = cur;
      for (let s = 0; s < substeps; s++) {
        const ts = t + s * hh;
        const cm = coefs(ts + 0.5 * hh);
        const c1 = s + 1 === substeps ? coefs(t1) : coefs(ts + hh);
        const k1 = rhs(c0, m, S);
        const k2 = rhs(cm, m.map((v, i) => v + 0.5 * hh * k1.dm[i]), S.map((v, i) => v + 0.5 * hh * k1.dS[i]));
        const k3 = rhs(cm, m.map((v, i) => v + 0.5 * hh * k2.dm[i]), S.map((v, i) => v + 0.5 * hh * k2.dS[i]));
        const k4 = rhs(c1, m.map((v, i) => v + hh * k3.dm[i]), S.map((v, i) => v + hh * k3.dS[i]));
        m = m.map((v, i) => v + (hh / 6) * (k1.dm[i] + 2 * k2.dm[i] + 2 * k3.dm[i] + k4.dm[i]));
        S = S.map((v, i) => v + (hh / 6) * (k1.dS[i] + 2 * k2.dS[i] + 2 * k3.dS[i] + k4.dS[i]));
        c0 = c1;
      }
      cur = c0;
    }
  }
  // symmetrise against round-off
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (S[i * d + j] + S[j * d + i]);
      S[i * d + j] = v;
      S[j * d + i] = v;
    }
  }
  return { t: grid[grid.length - 1], mean: m, covariance: new NDArray(S, [d, d]) };
}
