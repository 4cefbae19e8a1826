import { DomainError, ParameterError, ShapeError, type SigmaDenoiser, assertFinite, assertInteger, assertPositive, checkBatch } from '@diffusion-theory/kernel';
import type { Net } from '../nn/graph.js';

export interface EdmPrecondOptions {
  /** sigma_data (default 0.5). */
  sigmaData?: number;
  /** Smallest noise level; sigma = 0 is replaced by it (default 0.002). */
  sigmaMin?: number;
  /** Largest noise level of the sampler (default 80; recorded, not enforced). */
  sigmaMax?: number;
  /** rho of the sampler's schedule (default 7; recorded). */
  rho?: number;
  /** Rows per network call in `denoise` (default 1024): bounds the workspace memory. */
  maxBatch?: number;
}

/** EDM preconditioning coefficients at one sigma (spec §13.3). */
export interface EdmCoefficients {
  cSkip: number;
  cOut: number;
  cIn: number;
  cNoise: number;
  /** Loss weight lambda(sigma) = (sigma^2 + sigma_d^2) / (sigma sigma_d)^2. */
  weight: number;
}

/**
 * c_skip = sd^2/(s^2+sd^2), c_out = s sd/sqrt(s^2+sd^2), c_in = 1/sqrt(s^2+sd^2), c_noise = ln(s)/4,
 * lambda = (s^2+sd^2)/(s sd)^2.
 * @param sigma noise level (> 0)
 * @param sigmaData sigma_d (> 0)
 */
export function edmCoefficients(sigma: number, sigmaData = 0.5): EdmCoefficients {
  assertPositive(sigma, 'sigma');
  assertPositive(sigmaData, 'sigmaData');
  const s2 = sigma * sigma + sigmaData * sigmaData;
  return {
    cSkip: (sigmaData * sigmaData) / s2,
    cOut: (sigma * sigmaData) / Math.sqrt(s2),
    cIn: 1 / Math.sqrt(s2),
    cNoise: Math.log(sigma) / 4,
    weight: s2 / (sigma * sigmaData) ** 2,
  };
}

/**
 * An EDM-preconditioned denoiser D(x; sigma) = c_skip x + c_out F(c_in x, c_noise) over a network F with
 * inputs [x (dim), c (1)], e.g. `mlpUnet`. A kernel `SigmaDenoiser`, with the EDM loss and its gradient.
 */
export interface EdmDenoiser extends SigmaDenoiser {
  readonly net: Net;
  readonly sigmaData: number;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
  readonly rho: number;
  /** D(x; sigma) on n rows (chunks of maxBatch rows through F). */
  denoise(x: Float64Array, n: number, sigma: number, out?: Float64Array): Float64Array;
  /**
   * EDM loss on a minibatch, L = (1/n) sum_i lambda(sigma_i) ||D(x0_i + sigma_i noise_i; sigma_i) - x0_i||^2
   * (sum over coordinates, mean over the batch, spec §16 #14), and ADDS dL/dparams into `net.grad`.
   * @param x0 n x dim clean rows
   * @param sigma n noise levels (> 0)
   * @param noise n x dim standard normals
   * @returns L
   */
  lossAndGrad(x0: Float64Array, n: number, sigma: Float64Array, noise: Float64Array): number;
}

interface Buffers {
  xin: Float64Array;
  c: Float64Array;
  dF: Float64Array;
}

/**
 * Wrap a network F(x, c) in EDM preconditioning (spec §13.3).
 * @param net network with inputs [x (dim), c (1)] and output width dim
 * @param options sigmaData = 0.5, sigmaMin = 0.002, sigmaMax = 80, rho = 7, maxBatch = 1024
 * @returns the EdmDenoiser
 * @throws ShapeError when the net's inputs/outputs do not fit, DomainError on bad options
 * @example
 * const D = edmPrecond(mlpUnet({ ndim: 64, rng: new Rng(1) }));
 * const y = D.denoise(x, n, 0.5);
 */
export function edmPrecond(net: Net, options: EdmPrecondOptions = {}): EdmDenoiser {
  const { sigmaData = 0.5, sigmaMin = 0.002, sigmaMax = 80, rho = 7, maxBatch = 1024 } = options;
  if (!net || !(net.params instanceof Float64Array) || !Array.isArray(net.inputWidths)) throw new ParameterError('net: expected a Net from graph().build()');
  if (net.inputWidths.length !== 2 || net.inputWidths[1] !== 1) throw new ShapeError(`net: expected inputs [x (dim), c (1)], got widths [${net.inputWidths.join(', ')}]`);
  const dim = net.inputWidths[0];
  if (net.outWidth !== dim) throw new ShapeError(`net: expected output width ${dim} (= input width), got ${net.outWidth}`);
  assertPositive(sigmaData, 'sigmaData');
  assertPositive(sigmaMin, 'sigmaMin');
  assertPositive(sigmaMax, 'sigmaMax');
  if (sigmaMax <= sigmaMin) throw new DomainError(`sigmaMax: expected > sigmaMin = ${sigmaMin}, got ${sigmaMax}`);
  assertPositive(rho, 'rho');
  assertInteger(maxBatch, 1, 'maxBatch');
  const sd2 = sigmaData * sigmaData;
  const bufs = new Map<number, Buffers>();
  const buf = (n: number): Buffers => {
    let b = bufs.get(n);
    if (!b) {
      b = { xin: new Float64Array(n * dim), c: new Float64Array(n), dF: new Float64Array(n * dim) };
      bufs.set(n, b);
    }
    return b;
  };
  return {
    dim,
    net,
    sigmaData,
    sigmaMin,
    sigmaMax,
    rho,
    denoise(x, n, sigma, out) {
      checkBatch(x, n, dim);
      if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new DomainError(`sigma: expected a finite number >= 0, got ${sigma}`);
      assertFinite(x, 'x');
      const y = out ?? new Float64Array(n * dim);
      if (y.length !== n * dim) throw new ShapeError(`out: expected length ${n * dim}, got ${y.length}`);
      const s = Math.max(sigma, sigmaMin);
      const s2 = s * s + sd2;
      const cSkip = sd2 / s2;
      const cOut = (s * sigmaData) / Math.sqrt(s2);
      const cIn = 1 / Math.sqrt(s2);
      for (let r0 = 0; r0 < n; r0 += maxBatch) {
        const m = Math.min(maxBatch, n - r0);
        const b = buf(m);
        const o = r0 * dim;
        for (let i = 0; i < m * dim; i++) b.xin[i] = cIn * x[o + i];
        b.c.fill(Math.log(s) / 4);
        const F = net.forward([b.xin, b.c], m);
        for (let i = 0; i < m * dim; i++) y[o + i] = cSkip * x[o + i] + cOut * F[i];
      }
      return y;
    },
    lossAndGrad(x0, n, sigma, noise) {
      checkBatch(x0, n, dim, 'x0');
      if (n < 1) throw new DomainError('n: expected at least one row');
      checkBatch(noise, n, dim, 'noise');
      if (!(sigma instanceof Float64Array) || sigma.length !== n) throw new ShapeError(`sigma: expected a Float64Array of length n = ${n}, got ${sigma?.length}`);
      for (let r = 0; r < n; r++) if (!(sigma[r] > 0) || !Number.isFinite(sigma[r])) throw new DomainError(`sigma[${r}]: expected a finite number > 0, got ${sigma[r]}`);
      assertFinite(x0, 'x0');
      assertFinite(noise, 'noise');
      const b = buf(n);
      for (let r = 0; r < n; r++) {
        const s = sigma[r];
        const cIn = 1 / Math.sqrt(s * s + sd2);
        const o = r * dim;
        for (let j = 0; j < dim; j++) b.xin[o + j] = cIn * (x0[o + j] + s * noise[o + j]);
        b.c[r] = Math.log(s) / 4;
      }
      const F = net.forward([b.xin, b.c], n);
      let loss = 0;
      for (let r = 0; r < n; r++) {
        const s = sigma[r];
        const s2 = s * s + sd2;
        const cSkip = sd2 / s2;
        const cOut = (s * sigmaData) / Math.sqrt(s2);
        const w = s2 / (s * sigmaData) ** 2;
        const o = r * dim;
        let e2 = 0;
        for (let j = 0; j < dim; j++) {
          const x = x0[o + j] + s * noise[o + j];
          const e = cSkip * x + cOut * F[o + j] - x0[o + j];
          e2 += e * e;
          b.dF[o + j] = ((2 * w * cOut) / n) * e;
        }
        loss += (w * e2) / n;
      }
      net.backward(b.dF);
      return loss;
    },
  };
}
