/**
 * The 'kink' rule of the rotated engine (piecewise Gauss-Legendre split at the ReLU / sign kinks in
 * triangular coordinates) against closed forms and independent one-dimensional integrals.
 */
import { type Activation, customActivation, normalCdf, normalPdf, reluActivation, signActivation } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { type ClusterFields, pairMoments, rotatedEngine, singleMoments, type TimePoint } from './dae-moments.js';
import { relErr } from './fixtures.test.util.js';

const Phi = (x: number) => normalCdf(x);
const phi = (x: number) => normalPdf(x);
/** E[relu(h)], h ~ N(m, s^2). */
const eRelu = (m: number, s: number) => m * Phi(m / s) + s * phi(m / s);
/** E[relu(h)^2]. */
const eRelu2 = (m: number, s: number) => (m * m + s * s) * Phi(m / s) + m * s * phi(m / s);

/** Composite Simpson on [a, b] with n (even) panels: an independent 1-D integrator for the references. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/**
 * For (h1, h2) jointly Gaussian (means m1, m2, sds s1, s2, correlation rho), E[g1(h1) g2(h2)] as a
 * 1-D integral over z = (h1 - m1)/s1 of g1 times the closed-form conditional expectation of g2.
 */
function bivariate(m1: number, s1: number, m2: number, s2: number, rho: number, g1: (h: number) => number, cond2: (mean: number, sd: number) => number): number {
  const sd2 = s2 * Math.sqrt(1 - rho * rho);
  const zk = -m1 / s1; // the kink of g1: integrate each side separately
  const f = (z: number) => phi(z) * g1(m1 + s1 * z) * cond2(m2 + rho * s2 * z, sd2);
  // each side sees g1's one-sided limit at the kink (the endpoint is nudged 1e-9 inside)
  return simpson((z) => f(Math.min(z, zk - 1e-9)), -12, zk) + simpson((z) => f(Math.max(z, zk + 1e-9)), zk, 12);
}

const fields = (Q: number[], S: number[], M: number[], b: number, v: number[]): ClusterFields => ({
  Q: Float64Array.from(Q),
  S: Float64Array.from(S),
  M: Float64Array.from(M),
  b,
  v: Float64Array.from(v),
});

describe("rotated engine, 'kink' rule (default for ReLU and sign)", () => {
  it('r = 1, ReLU: E[sigma], E[sigma\'], E[sigma^2] and E[psi] equal their closed forms to 1e-13', () => {
    const eng = rotatedEngine(1, reluActivation, {}, false);
    const t: TimePoint = { alpha: 0.6, beta: 0.8, p: 0.3 };
    for (const [q, sv, m, v] of [
      [0.9, 0.5, 0.7, 0.2],
      [0.2, 0.1, -1.3, 0.4],
      [1.5, 2.0, 3.0, 0],
    ]) {
      const f = fields([q], [sv], [m], 0.4, [v]);
      const out = singleMoments(1);
      eng.single(f, t, out, false);
      const mean = t.beta * m + t.p * v;
      const sd = Math.sqrt(t.alpha ** 2 * q + t.beta ** 2 * sv);
      expect(Math.abs(out.Es[0] - eRelu(mean, sd))).toBeLessThan(1e-13 * Math.max(1, eRelu(mean, sd)));
      expect(out.Eds[0]).toBeCloseTo(Phi(mean / sd), 14);
      expect(Math.abs(out.Ess[0] - eRelu2(mean, sd))).toBeLessThan(1e-13 * Math.max(1, eRelu2(mean, sd)));
      // psi = 1{h > 0} gamma, gamma = c1 (M + lambda1) + c0 lambda0 - Q relu(h); E[1{h>0} lambda] = Cov(lambda, h) phi(mean/sd) / sd
      const [c1, c0] = [1 - 0.4 * t.beta, -0.4 * t.alpha];
      const ePsi = c1 * (m * Phi(mean / sd) + ((t.beta * sv) / sd) * phi(mean / sd)) + c0 * ((t.alpha * q) / sd) * phi(mean / sd) - q * eRelu(mean, sd);
      expect(Math.abs(out.Epsi[0] - ePsi)).toBeLessThan(1e-13 * Math.max(1, Math.abs(ePsi)));
    }
  });

  it('r = 2, ReLU: the orthant probability E[sigma\'_1 sigma\'_2] and E[sigma_1 sigma_2] match independent 1-D integrals', () => {
    const eng = rotatedEngine(2, reluActivation, {}, false);
    const t: TimePoint = { alpha: 0.5, beta: 0.5, p: 0 };
    const f = fields([0.9, 0.4, 0.4, 0.5], [1.1, -0.3, -0.3, 0.7], [0.3, -0.6], 0.2, [0, 0]);
    const out = singleMoments(2);
    eng.single(f, t, out, false);
    const cov = (i: number, j: number) => t.alpha ** 2 * f.Q[i * 2 + j] + t.beta ** 2 * f.S[i * 2 + j];
    const [m1, m2] = [t.beta * f.M[0], t.beta * f.M[1]];
    const [s1, s2] = [Math.sqrt(cov(0, 0)), Math.sqrt(cov(1, 1))];
    const rho = cov(0, 1) / (s1 * s2);
    const orthant = bivariate(m1, s1, m2, s2, rho, (h) => (h > 0 ? 1 : 0), (mu, sd) => Phi(mu / sd));
    const prod = bivariate(m1, s1, m2, s2, rho, (h) => Math.max(h, 0), eRelu);
    expect(out.Edsds[1]).toBeCloseTo(orthant, 12);
    expect(out.Ess[1]).toBeCloseTo(prod, 12);
    expect(out.Edsds[1]).toBe(out.Edsds[2]);
  });

  it('r = 1 cross-time pair, ReLU: E[sigma(h_t) sigma(h_t\')] matches the 1-D integral', () => {
    const eng = rotatedEngine(1, reluActivation, {}, false);
    const [ta, tb]: TimePoint[] = [
      { alpha: 0.7, beta: 0.3, p: 0 },
      { alpha: 0.2, beta: 0.8, p: 0 },
    ];
    const f = fields([0.8], [1.3], [0.4], 0.3, [0]);
    const out = pairMoments(1);
    eng.pair(f, ta, tb, out);
    const ma = ta.beta * 0.4;
    const mb = tb.beta * 0.4;
    const sa = Math.sqrt(ta.alpha ** 2 * 0.8 + ta.beta ** 2 * 1.3);
    const sb = Math.sqrt(tb.alpha ** 2 * 0.8 + tb.beta ** 2 * 1.3);
    const rho = (ta.alpha * tb.alpha * 0.8 + ta.beta * tb.beta * 1.3) / (sa * sb);
    expect(out.Ess[0]).toBeCloseTo(bivariate(ma, sa, mb, sb, rho, (h) => Math.max(h, 0), eRelu), 12);
  });

  it('sign: E[sign(h_1) sign(h_2)] against the 1-D integral; the old trapezoid rule is > 1e-5 off', () => {
    const f = fields([0.6, 0.2, 0.2, 0.9], [0.5, 0.1, 0.1, 0.4], [0.2, -0.1], 0, [0, 0]);
    const t: TimePoint = { alpha: 0.4, beta: 0.9, p: 0 };
    const cov = (i: number, j: number) => t.alpha ** 2 * f.Q[i * 2 + j] + t.beta ** 2 * f.S[i * 2 + j];
    const [s1, s2] = [Math.sqrt(cov(0, 0)), Math.sqrt(cov(1, 1))];
    const ref = bivariate(t.beta * 0.2, s1, t.beta * -0.1, s2, cov(0, 1) / (s1 * s2), Math.sign, (mu, sd) => 2 * Phi(mu / sd) - 1);
    const kink = singleMoments(2);
    rotatedEngine(2, signActivation, {}, false).single(f, t, kink, false);
    expect(kink.Ess[1]).toBeCloseTo(ref, 12);
    const trap = singleMoments(2);
    rotatedEngine(2, signActivation, { rule: 'trapezoid' }, false).single(f, t, trap, false);
    expect(Math.abs(trap.Ess[1] - ref)).toBeGreaterThan(1e-5);
  });

  it('a singular Cov(h) (identical units) falls back to the rotated rule and stays finite', () => {
    const eng = rotatedEngine(2, reluActivation, {}, false);
    const f = fields([1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5], [0.2, 0.2], 0.1, [0, 0]);
    const out = singleMoments(2);
    eng.single(f, { alpha: 0.5, beta: 0.5, p: 0 }, out, false);
    const sd = Math.sqrt(0.25 + 0.125);
    expect(out.Es[0]).toBeCloseTo(eRelu(0.1, sd), 3);
    expect(Number.isFinite(out.Ess[1])).toBe(true);
  });

  it('refuses bad rule options before any work', () => {
    expect(() => rotatedEngine(2, reluActivation, { kinkNodes: 0 })).toThrow(/kinkNodes/);
    expect(() => rotatedEngine(2, reluActivation, { kinkHalfWidth: -1 })).toThrow(/kinkHalfWidth/);
  });
});

describe("'kink' rule for piecewise-linear sigma at r >= 2: the two innermost units in closed form", () => {
  // the same sigma declared as custom activations: the engine then nests Gauss-Legendre on every level, an independent computation
  const reluNested = customActivation({ f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0), kinks: [0] });
  const signNested = customActivation({ f: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), df: () => 0, kinks: [0] });
  /** An r-unit state: diagonal-dominant Q, S with off-diagonal structure, means of both signs, sd(h) ~ scale. */
  function fieldsR(r: number, scale: number): ClusterFields {
    const Q = new Float64Array(r * r);
    const S = new Float64Array(r * r);
    for (let i = 0; i < r; i++) {
      for (let j = i; j < r; j++) {
        Q[i * r + j] = Q[j * r + i] = (i === j ? 0.9 - 0.1 * i : 0.15 * Math.cos(i + 2 * j + i * j)) * scale * scale;
        S[i * r + j] = S[j * r + i] = (i === j ? 1.1 - 0.1 * i : -0.12 * Math.sin(1 + i + j)) * scale * scale;
      }
    }
    return { Q, S, M: Float64Array.from({ length: r }, (_, i) => (0.5 - 0.3 * i) * scale), b: 0.4, v: Float64Array.from({ length: r }, (_, i) => 0.1 * (i - 1)) };
  }
  const t: TimePoint = { alpha: 0.6, beta: 0.4, p: 0.4 };
  function all(r: number, act: Activation, f: ClusterFields, kinkNodes?: number): number[] {
    const o = singleMoments(r);
    rotatedEngine(r, act, kinkNodes === undefined ? {} : { kinkNodes }, false).single(f, t, o, true);
    return Object.values(o).flatMap((a) => Array.from(a as Float64Array));
  }

  it('ReLU r = 2 is exact (measured 2.6e-15 against the nested rule at 30 nodes per piece), at any node count', () => {
    const f = fieldsR(2, 1);
    const ref = all(2, reluNested, f, 30);
    expect(relErr(all(2, reluActivation, f), ref)).toBeLessThan(2e-14);
    expect(relErr(all(2, reluActivation, f, 2), ref)).toBeLessThan(2e-14);
  });

  it('ReLU r = 3 and 4 match the nested rule to 1e-10 (measured 3e-12 to 8e-12; the old default was 1e-4 to 2e-4 off at r = 4)', () => {
    for (const [r, refN] of [
      [3, 30],
      [4, 20],
    ]) {
      for (const scale of [1, 2.5]) {
        const f = fieldsR(r, scale);
        expect(relErr(all(r, reluActivation, f), all(r, reluNested, f, refN))).toBeLessThan(1e-10);
      }
    }
  }, 60_000);

  it('sign r = 3 matches the nested rule to 1e-10', () => {
    const f = fieldsR(3, 1.4);
    const def = all(3, signActivation, f);
    expect(relErr(def, all(3, signNested, f, 30))).toBeLessThan(1e-10);
    expect(Math.max(...def.map(Math.abs))).toBeGreaterThan(0.1);
  }, 30_000);

  it('a custom activation declaring piecewiseLinear (leaky ReLU; hard tanh, two kinks) gets the closed form: equal to its nested rule to 2e-8', () => {
    // measured against the nested rule at 30 nodes per piece (itself within 4e-13 of 50): leaky ReLU 5e-12 at r = 3; hard tanh
    // 2e-15 at r = 2 and 6.6e-9 at r = 3, where the outer level's default 12 nodes per piece are the error (30 nodes: 4e-13)
    const pieces = [
      { f: (x: number) => (x > 0 ? x : 0.1 * x), df: (x: number) => (x > 0 ? 1 : 0.1), kinks: [0] },
      { f: (x: number) => Math.max(-1, Math.min(1, x)), df: (x: number) => (Math.abs(x) < 1 ? 1 : 0), kinks: [-1, 1] },
    ];
    for (const p of pieces) {
      const exact = customActivation({ ...p, piecewiseLinear: true });
      const nested = customActivation(p);
      for (const r of [2, 3]) {
        const f = fieldsR(r, 1.4);
        const def = all(r, exact, f);
        // the closed form does not depend on the node count at r = 2 (nothing is nested); the nested rule does
        if (r === 2) {
          expect(all(r, exact, f, 2)).toEqual(def);
          expect(relErr(all(r, nested, f, 2), def)).toBeGreaterThan(1e-6);
        }
        expect(relErr(def, all(r, nested, f, 30))).toBeLessThan(2e-8);
      }
    }
  }, 60_000);
});
