import { Rng, linearInterpolant, trigonometricInterpolant } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { tweedieBinaryGmmDenoiser } from './tweedie.js';

describe('tweedieBinaryGmmDenoiser (spec §8)', () => {
  it('equals the Monte-Carlo posterior mean E[x1 | x_t = x] at a point (self-normalised importance sampling, d = 3)', () => {
    const mu = [1.0, -0.5, 0.8];
    const sigma = 0.7;
    const schedule = linearInterpolant();
    const f = tweedieBinaryGmmDenoiser({ mu, sigma, schedule });
    const rng = new Rng(5);
    for (const t of [0.3, 0.6]) {
      const x = Float64Array.from([0.4, 0.1, -0.2]);
      const a = schedule.alpha(t);
      const b = schedule.beta(t);
      const n = 400000;
      // draw x1 from the prior, weight by the likelihood N(x; b x1, a^2 I)
      const num = [0, 0, 0];
      const num2 = [0, 0, 0];
      let den = 0;
      let den2 = 0;
      const z = new Float64Array(3);
      for (let i = 0; i < n; i++) {
        const s = rng.uniform() < 0.5 ? -1 : 1;
        rng.fillNormal(z);
        const x1 = [s * mu[0] + sigma * z[0], s * mu[1] + sigma * z[1], s * mu[2] + sigma * z[2]];
        let q = 0;
        for (let j = 0; j < 3; j++) q += (x[j] - b * x1[j]) ** 2;
        const w = Math.exp(-q / (2 * a * a));
        den += w;
        den2 += w * w;
        for (let j = 0; j < 3; j++) {
          num[j] += w * x1[j];
          num2[j] += w * x1[j] * x1[j];
        }
      }
      const got = f.denoise(x, 1, t);
      const ess = (den * den) / den2;
      for (let j = 0; j < 3; j++) {
        const m = num[j] / den;
        const sd = Math.sqrt(Math.max(0, num2[j] / den - m * m));
        expect(Math.abs(got[j] - m)).toBeLessThan((4 * sd) / Math.sqrt(ess));
      }
    }
  });

  it('limits: f_0(x) = 0 (= E x1) and f_1(x) = x', () => {
    const f = tweedieBinaryGmmDenoiser({ mu: [2, 1], sigma: 1, schedule: linearInterpolant() });
    const x = Float64Array.from([0.3, -1.2, 5, 2]);
    const y0 = f.denoise(x, 2, 0);
    for (const v of y0) expect(v).toBeCloseTo(0, 14);
    const y1 = f.denoise(x, 2, 1);
    for (let i = 0; i < y1.length; i++) expect(y1[i]).toBeCloseTo(x[i], 14);
  });

  it('the Jacobian matches central finite differences', () => {
    const schedule = trigonometricInterpolant();
    const f = tweedieBinaryGmmDenoiser({ mu: [1.5, -1, 0.5, 2], sigma: 0.4, schedule });
    const x = Float64Array.from([0.2, 0.4, -0.3, 0.1]);
    const t = 0.55;
    const J = f.jacobian!(x, t);
    const h = 1e-6;
    for (let j = 0; j < 4; j++) {
      const xp = x.slice();
      const xm = x.slice();
      xp[j] += h;
      xm[j] -= h;
      const fp = f.denoise(xp, 1, t);
      const fm = f.denoise(xm, 1, t);
      for (let i = 0; i < 4; i++) expect(J[i * 4 + j]).toBeCloseTo((fp[i] - fm[i]) / (2 * h), 6);
    }
  });

  it('validates its inputs', () => {
    const f = tweedieBinaryGmmDenoiser({ mu: [1, 1], sigma: 0, schedule: linearInterpolant() });
    expect(() => f.denoise(new Float64Array(3), 1, 0.5)).toThrow(/length/);
    expect(() => f.denoise(new Float64Array(2), 1, 1)).toThrow(/t/);
    expect(() => tweedieBinaryGmmDenoiser({ mu: [1], sigma: -1, schedule: linearInterpolant() })).toThrow(/sigma/);
  });
});
