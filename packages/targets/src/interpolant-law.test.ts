import { DomainError, NDArray, Rng, linearInterpolant, orthonormalFrame } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { gaussian } from './gaussian.js';
import { interpolantLaw } from './interpolant-law.js';
import { gaussianMixture } from './mixture.js';

const d = 6;
const rng = new Rng(21);
// A low-rank component, a full-rank one, a rank-one one: both covariance paths of interpolantLaw.
const mix = gaussianMixture({
  weights: [0.3, 0.5, 0.2],
  means: new NDArray(rng.named('means').normals(3 * d), [3, d]),
  covariances: [
    { basis: orthonormalFrame(d, 2, rng.named('u', 0)), spectrum: [1.5, 0.4] },
    { basis: orthonormalFrame(d, d, rng.named('u', 1)), spectrum: [0.2, 0.5, 0.7, 1, 1.3, 2] },
    { basis: orthonormalFrame(d, 1, rng.named('u', 2)), spectrum: [3] },
  ],
});

describe('interpolantLaw', () => {
  it('Tweedie: alpha^2 grad log p_t = beta f(t, x) - x with p_t = interpolantLaw and f the target denoiser (independent formulas)', () => {
    const s = linearInterpolant();
    const den = mix.denoiser(s);
    for (const t of [0.3, 0.7, 0.95]) {
      const a = s.alpha(t);
      const b = s.beta(t);
      const law = interpolantLaw(mix, { alpha: a, beta: b });
      const x = rng.named('x', Math.round(100 * t)).normals(d);
      const f = den.denoise(x, 1, t);
      const h = 1e-5;
      for (let i = 0; i < d; i++) {
        const xp = x.slice();
        const xm = x.slice();
        xp[i] += h;
        xm[i] -= h;
        const g = (law.logDensity(xp, 1)[0] - law.logDensity(xm, 1)[0]) / (2 * h);
        expect(a * a * g).toBeCloseTo(b * f[i] - x[i], 5);
      }
    }
  });

  it('its moments are those of alpha x0 + beta x1 drawn directly (Monte Carlo, 5 standard errors)', () => {
    const [a, b] = [0.4, 0.9];
    const law = interpolantLaw(mix, { alpha: a, beta: b });
    const n = 50_000;
    const x1 = mix.sample(n, rng.named('x1')).data;
    const x0 = rng.named('x0').normals(n * d);
    const m = new Float64Array(d);
    for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) m[i] += (a * x0[r * d + i] + b * x1[r * d + i]) / n;
    const lm = law.mean();
    const C = law.covariance().data;
    for (let i = 0; i < d; i++) expect(Math.abs(m[i] - lm[i])).toBeLessThan(5 * Math.sqrt(C[i * d + i] / n));
    // and the covariance identity Cov(x_t) = beta^2 Cov(x1) + alpha^2 I
    const C1 = mix.covariance().data;
    for (let ij = 0; ij < d * d; ij++) expect(C[ij]).toBeCloseTo(b * b * C1[ij] + (ij % (d + 1) === 0 ? a * a : 0), 12);
  });

  it('a Gaussian target stays a Gaussian target with the noised moments', () => {
    const g = gaussian({ mean: [1, -2, 0.5], eigen: { basis: orthonormalFrame(3, 2, rng.named('g')), spectrum: [2, 0.5] } });
    const law = interpolantLaw(g, { alpha: 0.5, beta: 2 });
    expect(law.kind).toBe('gaussian');
    expect(Array.from(law.mean())).toEqual([2, -4, 1]);
    const C = law.covariance().data;
    const C1 = g.covariance().data;
    for (let ij = 0; ij < 9; ij++) expect(C[ij]).toBeCloseTo(4 * C1[ij] + (ij % 4 === 0 ? 0.25 : 0), 12);
  });

  it('refuses non-finite coefficients and other targets', () => {
    expect(() => interpolantLaw(mix, { alpha: Number.NaN, beta: 1 })).toThrow(DomainError);
    // biome-ignore lint/suspicious/noExplicitAny: a wrong target on purpose
    expect(() => interpolantLaw({ kind: 'other', dim: 2 } as any, { alpha: 0, beta: 1 })).toThrow(/target/);
  });
});
