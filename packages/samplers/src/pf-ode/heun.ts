import { assertFinite, assertInteger, DomainError, edmSigmaGrid, isRng, type NDArray, ParameterError, type Rng, ShapeError, type SigmaDenoiser } from '@diffusion-theory/kernel';
import { sampleEdm } from '../edm.js';

/** The sigma range of the PF-ODE (spec spectral-bias §1: defaults sigma_0 = 0.002, sigma_T = 80). */
export interface SigmaRange {
  /** sigma_0 > 0 (default 0.002). */
  sigmaMin?: number;
  /** sigma_T > sigmaMin (default 80). */
  sigmaMax?: number;
}

/** Read and check a SigmaRange. */
export function readSigmaRange(opts: SigmaRange = {}): { sigmaMin: number; sigmaMax: number } {
  const sigmaMin = opts.sigmaMin ?? 0.002;
  const sigmaMax = opts.sigmaMax ?? 80;
  if (!(sigmaMin > 0) || !Number.isFinite(sigmaMin)) throw new DomainError(`sigmaMin: expected a finite number > 0, got ${sigmaMin}`);
  if (!(sigmaMax > sigmaMin) || !Number.isFinite(sigmaMax)) throw new DomainError(`sigmaMax: expected a finite number > sigmaMin = ${sigmaMin}, got ${sigmaMax}`);
  return { sigmaMin, sigmaMax };
}

export interface EdmHeunOptions extends SigmaRange {
  /** Number of noise levels n (default 20; 2n - 1 denoiser calls). */
  steps?: number;
  /** Schedule exponent rho (default 7). */
  rho?: number;
  /** Fixed standard-normal noise z (n x dim, row-major); x(sigma_T) = sigma_T z. Give this or (n, rng). */
  noise?: Float64Array;
  /** Number of samples when `noise` is not given. */
  n?: number;
  /** Generator when `noise` is not given (draws n*dim normals). */
  rng?: Rng;
}

/**
 * The deterministic EDM Heun sampler of spec spectral-bias §5.6 (20 steps, rho = 7, sigma in
 * [0.002, 80], Euler into sigma = 0; 2n - 1 denoiser calls) for any SigmaDenoiser: x(sigma_T) =
 * sigma_T z, then Heun on dx/dsigma = (x - D(x; sigma)) / sigma. Heun-20 is NOT the exact PF-ODE
 * (§5.6: variance 1.072 instead of 1 for lambda = 1 at the optimum); use `pfOdeRk4` for the exact flow.
 * @param denoiser - D(x; sigma)
 * @param opts - steps, rho, sigma range, and fixed noise or (n, rng)
 * @returns n x dim samples
 * @throws DomainError on a bad sigma range; ShapeError when noise is not a multiple of dim; ParameterError without noise or rng; DivergenceError on a non-finite state
 * @example
 * const x = edmHeunSample(den, { n: 1000, rng: new Rng(1) });
 */
export function edmHeunSample(denoiser: SigmaDenoiser, opts: EdmHeunOptions = {}): NDArray {
  if (!denoiser || typeof denoiser.denoise !== 'function') throw new ParameterError('denoiser: expected a SigmaDenoiser');
  const d = denoiser.dim;
  assertInteger(d, 1, 'denoiser.dim');
  const { sigmaMin, sigmaMax } = readSigmaRange(opts);
  const steps = opts.steps ?? 20;
  assertInteger(steps, 2, 'steps');
  const sigmas = edmSigmaGrid({ n: steps, sigmaMin, sigmaMax, rho: opts.rho ?? 7 });
  let z: Float64Array;
  if (opts.noise !== undefined) {
    z = opts.noise;
    if (!(z instanceof Float64Array) || z.length === 0 || z.length % d !== 0) throw new ShapeError(`noise: expected a Float64Array of length n*dim (dim = ${d})`);
    assertFinite(z, 'noise');
  } else {
    if (opts.n === undefined || !isRng(opts.rng)) throw new ParameterError('noise: expected fixed noise, or n and rng');
    assertInteger(opts.n, 1, 'n');
    z = opts.rng.normals(opts.n * d);
  }
  const n = z.length / d;
  const x0 = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) x0[i] = sigmas[0] * z[i];
  return sampleEdm({ denoiser, sigmas, n, x0, rng: isRng(opts.rng) ? opts.rng : dummyRng() }).samples;
}

function dummyRng(): Rng {
  // sampleEdm wants an Rng even when x0 is given and there is no churn; it draws nothing.
  return { fillNormal: () => { throw new DomainError('unreachable'); } } as unknown as Rng;
}
