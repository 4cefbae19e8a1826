import { describe, expect, it } from 'vitest';
import {
  type Denoiser,
  type SigmaDenoiser,
  checkBatch,
  denoiserFromScore,
  denoiserFromVelocity,
  interpolantFromSigmaDenoiser,
  scoreFromDenoiser,
  sigmaFromInterpolantDenoiser,
  velocityFromDenoiser,
} from './denoiser.js';
import { DomainError, ShapeError } from './errors.js';
import { Rng } from './rng.js';
import { type InterpolantSchedule, linearInterpolant, trigonometricInterpolant, vpSchedule } from './schedule.js';

// Target rho = N(0, c I). With x_t = alpha x0 + beta x1, x0 ~ N(0, I):
//   f(t, x) = E[x1 | x_t = x] = beta c x / (alpha^2 + beta^2 c),
//   score   = -x / (alpha^2 + beta^2 c),
//   velocity = E[alpha' x0 + beta' x1 | x] = (alpha alpha' + beta beta' c) x / (alpha^2 + beta^2 c),
//   sigma form D(x, sigma) = E[x1 | x1 + sigma z = x] = c x / (c + sigma^2).
const c = 2.5;
const dim = 3;
const n = 4;

function gaussianDenoiser(s: InterpolantSchedule): Denoiser {
  return {
    dim,
    denoise(x, m, t, out) {
      const y = out ?? new Float64Array(x.length);
      const a = s.alpha(t);
      const b = s.beta(t);
      const k = (b * c) / (a * a + b * b * c);
      for (let i = 0; i < m * dim; i++) y[i] = k * x[i];
      return y;
    },
  };
}
const gaussianSigma: SigmaDenoiser = {
  dim,
  denoise(x, m, sigma, out) {
    const y = out ?? new Float64Array(x.length);
    for (let i = 0; i < m * dim; i++) y[i] = (c * x[i]) / (c + sigma * sigma);
    return y;
  },
};

const maxDiff = (a: Float64Array, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

const schedules: Array<[string, InterpolantSchedule]> = [
  ['linear', linearInterpolant()],
  ['trigonometric', trigonometricInterpolant()],
  ['vp', vpSchedule().toInterpolant()],
];
const x = new Rng(1).normals(n * dim);
const times = [0.1, 0.35, 0.6, 0.9];

describe.each(schedules)('conversions for a Gaussian target, %s schedule', (_name, s) => {
  const den = gaussianDenoiser(s);
  it('score = -x / (alpha^2 + beta^2 c)', () => {
    const score = scoreFromDenoiser(den, s);
    for (const t of times) {
      const v = 1 / (s.alpha(t) ** 2 + s.beta(t) ** 2 * c);
      expect(maxDiff(score.evaluate(x, n, t), x.map((xi) => -xi * v))).toBeLessThan(1e-12);
    }
  });
  it("velocity = (alpha alpha' + beta beta' c) x / (alpha^2 + beta^2 c)", () => {
    const vel = velocityFromDenoiser(den, s);
    for (const t of times) {
      const a = s.alpha(t);
      const b = s.beta(t);
      const k = (a * s.dalpha(t) + b * s.dbeta(t) * c) / (a * a + b * b * c);
      expect(maxDiff(vel.evaluate(x, n, t), x.map((xi) => k * xi))).toBeLessThan(1e-11);
    }
  });
  it('round trips denoiser -> score -> denoiser and denoiser -> velocity -> denoiser are identities', () => {
    const viaScore = denoiserFromScore(scoreFromDenoiser(den, s), s);
    const viaVel = denoiserFromVelocity(velocityFromDenoiser(den, s), s);
    for (const t of times) {
      const f = den.denoise(x, n, t);
      expect(maxDiff(viaScore.denoise(x, n, t), f)).toBeLessThan(1e-12);
      expect(maxDiff(viaVel.denoise(x, n, t), f)).toBeLessThan(1e-11);
    }
  });
  it('sigma form: D(x, sigma) = c x / (c + sigma^2), and back', () => {
    const d = sigmaFromInterpolantDenoiser(den, s);
    for (const sigma of [0.05, 0.5, 1, 4, 30]) {
      expect(maxDiff(d.denoise(x, n, sigma), x.map((xi) => (c * xi) / (c + sigma * sigma)))).toBeLessThan(1e-10);
    }
    const back = interpolantFromSigmaDenoiser(gaussianSigma, s);
    for (const t of times) expect(maxDiff(back.denoise(x, n, t), den.denoise(x, n, t))).toBeLessThan(1e-12);
  });
});

describe('denoiser plumbing', () => {
  const s = linearInterpolant();
  const den = gaussianDenoiser(s);
  it('writes into out when given and refuses a wrong out length', () => {
    const out = new Float64Array(n * dim);
    const score = scoreFromDenoiser(den, s);
    expect(score.evaluate(x, n, 0.5, out)).toBe(out);
    expect(() => score.evaluate(x, n, 0.5, new Float64Array(2))).toThrow(ShapeError);
    expect(score.dim).toBe(dim);
  });
  it('checkBatch validates n and the length', () => {
    expect(() => checkBatch(new Float64Array(6), 2, 3)).not.toThrow();
    expect(() => checkBatch(new Float64Array(5), 2, 3)).toThrow(ShapeError);
    expect(() => checkBatch(new Float64Array(6), -1, 3)).toThrow(DomainError);
  });
  it('sigma conversions refuse sigma <= 0 and t at the endpoints', () => {
    expect(() => sigmaFromInterpolantDenoiser(den, s).denoise(x, n, 0)).toThrow(DomainError);
    expect(() => interpolantFromSigmaDenoiser(gaussianSigma, s).denoise(x, n, 1)).toThrow(DomainError);
    expect(() => interpolantFromSigmaDenoiser(gaussianSigma, s).denoise(x, n, 0)).toThrow(DomainError);
  });
});
