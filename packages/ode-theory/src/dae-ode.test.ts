import {
  DivergenceError,
  DomainError,
  NDArray,
  NonFiniteError,
  ParameterError,
  ShapeError,
  type SummaryStatsRecord,
  linearInterpolant,
  resolveLossTimeGrid,
  statsAt,
  summaryStatsOf,
} from '@diffusion-theory/kernel';
import { describe, expect, test } from 'vitest';
import { tanhActivation } from '@diffusion-theory/kernel';
import { daeOdeRhs, resolveGrid } from './dae-ode.js';
import { daeStateLayout, packState } from './dae-state.js';
import { initialStateFromWeights, solveDaeOde } from './dae-solve.js';
import { bInfinity, bTau } from './skip.js';
import { binaryGmmLinearFixedPoint } from './special-case.js';
import { type SpectralMixtureSpec, spectralMixtureFromCentroids } from './spectral-mixture.js';
import { heterogeneous } from './fixtures.test.util.js';

const schedule = linearInterpolant();

/** T1: (1/3) sum N(mu_k, I), mu = 3e1, -3e2, -3e1; E = (e1, e2). */
function trimodal(d = 100): SpectralMixtureSpec {
  const mus = [new Float64Array(d), new Float64Array(d), new Float64Array(d)];
  mus[0][0] = 3;
  mus[1][1] = -3;
  mus[2][0] = -3;
  const E = new Float64Array(d * 2);
  E[0] = 1;
  E[3] = 1;
  return spectralMixtureFromCentroids({ d, pi: [1 / 3, 1 / 3, 1 / 3], mus, groupOf: new Int32Array(d), Ng: 1, ell: [1, 1, 1], rho: [1], E, R: 2 });
}


/** A generic (non-symmetric) state for the heterogeneous target with r = 2. */
function genericState(spec: SpectralMixtureSpec, r = 2): Float64Array {
  const L = daeStateLayout({ r, K: spec.K, Ng: spec.Ng, R: spec.R });
  return packState(L, {
    q: [0.9, 0.2, 0.2, 0.5, 0.4, -0.1, -0.1, 0.7],
    m: [1.1, 0.3, 0.2, -0.4, -0.5, 0.6, 0.1, -0.9],
    g: [0.5, 0.1, 0.2, -0.3, 0.05, 0.4, -0.2, 0.1],
    v: [0.3, -0.2],
    b: 0.4,
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function rhsAt(spec: SpectralMixtureSpec, y: Float64Array, o: Parameters<typeof daeOdeRhs>[1]): Float64Array {
  const f = daeOdeRhs(spec, o);
  const dy = new Float64Array(y.length);
  f(0, y, dy);
  return dy;
}

describe('daeOdeRhs: forms agree', () => {
  const spec = heterogeneous();
  const y = genericState(spec);
  const common = { r: 2, grid: { times: [0.3, 0.7] }, schedule, eta: 0.2, lambda: 0.3, timeEncoding: (t: number) => t };

  test('Stein and regression forms agree for tanh on a two-time, time-encoded state (spec §4.4: 3e-6)', () => {
    const a = rhsAt(spec, y, { ...common, activation: 'tanh', form: 'stein' });
    const b = rhsAt(spec, y, { ...common, activation: 'tanh', form: 'regression' });
    expect(maxAbsDiff(a, b)).toBeLessThan(3e-6);
    // and the RHS is not trivially small
    expect(Math.max(...Array.from(a).map(Math.abs))).toBeGreaterThan(0.1);
  });

  test('linear closed form = Stein / regression quadrature with sigma(x) = x (incl. cross-time noise terms)', () => {
    const c = rhsAt(spec, y, { ...common, activation: 'linear', form: 'linear-closed' });
    const s = rhsAt(spec, y, { ...common, activation: 'linear', form: 'stein' });
    const g = rhsAt(spec, y, { ...common, activation: 'linear', form: 'regression' });
    // quadrature precision: trapezoid truncated at |u| = 6.5 (tail of u^4 phi(u) ~ 1e-8)
    expect(maxAbsDiff(c, s)).toBeLessThan(2e-8);
    expect(maxAbsDiff(c, g)).toBeLessThan(2e-8);
  });

  test('spec §4.5 example: v = 0, one time => a = [2 beta (1 - b beta) I - beta^2 Q] M (dm for K = 1 isolates a)', () => {
    // one cluster, one group, T = ||mu||^2: dm/dtau = T a + K^T m; with m = 0 and M != 0 impossible, so check a via dq with q = 0
    const d = 10;
    const mu = new Float64Array(d);
    mu[0] = 1.5;
    const one = spectralMixtureFromCentroids({ d, pi: [1], mus: [mu], groupOf: new Int32Array(d), Ng: 1, ell: [1] });
    const L = daeStateLayout({ r: 1, K: 1, Ng: 1, R: 0 });
    const Q = 0.6;
    const M = 0.7;
    const b = 0.3;
    const yy = packState(L, { q: [Q], m: [M], b });
    const dy = rhsAt(one, yy, { r: 1, grid: { times: [0.5] }, schedule, eta: 0, lambda: 0, activation: 'linear' });
    const be = 0.5;
    const al = 0.5;
    const a = (2 * be * (1 - b * be) - be * be * Q) * M;
    const Om = al * al * Q + be * be * Q;
    const K = 2 * (be * (1 - b * be) - b * al * al) - (al * al + be * be) * Q - Om - be * be * M * M;
    expect(dy[0]).toBeCloseTo(2 * M * a + 2 * Q * K, 12);
    expect(dy[1]).toBeCloseTo(2.25 * a + K * M, 12);
  });
});

describe('solveDaeOde', () => {
  const spec = trimodal();
  const base = { r: 2, grid: { times: [0.5] }, schedule, eta: 0.2, lambda: 0 };
  const warm = { q: [0.09, 0, 0, 0.09], m: [0.9, 0, 0, 0.9, -0.9, 0], g: [0.3, 0, 0, -0.3], b: 0 };

  test('b from the ODE follows eq. 11 (with b0 != 0)', () => {
    const rec = solveDaeOde({ ...base, spec, activation: 'linear', init: { ...warm, b: 0.6 }, tauMax: 4, saveEvery: 20 });
    for (let n = 0; n < rec.tau.length; n++) {
      const want = bTau(rec.tau[n], { Lambda: spec.Lambda, grid: base.grid, schedule, b0: 0.6 });
      expect(Math.abs(rec.b[n] - want)).toBeLessThan(1e-9);
    }
    expect(bInfinity({ Lambda: 1, grid: base.grid, schedule })).toBeCloseTo(1, 14); // Lambda E[beta]/(Lambda E[beta^2] + E[alpha^2]) = 0.5/0.5
    expect(bInfinity({ Lambda: 0.05, grid: base.grid, schedule })).toBeCloseTo(0.025 / 0.2625, 14); // spec §9 claim 1: ~0.095
  });

  test('§4.6 fixed point: linear, r = 1, binary GMM, G = {1/2}: Q_inf = vartheta / (vartheta + 2), M^2 = vartheta Q', () => {
    for (const vartheta of [1, 4]) {
      const d = 10;
      const mu = new Float64Array(d);
      mu[0] = Math.sqrt(vartheta);
      const neg = mu.map((x) => -x);
      const bin = spectralMixtureFromCentroids({ d, pi: [0.5, 0.5], mus: [mu, neg], groupOf: new Int32Array(d), Ng: 1, ell: [1, 1], rho: [1] });
      const fp = binaryGmmLinearFixedPoint({ vartheta, grid: { times: [0.5] }, schedule });
      expect(fp.Q).toBeCloseTo(vartheta / (vartheta + 2), 14);
      const M0 = 0.1 * Math.sqrt(vartheta);
      const rec = solveDaeOde({ spec: bin, r: 1, activation: 'linear', grid: { times: [0.5] }, schedule, eta: 0, lambda: 0, init: { q: [0.01], m: [M0, -M0], b: 0 }, tauMax: 60, dtau: 0.05, saveEvery: 1200 });
      const n = rec.tau.length - 1;
      expect(rec.Q[n]).toBeCloseTo(vartheta / (vartheta + 2), 6);
      expect(rec.M[n * 2] ** 2).toBeCloseTo(vartheta * rec.Q[n], 6);
      expect(rec.M[n * 2 + 1]).toBeCloseTo(-rec.M[n * 2], 12);
      // Stein-form quadrature converges to the same point
      const rs = solveDaeOde({ spec: bin, r: 1, activation: 'linear', form: 'stein', grid: { times: [0.5] }, schedule, eta: 0, lambda: 0, init: { q: [0.01], m: [M0, -M0], b: 0 }, tauMax: 60, dtau: 0.05, saveEvery: 1200 });
      expect(rs.Q[n]).toBeCloseTo(vartheta / (vartheta + 2), 6);
    }
  });

  test('O(r) equivariance for linear sigma: rotating the hidden units rotates Q (Q -> O^T Q O, M -> O^T M)', () => {
    const th = 0.7;
    const O = [Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th)];
    const rot = (A: number[]) => {
      // O^T A O
      const out = [0, 0, 0, 0];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) for (let l = 0; l < 2; l++) out[i * 2 + j] += O[k * 2 + i] * A[k * 2 + l] * O[l * 2 + j];
      return out;
    };
    const rotv = (v: ArrayLike<number>) => [O[0] * v[0] + O[2] * v[1], O[1] * v[0] + O[3] * v[1]];
    const q0 = [0.3, 0.05, 0.05, 0.2];
    const m0 = [0.9, 0.2, 0.1, 0.8, -0.7, 0.3];
    const m0r = [...rotv(m0.slice(0, 2)), ...rotv(m0.slice(2, 4)), ...rotv(m0.slice(4, 6))];
    const a = solveDaeOde({ ...base, spec, activation: 'linear', init: { q: q0, m: m0, g: [0, 0, 0, 0] }, tauMax: 3 });
    const b = solveDaeOde({ ...base, spec, activation: 'linear', init: { q: rot(q0), m: m0r, g: [0, 0, 0, 0] }, tauMax: 3 });
    const n = a.tau.length - 1;
    expect(maxAbsDiff(rot(Array.from(a.Q.subarray(n * 4))), b.Q.subarray(n * 4))).toBeLessThan(1e-10);
  });

  test('rotating centroids, E and w together leaves the statistics (hence Q(tau)) invariant', () => {
    const d = 12;
    const mus = new NDArray(new Float64Array(3 * d), [3, d]);
    mus.set(3, 0, 0);
    mus.set(-3, 1, 1);
    mus.set(-3, 2, 0);
    const E = new NDArray(new Float64Array(d * 2), [d, 2]);
    E.set(1, 0, 0);
    E.set(1, 1, 1);
    const w = new NDArray(new Float64Array(d * 2).map((_, i) => Math.sin(1.3 * i + 0.2)), [d, 2]);
    // a Householder reflection H = I - 2 u u^T (orthogonal)
    const u = new Float64Array(d).map((_, i) => Math.cos(0.7 * i));
    const nu = Math.hypot(...u);
    const H = (x: Float64Array) => {
      const dot = x.reduce((s, xi, i) => s + (xi * u[i]) / nu, 0);
      return x.map((xi, i) => xi - (2 * dot * u[i]) / nu);
    };
    const rotRows = (A: NDArray, cols: number, byRow: boolean) => {
      // apply H to each column vector in R^d
      const out = new NDArray(new Float64Array(A.size), [...A.shape]);
      for (let c = 0; c < cols; c++) {
        const v = new Float64Array(d).map((_, i) => (byRow ? A.get(c, i) : A.get(i, c)));
        const hv = H(v);
        for (let i = 0; i < d; i++) byRow ? out.set(hv[i], c, i) : out.set(hv[i], i, c);
      }
      return out;
    };
    const groups = { groups: new Int32Array(d), Ng: 1 };
    const s0 = initialStateFromWeights(w, groups, mus, E);
    const s1 = initialStateFromWeights(rotRows(w, 2, false), groups, rotRows(mus, 3, true), rotRows(E, 2, false));
    expect(maxAbsDiff(s0.q, s1.q)).toBeLessThan(1e-12);
    expect(maxAbsDiff(s0.m, s1.m)).toBeLessThan(1e-12);
    expect(maxAbsDiff(s0.g, s1.g)).toBeLessThan(1e-12);
    expect(s0.q[0]).toBeGreaterThan(0.05);
  });

  test('symmetric q_s stays symmetric (regression form, non-symmetric K), and runs are bit-identical', () => {
    const het = heterogeneous();
    const y0 = genericState(het);
    const o = { spec: het, r: 2, activation: tanhActivation, form: 'regression' as const, grid: { times: [0.3, 0.7] }, schedule, eta: 0.2, lambda: 0.1, init: y0, tauMax: 0.2, saveEvery: 2 };
    const a = solveDaeOde(o);
    const b = solveDaeOde(o);
    expect(Array.from(a.q)).toEqual(Array.from(b.q));
    expect(Array.from(a.M)).toEqual(Array.from(b.M));
    for (let n = 0; n < a.tau.length; n++) {
      for (let s = 0; s < 2; s++) expect(a.q[(n * 2 + s) * 4 + 1]).toBe(a.q[(n * 2 + s) * 4 + 2]);
    }
  });

  test('dopri5 agrees with RK4 (dtau = 0.02 is converged)', () => {
    const a = solveDaeOde({ ...base, spec, activation: 'tanh', init: warm, tauMax: 3, saveEvery: 50 });
    const b = solveDaeOde({ ...base, spec, activation: 'tanh', init: warm, tauMax: 3, method: 'dopri5', saveAt: Array.from(a.tau), rtol: 1e-9 });
    expect(maxAbsDiff(a.Q, b.Q)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.M, b.M)).toBeLessThan(1e-6);
  });
});

describe('typed errors', () => {
  const spec = trimodal();
  const base = { spec, r: 2, grid: { times: [0.5] }, schedule, eta: 0.2, lambda: 0, activation: 'tanh' as const };
  const init = { q: [0.09, 0, 0, 0.09], m: [0.9, 0, 0, 0.9, -0.9, 0], g: [0.3, 0, 0, -0.3] };

  test('negative tau', () => {
    expect(() => solveDaeOde({ ...base, init, tauMax: -1 })).toThrow(DomainError);
    expect(() => bTau(-0.1, { Lambda: 1, grid: { times: [0.5] }, schedule })).toThrow(DomainError);
  });

  test('mismatched r / dimensions', () => {
    expect(() => solveDaeOde({ ...base, r: 3, init, tauMax: 1 })).toThrow(ShapeError);
    expect(() => solveDaeOde({ ...base, init: { ...init, m: [1, 2] }, tauMax: 1 })).toThrow(ShapeError);
    expect(() => solveDaeOde({ ...base, init: new Float64Array(5), tauMax: 1 })).toThrow(ShapeError);
    expect(() => daeOdeRhs({ ...spec, pi: new Float64Array(2) }, base)).toThrow(ShapeError);
    expect(() => daeOdeRhs(spec, { ...base, grid: { times: [0.5, 1.2] } })).toThrow(DomainError);
    expect(() => daeOdeRhs(spec, { ...base, activation: 'relu', form: 'stein' })).toThrow(/d2f/);
  });

  test('non-finite initial state', () => {
    expect(() => solveDaeOde({ ...base, init: { ...init, q: [Number.NaN, 0, 0, 1] }, tauMax: 1 })).toThrow(NonFiniteError);
  });

  test('a blow-up throws DivergenceError carrying the step', () => {
    // huge learning rate: the O(eta) noise term drives Q to infinity in finite time
    let err: unknown;
    try {
      solveDaeOde({ ...base, activation: 'linear', eta: 200, init, tauMax: 50, dtau: 0.05 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).step).toBeGreaterThan(0);
  });
});

describe('kernel vocabulary: SummaryStats in, SummaryStatsRecord out, one loss-grid rule', () => {
  const spec = trimodal(12);
  const base = { spec, r: 2, grid: { times: [0.5] }, schedule, eta: 0.2, lambda: 0, activation: 'tanh' as const, tauMax: 1, saveEvery: 10 };
  const d = 12;
  const mus = new NDArray(new Float64Array(3 * d), [3, d]);
  mus.set(3, 0, 0);
  mus.set(-3, 1, 1);
  mus.set(-3, 2, 0);
  const E = new NDArray(new Float64Array(d * 2), [d, 2]);
  E.set(1, 0, 0);
  E.set(1, 1, 1);
  const w = new NDArray(new Float64Array(d * 2).map((_, i) => 0.4 * Math.sin(1.3 * i + 0.2)), [d, 2]);

  test('kernel SummaryStats (summaryStatsOf) is accepted as init and gives the record of the named blocks', () => {
    const st = summaryStatsOf(w, d, 2, { mus, E, groups: new Int32Array(d), Ng: 1 }, { b: 0.2, v: [0.1, -0.1] });
    const a = solveDaeOde({ ...base, init: st });
    const b = solveDaeOde({ ...base, init: { q: st.q!, m: st.m!, g: st.g, v: st.v, b: 0.2 } });
    expect(Array.from(a.Q)).toEqual(Array.from(b.Q));
    expect(Array.from(a.b)).toEqual(Array.from(b.b));
    expect(a.b[0]).toBe(0.2);
    // one group: the totals Q, M, G serve as q, m, g
    const totals = summaryStatsOf(w, d, 2, { mus, E }, { b: 0.2, v: [0.1, -0.1] });
    expect(totals.q).toBeUndefined();
    const c = solveDaeOde({ ...base, init: totals });
    expect(maxAbsDiff(c.Q, a.Q)).toBeLessThan(1e-14);
  });

  test('the ODE record is a kernel SummaryStatsRecord: statsAt(rec, n) restarts the ODE on the same curve', () => {
    const rec: SummaryStatsRecord = solveDaeOde({ ...base, init: summaryStatsOf(w, d, 2, { mus, E, groups: new Int32Array(d) }), tauMax: 2, saveEvery: 50 });
    expect(rec.tau.length).toBe(3);
    const mid = statsAt(rec, 1);
    const rest = solveDaeOde({ ...base, init: mid, tauMax: 1, saveEvery: 50 });
    expect(maxAbsDiff(rest.Q.subarray(4), rec.Q.subarray(8))).toBeLessThan(1e-12);
    expect(maxAbsDiff(rest.M!.subarray(6), rec.M!.subarray(12))).toBeLessThan(1e-12);
    expect(Math.abs(rest.b[1] - rec.b[2])).toBeLessThan(1e-12);
  });

  test('missing per-group statistics are ParameterErrors naming what to record; a centred target needs no m', () => {
    const het = heterogeneous();
    const o = { ...base, spec: het, tauMax: 0.1 };
    const tot = { b: 0, v: new Float64Array(2), Q: Float64Array.of(0.5, 0, 0, 0.5), M: new Float64Array(4) };
    expect(() => solveDaeOde({ ...o, init: tot })).toThrow(ParameterError);
    expect(() => solveDaeOde({ ...o, init: tot })).toThrow(/init\.q.*groups/);
    expect(() => solveDaeOde({ ...o, init: { ...tot, q: new Float64Array(8), M: undefined } })).toThrow(/init\.m/);
    const centred = spectralMixtureFromCentroids({ d: 4, pi: [1], mus: [new Float64Array(4)], groupOf: Int32Array.of(0, 0, 1, 1), Ng: 2, ell: [1, 2] });
    const r0 = solveDaeOde({ ...base, spec: centred, init: { ...tot, q: Float64Array.of(0.3, 0, 0, 0.3, 0.2, 0, 0, 0.2), M: undefined }, tauMax: 0.1 });
    expect(Array.from(r0.m)).toEqual(new Array(r0.m.length).fill(0));
  });

  test('trainB: false freezes b (db/dtau = 0) and leaves every other derivative unchanged', () => {
    const het = heterogeneous();
    const y = genericState(het);
    const o = { r: 2, grid: { times: [0.3, 0.7] }, schedule, eta: 0.2, lambda: 0.3, activation: 'tanh' as const };
    const on = rhsAt(het, y, o);
    const off = rhsAt(het, y, { ...o, trainB: false });
    const L = daeOdeRhs(het, o).layout;
    expect(on[L.oB]).not.toBe(0);
    expect(off[L.oB]).toBe(0);
    off[L.oB] = on[L.oB];
    expect(off).toEqual(on);
    const rec = solveDaeOde({ ...base, init: summaryStatsOf(w, d, 2, { mus, E, groups: new Int32Array(d) }, { b: 0.8 }), trainB: false, tauMax: 2 });
    expect(Array.from(rec.b)).toEqual(new Array(rec.b.length).fill(0.8));
    expect(() => daeOdeRhs(het, { ...o, trainB: 'no' as unknown as boolean })).toThrow(ParameterError);
  });

  test('the loss time grid follows the kernel rule (weights optional; else >= 0 summing to 1)', () => {
    const bad = { times: [0.5], weights: [2] };
    expect(() => resolveLossTimeGrid(bad)).toThrow(DomainError);
    expect(() => daeOdeRhs(spec, { ...base, grid: bad })).toThrow(/summing to 1/);
    expect(() => bInfinity({ Lambda: 1, grid: bad, schedule })).toThrow(DomainError);
    const g = { times: [0.2, 0.6] };
    expect(resolveGrid(g)).toEqual(resolveLossTimeGrid(g));
  });
});
