/**
 * Cross-time pair moments at r >= 3 (the O(eta) noise on a multi-time grid): the 'marginal' rule
 * (dae-pairs.ts, the default for smooth sigma at r >= 3) against a refined rule of the same kind, and
 * against independent methods: a Gauss-Hermite product rule in 2r dimensions where it converges (small
 * sd(h), r = 2 and 3), Monte Carlo from the definitions (fixed seed, within its standard error), and the
 * single-time moments at equal times (the degenerate, rho = 1 branch). Tolerances are a few times the
 * errors measured on these states (listed per test), so that a wrong factor or a dropped term fails.
 */
import { type Activation, customActivation, linearInterpolant, reluActivation, signActivation, tanhActivation } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { type ClusterFields, type DaeQuadratureOptions, type PairMoments, pairMoments, rotatedEngine, singleMoments, type TimePoint } from './dae-moments.js';
import { daeOdeRhs } from './dae-ode.js';
import { daeStateLayout, packState } from './dae-state.js';
import { heterogeneous, relErr } from './fixtures.test.util.js';

/** r = 3 fields; sd(h_t) = scale x 0.67-0.79 over the units at t in [0.3, 0.7] (alpha = 1 - t, beta = t). */
function fields3(scale: number): ClusterFields {
  const s2 = scale * scale;
  return {
    Q: Float64Array.from([0.9, 0.2, -0.1, 0.2, 0.6, 0.15, -0.1, 0.15, 0.5], (x) => x * s2),
    S: Float64Array.from([1.1, -0.2, 0.1, -0.2, 0.8, 0.05, 0.1, 0.05, 0.7], (x) => x * s2),
    M: Float64Array.from([0.5, -0.3, 0.2], (x) => x * scale),
    b: 0.4,
    v: Float64Array.from([0.3, -0.2, 0.1]),
  };
}
function fields2(scale: number): ClusterFields {
  const s2 = scale * scale;
  return {
    Q: Float64Array.from([0.9, 0.25, 0.25, 0.6], (x) => x * s2),
    S: Float64Array.from([1.1, -0.2, -0.2, 0.8], (x) => x * s2),
    M: Float64Array.from([0.5, -0.3], (x) => x * scale),
    b: 0.4,
    v: Float64Array.from([0.3, -0.2]),
  };
}
const tp = (t: number): TimePoint => ({ alpha: 1 - t, beta: t, p: t });
const flat = (o: PairMoments): number[] => [...o.Ess, ...o.Espsi, ...o.Epsis, ...o.Epsipsi];
const REFINED: DaeQuadratureOptions = { crossRule: 'marginal', crossSpacing: 0.2, crossRidge: 0.5 };

function pairOf(r: number, f: ClusterFields, ta: TimePoint, tb: TimePoint, opts: DaeQuadratureOptions = {}, act: Activation = tanhActivation): number[] {
  const out = pairMoments(r);
  rotatedEngine(r, act, opts, false).pair(f, ta, tb, out);
  return flat(out);
}

/** Monte Carlo of the four pair accumulators straight from their definitions (fixed-seed xorshift + Box-Muller). */
function monteCarlo(r: number, f: ClusterFields, ta: TimePoint, tb: TimePoint, n: number, relu = false): { mean: number[]; se: number[] } {
  const chol = (A: Float64Array): Float64Array => {
    const L = new Float64Array(r * r);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j <= i; j++) {
        let s = A[i * r + j];
        for (let k = 0; k < j; k++) s -= L[i * r + k] * L[j * r + k];
        L[i * r + j] = i === j ? Math.sqrt(s) : s / L[j * r + j];
      }
    }
    return L;
  };
  const LQ = chol(f.Q);
  const LS = chol(f.S);
  let x = 0x9e3779b9 | 0;
  let y = 0x243f6a88 | 0;
  const uni = (): number => {
    // xorshift64 in two 32-bit halves (xorshift32 pair), uniform in (0, 1)
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    y ^= y << 13;
    y ^= y >>> 17;
    y ^= y << 5;
    return ((x >>> 0) * 2 ** 21 + ((y >>> 0) >>> 11) + 0.5) / 2 ** 53;
  };
  const z = new Float64Array(2 * r);
  const l0 = new Float64Array(r);
  const l1 = new Float64Array(r);
  const sg = [new Float64Array(r), new Float64Array(r)];
  const dg = [new Float64Array(r), new Float64Array(r)];
  const ps = [new Float64Array(r), new Float64Array(r)];
  const m = 4 * r * r;
  const sum = new Float64Array(m);
  const sum2 = new Float64Array(m);
  for (let it = 0; it < n; it++) {
    for (let k = 0; k < 2 * r; k += 2) {
      const rad = Math.sqrt(-2 * Math.log(uni()));
      const th = 2 * Math.PI * uni();
      z[k] = rad * Math.cos(th);
      if (k + 1 < 2 * r) z[k + 1] = rad * Math.sin(th);
    }
    for (let i = 0; i < r; i++) {
      let a0 = 0;
      let a1 = 0;
      for (let k = 0; k <= i; k++) {
        a0 += LQ[i * r + k] * z[k];
        a1 += LS[i * r + k] * z[r + k];
      }
      l0[i] = a0;
      l1[i] = a1;
    }
    for (let a = 0; a < 2; a++) {
      const t = a === 0 ? ta : tb;
      const c1 = 1 - f.b * t.beta;
      const c0 = -f.b * t.alpha;
      for (let i = 0; i < r; i++) {
        const h = t.alpha * l0[i] + t.beta * l1[i] + t.beta * f.M[i] + t.p * f.v[i];
        sg[a][i] = relu ? Math.max(h, 0) : Math.tanh(h);
        dg[a][i] = relu ? (h > 0 ? 1 : 0) : 1 - sg[a][i] ** 2;
      }
      for (let i = 0; i < r; i++) {
        let qs = 0;
        for (let l = 0; l < r; l++) qs += f.Q[i * r + l] * sg[a][l];
        ps[a][i] = dg[a][i] * (c1 * (f.M[i] + l1[i]) + c0 * l0[i] - qs);
      }
    }
    for (let i = 0; i < r; i++) {
      for (let l = 0; l < r; l++) {
        const v = [sg[0][i] * sg[1][l], sg[0][i] * ps[1][l], ps[0][i] * sg[1][l], ps[0][i] * ps[1][l]];
        for (let q = 0; q < 4; q++) {
          const o = q * r * r + i * r + l;
          sum[o] += v[q];
          sum2[o] += v[q] * v[q];
        }
      }
    }
  }
  const mean = Array.from(sum, (s) => s / n);
  const se = mean.map((mu, o) => Math.sqrt((sum2[o] / n - mu * mu) / n));
  return { mean, se };
}
const maxZ = (q: number[], mc: { mean: number[]; se: number[] }): number => Math.max(...q.map((v, o) => Math.abs(v - mc.mean[o]) / mc.se[o]));

describe("cross-time pair moments, 'marginal' rule (default for smooth sigma at r >= 3)", () => {
  it('is the default for tanh at r = 3 and matches a refined rule: sd(h) ~ 1, 2.5, 5', () => {
    // measured (relative max-norm over the 36 entries): scale 1.4 (sd ~ 1): 1.7e-8, 1.4e-7, 1.3e-8;
    // scale 3.5 (sd ~ 2.5): 1.3e-7, 2.1e-7; scale 7 (sd ~ 5): 2.3e-8
    const cases: [number, number, number, number][] = [
      [1.4, 0.3, 0.5, 1e-7],
      [1.4, 0.3, 0.7, 5e-7],
      [1.4, 0.5, 0.7, 1e-7],
      [3.5, 0.3, 0.5, 5e-7],
      [3.5, 0.5, 0.7, 1e-6],
      [7, 0.3, 0.5, 1e-7],
    ];
    for (const [scale, a, b, tol] of cases) {
      const f = fields3(scale);
      const def = pairOf(3, f, tp(a), tp(b));
      expect(def).toEqual(pairOf(3, f, tp(a), tp(b), { crossRule: 'marginal' }));
      const e = relErr(def, pairOf(3, f, tp(a), tp(b), REFINED));
      expect(e).toBeLessThan(tol);
    }
  });

  it('agrees with a 6-D Gauss-Hermite product rule where that converges (sd(h) ~ 0.35)', () => {
    // measured: 11 nodes per axis 2e-7, 13 nodes 3.3e-8, 16 nodes 1.4e-9 against the refined marginal rule
    const f = fields3(0.5);
    const m = pairOf(3, f, tp(0.3), tp(0.5));
    const gh = pairOf(3, f, tp(0.3), tp(0.5), { crossRule: 'gauss-hermite', crossNodes: 11 });
    expect(relErr(gh, m)).toBeLessThan(1e-6);
  });

  it('r = 2: the marginal rule agrees with a 4-D Gauss-Hermite rule of 18 nodes per axis', () => {
    // measured 8e-10 (Gauss-Hermite 14 / 18 / 24 / 30 nodes: 6.5e-9 / 8.2e-10 / 8.3e-10 / 8.3e-10, so converged)
    const f = fields2(0.5);
    for (const [a, b] of [
      [0.3, 0.7],
      [0.4, 0.5],
    ]) {
      const m = pairOf(2, f, tp(a), tp(b), { crossRule: 'marginal' });
      const gh = pairOf(2, f, tp(a), tp(b), { crossRule: 'gauss-hermite', crossNodes: 18 });
      expect(relErr(gh, m)).toBeLessThan(5e-9);
    }
  });

  it('agrees with Monte Carlo (1e6 samples) within 4.5 standard errors, where Gauss-Hermite 10 does not', () => {
    for (const scale of [1.4, 3.5]) {
      const f = fields3(scale);
      const mc = monteCarlo(3, f, tp(0.3), tp(0.7), 1_000_000);
      expect(maxZ(pairOf(3, f, tp(0.3), tp(0.7)), mc)).toBeLessThan(4.5);
      if (scale > 3) expect(maxZ(pairOf(3, f, tp(0.3), tp(0.7), { crossRule: 'gauss-hermite' }), mc)).toBeGreaterThan(20);
    }
  }, 30_000);

  it('equal times (rho = 1 on every canonical pair) reproduce the single-time moments', () => {
    // measured 2e-10 / 8e-9 / 8e-9 / 1.1e-8 (E[sigma sigma^T], E[sigma psi^T], E[psi sigma^T], E[psi psi^T])
    const f = fields3(1.4);
    const t = tp(0.4);
    const pm = pairMoments(3);
    const eng = rotatedEngine(3, tanhActivation, {}, false);
    eng.pair(f, t, t, pm);
    const sm = singleMoments(3);
    rotatedEngine(3, tanhActivation, { spacing: 0.15 }, false).single(f, t, sm, false);
    const symEspsi = [...sm.Espsi];
    expect(relErr([...pm.Ess], [...sm.Ess])).toBeLessThan(5e-8);
    expect(relErr([...pm.Espsi], symEspsi)).toBeLessThan(5e-8);
    expect(relErr([...pm.Epsis], Array.from({ length: 9 }, (_, k) => symEspsi[(k % 3) * 3 + ((k / 3) | 0)]))).toBeLessThan(5e-8);
    expect(relErr([...pm.Epsipsi], [...sm.Epsipsi])).toBeLessThan(5e-8);
  });

  it('identical units (rank-deficient Q, S) stay finite and match the refined rule', () => {
    const f: ClusterFields = {
      Q: Float64Array.from([1, 1, 0.2, 1, 1, 0.2, 0.2, 0.2, 0.7]),
      S: Float64Array.from([0.5, 0.5, 0.1, 0.5, 0.5, 0.1, 0.1, 0.1, 0.6]),
      M: Float64Array.from([0.2, 0.2, -0.3]),
      b: 0.3,
      v: Float64Array.from([0, 0, 0.1]),
    };
    const def = pairOf(3, f, tp(0.3), tp(0.6));
    expect(def.every(Number.isFinite)).toBe(true);
    expect(relErr(def, pairOf(3, f, tp(0.3), tp(0.6), REFINED))).toBeLessThan(1e-7);
  });

  it('refuses bad options before any work', () => {
    expect(() => rotatedEngine(3, tanhActivation, { crossSpacing: 0 })).toThrow(/crossSpacing/);
    expect(() => rotatedEngine(3, tanhActivation, { crossRidge: 5 })).toThrow(/crossRidge/);
  });
});

describe("cross-time pair moments for ReLU and sign at r >= 3 ('marginal' rule, innermost pair in closed form)", () => {
  // the same piecewise-linear sigma declared as a custom activation: the rule then integrates every level by nested
  // piecewise Gauss-Legendre (no closed form, no graded breakpoints), an independent implementation of the same expectations
  const reluNested = customActivation({ f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0), kinks: [0] });
  const signNested = customActivation({ f: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), df: () => 0, kinks: [0] });

  it('ReLU: the default (8 nodes per outer piece) matches a refined rule (24) to 1e-7 at times 0.2 and 0.05 apart', () => {
    // measured 3.1e-8 (0.3, 0.5), 1.8e-8 (0.3, 0.7), 2.2e-8 (0.3, 0.35); the nested rule with 12 nodes per piece,
    // the previous default, is 3.7e-5, 1.2e-6 and 1.3e-3 off (close times: both units of a pair nearly collinear)
    const f = fields3(1.4);
    for (const [a, b] of [
      [0.3, 0.5],
      [0.3, 0.7],
      [0.3, 0.35],
    ]) {
      const ref = pairOf(3, f, tp(a), tp(b), { crossKinkNodes: 24 }, reluActivation);
      expect(relErr(pairOf(3, f, tp(a), tp(b), {}, reluActivation), ref)).toBeLessThan(1e-7);
    }
    expect(relErr(pairOf(3, f, tp(0.3), tp(0.35), {}, reluNested), pairOf(3, f, tp(0.3), tp(0.35), { crossKinkNodes: 24 }, reluActivation))).toBeGreaterThan(1e-4);
  }, 30_000);

  it('ReLU: agrees with the independent nested rule at 32 nodes per piece to 1e-7 (measured 3.0e-8)', () => {
    const f = fields3(1.4);
    const nested = pairOf(3, f, tp(0.3), tp(0.5), { crossKinkNodes: 32 }, reluNested);
    expect(relErr(pairOf(3, f, tp(0.3), tp(0.5), {}, reluActivation), nested)).toBeLessThan(1e-7);
  }, 30_000);

  it('sign: exact (each setup is a closed-form pair or has a vanishing sigma\' factor); the nested rule at 32 nodes agrees to 1e-12', () => {
    // measured 4.4e-14 against the nested rule at 32 nodes per piece (1.7e-9 at 24); the default equals its 24-node refinement bit for bit
    const f = fields3(1.4);
    const def = pairOf(3, f, tp(0.3), tp(0.5), {}, signActivation);
    expect(def).toEqual(pairOf(3, f, tp(0.3), tp(0.5), { crossKinkNodes: 24 }, signActivation));
    expect(relErr(def, pairOf(3, f, tp(0.3), tp(0.5), { crossKinkNodes: 32 }, signNested))).toBeLessThan(1e-12);
    expect(Math.max(...def.map(Math.abs))).toBeGreaterThan(0.1);
  }, 30_000);

  it('a custom piecewise-linear activation (leaky ReLU, declared) takes the closed-form pair: equal to its nested rule at 32 nodes to 1e-7', () => {
    const leaky = { f: (x: number) => (x > 0 ? x : 0.1 * x), df: (x: number) => (x > 0 ? 1 : 0.1), kinks: [0] };
    const f = fields3(1.4);
    const def = pairOf(3, f, tp(0.3), tp(0.5), {}, customActivation({ ...leaky, piecewiseLinear: true }));
    expect(relErr(def, pairOf(3, f, tp(0.3), tp(0.5), { crossKinkNodes: 32 }, customActivation(leaky)))).toBeLessThan(1e-7);
    expect(relErr(def, pairOf(3, f, tp(0.3), tp(0.5), { crossKinkNodes: 24 }, customActivation({ ...leaky, piecewiseLinear: true })))).toBeLessThan(1e-7);
  }, 60_000);

  it('agrees with Monte Carlo (1e6 samples) within 4.5 standard errors, where Gauss-Hermite 10 does not', () => {
    const f = fields3(1.4);
    const mc = monteCarlo(3, f, tp(0.3), tp(0.7), 1_000_000, true);
    expect(maxZ(pairOf(3, f, tp(0.3), tp(0.7), {}, reluActivation), mc)).toBeLessThan(4.5);
    expect(maxZ(pairOf(3, f, tp(0.3), tp(0.7), { crossRule: 'gauss-hermite' }, reluActivation), mc)).toBeGreaterThan(6);
  }, 30_000);

  it('r = 2 (the default there too): matches the nested kink rule at 40 nodes per piece, which its old 12-node default missed', () => {
    // measured against kink 40: 3.7e-8 at (0.3, 0.7) (old kink 12: 3.0e-5), 4.1e-7 at (0.3, 0.35) (old: 2.3e-2), where
    // kink 40 is itself 3.9e-7 off the marginal rule at 24 nodes (3.5e-12 at (0.3, 0.7))
    const f = fields2(1.4);
    for (const [a, b] of [
      [0.3, 0.7],
      [0.3, 0.35],
    ]) {
      const def = pairOf(2, f, tp(a), tp(b), {}, reluActivation);
      const nested = pairOf(2, f, tp(a), tp(b), { crossRule: 'kink', crossKinkNodes: 40 }, reluActivation);
      expect(relErr(def, nested)).toBeLessThan(1e-6);
      expect(relErr(def, pairOf(2, f, tp(a), tp(b), { crossKinkNodes: 24 }, reluActivation))).toBeLessThan(1e-7);
      expect(relErr(pairOf(2, f, tp(a), tp(b), { crossRule: 'kink' }, reluActivation), nested)).toBeGreaterThan(1e-5);
    }
  }, 30_000);

  it('r = 1: equals the 2-level kink rule (itself checked against 1-D integrals) to 1e-8', () => {
    const f: ClusterFields = { Q: Float64Array.of(0.9), S: Float64Array.of(1.1), M: Float64Array.of(0.5), b: 0.4, v: Float64Array.of(0.3) };
    // measured 4.4e-9 against the kink rule with 40 nodes per piece (whose own error is of that order)
    const m = pairOf(1, f, tp(0.3), tp(0.5), { crossRule: 'marginal' }, reluActivation);
    expect(relErr(m, pairOf(1, f, tp(0.3), tp(0.5), { crossRule: 'kink', crossKinkNodes: 40 }, reluActivation))).toBeLessThan(1e-8);
  });
});

describe('RHS with a 3-time grid at r = 3 (tanh, noise on)', () => {
  const spec = heterogeneous();
  const state = {
    q: [0.9, 0.2, -0.1, 0.2, 0.5, 0.1, -0.1, 0.1, 0.6, 0.4, -0.1, 0.05, -0.1, 0.7, 0.1, 0.05, 0.1, 0.3],
    m: [1.1, 0.3, -0.2, 0.2, -0.4, 0.3, -0.5, 0.6, 0.1, 0.1, -0.9, 0.2],
    g: [0.5, 0.1, 0.2, -0.3, 0.05, 0.4, -0.2, 0.1, 0.3, 0.1, 0.2, -0.2],
    v: [0.3, -0.2, 0.1],
    b: 0.4,
  };
  function rhs(quadrature: DaeQuadratureOptions, activation: 'tanh' | 'relu' = 'tanh'): number[] {
    const opts = { r: 3, grid: { times: [0.3, 0.5, 0.7], weights: [0.3, 0.4, 0.3] }, schedule: linearInterpolant(), eta: 0.2, lambda: 0.3, timeEncoding: (t: number) => t, activation, quadrature } as const;
    const f = daeOdeRhs(spec, opts);
    const L = daeStateLayout({ r: 3, K: spec.K, Ng: spec.Ng, R: spec.R, nMicro: 0 });
    const y = packState(L, state);
    const dy = new Float64Array(y.length);
    f(0, y, dy);
    return Array.from(dy);
  }

  it('default vs refined: 1e-8 (measured 6e-10); the old Gauss-Hermite rule is selectable and 7e-6 off', () => {
    const def = rhs({});
    const ref = rhs(REFINED);
    expect(relErr(def, ref)).toBeLessThan(1e-8);
    const gh = relErr(rhs({ crossRule: 'gauss-hermite' }), ref);
    expect(gh).toBeGreaterThan(1e-6);
    expect(gh).toBeLessThan(1e-4);
    expect(rhs({})).toEqual(def); // bit-identical on repeat
  }, 30_000);

  it('ReLU: default vs refined (24 nodes per outer piece) to 1e-7 (measured 3.4e-10 here; 4.4e-9 on the bench state against the nested rule at 40 nodes)', () => {
    const def = rhs({}, 'relu');
    expect(relErr(def, rhs({ crossKinkNodes: 24 }, 'relu'))).toBeLessThan(1e-7);
    expect(def.every(Number.isFinite)).toBe(true);
  }, 30_000);
});
