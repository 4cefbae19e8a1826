import {
  type Activation,
  DomainError,
  type InterpolantSchedule,
  type LossTimeGrid,
  ParameterError,
  ShapeError,
  assertInteger,
  resolveLossTimeGrid,
  assertObject,
  assertArrayLike,
  assertNumber,
} from '@diffusion-theory/kernel';

/**
 * The parameters of the two-layer DAE f(t, x) = b x + (u / sqrt d) sigma(w^T x / sqrt d + v p_t)
 * that the gradient reads (TiedDae: u = w; UntiedDae: separate u).
 */
export interface DaeParameters {
  readonly d: number;
  readonly r: number;
  /** Encoder weights, d x r row-major. */
  readonly w: Float64Array;
  /** Decoder weights, d x r row-major (the same array as w for the tied model). */
  readonly u: Float64Array;
  /** Time-encoding coefficients, length r. */
  readonly v: Float64Array;
  readonly b: number;
  readonly activation: Activation;
  readonly timeEncoding: (t: number) => number;
}

/** The loss time grid resolved for one model and schedule: alpha_j, beta_j, omega_j and p_{t_j}. */
export interface DaeLossCoefficients {
  readonly J: number;
  readonly times: Float64Array;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** Weights omega_j (sum 1: kernel's LossTimeGrid rule). */
  readonly omega: Float64Array;
  /** Time encoding p_{t_j}. */
  readonly p: Float64Array;
}

/**
 * Resolve a loss time grid (kernel `resolveLossTimeGrid`: weights optional, default uniform, else
 * >= 0 summing to 1) and the schedule and time encoding at its times, once per training run.
 * @throws ShapeError / DomainError from resolveLossTimeGrid, naming `name`; ParameterError for a missing schedule.
 * @param model - supplies timeEncoding (p_t)
 * @param grid - the loss time grid
 * @param schedule - the interpolant schedule
 * @param name - the grid's name in error messages
 * @returns alpha_j, beta_j, p_j and omega_j of every grid time
 */
export function daeLossCoefficients(model: Pick<DaeParameters, 'timeEncoding'>, grid: LossTimeGrid, schedule: InterpolantSchedule, name = 'grid'): DaeLossCoefficients {
  const { times, weights } = resolveLossTimeGrid(grid, name);
  if (!schedule || typeof schedule.alpha !== 'function' || typeof schedule.beta !== 'function') {
    throw new ParameterError('schedule: expected an InterpolantSchedule with alpha(t) and beta(t)');
  }
  const J = times.length;
  const alpha = new Float64Array(J);
  const beta = new Float64Array(J);
  const p = new Float64Array(J);
  for (let j = 0; j < J; j++) {
    alpha[j] = schedule.alpha(times[j]);
    beta[j] = schedule.beta(times[j]);
    p[j] = model.timeEncoding(times[j]);
    if (!Number.isFinite(alpha[j]) || !Number.isFinite(beta[j]) || !Number.isFinite(p[j])) {
      throw new DomainError(`${name}.times[${j}]: alpha, beta and p_t must be finite at t = ${times[j]}, got ${alpha[j]}, ${beta[j]}, ${p[j]}`);
    }
  }
  return { J, times, alpha, beta, omega: weights, p };
}

/**
 * Workspace and result of `daeGradInto` for a model of size (d, r) and a grid of J times, reused
 * between calls (nothing is allocated per call). After a call it holds the loss, dL/db, dL/dv and
 * the factors of the weight gradients,
 *   dL/du = -2 sum_j e_j s_j^T,   dL/dw (encoder) = -(2 / sqrt d) sum_j x_j psi_j^T,
 * (tied model: dL/dw = both), applied by `addDaeWeightGrad` without forming the d x r matrix.
 */
export interface DaeGrad {
  readonly d: number;
  readonly r: number;
  readonly J: number;
  /** L = sum_j omega_j ||x1 - f(t_j, x_j)||^2. */
  loss: number;
  /** dL/db. */
  gradB: number;
  /** dL/dv, length r. */
  readonly gradV: Float64Array;
  /** x_j = alpha_j x0 + beta_j x1, J x d. */
  readonly x: Float64Array;
  /** Residuals e_j = x1 - f(t_j, x_j), J x d. */
  readonly e: Float64Array;
  /** omega_j sigma(h_j) / sqrt d, J x r. */
  readonly s: Float64Array;
  /** omega_j sigma'(h_j) (u^T e_j) / sqrt d, J x r. */
  readonly psi: Float64Array;
  /** Scratch h = w^T x / sqrt d + v p_t and g = u^T e (length r each). */
  readonly h: Float64Array;
  readonly g: Float64Array;
}

/**
 * Allocate a DaeGrad workspace for d, r and J grid times.
 * @param d - dimension
 * @param r - width
 * @param J - number of grid times
 * @returns zeroed gradient buffers (reused by daeGradInto)
 * @throws DomainError for d, r, J not positive integers
 */
export function daeGrad(d: number, r: number, J: number): DaeGrad {
  assertInteger(d, 1, 'd');
  assertInteger(r, 1, 'r');
  assertInteger(J, 1, 'J');
  return {
    d,
    r,
    J,
    loss: Number.NaN,
    gradB: Number.NaN,
    gradV: new Float64Array(r),
    x: new Float64Array(J * d),
    e: new Float64Array(J * d),
    s: new Float64Array(J * r),
    psi: new Float64Array(J * r),
    h: new Float64Array(r),
    g: new Float64Array(r),
  };
}

/**
 * The per-sample DAE loss L = sum_j omega_j ||x1 - f(t_j, alpha_j x0 + beta_j x1)||^2 and its
 * gradients (Cui et al. 2025, eqs. 4–6), the same pair (x0, x1) at every grid time, written into
 * `grad` (allocation-free: the one gradient of TiedDae/UntiedDae `lossAndGrad` and of online SGD).
 * Reads x0 and x1 at [offset, offset + d). Inputs are not checked for finiteness (hot loop; a
 * non-finite input gives a non-finite loss).
 * @returns the loss (also in grad.loss).
 * @throws ShapeError when grad does not fit (d, r, J) or x0 / x1 are too short.
 * @param model - the DAE parameters (w, u, b, v, d, r)
 * @param x0 - noise rows (row-major)
 * @param x1 - data rows (row-major)
 * @param coef - loss coefficients (daeLossCoefficients)
 * @param grad - gradient buffers (daeGrad), overwritten
 * @param offset - start of the pair in x0 and x1 (default 0)
 */
export function daeGradInto(model: DaeParameters, x0: Float64Array, x1: Float64Array, coef: DaeLossCoefficients, grad: DaeGrad, offset = 0): number {
  assertObject(model, 'model');
  assertArrayLike(x0, 'x0');
  assertArrayLike(x1, 'x1');
  assertObject(coef, 'coef');
  assertObject(grad, 'grad');
  const { d, r } = model;
  const J = coef.J;
  if (grad.d !== d || grad.r !== r || grad.J !== J) {
    throw new ShapeError(`grad: expected a workspace for (d, r, J) = (${d}, ${r}, ${J}), got (${grad.d}, ${grad.r}, ${grad.J})`);
  }
  if (x0.length < offset + d || x1.length < offset + d) {
    throw new ShapeError(`x0, x1: expected d = ${d} entries from offset ${offset}, got lengths ${x0.length} and ${x1.length}`);
  }
  const { w, u, v, b } = model;
  const f = model.activation.f;
  const df = model.activation.df;
  const { alpha, beta, omega, p } = coef;
  const { x: xs, e: es, s: S, psi: Psi, h, g, gradV } = grad;
  const c = 1 / Math.sqrt(d);
  let loss = 0;
  let gb = 0; // sum_j omega_j e_j . x_j
  for (let j = 0; j < J; j++) {
    const a = alpha[j];
    const bt = beta[j];
    const pj = p[j];
    const xo = j * d;
    const so = j * r;
    let ee = 0;
    let ex = 0;
    if (r === 2) {
      // specialised r = 2 path (scalars instead of the h, g arrays)
      let h0 = 0;
      let h1 = 0;
      for (let i = 0; i < d; i++) {
        const x = a * x0[offset + i] + bt * x1[offset + i];
        xs[xo + i] = x;
        h0 += w[2 * i] * x;
        h1 += w[2 * i + 1] * x;
      }
      h0 = h0 * c + v[0] * pj;
      h1 = h1 * c + v[1] * pj;
      const s0 = c * f(h0);
      const s1 = c * f(h1);
      let g0 = 0;
      let g1 = 0;
      for (let i = 0; i < d; i++) {
        const x = xs[xo + i];
        const u0 = u[2 * i];
        const u1 = u[2 * i + 1];
        const e = x1[offset + i] - b * x - u0 * s0 - u1 * s1;
        es[xo + i] = e;
        ee += e * e;
        ex += e * x;
        g0 += u0 * e;
        g1 += u1 * e;
      }
      h[0] = h0;
      h[1] = h1;
      S[so] = s0;
      S[so + 1] = s1;
      g[0] = g0;
      g[1] = g1;
    } else {
      // pass 1: x_t and h = w^T x / sqrt d + v p_t
      for (let k = 0; k < r; k++) h[k] = 0;
      for (let i = 0; i < d; i++) {
        const x = a * x0[offset + i] + bt * x1[offset + i];
        xs[xo + i] = x;
        const wo = i * r;
        for (let k = 0; k < r; k++) h[k] += w[wo + k] * x;
      }
      for (let k = 0; k < r; k++) {
        const hk = h[k] * c + v[k] * pj;
        h[k] = hk;
        S[so + k] = c * f(hk); // sigma(h) / sqrt d
        g[k] = 0;
      }
      // pass 2: e = x1 - b x - u sigma / sqrt d ; g = u^T e
      for (let i = 0; i < d; i++) {
        const wo = i * r;
        const x = xs[xo + i];
        let fi = b * x;
        for (let k = 0; k < r; k++) fi += u[wo + k] * S[so + k];
        const e = x1[offset + i] - fi;
        es[xo + i] = e;
        ee += e * e;
        ex += e * x;
        for (let k = 0; k < r; k++) g[k] += u[wo + k] * e;
      }
    }
    const oj = omega[j];
    loss += oj * ee;
    gb += oj * ex;
    for (let k = 0; k < r; k++) {
      Psi[so + k] = oj * (df(h[k]) * g[k] * c); // omega psi, psi = sigma'(h) (u^T e / sqrt d)
      S[so + k] *= oj;
    }
  }
  // dL/dv = -2 sum_j omega_j p_j psi_j; dL/db = -2 sum_j omega_j e_j . x_j
  for (let k = 0; k < r; k++) {
    let gv = 0;
    for (let j = 0; j < J; j++) gv += p[j] * Psi[j * r + k];
    gradV[k] = -2 * gv;
  }
  grad.loss = loss;
  grad.gradB = -2 * gb;
  return loss;
}

/** Which weight gradient `addDaeWeightGrad` applies: the tied w (both occurrences), the encoder w or the decoder u. */
export type DaeWeightPart = 'tied' | 'encoder' | 'decoder';

/**
 * out <- decay * out + scale * dL/d(part), d x r row-major, from the factors of the last
 * `daeGradInto` (no d x r temporary; decay 0 overwrites out). An SGD step with weight decay lambda is
 * `addDaeWeightGrad(model.w, grad, -eta, 1 - eta lambda / d)`.
 * @throws ShapeError for an `out` of the wrong length; ParameterError for an unknown part.
 * @param out - the weights to update (d x r), in place
 * @param grad - gradient buffers from daeGradInto
 * @param scale - step multiplier (e.g. -eta)
 * @param decay - multiplier of the old weights (default 1)
 * @param part - which weight the gradient is for: 'tied', 'encoder' or 'decoder'
 */
export function addDaeWeightGrad(out: Float64Array, grad: DaeGrad, scale: number, decay = 1, part: DaeWeightPart = 'tied'): void {
  assertArrayLike(out, 'out');
  assertObject(grad, 'grad');
  assertNumber(scale, 'scale');
  const { d, r, J, x: xs, e: es, s: S, psi: Psi } = grad;
  if (out.length !== d * r) throw new ShapeError(`out: expected length d*r = ${d * r}, got ${out.length}`);
  if (part !== 'tied' && part !== 'encoder' && part !== 'decoder') throw new ParameterError(`part: expected 'tied', 'encoder' or 'decoder', got ${String(part)}`);
  if (decay === 0) out.fill(0);
  const c = 1 / Math.sqrt(d);
  const ce = part === 'encoder' ? 0 : -2 * scale; // S carries 1/sqrt d and omega_j
  const cx = part === 'decoder' ? 0 : -2 * scale * c; // Psi carries omega_j
  if (J === 1 && r === 2) {
    const a0 = ce * S[0];
    const a1 = ce * S[1];
    const p0 = cx * Psi[0];
    const p1 = cx * Psi[1];
    for (let i = 0; i < d; i++) {
      const e = es[i];
      const x = xs[i];
      out[2 * i] = decay * out[2 * i] + e * a0 + x * p0;
      out[2 * i + 1] = decay * out[2 * i + 1] + e * a1 + x * p1;
    }
  } else if (J === 1) {
    for (let i = 0; i < d; i++) {
      const e = ce * es[i];
      const x = cx * xs[i];
      const wo = i * r;
      for (let k = 0; k < r; k++) out[wo + k] = decay * out[wo + k] + e * S[k] + x * Psi[k];
    }
  } else {
    for (let i = 0; i < d; i++) {
      const wo = i * r;
      for (let k = 0; k < r; k++) {
        let acc = 0;
        for (let j = 0; j < J; j++) acc += es[j * d + i] * S[j * r + k] * ce + xs[j * d + i] * Psi[j * r + k] * cx;
        out[wo + k] = decay * out[wo + k] + acc;
      }
    }
  }
}
