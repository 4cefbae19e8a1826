import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import {
  type InterpolantSchedule,
  assertTime,
  customInterpolant,
  driftDenoiserCoef,
  driftLinearCoef,
  edmSigmaGrid,
  linearInterpolant,
  trigonometricInterpolant,
  veSchedule,
  vpSchedule,
} from './schedule.js';

/** Central difference with h = 1e-6: error ~ h^2 f''' ~ 1e-12 plus rounding ~ 1e-10. */
const fd = (f: (t: number) => number, t: number, h = 1e-6) => (f(t + h) - f(t - h)) / (2 * h);

const schedules: Array<[string, InterpolantSchedule]> = [
  ['linear', linearInterpolant()],
  ['trigonometric', trigonometricInterpolant()],
  ['vp', vpSchedule().toInterpolant()],
  ['vp(betaMin 0.5, betaMax 5)', vpSchedule({ betaMin: 0.5, betaMax: 5 }).toInterpolant()],
];

describe('interpolant schedules', () => {
  for (const [name, s] of schedules) {
    it(`${name}: endpoint conditions alpha_0 = beta_1 = 1, alpha_1 = beta_0 = 0`, () => {
      expect(s.alpha(0)).toBeCloseTo(1, 14);
      expect(s.beta(0)).toBeCloseTo(0, 14);
      expect(s.alpha(1)).toBeCloseTo(0, 14);
      expect(s.beta(1)).toBeCloseTo(1, 14);
      expect(s.kind).toBe('interpolant');
    });
    it(`${name}: dalpha, dbeta match central finite differences at interior times`, () => {
      for (const t of [0.05, 0.2, 0.5, 0.8, 0.95]) {
        expect(Math.abs(s.dalpha(t) - fd(s.alpha, t))).toBeLessThan(1e-7 * Math.max(1, Math.abs(s.dalpha(t))));
        expect(Math.abs(s.dbeta(t) - fd(s.beta, t))).toBeLessThan(1e-7 * Math.max(1, Math.abs(s.dbeta(t))));
      }
    });
  }
  it('trigonometric and VP schedules are variance preserving: alpha^2 + beta^2 = 1', () => {
    for (const s of [trigonometricInterpolant(), vpSchedule().toInterpolant()]) {
      for (const t of [0, 0.1, 0.33, 0.7, 1]) expect(s.alpha(t) ** 2 + s.beta(t) ** 2).toBeCloseTo(1, 14);
    }
  });
  it('VP as interpolant: beta_t^2 is the rescaled alphaBar at s = 1 - t', () => {
    const vp = vpSchedule();
    const s = vp.toInterpolant();
    const a1 = vp.alphaBar(1);
    for (const t of [0.2, 0.6, 0.9]) expect(s.beta(t) ** 2).toBeCloseTo((vp.alphaBar(1 - t) - a1) / (1 - a1), 14);
  });
  it('epsilon: default 0, constants and functions; negative constants refused', () => {
    expect(linearInterpolant().epsilon(0.3)).toBe(0);
    expect(linearInterpolant({ epsilon: 0.5 }).epsilon(0.3)).toBe(0.5);
    expect(trigonometricInterpolant({ epsilon: (t) => t * t }).epsilon(0.5)).toBe(0.25);
    expect(() => linearInterpolant({ epsilon: -1 })).toThrow(DomainError);
  });
  it('drift coefficients: with epsilon = 0, x Delta + Gamma f is the probability-flow velocity', () => {
    // linear: alpha'/alpha = -1/(1-t); Gamma = 1 + t/(1-t) = 1/(1-t)
    const s = linearInterpolant();
    expect(driftLinearCoef(s, 0.25)).toBeCloseTo(-1 / 0.75, 14);
    expect(driftDenoiserCoef(s, 0.25)).toBeCloseTo(1 / 0.75, 14);
    const e = linearInterpolant({ epsilon: 0.3 });
    expect(driftLinearCoef(e, 0.5)).toBeCloseTo(-2 - 0.3 / 0.25, 14);
    expect(driftDenoiserCoef(e, 0.5)).toBeCloseTo(2 + (0.3 * 0.5) / 0.25, 14);
  });
  it('customInterpolant checks endpoints', () => {
    const ok = customInterpolant({ alpha: (t) => 1 - t * t, beta: (t) => t * t, dalpha: (t) => -2 * t, dbeta: (t) => 2 * t, name: 'quad' });
    expect(ok.name).toBe('quad');
    expect(() => customInterpolant({ alpha: (t) => 1 - t, beta: (t) => 0.5 * t, dalpha: () => -1, dbeta: () => 0.5 })).toThrow(DomainError);
  });
  it('assertTime throws DomainError outside [0, tMax]', () => {
    expect(() => assertTime(1.1)).toThrow(DomainError);
    expect(() => assertTime(-0.1)).toThrow(DomainError);
    expect(() => assertTime(0.95, 't', 0.9)).toThrow(DomainError);
    expect(() => assertTime(Number.NaN)).toThrow(DomainError);
    expect(() => assertTime(0.5)).not.toThrow();
  });
});

describe('VE and VP schedules', () => {
  it('VE: sigma(0) = sigmaMin, sigma(1) = sigmaMax, dsigma matches finite differences', () => {
    const s = veSchedule({ sigmaMin: 0.02, sigmaMax: 80 });
    expect(s.sigma(0)).toBeCloseTo(0.02, 15);
    expect(s.sigma(1)).toBeCloseTo(80, 11);
    for (const t of [0.1, 0.5, 0.9]) expect(Math.abs(s.dsigma(t) - fd(s.sigma, t)) / s.dsigma(t)).toBeLessThan(1e-7);
    expect(() => veSchedule({ sigmaMin: 2, sigmaMax: 1 })).toThrow(DomainError);
    expect(() => veSchedule({ sigmaMin: 0 })).toThrow(DomainError);
  });
  it('VP: alphaBar(0) = 1, d log alphaBar / ds = -beta(s), discrete betas compose to alphaBar(1)', () => {
    const vp = vpSchedule();
    expect(vp.alphaBar(0)).toBe(1);
    for (const s of [0.1, 0.5, 0.9]) {
      expect(Math.abs(fd((u) => Math.log(vp.alphaBar(u)), s) + vp.betaAt(s))).toBeLessThan(1e-7);
    }
    const b = vp.discreteBetas(1000);
    let prod = 1;
    for (const x of b) prod *= 1 - x;
    expect(prod / vp.alphaBar(1)).toBeCloseTo(1, 10);
    expect(b[0]).toBeGreaterThan(0);
    expect(b[999]).toBeGreaterThan(b[0]);
    expect(() => vp.discreteBetas(0)).toThrow(DomainError);
    expect(() => vpSchedule({ betaMin: -1 })).toThrow(DomainError);
  });
});

describe('edmSigmaGrid', () => {
  it('endpoints sigmaMax ... sigmaMin then 0, strictly decreasing, length n + 1', () => {
    const g = edmSigmaGrid({ n: 18 });
    expect(g.length).toBe(19);
    expect(g[0]).toBeCloseTo(80, 11);
    expect(g[17]).toBeCloseTo(0.002, 15);
    expect(g[18]).toBe(0);
    for (let i = 1; i < g.length; i++) expect(g[i]).toBeLessThan(g[i - 1]);
  });
  it('sigma^(1/rho) is equally spaced (Karras et al. eq. 5)', () => {
    const rho = 7;
    const g = edmSigmaGrid({ n: 10, sigmaMin: 0.01, sigmaMax: 10, rho });
    const d0 = g[1] ** (1 / rho) - g[0] ** (1 / rho);
    for (let i = 1; i < 9; i++) expect(g[i + 1] ** (1 / rho) - g[i] ** (1 / rho)).toBeCloseTo(d0, 12);
  });
  it('domain errors', () => {
    expect(() => edmSigmaGrid({ n: 1 })).toThrow(DomainError);
    expect(() => edmSigmaGrid({ n: 10, sigmaMin: 5, sigmaMax: 1 })).toThrow(DomainError);
    expect(() => edmSigmaGrid({ n: 10, rho: 0 })).toThrow(DomainError);
    expect(() => edmSigmaGrid({ n: 2.5 })).toThrow(DomainError);
  });
});
