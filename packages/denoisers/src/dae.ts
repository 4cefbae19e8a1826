import {
  type Activation,
  type ActivationName,
  type Denoiser,
  DomainError,
  type InterpolantSchedule,
  type LossTimeGrid,
  NDArray,
  ShapeError,
  assertFinite,
  assertInteger,
  checkBatch,
  dgemm,
  isNDArray,
  resolveActivation,
  resolveLossTimeGrid,
  assertObject,
} from '@diffusion-theory/kernel';
import { addDaeWeightGrad, daeGrad, daeGradInto, daeLossCoefficients } from './dae-grad.js';

/**
 * The loss time grid: kernel's `LossTimeGrid` (weights optional, default uniform, else >= 0 summing to 1).
 * @deprecated use `LossTimeGrid` from @diffusion-theory/kernel; this alias goes in the next minor release.
 */
export type TimeGrid = LossTimeGrid;

/**
 * Validate a loss time grid by kernel's one rule.
 * @deprecated use `resolveLossTimeGrid` from @diffusion-theory/kernel; this goes in the next minor release.
 * @param grid - the loss time grid (kernel LossTimeGrid)
 * @param name - the argument's name in error messages
 * @throws ShapeError / DomainError as kernel resolveLossTimeGrid (times in [0, 1], weights >= 0 summing to 1)
 */
export function checkGrid(grid: LossTimeGrid, name = 'grid'): void {
  resolveLossTimeGrid(grid, name);
}

export interface DaeLossAndGrad {
  /** L = sum_j omega_j ||x1 - f(t_j, x_{t_j})||^2. */
  loss: number;
  /** dL/dw (encoder for the untied model; the full tied gradient for the tied one), d x r row-major. */
  gradW: Float64Array;
  /** dL/du (decoder), d x r; only for the untied model. */
  gradU?: Float64Array;
  gradB: number;
  /** dL/dv, length r. */
  gradV: Float64Array;
}

export interface DaeOptions {
  d: number;
  r: number;
  /** sigma: an Activation or one of 'linear' | 'tanh' | 'relu' | 'sign'. */
  activation: Activation | ActivationName;
  /** Weights w, d x r (copied). Default zeros. */
  w?: NDArray;
  /** Skip-connection strength b. Default 0. */
  b?: number;
  /** Time-encoding coefficients v, length r. Default zeros. */
  v?: ArrayLike<number>;
  /** Time encoding p_t. Default p_t = 0 (all experiments of the paper). */
  timeEncoding?: (t: number) => number;
}

/**
 * Shared state and passes of the two-layer DAE with skip connection
 *   f(t, x) = b x + (u / sqrt d) sigma(w^T x / sqrt d + v p_t)
 * (tied: u = w, Cui et al. 2025, eq. 3). Parameters are live typed arrays (`w`, `u`, `v`) and a mutable `b`,
 * so trainers update them in place.
 */
abstract class DaeBase implements Denoiser {
  readonly dim: number;
  readonly d: number;
  readonly r: number;
  readonly activation: Activation;
  readonly timeEncoding: (t: number) => number;
  /** Encoder weights, d x r row-major (live). */
  readonly w: Float64Array;
  /** Time-encoding coefficients, length r (live). */
  readonly v: Float64Array;
  /** Skip-connection strength. */
  b: number;
  protected readonly invSqrtD: number;

  constructor(opts: DaeOptions, name: string) {
    assertInteger(opts.d, 1, `${name}.d`);
    assertInteger(opts.r, 1, `${name}.r`);
    this.d = this.dim = opts.d;
    this.r = opts.r;
    this.activation = resolveActivation(opts.activation, `${name}.activation`);
    this.timeEncoding = opts.timeEncoding ?? (() => 0);
    this.w = readMatrix(opts.w, opts.d, opts.r, `${name}.w`);
    this.v = new Float64Array(opts.r);
    if (opts.v !== undefined) {
      if (opts.v.length !== opts.r) throw new ShapeError(`${name}.v: expected length r = ${opts.r}, got ${opts.v.length}`);
      for (let k = 0; k < opts.r; k++) this.v[k] = opts.v[k];
      assertFinite(this.v, `${name}.v`);
    }
    this.b = opts.b ?? 0;
    if (!Number.isFinite(this.b)) throw new DomainError(`${name}.b: expected a finite number, got ${this.b}`);
    this.invSqrtD = 1 / Math.sqrt(opts.d);
  }

  /** Decoder weights (= w for the tied model). */
  abstract get u(): Float64Array;

  /** f(t, x) for the n rows of x (n x d row-major), batched with gemm. */
  denoise(x: Float64Array, n: number, t: number, out?: Float64Array): Float64Array {
    const { d, r } = this;
    checkBatch(x, n, d);
    if (!(t >= 0 && t <= 1)) throw new DomainError(`t: expected a time in [0, 1], got ${t}`);
    const res = out ?? new Float64Array(n * d);
    if (res.length !== n * d) throw new ShapeError(`out: expected length ${n * d}, got ${res.length}`);
    if (res === x) throw new DomainError('out: must not alias x');
    const H = new Float64Array(n * r);
    dgemm(false, false, n, r, d, this.invSqrtD, x, d, this.w, r, 0, H, r);
    const p = this.timeEncoding(t);
    const f = this.activation.f;
    for (let i = 0; i < n; i++) for (let k = 0; k < r; k++) H[i * r + k] = f(H[i * r + k] + this.v[k] * p);
    for (let i = 0; i < n * d; i++) res[i] = this.b * x[i];
    dgemm(false, true, n, d, r, this.invSqrtD, H, r, this.u, r, 1, res, d);
    return res;
  }

  /** Input Jacobian df/dx = b I + (1/d) u diag(sigma'(h)) w^T at one point x (d x d row-major). */
  jacobian(x: Float64Array, t: number, out?: Float64Array): Float64Array {
    const { d, r } = this;
    checkBatch(x, 1, d);
    const res = out ?? new Float64Array(d * d);
    if (res.length !== d * d) throw new ShapeError(`out: expected length ${d * d}, got ${res.length}`);
    const h = this.preActivation(x, t, new Float64Array(r));
    const ud = new Float64Array(d * r);
    const u = this.u;
    for (let i = 0; i < d; i++) for (let k = 0; k < r; k++) ud[i * r + k] = u[i * r + k] * this.activation.df(h[k]);
    res.fill(0);
    for (let i = 0; i < d; i++) res[i * d + i] = this.b;
    dgemm(false, true, d, d, r, 1 / d, ud, r, this.w, r, 1, res, d);
    return res;
  }

  /** h = w^T x / sqrt d + v p_t for one point. */
  preActivation(x: Float64Array, t: number, out: Float64Array = new Float64Array(this.r)): Float64Array {
    const { d, r, w } = this;
    out.fill(0);
    for (let i = 0; i < d; i++) {
      const xi = x[i];
      for (let k = 0; k < r; k++) out[k] += w[i * r + k] * xi;
    }
    const p = this.timeEncoding(t);
    for (let k = 0; k < r; k++) out[k] = out[k] * this.invSqrtD + this.v[k] * p;
    return out;
  }

  /**
   * Per-sample loss L = sum_j omega_j ||x1 - f(t_j, alpha_j x0 + beta_j x1)||^2 and its gradients
   * (Cui et al. 2025, eqs. 4–6), the same (x0, x1) at every grid time, through the one gradient `daeGradInto`.
   */
  protected lossAndGradCore(x0: Float64Array | NDArray, x1: Float64Array | NDArray, grid: LossTimeGrid, schedule: InterpolantSchedule, tied: boolean): DaeLossAndGrad {
    const { d, r } = this;
    const a0 = vec(x0, d, 'x0');
    const a1 = vec(x1, d, 'x1');
    const coef = daeLossCoefficients(this, grid, schedule);
    const grad = daeGrad(d, r, coef.J);
    const loss = daeGradInto(this, a0, a1, coef, grad);
    const gradW = new Float64Array(d * r);
    addDaeWeightGrad(gradW, grad, 1, 0, tied ? 'tied' : 'encoder');
    const out: DaeLossAndGrad = { loss, gradW, gradB: grad.gradB, gradV: grad.gradV };
    if (!tied) {
      out.gradU = new Float64Array(d * r);
      addDaeWeightGrad(out.gradU, grad, 1, 0, 'decoder');
    }
    return out;
  }
}

function vec(x: Float64Array | NDArray, d: number, name: string): Float64Array {
  const a = isNDArray(x) ? x.contiguous().data : x;
  if (!(a instanceof Float64Array) || a.length !== d) throw new ShapeError(`${name}: expected a vector of length d = ${d}, got ${a?.length}`);
  assertFinite(a, name);
  return a;
}

function readMatrix(a: NDArray | undefined, d: number, r: number, name: string): Float64Array {
  if (a === undefined) return new Float64Array(d * r);
  if (!isNDArray(a) || a.ndim !== 2 || a.shape[0] !== d || a.shape[1] !== r) {
    throw new ShapeError(`${name}: expected an NDArray of shape [${d}, ${r}], got ${isNDArray(a) ? `[${a.shape.join(', ')}]` : typeof a}`);
  }
  const out = Float64Array.from(a.contiguous().data);
  assertFinite(out, name);
  return out;
}

/** The tied-weight DAE f(t, x) = b x + (w / sqrt d) sigma(w^T x / sqrt d + v p_t) (Cui et al. 2025, eq. 3). */
export class TiedDae extends DaeBase {
  readonly kind = 'tied-dae';
  constructor(opts: DaeOptions) {
    super(opts, 'tiedDae');
  }
  get u(): Float64Array {
    return this.w;
  }
  /** w as a d x r NDArray view of the live parameters. */
  weights(): NDArray {
    return new NDArray(this.w, [this.d, this.r]);
  }
  /** Loss and gradients (gradW = grad_w of both the encoder and decoder occurrences of w). */
  lossAndGrad(x0: Float64Array | NDArray, x1: Float64Array | NDArray, grid: LossTimeGrid, schedule: InterpolantSchedule): DaeLossAndGrad {
    return this.lossAndGradCore(x0, x1, grid, schedule, true);
  }
  clone(): TiedDae {
    return new TiedDae({ d: this.d, r: this.r, activation: this.activation, w: this.weights().clone(), b: this.b, v: this.v, timeEncoding: this.timeEncoding });
  }
}

/**
 * Build a tied-weight DAE.
 * @param opts - d, r, activation (name or kernel Activation); optional initial w (d x r), b, v and timeEncoding
 * @returns a TiedDae: f(t, x) = b x + (w / sqrt d) sigma(w^T x / sqrt d + v p_t), with live parameters,
 *   denoise(x, n, t), lossAndGrad and clone()
 * @throws ShapeError for w or v of the wrong shape; DomainError for d, r not positive integers;
 *   ParameterError for an unknown activation
 * @example
 * ```ts
 * const model = tiedDae({ d: 100, r: 2, activation: 'tanh' });
 * const y = model.denoise(x, n, 0.5);                         // n x 100
 * ```
 */
export function tiedDae(opts: DaeOptions): TiedDae {
  assertObject(opts, 'opts');
  return new TiedDae(opts);
}

export interface UntiedDaeOptions extends DaeOptions {
  /** Decoder weights u, d x r (copied). Default: a copy of w. */
  u?: NDArray;
}

/** The untied variant f(t, x) = b x + (u / sqrt d) sigma(w^T x / sqrt d + v p_t): encoder w, decoder u. */
export class UntiedDae extends DaeBase {
  readonly kind = 'untied-dae';
  private readonly dec: Float64Array;
  constructor(opts: UntiedDaeOptions) {
    super(opts, 'untiedDae');
    this.dec = opts.u === undefined ? this.w.slice() : readMatrix(opts.u, opts.d, opts.r, 'untiedDae.u');
  }
  get u(): Float64Array {
    return this.dec;
  }
  lossAndGrad(x0: Float64Array | NDArray, x1: Float64Array | NDArray, grid: LossTimeGrid, schedule: InterpolantSchedule): DaeLossAndGrad {
    return this.lossAndGradCore(x0, x1, grid, schedule, false);
  }
}

/**
 * Build an untied DAE (separate encoder w and decoder u).
 * @param opts - d, r, activation; optional encoder u, decoder w, b, v and timeEncoding
 * @returns an UntiedDae f(t, x) = b x + (w / sqrt d) sigma(u^T x / sqrt d + v p_t)
 * @throws ShapeError for weights of the wrong shape; DomainError for d, r not positive integers; ParameterError for an unknown activation
 */
export function untiedDae(opts: UntiedDaeOptions): UntiedDae {
  assertObject(opts, 'opts');
  return new UntiedDae(opts);
}
