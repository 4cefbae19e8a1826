import { assertFinite, assertInteger, DivergenceError, gaussLegendre, integrateFixed, NDArray, ParameterError, ShapeError, type SigmaDenoiser } from '@diffusion-theory/kernel';
import { readSigmaRange, type SigmaRange } from './heun.js';

export interface PfOdeRk4Options extends SigmaRange {
  /** Uniform RK4 steps in u = ln sigma (default 1500; spec §5.5 / §17). */
  steps?: number;
}

function readSteps(steps: number | undefined, def: number): number {
  const s = steps ?? def;
  assertInteger(s, 1, 'steps');
  return s;
}

/**
 * Accurate PF-ODE integration of samples (spec spectral-bias §5.5): classical RK4 with uniform steps in
 * u = ln sigma on dx/du = x - D(x; e^u), from sigma_T down to sigma_0, starting at the given states
 * x(sigma_T) (n x dim; e.g. sigma_T times standard normals).
 * @param denoiser - D(x; sigma)
 * @param x - initial states at sigma_T, n*dim row-major (not modified)
 * @param opts - sigma range, steps
 * @returns n x dim states at sigma_0
 * @throws ShapeError on a length mismatch; DomainError on a bad sigma range; DivergenceError on a non-finite state
 * @example
 * const out = pfOdeRk4(den, z.map((v) => 80 * v), { steps: 1500 });
 */
export function pfOdeRk4(denoiser: SigmaDenoiser, x: Float64Array, opts: PfOdeRk4Options = {}): NDArray {
  if (!denoiser || typeof denoiser.denoise !== 'function') throw new ParameterError('denoiser: expected a SigmaDenoiser');
  const d = denoiser.dim;
  if (!(x instanceof Float64Array) || x.length === 0 || x.length % d !== 0) throw new ShapeError(`x: expected a Float64Array of length n*dim (dim = ${d})`);
  assertFinite(x, 'x');
  const { sigmaMin, sigmaMax } = readSigmaRange(opts);
  const steps = readSteps(opts.steps, 1500);
  const n = x.length / d;
  const f = (u: number, state: Float64Array, out: Float64Array) => {
    denoiser.denoise(state, n, Math.exp(u), out);
    for (let i = 0; i < x.length; i++) out[i] = state[i] - out[i];
  };
  // RK4 in u = ln sigma from ln sigma_max down to ln sigma_min (kernel's fixed-step integrator)
  const res = integrateFixed({ f, y0: x, t0: Math.log(sigmaMax), t1: Math.log(sigmaMin), steps, method: 'rk4' });
  if (res.status !== 'success') throw new DivergenceError(`pfOdeRk4: non-finite state after step ${res.failedAt?.step}`, res.failedAt?.step ?? 0);
  const y = res.y;
  return new NDArray(y, [n, d]);
}

/** Per-mode gains psi_k(sigma) of a commuting linear denoiser: writes the d gains at sigma into `out`. */
export type ModeGains = (sigma: number, out: Float64Array) => void;

export interface ModePushForwardOptions extends SigmaRange {
  /** Number of modes d. */
  dim: number;
  /** 'gauss-legendre' (400 nodes in ln sigma, default) or 'simpson' (composite Simpson, an independent check). */
  method?: 'gauss-legendre' | 'simpson';
  /** Nodes (Gauss-Legendre, default 400) or panels (Simpson, default 1500). */
  nodes?: number;
}

/**
 * Generated per-mode variances of a commuting linear denoiser (Lemma 4.1, spec spectral-bias §5.2):
 * lambda_hat_k = sigma_T^2 exp(-2 int_{ln sigma_0}^{ln sigma_T} (1 - psi_k(e^u)) du), by Gauss-Legendre
 * quadrature in ln sigma (default) or composite Simpson (for exact RK4 on the ODE, use `pfOdeRk4`).
 * @param gains - psi_k(sigma) for k = 0..d-1
 * @param opts - dim, sigma range, method, nodes
 * @returns Float64Array of d generated variances
 * @throws DomainError on a bad range or dim; NonFiniteError when a gain is not finite
 * @example
 * modePushForward((s, out) => { out[0] = 1 / (1 + s * s); }, { dim: 1 }); // ~ 1 (optimal denoiser of N(0, 1))
 */
export function modePushForward(gains: ModeGains, opts: ModePushForwardOptions): Float64Array {
  const d = opts?.dim;
  assertInteger(d, 1, 'dim');
  if (typeof gains !== 'function') throw new ParameterError('gains: expected a function (sigma, out) => void');
  const { sigmaMin, sigmaMax } = readSigmaRange(opts);
  const method = opts.method ?? 'gauss-legendre';
  const uLo = Math.log(sigmaMin);
  const uHi = Math.log(sigmaMax);
  const g = new Float64Array(d);
  const integral = new Float64Array(d); // int (1 - psi) du over [uLo, uHi]
  if (method === 'gauss-legendre') {
    const q = gaussLegendre(readSteps(opts.nodes, 400), uLo, uHi);
    for (let j = 0; j < q.nodes.length; j++) {
      gains(Math.exp(q.nodes[j]), g);
      assertFinite(g, 'gains');
      for (let k = 0; k < d; k++) integral[k] += q.weights[j] * (1 - g[k]);
    }
  } else if (method === 'simpson') {
    const steps = readSteps(opts.nodes, 1500);
    const h = (uHi - uLo) / steps;
    const g2 = new Float64Array(d);
    const g3 = new Float64Array(d);
    for (let s = 0; s < steps; s++) {
      const u = uLo + s * h;
      gains(Math.exp(u), g);
      gains(Math.exp(u + 0.5 * h), g2);
      gains(Math.exp(u + h), g3);
      assertFinite(g, 'gains');
      for (let k = 0; k < d; k++) integral[k] += (h / 6) * ((1 - g[k]) + 4 * (1 - g2[k]) + (1 - g3[k]));
    }
  } else throw new ParameterError(`method: expected 'gauss-legendre' or 'simpson', got ${String(method)}`);
  const out = new Float64Array(d);
  for (let k = 0; k < d; k++) out[k] = sigmaMax * sigmaMax * Math.exp(-2 * integral[k]);
  return out;
}
