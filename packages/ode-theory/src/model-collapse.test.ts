import { NDArray, Rng, dgemm, linearInterpolant } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { offSubspaceVariance, projectedMoments, zProcess } from './generated-density.js';
import { daeGenerativeSampler, nextGenerationTarget } from './model-collapse.js';
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
    const m1 = projectedMoments({ Q, G, vtf: v1, Z: z.Z }).cov.data;
    const m2 = projectedMoments({ Q, G, vtf: v2, Z: z.Z }).cov.data;
    expect(m2[0] + m2[4] + m2[8]).toBeLessThan(m1[0] + m1[4] + m1[8]);
  });

  it('Lambda = 1 with G = {1/2} is a fixed point: b = 1, v_tf = 1 (no collapse off W)', () => {
    expect(bInf(1)).toBe(1);
    expect(offSubspaceVariance({ schedule: flow, b: 1, N: 50, tf: 0.98 })).toBeCloseTo(1, 12);
  });
});

describe('daeGenerativeSampler (d-dimensional counterpart)', () => {
  it('its samples have off-W variance v_tf and W-coordinates distributed as zProcess', () => {
    const d = 200;
    const r = 2;
    const n = 1500;
    const rng = new Rng(5);
    const w = rng.normals(d * r);
    for (let k = 0; k < r; k++) w[k * r + k] = Math.sqrt(d) * (k === 0 ? 1.1 : 0.7);
    const W = new NDArray(w, [d, r]);
    const schedule = linearInterpolant({ epsilon: 0.2 });
    const o = { w: W, b: 0.35, activation: 'tanh' as const, schedule, N: 40, tf: 0.9 };
    const sampler = daeGenerativeSampler(o);
    expect(sampler.dim).toBe(d);
    expect(sampler.vtf).toBeCloseTo(offSubspaceVariance(o), 14);
    const X = sampler.sample(n, new Rng(6));
    const Qd = new Float64Array(r * r);
    dgemm(true, false, r, r, d, 1 / d, w, r, w, r, 0, Qd, r);
    const Z = new Float64Array(n * r);
    dgemm(false, false, n, r, d, 1 / Math.sqrt(d), X, d, w, r, 0, Z, r);
    // |X|^2 = |Pi_W X|^2 + |Y|^2 with |Pi_W X|^2 = Z^T Q^{-1} Z
    const Qn = [
      [Qd[0], Qd[1]],
      [Qd[2], Qd[3]],
    ];
    const Qi = inv2(Qn);
    let yy = 0;
    for (let i = 0; i < n; i++) {
      let xx = 0;
      for (let j = 0; j < d; j++) xx += X[i * d + j] ** 2;
      const z0 = Z[i * 2];
      const z1 = Z[i * 2 + 1];
      yy += xx - (z0 * (Qi[0][0] * z0 + Qi[0][1] * z1) + z1 * (Qi[1][0] * z0 + Qi[1][1] * z1));
    }
    const vEmp = yy / (n * (d - r));
    expect(Math.abs(vEmp / sampler.vtf - 1)).toBeLessThan(5 * Math.sqrt(2 / (n * (d - r))));
    // second moments of Z vs the Z recursion
    const zt = zProcess({ ...o, Q: new NDArray(Qd, [r, r]), n: 20000, rng: new Rng(7) }).Z.data;
    const mom = (a: Float64Array, m: number, i: number, j: number) => {
      let s = 0;
      let s2 = 0;
      for (let q = 0; q < m; q++) {
        const p = a[q * 2 + i] * a[q * 2 + j];
        s += p / m;
        s2 += (p * p) / m;
      }
      return { m: s, se: Math.sqrt((s2 - s * s) / m) };
    };
    for (const [i, j] of [
      [0, 0],
      [0, 1],
      [1, 1],
    ]) {
      const a = mom(Z, n, i, j);
      const bb = mom(zt, 20000, i, j);
      expect(Math.abs(a.m - bb.m)).toBeLessThan(4 * Math.hypot(a.se, bb.se));
    }
  });
});
