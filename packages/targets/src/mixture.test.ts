import {
  DomainError,
  NDArray,
  NonFiniteError,
  NotPositiveDefiniteError,
  Rng,
  ShapeError,
  linearInterpolant,
  trigonometricInterpolant,
} from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { gaussian } from './gaussian.js';
import { gaussianMixture } from './mixture.js';

function randomSpd(d: number, rng: Rng, floor = 0.3, scale = 1): NDArray {
  const B = rng.normals(d * d);
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += B[i * d + k] * B[j * d + k];
      C[i * d + j] = (scale * s) / d + (i === j ? floor : 0);
    }
  }
  return new NDArray(C, [d, d]);
}

function noisedCov(C: NDArray, a: number, b: number): NDArray {
  const d = C.shape[0];
  const out = Float64Array.from(C.data, (v) => b * b * v);
  for (let i = 0; i < d; i++) out[i * d + i] += a * a;
  return new NDArray(out, [d, d]);
}

describe('gaussianMixture target', () => {
  const rng = new Rng(21);
  const d = 3;
  const K = 3;
  const w = [0.5, 0.3, 0.2];
  const means = new NDArray(Float64Array.from([2, 0, 0, -2, 1, 0, 0, -2, 1.5]), [K, d]);
  const covs = [randomSpd(d, rng, 0.2, 0.5), randomSpd(d, rng, 0.2, 0.5), randomSpd(d, rng, 0.2, 0.5)];
  const mix = gaussianMixture({ weights: w, means, covariances: covs });

  it('K = 1 reduces to the Gaussian target (denoiser, sigma denoiser, logDensity)', () => {
    const dd = 6;
    const C = randomSpd(dd, rng);
    const m = rng.normals(dd);
    const g = gaussian({ mean: m, covariance: C });
    const one = gaussianMixture({ weights: [1], means: new NDArray(m, [1, dd]), covariances: [C] });
    const x = rng.normals(4 * dd);
    const s = linearInterpolant();
    for (const t of [0, 0.3, 0.8, 1]) {
      const a = g.denoiser(s).denoise(x, 4, t);
      const b = one.denoiser(s).denoise(x, 4, t);
      for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k], 11);
    }
    const sa = g.sigmaDenoiser().denoise(x, 4, 0.7);
    const sb = one.sigmaDenoiser().denoise(x, 4, 0.7);
    for (let k = 0; k < sa.length; k++) expect(sb[k]).toBeCloseTo(sa[k], 11);
    const la = g.logDensity(x, 4);
    const lb = one.logDensity(x, 4);
    for (let r = 0; r < 4; r++) expect(lb[r]).toBeCloseTo(la[r], 10);
  });

  it('logDensity is the log of the weighted sum of component densities', () => {
    const x = rng.normals(5 * d);
    const comps = covs.map((C, c) => gaussian({ mean: means.data.slice(c * d, (c + 1) * d), covariance: C }));
    const ld = mix.logDensity(x, 5);
    const parts = comps.map((g) => g.logDensity(x, 5));
    for (let r = 0; r < 5; r++) {
      const p = parts.reduce((s, lp, c) => s + w[c] * Math.exp(lp[r]), 0);
      expect(ld[r]).toBeCloseTo(Math.log(p), 10);
    }
  });

  it('sample moments match mean() and covariance() within Monte-Carlo error', () => {
    const n = 60_000;
    const x = mix.sample(n, new Rng(2)).data;
    const mu = mix.mean();
    const C = mix.covariance().data;
    const mean = new Float64Array(d);
    for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) mean[i] += x[r * d + i] / n;
    const cov = new Float64Array(d * d);
    for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] += ((x[r * d + i] - mean[i]) * (x[r * d + j] - mean[j])) / (n - 1);
    for (let i = 0; i < d; i++) {
      expect(Math.abs(mean[i] - mu[i])).toBeLessThan(5 * Math.sqrt(C[i * d + i] / n));
      for (let j = 0; j < d; j++) {
        // a mixture is not Gaussian: the s.e. of a covariance entry uses the fourth moment; the Gaussian
        // formula times 2 bounds it for these well-separated, moderately heavy-tailed mixtures.
        const se = 2 * Math.sqrt((C[i * d + i] * C[j * d + j] + C[i * d + j] ** 2) / n);
        expect(Math.abs(cov[i * d + j] - C[i * d + j])).toBeLessThan(5 * se);
      }
    }
  });

  it('responsibilities are a probability vector per row', () => {
    const x = rng.normals(4 * d);
    const r = mix.responsibilities(x, 4, 0.5, 0.5);
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let c = 0; c < K; c++) {
        expect(r[i * K + c]).toBeGreaterThanOrEqual(0);
        s += r[i * K + c];
      }
      expect(s).toBeCloseTo(1, 14);
    }
    // at beta = 0 the noisy point carries no information: responsibilities are the weights
    const r0 = mix.responsibilities(x, 4, 1, 0);
    for (let c = 0; c < K; c++) expect(r0[c]).toBeCloseTo(w[c], 14);
  });

  it('exact denoiser agrees with an importance-weighted Monte-Carlo estimate of E[x1 | x_t = x]', () => {
    const s = linearInterpolant();
    const M = 200_000;
    const x1 = mix.sample(M, new Rng(9)).data;
    const den = mix.denoiser(s);
    const pts = [
      [0.3, [0.2, -0.1, 0.3]],
      [0.6, [0.1, -0.4, 0.2]],
      [0.8, [1.2, 0.1, 0.0]],
    ] as const;
    for (const [t, xp] of pts) {
      const a = s.alpha(t);
      const b = s.beta(t);
      const x = Float64Array.from(xp);
      const logw = new Float64Array(M);
      let mx = -Infinity;
      for (let r = 0; r < M; r++) {
        let q = 0;
        for (let i = 0; i < d; i++) q += (x[i] - b * x1[r * d + i]) ** 2;
        logw[r] = -q / (2 * a * a);
        mx = Math.max(mx, logw[r]);
      }
      let sw = 0;
      let sw2 = 0;
      const est = new Float64Array(d);
      const est2 = new Float64Array(d);
      for (let r = 0; r < M; r++) {
        const wt = Math.exp(logw[r] - mx);
        sw += wt;
        sw2 += wt * wt;
        for (let i = 0; i < d; i++) {
          est[i] += wt * x1[r * d + i];
          est2[i] += wt * x1[r * d + i] ** 2;
        }
      }
      const ess = (sw * sw) / sw2;
      expect(ess).toBeGreaterThan(500);
      const f = den.denoise(x, 1, t);
      for (let i = 0; i < d; i++) {
        const mu = est[i] / sw;
        const v = est2[i] / sw - mu * mu;
        expect(Math.abs(f[i] - mu)).toBeLessThan(5 * Math.sqrt(v / ess));
      }
    }
  });

  it('Tweedie: alpha^2 grad log p_t(x) = beta f(t, x) - x, p_t the noised mixture', () => {
    const s = trigonometricInterpolant();
    const den = mix.denoiser(s);
    for (const t of [0.25, 0.5, 0.9]) {
      const a = s.alpha(t);
      const b = s.beta(t);
      const noised = gaussianMixture({
        weights: w,
        means: new NDArray(means.data.map((v) => b * v), [K, d]),
        covariances: covs.map((C) => noisedCov(C, a, b)),
      });
      const x = rng.normals(d);
      const f = den.denoise(x, 1, t);
      const h = 1e-5;
      for (let i = 0; i < d; i++) {
        const xp = x.slice();
        const xm = x.slice();
        xp[i] += h;
        xm[i] -= h;
        const g = (noised.logDensity(xp, 1)[0] - noised.logDensity(xm, 1)[0]) / (2 * h);
        expect(a * a * g).toBeCloseTo(b * f[i] - x[i], 6);
      }
    }
  });

  it('sigma denoiser equals the interpolant denoiser at alpha/beta = sigma applied to beta x', () => {
    const s = linearInterpolant();
    const t = 0.4; // sigma = alpha / beta = 1.5
    const x = rng.normals(2 * d);
    const f1 = mix.sigmaDenoiser().denoise(x, 2, 1.5);
    const f2 = mix.denoiser(s).denoise(x.map((v) => 0.4 * v), 2, t);
    for (let k = 0; k < 2 * d; k++) expect(f1[k]).toBeCloseTo(f2[k], 12);
  });

  it('low-rank eigen-form components: batch of d = 100, K = 3, n = 2000 equals row-by-row evaluation and stays finite', () => {
    const D = 100;
    const k = 10;
    const r2 = new Rng(4);
    const comps = [0, 1, 2].map(() => {
      // orthonormal D x k basis by Gram-Schmidt on random vectors
      const U = new Float64Array(D * k);
      for (let j = 0; j < k; j++) {
        const v = r2.normals(D);
        for (let p = 0; p < j; p++) {
          let dot = 0;
          for (let i = 0; i < D; i++) dot += v[i] * U[i * k + p];
          for (let i = 0; i < D; i++) v[i] -= dot * U[i * k + p];
        }
        const nv = Math.hypot(...v);
        for (let i = 0; i < D; i++) U[i * k + j] = v[i] / nv;
      }
      return { basis: new NDArray(U, [D, k]), spectrum: Float64Array.from({ length: k }, (_, j) => 1 + j) };
    });
    const big = gaussianMixture({
      weights: [0.2, 0.3, 0.5],
      means: new NDArray(r2.normals(3 * D).map((v) => v * 0.3), [3, D]),
      covariances: comps,
    });
    const n = 2000;
    const x = big.sample(n, new Rng(8)).data.map((v, i) => 0.7 * v + 0.3 * (i % 7 === 0 ? 1 : -0.2));
    const den = big.denoiser(linearInterpolant());
    const f = den.denoise(x, n, 0.7);
    for (const r of [0, 17, 1999]) {
      const fr = den.denoise(x.slice(r * D, (r + 1) * D), 1, 0.7);
      for (let i = 0; i < D; i++) expect(f[r * D + i]).toBeCloseTo(fr[i], 12);
    }
    expect(f.every(Number.isFinite)).toBe(true);
  });

  it('zero-weight components are ignored', () => {
    const m2 = gaussianMixture({ weights: [1, 0], means: new NDArray(Float64Array.from([0, 0, 0, 5, 5, 5]), [2, d]), covariances: [covs[0], covs[1]] });
    const g = gaussian({ covariance: covs[0] });
    const x = rng.normals(d);
    const a = m2.denoiser(linearInterpolant()).denoise(x, 1, 0.5);
    const b = g.denoiser(linearInterpolant()).denoise(x, 1, 0.5);
    for (let i = 0; i < d; i++) expect(a[i]).toBeCloseTo(b[i], 12);
  });

  it('throws typed errors on bad input', () => {
    const I2 = new NDArray(Float64Array.from([1, 0, 0, 1]), [2, 2]);
    const m2 = new NDArray(new Float64Array(4), [2, 2]);
    expect(() => gaussianMixture({ weights: [0.5, 0.6], means: m2, covariances: [I2, I2] })).toThrow(DomainError);
    expect(() => gaussianMixture({ weights: [1.5, -0.5], means: m2, covariances: [I2, I2] })).toThrow(DomainError);
    expect(() => gaussianMixture({ weights: [1], means: m2, covariances: [I2, I2] })).toThrow(ShapeError);
    expect(() => gaussianMixture({ weights: [0.5, 0.5], means: m2, covariances: [I2] })).toThrow(ShapeError);
    expect(() => gaussianMixture({ weights: [0.5, 0.5], means: m2, covariances: [I2, new NDArray(new Float64Array(9), [3, 3])] })).toThrow(ShapeError);
    expect(() => gaussianMixture({ weights: [0.5, 0.5], means: new NDArray(Float64Array.from([0, Number.NaN, 0, 0]), [2, 2]), covariances: [I2, I2] })).toThrow(NonFiniteError);
    expect(() => gaussianMixture({ weights: [Number.NaN, 0.5], means: m2, covariances: [I2, I2] })).toThrow(NonFiniteError);
    const bad = new NDArray(Float64Array.from([1, 2, 2, 1]), [2, 2]);
    expect(() => gaussianMixture({ weights: [0.5, 0.5], means: m2, covariances: [I2, bad] })).toThrow(NotPositiveDefiniteError);
    expect(() => gaussianMixture({ weights: [0.5, 0.5], means: m2, covariances: [I2, bad] })).toThrow(/covariances\[1\]/);
    const den = mix.denoiser(linearInterpolant());
    expect(() => den.denoise(new Float64Array(2 * d - 1), 2, 0.5)).toThrow(ShapeError);
    expect(() => den.denoise(new Float64Array(d), 1, -0.1)).toThrow(DomainError);
  });
});
