import { DomainError, Rng, ShapeError, dgemm, edmSigmaGrid } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { sampleEdm } from './edm.js';
import { type GaussianFixture, gaussianFixture, momentViolations } from './test-helpers.js';

const d = 20;
const spectrum = Float64Array.from({ length: d }, (_, i) => 0.1 * 40 ** (i / (d - 1)));
const G = gaussianFixture(spectrum, new Rng(200));

/**
 * Exact law of the EDM chain for a Gaussian target: in the eigenbasis y = U^T (x - m), D - m = g(sigma) y
 * with g = s / (s + sigma^2), so (x - D) / sigma = kappa(sigma) y with kappa = sigma / (s + sigma^2),
 * each coordinate is a scalar linear recursion y' = p y (+ churn noise).
 */
function edmLaw(F: GaussianFixture, sigmas: Float64Array, churn?: { sChurn: number; sNoise?: number }) {
  const N = sigmas.length - 1;
  const gamma = churn ? Math.min(churn.sChurn / N, Math.SQRT2 - 1) : 0;
  const sn = churn?.sNoise ?? 1;
  const mu = new Float64Array(d);
  for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) mu[j] -= F.U[i * d + j] * F.m[i];
  const v = new Float64Array(d).fill(sigmas[0] ** 2);
  for (let j = 0; j < d; j++) {
    const s = F.s[j];
    const kappa = (sig: number) => sig / (s + sig * sig);
    for (let i = 0; i < N; i++) {
      const sh = sigmas[i] * (1 + gamma);
      v[j] += (sh * sh - sigmas[i] ** 2) * sn * sn;
      const h = sigmas[i + 1] - sh;
      const ke = 1 + h * kappa(sh);
      const p = sigmas[i + 1] > 0 ? 1 + 0.5 * h * (kappa(sh) + kappa(sigmas[i + 1]) * ke) : ke;
      mu[j] *= p;
      v[j] *= p * p;
    }
  }
  const mean = Float64Array.from(F.m);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) mean[i] += F.U[i * d + j] * mu[j];
  const uv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) uv[i * d + j] = F.U[i * d + j] * v[j];
  const cov = new Float64Array(d * d);
  dgemm(false, true, d, d, d, 1, uv, d, F.U, d, 0, cov, d);
  return { mean, cov };
}

describe('sampleEdm', () => {
  const n = 20_000;
  const sigmas = edmSigmaGrid({ n: 40, sigmaMax: 80, sigmaMin: 0.002 });

  it('Heun (Algorithm 1) reproduces N(m, C) within Monte-Carlo error plus the (exactly computed) discretisation bias', () => {
    const { samples } = sampleEdm({ denoiser: G.sigmaDenoiser(), sigmas, n, rng: new Rng(1) });
    const law = edmLaw(G, sigmas);
    const biasCov = Float64Array.from(law.cov, (v, i) => Math.abs(v - G.C[i]));
    const biasMean = law.mean.reduce((s, v, i) => Math.max(s, Math.abs(v - G.m[i])), 0);
    // 40 Heun steps: bias below 1 % of the largest variance (4)
    expect(Math.max(...biasCov)).toBeLessThan(0.01 * 4);
    expect(momentViolations(samples, G.m, G.C, 5, biasMean, biasCov)).toEqual([]);
    expect(momentViolations(samples, law.mean, law.cov, 5)).toEqual([]);
  });

  it('with stochastic churn (Algorithm 2) matches the exact law of its chain', () => {
    const churn = { sChurn: 20, sNoise: 1.003 };
    const { samples } = sampleEdm({ denoiser: G.sigmaDenoiser(), sigmas, n, rng: new Rng(2), churn });
    const law = edmLaw(G, sigmas, churn);
    expect(momentViolations(samples, law.mean, law.cov, 5)).toEqual([]);
    const biasCov = Float64Array.from(law.cov, (v, i) => Math.abs(v - G.C[i]));
    expect(momentViolations(samples, G.m, G.C, 5, 0.01, biasCov)).toEqual([]);
  });

  it('same seed gives identical samples', () => {
    const run = () => sampleEdm({ denoiser: G.sigmaDenoiser(), sigmas, n: 20, rng: new Rng(7), churn: { sChurn: 10 } }).samples.data;
    expect(Array.from(run())).toEqual(Array.from(run()));
  });

  it('throws typed errors on bad input', () => {
    const base = { denoiser: G.sigmaDenoiser(), n: 2, rng: new Rng(0) };
    expect(() => sampleEdm({ ...base, sigmas: [1, 2, 0] })).toThrow(DomainError);
    expect(() => sampleEdm({ ...base, sigmas: [1, 0, 0] })).toThrow(DomainError);
    expect(() => sampleEdm({ ...base, sigmas: [1] })).toThrow(ShapeError);
    expect(() => sampleEdm({ ...base, sigmas: [1, Number.NaN, 0] })).toThrow();
    expect(() => sampleEdm({ ...base, sigmas, churn: { sChurn: -1 } })).toThrow(DomainError);
    expect(() => sampleEdm({ ...base, sigmas, x0: new Float64Array(5) })).toThrow(ShapeError);
    expect(() => sampleEdm({ ...base, sigmas, n: 1.5 })).toThrow(DomainError);
  });
});
