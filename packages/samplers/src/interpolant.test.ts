import {
  DivergenceError,
  DomainError,
  ParameterError,
  Rng,
  ShapeError,
  driftDenoiserCoef,
  driftLinearCoef,
  linearInterpolant,
  trigonometricInterpolant,
} from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { paperGrid } from './grid.js';
import { sampleInterpolant } from './interpolant.js';
import { gaussianPushForward } from './push-forward.js';
import { gaussianFixture, momentViolations } from './test-helpers.js';

const d = 20;
// anisotropic spectrum, log-spaced from 0.1 to 4
const spectrum = Float64Array.from({ length: d }, (_, i) => 0.1 * 40 ** (i / (d - 1)));
const G = gaussianFixture(spectrum, new Rng(100));

/** Law of x_t = alpha_t x0 + beta_t x1 for x1 ~ N(m, C). */
function lawAt(a: number, b: number): { mean: Float64Array; cov: Float64Array } {
  const cov = Float64Array.from(G.C, (v) => b * b * v);
  for (let i = 0; i < d; i++) cov[i * d + i] += a * a;
  return { mean: G.m.map((v) => b * v), cov };
}

function absDiff(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => Math.abs(v - b[i]));
}

function maxAbs(a: Float64Array): number {
  return a.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
}

describe('sampleInterpolant', () => {
  const n = 20_000;

  it('probability-flow ODE (Heun, 200 steps) reproduces the law of x_tEnd: mean and covariance within Monte-Carlo error plus the measured discretisation bias', () => {
    const schedule = linearInterpolant();
    const tEnd = 0.99;
    const { samples } = sampleInterpolant({ denoiser: G.denoiser(schedule), schedule, n, rng: new Rng(1), method: 'heun', steps: 200, tEnd });
    const exact = lawAt(1 - tEnd, tEnd);
    // The exact law of the discrete Heun chain: the discretisation bias is its distance to the exact law.
    const disc = gaussianPushForward({ affine: G.affine(schedule), schedule, tEnd, steps: 200, method: 'heun' });
    const biasCov = absDiff(disc.covariance.data, exact.cov);
    const biasMean = maxAbs(absDiff(disc.mean, exact.mean));
    // Heun at 200 steps: bias below 1 % of the largest variance (fact about the scheme, checked here)
    expect(maxAbs(biasCov)).toBeLessThan(0.01 * 4);
    expect(momentViolations(samples, exact.mean, exact.cov, 5, biasMean, biasCov)).toEqual([]);
    // and against the discrete law itself, Monte-Carlo error only
    expect(momentViolations(samples, disc.mean, disc.covariance.data, 5)).toEqual([]);
  });

  it('SDE with eps_t = 0.5 alpha_t^2 (Euler-Maruyama, 100 steps) reproduces the law of x_tEnd', () => {
    const schedule = linearInterpolant({ epsilon: (t) => 0.5 * (1 - t) ** 2 });
    const tEnd = 0.99;
    const { samples } = sampleInterpolant({ denoiser: G.denoiser(schedule), schedule, n, rng: new Rng(2), steps: 100, tEnd });
    const exact = lawAt(1 - tEnd, tEnd);
    const disc = gaussianPushForward({ affine: G.affine(schedule), schedule, tEnd, steps: 100, method: 'euler-maruyama' });
    const biasCov = absDiff(disc.covariance.data, exact.cov);
    const biasMean = maxAbs(absDiff(disc.mean, exact.mean));
    expect(momentViolations(samples, exact.mean, exact.cov, 5, biasMean, biasCov)).toEqual([]);
    expect(momentViolations(samples, disc.mean, disc.covariance.data, 5)).toEqual([]);
  });

  it('stochastic Heun with constant eps on the trigonometric interpolant matches the exact law of its discrete chain', () => {
    const schedule = trigonometricInterpolant({ epsilon: 0.2 });
    const { samples } = sampleInterpolant({ denoiser: G.denoiser(schedule), schedule, n: 10_000, rng: new Rng(3), steps: 100, tEnd: 0.95, method: 'heun' });
    const disc = gaussianPushForward({ affine: G.affine(schedule), schedule, tEnd: 0.95, steps: 100, method: 'heun' });
    expect(momentViolations(samples, disc.mean, disc.covariance.data, 5)).toEqual([]);
  });

  it('with grid = paperGrid(N, t_f) it is exactly the discretisation of spec section 1.3', () => {
    const schedule = linearInterpolant({ epsilon: 0.1 });
    const N = 50;
    const tf = 0.98;
    const den = G.denoiser(schedule);
    const m = 7;
    const { samples } = sampleInterpolant({ denoiser: den, schedule, n: m, rng: new Rng(4), grid: paperGrid(N, tf) });
    // hand-written loop: X_{k+1} = X_k + (1/N)[Gamma f + Delta X] + sqrt(2 eps / N) xi, k = 0..K-1, K = round(t_f N)
    const rng = new Rng(4);
    const x = rng.normals(m * d);
    const K = Math.round(tf * N);
    expect(K).toBe(49);
    const xi = new Float64Array(m * d);
    const noise = rng.split(1)[0].stream(0); // one block (m < ROW_BLOCK): block 0's noise stream
    for (let k = 0; k < K; k++) {
      const t = k / N;
      const f = den.denoise(x, m, t);
      noise.fillNormal(xi);
      const Gm = driftDenoiserCoef(schedule, t);
      const Dl = driftLinearCoef(schedule, t);
      for (let i = 0; i < m * d; i++) x[i] += (1 / N) * (Gm * f[i] + Dl * x[i]) + Math.sqrt((2 * 0.1) / N) * xi[i];
    }
    for (let i = 0; i < m * d; i++) expect(samples.data[i]).toBeCloseTo(x[i], 12);
  });

  it('stochastic Heun with time-varying eps is the documented chain (same xi in predictor and corrector, variance (eps_k + eps_k+1) delta)', () => {
    const schedule = linearInterpolant({ epsilon: (t) => 0.5 * (1 - t) ** 2 });
    const den = G.denoiser(schedule);
    const m = 5;
    const grid = [0, 0.1, 0.25, 0.5, 0.7, 0.85];
    const { samples } = sampleInterpolant({ denoiser: den, schedule, n: m, rng: new Rng(6), grid, method: 'heun' });
    const rng = new Rng(6);
    const x = rng.normals(m * d);
    const noise = rng.split(1)[0].stream(0);
    const drift = (t: number, y: Float64Array) => {
      const f = den.denoise(y, m, t);
      return f.map((fi, i) => driftDenoiserCoef(schedule, t) * fi + driftLinearCoef(schedule, t) * y[i]);
    };
    for (let k = 0; k + 1 < grid.length; k++) {
      const [t, t1] = [grid[k], grid[k + 1]];
      const h = t1 - t;
      const xi = noise.normals(m * d);
      const sd = Math.sqrt((schedule.epsilon(t) + schedule.epsilon(t1)) * h);
      const b0 = drift(t, x);
      const pred = x.map((v, i) => v + h * b0[i] + sd * xi[i]);
      const b1 = drift(t1, pred);
      for (let i = 0; i < m * d; i++) x[i] += 0.5 * h * (b0[i] + b1[i]) + sd * xi[i];
    }
    for (let i = 0; i < m * d; i++) expect(samples.data[i]).toBeCloseTo(x[i], 12);
  });

  it('rows past ROW_BLOCK form further blocks with their own noise streams (block 1 of 300 rows is the hand loop on noise.stream(1))', () => {
    const schedule = linearInterpolant({ epsilon: 0.2 });
    const den = G.denoiser(schedule);
    const n2 = 300;
    const N = 20;
    const { samples } = sampleInterpolant({ denoiser: den, schedule, n: n2, rng: new Rng(8), grid: paperGrid(N, 0.9) });
    const rng = new Rng(8);
    const all = rng.normals(n2 * d);
    const m = n2 - 256;
    const x = all.slice(256 * d);
    const noise = rng.split(1)[0].stream(1);
    for (let k = 0; k < Math.round(0.9 * N); k++) {
      const t = k / N;
      const f = den.denoise(x, m, t);
      const xi = noise.normals(m * d);
      for (let i = 0; i < m * d; i++) x[i] += (1 / N) * (driftDenoiserCoef(schedule, t) * f[i] + driftLinearCoef(schedule, t) * x[i]) + Math.sqrt((2 * 0.2) / N) * xi[i];
    }
    for (let i = 0; i < m * d; i++) expect(samples.data[256 * d + i]).toBeCloseTo(x[i], 12);
  });

  it('same seed gives identical samples; a different seed does not', () => {
    const schedule = linearInterpolant({ epsilon: 0.3 });
    const run = (seed: number) => sampleInterpolant({ denoiser: G.denoiser(schedule), schedule, n: 50, rng: new Rng(seed), steps: 20 }).samples.data;
    expect(Array.from(run(5))).toEqual(Array.from(run(5)));
    expect(Array.from(run(5))).not.toEqual(Array.from(run(6)));
  });

  it('snapshots at saveAt (snapped to the grid), x0 and onProgress', () => {
    const schedule = linearInterpolant();
    const x0 = new Rng(9).normals(3 * d);
    const calls: number[] = [];
    const res = sampleInterpolant({
      denoiser: G.denoiser(schedule), schedule, n: 3, rng: new Rng(0), steps: 10, tEnd: 0.9, x0,
      saveAt: [0, 0.44, 0.9], onProgress: (done, total) => calls.push(done / total),
    });
    expect(res.snapshots?.map((s) => s.t)).toEqual([0, 0.45, 0.9].map((v) => (Math.round(v / 0.09) * 0.9) / 10));
    expect(Array.from(res.snapshots?.[0].samples.data ?? [])).toEqual(Array.from(x0));
    expect(Array.from(res.snapshots?.[2].samples.data ?? [])).toEqual(Array.from(res.samples.data));
    expect(calls).toEqual([1]); // one block of rows (n = 3 < ROW_BLOCK)
  });

  it('throws typed errors on bad input', () => {
    const schedule = linearInterpolant();
    const base = { denoiser: G.denoiser(schedule), schedule, n: 2, rng: new Rng(0) };
    expect(() => sampleInterpolant({ ...base, tEnd: 1 })).toThrow(DomainError);
    expect(() => sampleInterpolant({ ...base, tEnd: 0 })).toThrow(DomainError);
    expect(() => sampleInterpolant({ ...base, tEnd: 1.2 })).toThrow(DomainError);
    expect(() => sampleInterpolant({ ...base, steps: 0 })).toThrow(DomainError);
    expect(() => sampleInterpolant({ ...base, n: 0 })).toThrow(DomainError);
    expect(() => sampleInterpolant({ ...base, grid: [0, 0.5, 0.4] })).toThrow(DomainError);
    expect(() => sampleInterpolant({ ...base, grid: [0, 0.5, 1] })).toThrow(DomainError);
    expect(() => sampleInterpolant({ ...base, grid: [0, 0.5], tEnd: 0.5 })).toThrow(ParameterError);
    expect(() => sampleInterpolant({ ...base, x0: new Float64Array(3) })).toThrow(ShapeError);
    expect(() => sampleInterpolant({ ...base, saveAt: [0.995] })).toThrow(DomainError);
    expect(() => sampleInterpolant({ ...base, method: 'rk45' as 'heun' })).toThrow(ParameterError);
    const nanDen = { dim: d, denoise: (x: Float64Array, _n: number, t: number, out?: Float64Array) => (out ?? new Float64Array(x.length)).fill(t > 0.5 ? Number.NaN : 0) };
    let err: unknown;
    try {
      sampleInterpolant({ ...base, denoiser: nanDen, steps: 10, tEnd: 0.9 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).step).toBe(7);
  });
});
