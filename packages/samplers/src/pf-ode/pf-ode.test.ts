import { DomainError, edmSigmaGrid, ParameterError, type SigmaDenoiser } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { affinePushForward, edmHeunSample, modePushForward, pfOdeRk4 } from './index.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Diagonal linear denoiser D(x; sigma) = diag(gain(sigma)) x. */
function diagDenoiser(gain: (k: number, s: number) => number, d: number): SigmaDenoiser {
  return {
    dim: d,
    denoise(x, n, s, out = new Float64Array(x.length)) {
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[i * d + k] = gain(k, s) * x[i * d + k];
      return out;
    },
  };
}

/** Generated variances from propagating unit noise: noise = I (n = d rows) -> cov = X^T X. */
function diagVariances(x: Float64Array, d: number): number[] {
  const v: number[] = [];
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += x[i * d + k] ** 2;
    v.push(s);
  }
  return v;
}

const lam = [1, 0.01];
const opt = diagDenoiser((k, s) => lam[k] / (lam[k] + s * s), 2);

describe('EDM Heun sampler', () => {
  it('R19: sigma steps t1, t10, t19', () => {
    const t = edmSigmaGrid({ n: 20 });
    expect(rel(t[1], 59.6575259503)).toBeLessThan(1e-10);
    expect(rel(t[10], 1.97940064823)).toBeLessThan(1e-10);
    expect(rel(t[19], 0.002)).toBeLessThan(1e-10);
  });
  it('R20: Heun-20 on the optimal linear denoiser, lambda = (1, 0.01): final variance (1.07198000495, 0.011469878843)', () => {
    const x = edmHeunSample(opt, { noise: Float64Array.of(1, 0, 0, 1) });
    const v = diagVariances(x.data, 2);
    expect(rel(v[0], 1.07198000495)).toBeLessThan(1e-9);
    expect(rel(v[1], 0.011469878843)).toBeLessThan(1e-9);
  });
  it('typed errors: no noise and no rng; bad range', () => {
    expect(() => edmHeunSample(opt, {})).toThrow(ParameterError);
    expect(() => edmHeunSample(opt, { noise: Float64Array.of(1, 0), sigmaMin: 100 })).toThrow(DomainError);
  });
});

describe('exact PF-ODE', () => {
  const exact = (l: number) => (80 * 80 * (l + 0.002 ** 2)) / (l + 80 * 80);
  it('RK4 in ln sigma reproduces the converged variance sigma_T^2 (lambda + sigma_0^2)/(lambda + sigma_T^2) (1e-8)', () => {
    const x = pfOdeRk4(opt, Float64Array.of(80, 0, 0, 80), { steps: 1500 });
    const v = diagVariances(x.data, 2);
    for (let k = 0; k < 2; k++) expect(rel(v[k], exact(lam[k]))).toBeLessThan(1e-8);
  });
  it('Gauss-Legendre and Simpson per-mode push-forward agree with the same closed form', () => {
    const g = (s: number, out: Float64Array) => {
      for (let k = 0; k < 2; k++) out[k] = lam[k] / (lam[k] + s * s);
    };
    const a = modePushForward(g, { dim: 2 });
    const b = modePushForward(g, { dim: 2, method: 'simpson' });
    for (let k = 0; k < 2; k++) {
      expect(rel(a[k], exact(lam[k]))).toBeLessThan(1e-10);
      expect(rel(b[k], exact(lam[k]))).toBeLessThan(1e-8);
    }
  });
  it('Lemma 4.1 sign: W = 0 gives A = sigma_0 / sigma_T', () => {
    const r = affinePushForward({ dim: 1, weights: () => ({ W: Float64Array.of(0) }), steps: 3000 });
    expect(rel(r.A.data[0], 0.002 / 80)).toBeLessThan(1e-9); // RK4 truncation ~ h^4
  });
  it('non-commuting affine flow: matrix RK4 equals sample RK4 through the same denoiser, and the mean obeys dc/du = (I - W)c - b', () => {
    const Wof = (s: number) => {
      const c = Math.cos(Math.log(s));
      return Float64Array.of(0.5 / (0.5 + s * s), 0.3 * c / (1 + s * s), -0.1 / (1 + s), 2 / (2 + s * s));
    };
    const b = Float64Array.of(0.2, -0.1);
    const r = affinePushForward({ dim: 2, weights: (s) => ({ W: Wof(s), b: b.map((v) => v / (1 + s)) }), steps: 1500 });
    const den: SigmaDenoiser = {
      dim: 2,
      denoise(x, n, s, out = new Float64Array(x.length)) {
        const W = Wof(s);
        for (let i = 0; i < n; i++) {
          out[2 * i] = W[0] * x[2 * i] + W[1] * x[2 * i + 1] + b[0] / (1 + s);
          out[2 * i + 1] = W[2] * x[2 * i] + W[3] * x[2 * i + 1] + b[1] / (1 + s);
        }
        return out;
      },
    };
    // rows: x0 = 0 (gives c), x0 = e1, x0 = e2 (give c + A e_j)
    const y = pfOdeRk4(den, Float64Array.of(0, 0, 1, 0, 0, 1), { steps: 1500 }).data;
    expect(Math.abs(y[0] - r.c[0])).toBeLessThan(1e-12);
    expect(Math.abs(y[1] - r.c[1])).toBeLessThan(1e-12);
    expect(Math.abs(y[2] - y[0] - r.A.data[0])).toBeLessThan(1e-12);
    expect(Math.abs(y[3] - y[1] - r.A.data[2])).toBeLessThan(1e-12);
    expect(Math.abs(y[5] - y[1] - r.A.data[3])).toBeLessThan(1e-12);
  });
});
