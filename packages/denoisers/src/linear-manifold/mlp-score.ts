import { DomainError, NDArray, type Rng, ShapeError, type VectorField, checkBatch, describeValue } from '@diffusion-theory/kernel';
import { type Net, residualMlp } from '../nn/index.js';

/** Options of the residual-MLP VE score (spec §9). */
export interface MlpScoreOptions {
  /** Data dimension d. */
  dim: number;
  /** Hidden width (default 128, the paper's). */
  hidden?: number;
  /** Residual blocks of two linear layers with SiLU (default 2, the paper's). */
  blocks?: number;
  /** Size of the Fourier time embedding (default 32). */
  temb?: number;
  /**
   * Per-coordinate data variance sigma_data^2 used for the input scaling c_in(t) = 1/sqrt(sigma_data^2 + t)
   * (EDM-style preconditioning; default 1). For y = F z it is tr(F F^T)/d.
   */
  dataVariance?: number;
  rng: Rng;
}

/**
 * Residual-MLP score model for the VE process (spec §2, §9): an epsilon-predictor
 * eps_hat(x, t) = net(c_in(t) x, log(t)/4) with c_in(t) = 1/sqrt(sigma_data^2 + t), and the score
 * s_hat(x, t) = -eps_hat(x, t)/sqrt(t). The network is the shared `residualMlp` (SiLU, Gaussian Fourier
 * time embedding). Not thread-safe: one forward workspace per batch size.
 */
export interface MlpScore extends VectorField {
  readonly net: Net;
  readonly dataVariance: number;
  /** eps_hat for the n rows of x at one time t (a fresh array). */
  predictNoise(x: Float64Array, n: number, t: number): Float64Array;
  /** eps_hat for n rows with one time per row (training); returns the network's workspace view. */
  predictNoiseBatch(x: Float64Array, t: Float64Array, n: number): Float64Array;
  /** Score s_hat(x, t) = -eps_hat/sqrt(t) for the n rows of x. */
  evaluate(x: Float64Array, n: number, t: number, out?: Float64Array): Float64Array;
  /** Input-Jacobian product: (grad_x s_hat)(x_i, t) v_i for each of the n rows (x, v n x d). */
  jacobianVectorProduct(x: Float64Array, v: Float64Array, n: number, t: number): Float64Array;
  /** Full input Jacobian grad_x s_hat at one point x (d x d, row i = d s_i / d x), by d JVPs in one batch. */
  jacobian(x: Float64Array, t: number): NDArray;
}

function timeCode(t: number): number {
  return Math.log(t) / 4;
}

/**
 * Build a residual-MLP VE score model (randomly initialised; train it with trainers' `trainVeScoreMatching`).
 * @throws DomainError for bad sizes or a non-positive data variance.
 * @example
 * const score = mlpScore({ dim: 100, dataVariance: 0.3, rng: rng.named('init') });
 * const J = score.jacobian(x0, 0.3); // d x d
 */
export function mlpScore(o: MlpScoreOptions): MlpScore {
  const dataVariance = o.dataVariance ?? 1;
  if (!(dataVariance > 0 && Number.isFinite(dataVariance))) throw new DomainError(`dataVariance: expected > 0, got ${describeValue(dataVariance)}`);
  const d = o.dim;
  const net = residualMlp({ dim: d, hidden: o.hidden ?? 128, blocks: o.blocks ?? 2, temb: o.temb ?? 32, rng: o.rng });
  const checkT = (t: number) => {
    if (!(t > 0 && Number.isFinite(t))) throw new DomainError(`t: expected a VE time > 0, got ${describeValue(t)}`);
  };
  const scaled = (x: Float64Array, n: number, t: number) => {
    const c = 1 / Math.sqrt(dataVariance + t);
    const u = new Float64Array(n * d);
    for (let i = 0; i < n * d; i++) u[i] = c * x[i];
    return u;
  };
  const predictNoise = (x: Float64Array, n: number, t: number): Float64Array => {
    checkT(t);
    checkBatch(x, n, d);
    return net.forward([scaled(x, n, t), new Float64Array(n).fill(timeCode(t))], n).slice();
  };
  return {
    dim: d,
    net,
    dataVariance,
    predictNoise,
    predictNoiseBatch(x, t, n) {
      checkBatch(x, n, d);
      if (t.length !== n) throw new ShapeError(`t: expected one time per row (${n}), got ${t.length}`);
      const u = new Float64Array(n * d);
      const code = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (!(t[i] > 0)) throw new DomainError(`t[${i}]: expected a VE time > 0, got ${t[i]}`);
        const c = 1 / Math.sqrt(dataVariance + t[i]);
        for (let j = 0; j < d; j++) u[i * d + j] = c * x[i * d + j];
        code[i] = timeCode(t[i]);
      }
      return net.forward([u, code], n);
    },
    evaluate(x, n, t, out) {
      const e = predictNoise(x, n, t);
      const y = out ?? new Float64Array(n * d);
      if (y.length !== n * d) throw new ShapeError(`out: expected length ${n * d}, got ${y.length}`);
      const s = -1 / Math.sqrt(t);
      for (let i = 0; i < n * d; i++) y[i] = s * e[i];
      return y;
    },
    jacobianVectorProduct(x, v, n, t) {
      checkT(t);
      checkBatch(x, n, d);
      checkBatch(v, n, d, 'v');
      const c = 1 / Math.sqrt(dataVariance + t);
      net.forward([scaled(x, n, t), new Float64Array(n).fill(timeCode(t))], n);
      const tv = new Float64Array(n * d);
      for (let i = 0; i < n * d; i++) tv[i] = c * v[i];
      const jv = net.jvp([tv, new Float64Array(n)]);
      const s = -1 / Math.sqrt(t);
      return Float64Array.from(jv, (y) => s * y);
    },
    jacobian(x, t) {
      if (x.length !== d) throw new ShapeError(`x: expected length d = ${d}, got ${x.length}`);
      const xs = new Float64Array(d * d);
      const eye = new Float64Array(d * d);
      for (let i = 0; i < d; i++) {
        xs.set(x, i * d);
        eye[i * d + i] = 1;
      }
      // row i of the JVP batch = J e_i = column i of J
      const cols = this.jacobianVectorProduct(xs, eye, d, t);
      const J = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) J[j * d + i] = cols[i * d + j];
      return new NDArray(J, [d, d]);
    },
  };
}
