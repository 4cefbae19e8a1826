import { describe, expect, it } from 'vitest';
import { DomainError, ParameterError, ShapeError } from '../errors.js';
import { Rng } from '../rng.js';
import { integrateFixed } from './fixed.js';
import { slope } from './slope.test.util.js';
import { eulerMaruyama, heunSde } from './sde.js';
import type { SdeDrift } from './sde-types.js';

// Geometric Brownian motion dX = mu X dt + s X dW, X0 = 1, exact X_T = exp((mu - s^2/2) T + s W_T).
describe('eulerMaruyama on geometric Brownian motion', () => {
  const mu = 1;
  const sig = 0.8;
  const T = 1;
  const n = 20000;

  /** EM through the driver (diagonal diffusion s x) and W_T from a replay of the same stream. */
  function emGbm(steps: number, seed: number): { x: Float64Array; w: Float64Array } {
    const r = eulerMaruyama({
      drift: (_t, x, m, out) => {
        for (let i = 0; i < m; i++) out[i] = mu * x[i];
      },
      diffusion: {
        diagonal: (_t, x, m, out) => {
          for (let i = 0; i < m; i++) out[i] = sig * x[i];
        },
      },
      x0: new Float64Array(n).fill(1),
      n,
      dim: 1,
      t0: 0,
      t1: T,
      steps,
      rng: new Rng(seed),
    });
    expect(r.status).toBe('success');
    // Replay: the driver draws one rng.fillNormal(n * dim) per step, dW = sqrt(h) z.
    const rng = new Rng(seed);
    const z = new Float64Array(n);
    const w = new Float64Array(n);
    const sq = Math.sqrt(T / steps);
    for (let k = 0; k < steps; k++) {
      rng.fillNormal(z);
      for (let i = 0; i < n; i++) w[i] += sq * z[i];
    }
    return { x: r.x, w };
  }

  it('the driver draws exactly one fillNormal(n*dim) per step (replay contract)', () => {
    // Additive-noise driver vs a hand replay of the same stream: identical to rounding.
    const steps = 16;
    const drift: SdeDrift = (_t, x, m, out) => {
      for (let i = 0; i < m; i++) out[i] = mu * x[i];
    };
    const r = eulerMaruyama({ drift, diffusion: sig, x0: new Float64Array(n).fill(1), n, dim: 1, t0: 0, t1: T, steps, rng: new Rng(5) });
    const rng = new Rng(5);
    const z = new Float64Array(n);
    const x = new Float64Array(n).fill(1);
    const h = T / steps;
    for (let k = 0; k < steps; k++) {
      rng.fillNormal(z);
      for (let i = 0; i < n; i++) x[i] += h * mu * x[i] + sig * Math.sqrt(h) * z[i];
    }
    let d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(r.x[i] - x[i]));
    expect(d).toBeLessThan(1e-12);
  });

  it('strong order 1/2 against the exact solution built from the same increments', () => {
    const stepsList = [8, 16, 32, 64, 128, 256];
    const hs: number[] = [];
    const errs: number[] = [];
    for (const steps of stepsList) {
      const { x, w } = emGbm(steps, 100 + steps);
      let e = 0;
      for (let i = 0; i < n; i++) e += Math.abs(x[i] - Math.exp((mu - 0.5 * sig * sig) * T + sig * w[i]));
      hs.push(T / steps);
      errs.push(e / n);
    }
    const p = slope(hs, errs);
    expect(Math.abs(p - 0.5)).toBeLessThan(0.15);
  });
});

describe('eulerMaruyama (additive noise) through the driver', () => {
  it('weak check: the sample mean of X_T matches the EM mean (1 + mu h)^N within 4 s.e.', () => {
    // dX = mu X dt + s dW: E X_N = x0 (1 + mu h)^N exactly for EM.
    const mu = 0.8;
    const s = 0.5;
    const n = 50000;
    const steps = 10;
    const drift: SdeDrift = (_t, x, m, out) => {
      for (let i = 0; i < m; i++) out[i] = mu * x[i];
    };
    const r = eulerMaruyama({ drift, diffusion: s, x0: new Float64Array(n).fill(1), n, dim: 1, t0: 0, t1: 1, steps, rng: new Rng(11) });
    let m = 0;
    let v = 0;
    for (let i = 0; i < n; i++) m += r.x[i];
    m /= n;
    for (let i = 0; i < n; i++) v += (r.x[i] - m) ** 2;
    v /= n - 1;
    const want = (1 + mu / steps) ** steps;
    expect(Math.abs(m - want)).toBeLessThan(4 * Math.sqrt(v / n));
    // and the discretisation bias vs the exact mean e^mu is visible at this resolution
    expect(Math.abs(want - Math.exp(mu))).toBeGreaterThan(10 * Math.sqrt(v / n));
  });

  it('Ornstein-Uhlenbeck variances follow the discrete recursions of EM and stochastic Heun', () => {
    // dX = -theta X dt + s dW from X0 = 0. One step: X' = a X + b s dW with
    // EM: a = 1 - theta h, b = 1; Heun: a = 1 - theta h + (theta h)^2 / 2, b = 1 - theta h / 2.
    const theta = 2;
    const s = 1.5;
    const n = 20000;
    const dim = 3;
    const steps = 8;
    const h = 1 / steps;
    const drift: SdeDrift = (_t, x, _m, out) => {
      for (let i = 0; i < x.length; i++) out[i] = -theta * x[i];
    };
    const exact = ((s * s) / (2 * theta)) * (1 - Math.exp(-2 * theta));
    const biases: number[] = [];
    for (const [solve, a, b] of [
      [eulerMaruyama, 1 - theta * h, 1],
      [heunSde, 1 - theta * h + 0.5 * (theta * h) ** 2, 1 - 0.5 * theta * h],
    ] as const) {
      let vPred = 0;
      for (let k = 0; k < steps; k++) vPred = a * a * vPred + b * b * s * s * h;
      const r = solve({ drift, diffusion: s, x0: new Float64Array(n * dim), n, dim, t0: 0, t1: 1, steps, rng: new Rng(3) });
      let v = 0;
      for (let i = 0; i < n * dim; i++) v += r.x[i] ** 2;
      v /= n * dim;
      // var of the sample variance of N(0, v) with N draws: 2 v^2 / N
      expect(Math.abs(v - vPred)).toBeLessThan(4 * vPred * Math.sqrt(2 / (n * dim)));
      biases.push(Math.abs(vPred - exact));
    }
    // weak order 2 vs 1: Heun's variance bias is far smaller than EM's at the same h
    expect(biases[1]).toBeLessThan(0.2 * biases[0]);
  });

  it('diffusion 0 reduces to the Euler ODE solver and draws no normals', () => {
    const rng = new Rng(1);
    const drift: SdeDrift = (t, x, _m, out) => {
      for (let i = 0; i < x.length; i++) out[i] = -x[i] + Math.sin(t);
    };
    const r = eulerMaruyama({ drift, diffusion: 0, x0: Float64Array.of(1, 2), n: 2, dim: 1, t0: 0, t1: 2, steps: 50, rng });
    const o = integrateFixed({ f: (t, y, d) => drift(t, y, 2, d), y0: Float64Array.of(1, 2), t0: 0, t1: 2, steps: 50, method: 'euler' });
    expect(Array.from(r.x)).toEqual(Array.from(o.y));
    expect(rng.uniform()).toBe(new Rng(1).uniform());
  });

  it('snapshots at times and grid indices; time-dependent diffusion; determinism', () => {
    const drift: SdeDrift = (_t, _x, _m, out) => out.fill(0);
    const opts = { drift, diffusion: (t: number) => t, x0: new Float64Array(4), n: 2, dim: 2, t0: 0, t1: 1, steps: 4 };
    const a = eulerMaruyama({ ...opts, rng: new Rng(9), saveAt: [0, 0.5, 1] });
    const b = eulerMaruyama({ ...opts, rng: new Rng(9), saveSteps: [0, 2, 4] });
    expect(Array.from(a.ts)).toEqual([0, 0.5, 1]);
    expect(Array.from(b.ts)).toEqual([0, 0.5, 1]);
    expect(a.snapshots.map((s) => Array.from(s))).toEqual(b.snapshots.map((s) => Array.from(s)));
    expect(Array.from(a.snapshots[2])).toEqual(Array.from(a.x));
    // g(0) = 0: the first step adds nothing
    const c = eulerMaruyama({ ...opts, rng: new Rng(9), saveSteps: [1] });
    expect(Array.from(c.snapshots[0])).toEqual([0, 0, 0, 0]);
  });

  it('stops with non_finite at the failing step and validates its inputs', () => {
    const drift: SdeDrift = (t, _x, _m, out) => out.fill(t >= 0.3 ? Number.POSITIVE_INFINITY : 0);
    const r = eulerMaruyama({ drift, diffusion: 1, x0: new Float64Array(2), n: 2, dim: 1, t0: 0, t1: 1, steps: 10, rng: new Rng(0) });
    expect(r.status).toBe('non_finite');
    expect(r.failedAt?.step).toBe(4);
    const base = { drift, diffusion: 1, n: 2, dim: 1, t0: 0, t1: 1, steps: 10, rng: new Rng(0) };
    expect(() => eulerMaruyama({ ...base, x0: new Float64Array(3) })).toThrow(ShapeError);
    expect(() => eulerMaruyama({ ...base, x0: new Float64Array(2), diffusion: -1 })).toThrow(DomainError);
    expect(() => eulerMaruyama({ ...base, x0: new Float64Array(2), saveSteps: [11] })).toThrow(DomainError);
    const diag = { diagonal: (_t: number, _x: Float64Array, _m: number, out: Float64Array) => out.fill(1) };
    expect(() => heunSde({ ...base, x0: new Float64Array(2), diffusion: diag })).toThrow(ParameterError);
  });
});
