import { assertInteger, DivergenceError, gemm, integrateFixed, NDArray, NonFiniteError, ParameterError, ShapeError } from '@diffusion-theory/kernel';
import { readSigmaRange, type SigmaRange } from './heun.js';

/** An affine denoiser at one noise level: D(x; sigma) = W x + b (W d x d row-major, b length d or absent = 0). */
export interface AffineAtSigma {
  W: Float64Array;
  b?: Float64Array;
}

export interface AffinePushForwardOptions extends SigmaRange {
  dim: number;
  /** The denoiser's weights at each sigma. */
  weights: (sigma: number) => AffineAtSigma;
  /** Uniform RK4 steps in ln sigma (default 1500). */
  steps?: number;
}

/** The generated Gaussian of an affine PF-ODE flow: x(sigma_0) = A x(sigma_T) + c, x(sigma_T) ~ N(0, sigma_T^2 I). */
export interface AffinePushForward {
  /** d x d propagator. */
  A: NDArray;
  /** Length d offset = generated mean. */
  c: Float64Array;
  /** sigma_T^2 A A^T. */
  covariance: NDArray;
}

/**
 * Push-forward of N(0, sigma_T^2 I) through the PF-ODE of an affine denoiser D = W_sigma x + b_sigma
 * (spec spectral-bias §5.1, §5.5), valid whether or not the W_sigma commute: RK4 in u = ln sigma on
 * dA/du = (I - W) A, dc/du = (I - W) c - b from (A, c) = (I, 0) at sigma_T down to sigma_0.
 * Cost: 4 d x d products per step; use `modePushForward` when the weights commute (Lemma 4.1).
 * @param opts - dim, weights(sigma), sigma range, steps
 * @returns A, c and the generated covariance sigma_T^2 A A^T
 * @throws DomainError on a bad range; ShapeError on a weight of the wrong length; NonFiniteError on NaN weights; DivergenceError on a non-finite propagator
 * @example
 * affinePushForward({ dim: 2, weights: (s) => ({ W: Float64Array.of(1 / (1 + s * s), 0, 0, 0.5 / (0.5 + s * s)) }) });
 */
export function affinePushForward(opts: AffinePushForwardOptions): AffinePushForward {
  const d = opts?.dim;
  assertInteger(d, 1, 'dim');
  if (typeof opts.weights !== 'function') throw new ParameterError('weights: expected a function sigma => { W, b? }');
  const { sigmaMin, sigmaMax } = readSigmaRange(opts);
  const steps = opts.steps ?? 1500;
  assertInteger(steps, 1, 'steps');
  const dd = d * d;
  // State: A (d x d) stacked with c as an extra column -> d x (d + 1) matrix Y; dY/du = (I - W) Y - [0 | b].
  const m = d + 1;
  const Y = new Float64Array(d * m);
  for (let i = 0; i < d; i++) Y[i * m + i] = 1;
  const M = new Float64Array(dd);
  const bvec = new Float64Array(d);
  const load = (sigma: number) => {
    const { W, b } = opts.weights(sigma);
    if (!(W instanceof Float64Array) || W.length !== dd) throw new ShapeError(`weights(${sigma}).W: expected a Float64Array of length ${dd}`);
    for (let i = 0; i < dd; i++) {
      if (!Number.isFinite(W[i])) throw new NonFiniteError(`weights(${sigma}).W: non-finite entry at ${i}`);
      M[i] = -W[i];
    }
    for (let i = 0; i < d; i++) M[i * d + i] += 1;
    bvec.fill(0);
    if (b !== undefined) {
      if (!(b instanceof Float64Array) || b.length !== d) throw new ShapeError(`weights(${sigma}).b: expected a Float64Array of length ${d}`);
      bvec.set(b);
    }
  };
  const Mn = new NDArray(M, [d, d]);
  const f = (u: number, state: Float64Array, out: Float64Array) => {
    load(Math.exp(u));
    gemm(Mn, new NDArray(state, [d, m]), { c: new NDArray(out, [d, m]) });
    for (let i = 0; i < d; i++) out[i * m + d] -= bvec[i];
  };
  // RK4 in u = ln sigma from ln sigma_max down to ln sigma_min (kernel's fixed-step integrator)
  const res = integrateFixed({ f, y0: Y, t0: Math.log(sigmaMax), t1: Math.log(sigmaMin), steps, method: 'rk4' });
  if (res.status !== 'success') throw new DivergenceError(`affinePushForward: non-finite state after step ${res.failedAt?.step}`, res.failedAt?.step ?? 0);
  Y.set(res.y);
  const A = new Float64Array(dd);
  const c = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) A[i * d + j] = Y[i * m + j];
    c[i] = Y[i * m + d];
  }
  for (let i = 0; i < dd; i++) if (!Number.isFinite(A[i])) throw new DivergenceError('affinePushForward: non-finite propagator', steps);
  const An = new NDArray(A, [d, d]);
  const cov = gemm(An, An, { transB: true, alpha: sigmaMax * sigmaMax });
  return { A: An, c, covariance: cov };
}
