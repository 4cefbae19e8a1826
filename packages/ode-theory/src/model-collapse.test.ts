import { NDArray, Rng, dgemm, linearInterpolant } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { offSubspaceVariance, projectedGeneratedMoments, zProcess } from './generated-density.js';
import { generatedSecondMoment, nextGenerationInit, nextGenerationTarget } from './model-collapse.js';
import { validateSpectralMixture } from './spectral-mixture.js';

const flow = linearInterpolant();
const Q = [
  [1.5, 0.4],
  [0.4, 0.8],
];
const G = [
  [1.0, 0.2, 0.0],
  [0.1, 0.7, 0.3],
];

function inv2(q: number[][]): number[][] {
  const det = q[0][0] * q[1][1] - q[0][1] * q[1][0];
  return [
    [q[1][1] / det, -q[0][1] / det],
    [-q[1][0] / det, q[0][0] / det],
  ];
}

/** eq. 11 with G = {1/2}: b_inf = Lambda E[beta]/(Lambda E[beta^2] + E[alpha^2]) (infinite training, b_0 = 0). */
const bInf = (Lambda: number) => (Lambda * 0.5) / (Lambda * 0.25 + 0.25);

describe('nextGenerationTarget (Remark 4.1) — plain-data consistency', () => {
  const z = zProcess({ Q, b: 0.3, activation: 'tanh', schedule: flow, N: 50, tf: 0.9, n: 300, rng: new Rng(1) });

  it('Monte-Carlo centroids: shapes, Lambda = v_tf, T = c~.c~, P = G^T Q^+ Z, |c~|^2 = Z^T Q^+ Z', () => {
    const { target, centroids } = nextGenerationTarget({ Q, G, vtf: z.vtf, Z: z.Z, d: 1000, discretisation: { kind: 'monte-carlo', nc: 50 } });
    validateSpectralMixture(target);
    const { K, Ng, R } = target;
    expect([K, Ng, R, target.d]).toEqual([50, 2, 3, 1000]);
    expect(target.Lambda).toBe(z.vtf);
    expect(Array.from(target.rho)).toEqual([0, 1]);
    for (let c = 0; c < K; c++) {
      expect(target.pi[c]).toBeCloseTo(1 / K, 15);
      expect(target.ell[c * Ng]).toBe(0);
      expect(target.ell[c * Ng + 1]).toBe(z.vtf);
    }
    const Qi = inv2(Q);
    const Zd = z.Z.data;
    for (let c = 0; c < K; c++) {
      const zc = [Zd[c * 2], Zd[c * 2 + 1]];
      const qz = [Qi[0][0] * zc[0] + Qi[0][1] * zc[1], Qi[1][0] * zc[0] + Qi[1][1] * zc[1]];
      // |c~|^2 = Z^T Q^{-1} Z
      expect(target.T[(c * K + c) * Ng]).toBeCloseTo(zc[0] * qz[0] + zc[1] * qz[1], 10);
      for (let q = 0; q < R; q++) {
        expect(target.P[(c * Ng) * R + q]).toBeCloseTo(G[0][q] * qz[0] + G[1][q] * qz[1], 10);
        expect(target.P[(c * Ng + 1) * R + q]).toBe(0);
      }
      for (let c2 = 0; c2 < K; c2++) {
        expect(target.T[(c * K + c2) * Ng]).toBe(target.T[(c2 * K + c) * Ng]);
        expect(target.T[(c * K + c2) * Ng + 1]).toBe(0);
        const zc2 = [Zd[c2 * 2], Zd[c2 * 2 + 1]];
        expect(target.T[(c * K + c2) * Ng]).toBeCloseTo(zc2[0] * qz[0] + zc2[1] * qz[1], 10);
        expect(centroids.get(c, 0) * centroids.get(c2, 0) + centroids.get(c, 1) * centroids.get(c2, 1)).toBeCloseTo(target.T[(c * K + c2) * Ng], 12);
      }
    }
  });

  it('the default keeps min(n, 200) equally weighted centroids', () => {
    const { target } = nextGenerationTarget({ Q, G, vtf: z.vtf, Z: z.Z });
    expect(target.K).toBe(200);
    expect(target.d).toBe(0);
  });

  it('KDE on a 10 x 10 grid: 100 weights summing to 1, mean close to the sample mean of c~', () => {
    const { target, centroids } = nextGenerationTarget({ Q, G, vtf: z.vtf, Z: z.Z, discretisation: { kind: 'kde-grid', rule: 'silverman', factor: 1, gridSize: 10 } });
    validateSpectralMixture(target);
    expect(target.K).toBe(100);
    let s = 0;
    for (const p of target.pi) {
      expect(p).toBeGreaterThanOrEqual(0);
      s += p;
    }
    expect(s).toBeCloseTo(1, 12);
    const mc = nextGenerationTarget({ Q, G, vtf: z.vtf, Z: z.Z, discretisation: { kind: 'monte-carlo', nc: 300 } }).centroids;
    for (let j = 0; j < 2; j++) {
      let mk = 0;
      let mm = 0;
      let sd = 0;
      for (let c = 0; c < 100; c++) mk += target.pi[c] * centroids.get(c, j);
      for (let i = 0; i < 300; i++) mm += mc.get(i, j) / 300;
      for (let i = 0; i < 300; i++) sd += (mc.get(i, j) - mm) ** 2 / 299;
      // a 10-point grid over the sample range: the discretised mean is within ~ a tenth of an sd of the sample mean
      expect(Math.abs(mk - mm)).toBeLessThan(0.15 * Math.sqrt(sd));
    }
  });

  it('explicit grid bounds are honoured', () => {
    const { centroids } = nextGenerationTarget({ Q, G, vtf: z.vtf, Z: z.Z, discretisation: { kind: 'kde-grid', bounds: [[-1.5, 1.5], [-2.5, 2.5]] } });
    expect(centroids.get(0, 0)).toBe(-1.5);
    expect(centroids.get(0, 1)).toBe(-2.5);
    expect(centroids.get(99, 0)).toBe(1.5);
    expect(centroids.get(99, 1)).toBe(2.5);
  });

  it('rank-deficient Q: the W group has rank(Q) coordinates', () => {
    const Zr = new NDArray(Float64Array.from([1, 1, -2, -2, 0.5, 0.5]), [3, 2]);
    const res = nextGenerationTarget({ Q: [[1, 1], [1, 1]], G: [[1], [1]], vtf: 0.2, Z: Zr });
    expect(res.centroids.shape).toEqual([3, 1]);
    // c~ = S^{-1/2} U^T Z with S = 2, U = (1,1)/sqrt 2: c~ = (z1 + z2)/2 = 1, -2, 0.5 (up to the eigenvector sign)
    expect(Math.abs(res.centroids.get(0, 0))).toBeCloseTo(1, 12);
    expect(res.target.T[(1 * 3 + 1) * 2]).toBeCloseTo(4, 12);
    // P = G^T Q^+ Z = (1,1)(1/4)(1,1;1,1) Z = (z1 + z2)/2
    expect(res.target.P[0]).toBeCloseTo(1, 12);
  });

  it('validates its inputs', () => {
    expect(() => nextGenerationTarget({ Q, G, vtf: -1, Z: z.Z })).toThrow(/vtf/);
    expect(() => nextGenerationTarget({ Q, G, vtf: 1, Z: new NDArray(new Float64Array(3), [1, 3]) })).toThrow(/Z/);
    expect(() => nextGenerationTarget({ Q, G, vtf: 1, Z: z.Z, discretisation: { kind: 'monte-carlo', nc: 400 } })).toThrow(/nc/);
  });
});

describe('model collapse: the second generation has smaller variance', () => {
  it('small Lambda: Lambda^(2) = v_tf^(1) < Lambda^(1), b^(2) < b^(1) and v_tf^(2) < v_tf^(1) (MNIST-like, t_f = 0.98)', () => {
    const N = 50;
    const tf = 0.98;
    let Lambda = 0.05;
    const v: number[] = [];
    const b: number[] = [];
    const z = zProcess({ Q, b: 0.1, activation: 'tanh', schedule: flow, N, tf, n: 50, rng: new Rng(3) });
    for (let g = 0; g < 3; g++) {
      b.push(bInf(Lambda));
      const vtf = offSubspaceVariance({ schedule: flow, b: b[g], N, tf });
      v.push(vtf);
      // the generation-(g+1) target's spread is this v_tf (whatever Q, G, Z are)
      Lambda = nextGenerationTarget({ Q, G, vtf, Z: z.Z }).target.Lambda;
      expect(Lambda).toBe(vtf);
    }
    expect(b[0]).toBeCloseTo(0.0952, 3); // spec §9 claim 1
    expect(v[0]).toBeLessThan(0.05);
    expect(v[1]).toBeLessThan(v[0]);
    expect(v[2]).toBeLessThan(v[1]);
    expect(b[1]).toBeLessThan(b[0]);
  });

  it('with the same W-model, the projected generated covariance of generation 2 is smaller (trace and every eigen-direction off W)', () => {
    const N = 50;
    const tf = 0.98;
    const z = zProcess({ Q, b: 0.1, activation: 'tanh', schedule: flow, N, tf, n: 4000, rng: new Rng(4) });
    const v1 = offSubspaceVariance({ schedule: flow, b: bInf(0.05), N, tf });
    const v2 = offSubspaceVariance({ schedule: flow, b: bInf(v1), N, tf });
    const m1 = projectedGeneratedMoments({ Q, G, vtf: v1, Z: z.Z }).covariance.data;
    const m2 = projectedGeneratedMoments({ Q, G, vtf: v2, Z: z.Z }).covariance.data;
    expect(m2[0] + m2[4] + m2[8]).toBeLessThan(m1[0] + m1[4] + m1[8]);
  });

  it('Lambda = 1 with G = {1/2} is a fixed point: b = 1, v_tf = 1 (no collapse off W)', () => {
    expect(bInf(1)).toBe(1);
    expect(offSubspaceVariance({ schedule: flow, b: 1, N: 50, tf: 0.98 })).toBeCloseTo(1, 12);
  });
});

describe('generation-2 state: generatedSecondMoment, secondMoment and nextGenerationInit', () => {
  const d = 120;
  const r = 2;
  const rng = new Rng(8);
  const wPrev = rng.normals(d * r);
  const Qp = new Float64Array(r * r);
  dgemm(true, false, r, r, d, 1 / d, wPrev, r, wPrev, r, 0, Qp, r);
  const E = new Float64Array(d * 2);
  E[0] = 1;
  E[3] = 1; // E = (e1, e2)
  const Gp = new Float64Array(r * 2);
  dgemm(true, false, r, 2, d, 1 / Math.sqrt(d), wPrev, r, E, 2, 0, Gp, 2);
  const Qn = new NDArray(Qp, [r, r]);
  const z = zProcess({ Q: Qn, b: 0.1, activation: 'tanh', schedule: flow, N: 50, tf: 0.98, n: 40, rng: new Rng(9) });
  const next = nextGenerationTarget({ Q: Qn, G: new NDArray(Gp, [r, 2]), vtf: z.vtf, Z: z.Z, d, discretisation: { kind: 'monte-carlo', nc: 40 } });
  const Qi = inv2([
    [Qp[0], Qp[1]],
    [Qp[2], Qp[3]],
  ]);

  it('the second moment per coordinate is (mean Z^T Q^-1 Z + (d - 2) v_tf) / d, from the centroids or from Z', () => {
    const Zd = z.Z.data;
    let acc = 0;
    for (let i = 0; i < 40; i++) {
      const a = Zd[2 * i];
      const b = Zd[2 * i + 1];
      acc += a * (Qi[0][0] * a + Qi[0][1] * b) + b * (Qi[1][0] * a + Qi[1][1] * b);
    }
    const expected = (acc / 40 + (d - 2) * z.vtf) / d;
    expect(generatedSecondMoment({ Q: Qn, vtf: z.vtf, Z: z.Z, d })).toBeCloseTo(expected, 12);
    expect(next.secondMoment).toBeCloseTo(expected, 12);
    expect(nextGenerationTarget({ Q: Qn, G: new NDArray(Gp, [r, 2]), vtf: z.vtf, Z: z.Z }).secondMoment).toBeUndefined();
    expect(() => generatedSecondMoment({ Q: Qn, vtf: z.vtf, Z: z.Z, d: 2 })).toThrow(/rank/);
  });

  it('nextGenerationInit: overlaps of the fresh weights with W = span(w_1), its centroids and E, computed by projection', () => {
    const w = new Rng(10).normals(d * r);
    const init = nextGenerationInit({ next, wPrev: new NDArray(wPrev, [d, r]), w: new NDArray(w, [d, r]), E: new NDArray(E, [d, 2]) });
    // independent: P_W = wPrev (wPrev^T wPrev)^{-1} wPrev^T = (wPrev / d) Q^{-1} wPrev^T; centroid mu_c = (wPrev / sqrt d) Q^{-1} Z_c
    const proj = (x: Float64Array): Float64Array => {
      const c = [0, 0];
      for (let i = 0; i < d; i++) for (let k = 0; k < 2; k++) c[k] += (wPrev[i * 2 + k] * x[i]) / d;
      const a = [Qi[0][0] * c[0] + Qi[0][1] * c[1], Qi[1][0] * c[0] + Qi[1][1] * c[1]];
      return Float64Array.from({ length: d }, (_, i) => wPrev[i * 2] * a[0] + wPrev[i * 2 + 1] * a[1]);
    };
    const col = (a: Float64Array, k: number) => Float64Array.from({ length: d }, (_, i) => a[i * 2 + k]);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
    const pw = [proj(col(w, 0)), proj(col(w, 1))];
    const q = init.q as Float64Array;
    for (let k = 0; k < 2; k++) {
      for (let l = 0; l < 2; l++) {
        expect(q[k * 2 + l]).toBeCloseTo(dot(pw[k], pw[l]) / d, 12);
        expect(q[4 + k * 2 + l]).toBeCloseTo(dot(col(w, k), col(w, l)) / d - dot(pw[k], pw[l]) / d, 12);
        expect(init.Q[k * 2 + l]).toBeCloseTo(q[k * 2 + l] + q[4 + k * 2 + l], 14);
        // g_0 = w^T P_W E / sqrt d
        const e = col(E, l);
        expect((init.g as Float64Array)[k * 2 + l]).toBeCloseTo(dot(pw[k], e) / Math.sqrt(d), 12);
        expect((init.G as Float64Array)[k * 2 + l]).toBeCloseTo(dot(col(w, k), e) / Math.sqrt(d), 12);
      }
    }
    const Zd = z.Z.data;
    for (let c = 0; c < 40; c += 13) {
      const a = [Qi[0][0] * Zd[2 * c] + Qi[0][1] * Zd[2 * c + 1], Qi[1][0] * Zd[2 * c] + Qi[1][1] * Zd[2 * c + 1]];
      const mu = Float64Array.from({ length: d }, (_, i) => (wPrev[i * 2] * a[0] + wPrev[i * 2 + 1] * a[1]) / Math.sqrt(d));
      for (let k = 0; k < 2; k++) {
        expect((init.m as Float64Array)[(c * 2) * 2 + k]).toBeCloseTo(dot(col(w, k), mu) / Math.sqrt(d), 12);
        expect((init.m as Float64Array)[(c * 2 + 1) * 2 + k]).toBe(0);
      }
    }
    expect(init.b).toBe(0);
    expect(Array.from(init.v)).toEqual([0, 0]);
  });

  it('nextGenerationInit with a target built from other statistics: the nearest orthonormal frame of span(wPrev); q, g unchanged', () => {
    const w = new NDArray(new Rng(12).normals(d * r), [d, r]);
    const Eo = new NDArray(E, [d, 2]);
    const own = nextGenerationInit({ next, wPrev: new NDArray(wPrev, [d, r]), w, E: Eo });
    // the same span, other statistics: wPrev' = wPrev M (M invertible); next stays the one built from wPrev's Q
    const M = [1.3, 0.4, -0.2, 0.9];
    const w2 = new Float64Array(d * r);
    for (let i = 0; i < d; i++) for (let k = 0; k < 2; k++) w2[i * 2 + k] = wPrev[i * 2] * M[k] + wPrev[i * 2 + 1] * M[2 + k];
    const other = nextGenerationInit({ next, wPrev: new NDArray(w2, [d, r]), w, E: Eo });
    const q1 = own.q as Float64Array;
    const q2 = other.q as Float64Array;
    for (let i = 0; i < q1.length; i++) expect(q2[i]).toBeCloseTo(q1[i], 12);
    for (let i = 0; i < (own.g as Float64Array).length; i++) expect((other.g as Float64Array)[i]).toBeCloseTo((own.g as Float64Array)[i], 12);
    // m reads the centroid coordinates in the polar frame of (w2 / sqrt d) B: |m_c| <= |P_W w| |c~_c| / sqrt d per unit
    const cent = next.centroids.data;
    for (let c = 0; c < 40; c += 7) {
      const cn = Math.hypot(cent[2 * c], cent[2 * c + 1]);
      for (let k = 0; k < 2; k++) expect(Math.abs((other.m as Float64Array)[c * 4 + k])).toBeLessThanOrEqual((Math.sqrt(q1[k * 2 + k] * d) * cn) / Math.sqrt(d) + 1e-12);
    }
    expect(() => nextGenerationInit({ next, wPrev: new NDArray(wPrev, [d, r]), w, E: new NDArray(E.subarray(0, d), [d, 1]) })).toThrow(/E/);
    expect(() => nextGenerationInit({ next, wPrev: new NDArray(wPrev, [d, r]), w: new NDArray(new Float64Array(d), [d, 1]), E: Eo })).toThrow(/w/);
    expect(() => nextGenerationInit({ next, wPrev: new NDArray(new Float64Array(d * r), [d, r]), w, E: Eo })).toThrow(/rank/);
  });
});
