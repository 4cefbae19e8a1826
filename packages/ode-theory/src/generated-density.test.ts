import { type Activation, NDArray, ParameterError, Rng, customActivation, dgemm, linearInterpolant, tanhActivation } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import {
  linearProjectedMoments,
  linearZCovarianceFlow,
  linearZMoments,
  offSubspaceVariance,
  offSubspaceVarianceContinuous,
  offSubspaceVarianceLinearFlow,
  pinvSymSmall,
  projectedGenerated,
  projectedGeneratedMoments,
  rowMoments,
  samplerCoefficients,
  zProcess,
} from './generated-density.js';

const flow = linearInterpolant();
const sde = linearInterpolant({ epsilon: (t) => 0.5 * (1 - t) ** 2 });

/** Standard errors of the sample mean and of the sample covariance entries of the rows of x (n x R). */
function momentsWithSe(x: Float64Array, n: number, R: number) {
  const mean = new Float64Array(R);
  for (let i = 0; i < n; i++) for (let a = 0; a < R; a++) mean[a] += x[i * R + a] / n;
  const cov = new Float64Array(R * R);
  const cov2 = new Float64Array(R * R);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < R; a++) {
      for (let b = 0; b < R; b++) {
        const p = (x[i * R + a] - mean[a]) * (x[i * R + b] - mean[b]);
        cov[a * R + b] += p / n;
        cov2[a * R + b] += (p * p) / n;
      }
    }
  }
  const seMean = new Float64Array(R);
  const seCov = new Float64Array(R * R);
  for (let a = 0; a < R; a++) seMean[a] = Math.sqrt(cov[a * R + a] / n);
  for (let k = 0; k < R * R; k++) seCov[k] = Math.sqrt(Math.max(0, cov2[k] - cov[k] * cov[k]) / n);
  return { mean, cov, seMean, seCov };
}

describe('off-subspace variance v_t (Result 2.2 / B.1)', () => {
  it('continuous RK4 equals the closed form (1-t)^{2(1-b)} for the linear flow', () => {
    for (const b of [0, 0.095, 0.5, 1.3]) {
      for (const t of [0.5, 0.9, 0.98]) {
        expect(offSubspaceVarianceContinuous({ schedule: flow, b, t })).toBeCloseTo(offSubspaceVarianceLinearFlow(b, t), 9);
      }
    }
  });

  it('the discrete recursion converges to the continuous v_{t_f} at rate 1/N (eps = 0 and eps > 0)', () => {
    for (const schedule of [flow, sde]) {
      const b = 0.3;
      const tf = 0.9;
      const exact = offSubspaceVarianceContinuous({ schedule, b, t: tf });
      const errs = [100, 200, 400, 800].map((N) => Math.abs(offSubspaceVariance({ schedule, b, N, tf }) - exact));
      for (let i = 1; i < errs.length; i++) {
        const ratio = errs[i - 1] / errs[i];
        expect(ratio).toBeGreaterThan(1.8);
        expect(ratio).toBeLessThan(2.2);
      }
      expect(errs[3] / exact).toBeLessThan(5e-3);
    }
  });

  it('b = 1 and eps = 0 leave the off-subspace variance at 1 (Delta = 0)', () => {
    expect(offSubspaceVariance({ schedule: flow, b: 1, N: 100, tf: 0.95 })).toBeCloseTo(1, 12);
  });

  it('validates its inputs', () => {
    expect(() => offSubspaceVariance({ schedule: flow, b: 0.2, N: 100, tf: 1 })).toThrow(/tf/);
    expect(() => offSubspaceVariance({ schedule: flow, b: 0.2, N: 0, tf: 0.5 })).toThrow(/N/);
    expect(() => offSubspaceVariance({ schedule: flow, b: Number.NaN, N: 10, tf: 0.5 })).toThrow(/b/);
  });
});

describe('linear sigma: Gaussian closed form (§5.3)', () => {
  const Q = [
    [1.4, 0.3],
    [0.3, 0.6],
  ];
  const b = 0.25;
  const tf = 0.9;

  it('the exponential closed form equals the Lyapunov ODE solution for eps = 0', () => {
    const a = linearZCovarianceFlow({ schedule: flow, b, Q, tf }).data;
    const c = linearZMoments({ schedule: flow, b, Q, tf }).covariance.data;
    for (let k = 0; k < 4; k++) expect(c[k]).toBeCloseTo(a[k], 6);
  });

  it('the exact law of the discrete recursion converges to the continuous one at rate 1/N', () => {
    for (const schedule of [flow, sde]) {
      const cont = linearZMoments({ schedule, b, Q, tf }).covariance.data;
      const err = (N: number) => {
        const c = linearZMoments({ schedule, b, Q, tf, mode: 'discrete', N }).covariance.data;
        return Math.max(...[0, 1, 3].map((k) => Math.abs(c[k] - cont[k])));
      };
      const e = [200, 400, 800].map(err);
      expect(e[0] / e[1]).toBeGreaterThan(1.8);
      expect(e[0] / e[1]).toBeLessThan(2.2);
      expect(e[1] / e[2]).toBeGreaterThan(1.8);
      expect(e[1] / e[2]).toBeLessThan(2.2);
    }
  });

  it('Monte-Carlo samples of the Z recursion match the exact discrete Gaussian law', () => {
    const n = 20000;
    const N = 50;
    for (const schedule of [flow, sde]) {
      const z = zProcess({ Q, b, activation: 'linear', schedule, N, tf, n, rng: new Rng(7) });
      const exact = linearZMoments({ schedule, b, Q, tf, mode: 'discrete', N }).covariance.data;
      const m = momentsWithSe(z.Z.data, n, 2);
      for (let a = 0; a < 2; a++) expect(Math.abs(m.mean[a])).toBeLessThan(4 * m.seMean[a]);
      for (const k of [0, 1, 3]) expect(Math.abs(m.cov[k] - exact[k])).toBeLessThan(4 * m.seCov[k]);
    }
  });

  it('with a time encoding the mean follows m\' = L m + Gamma p Q v', () => {
    const v = [0.5, -0.2];
    const p = (t: number) => t;
    const N = 40;
    const ex = linearZMoments({ schedule: flow, b, Q, tf, v, timeEncoding: p, mode: 'discrete', N });
    const z = zProcess({ Q, b, v, activation: 'linear', timeEncoding: p, schedule: flow, N, tf, n: 20000, rng: new Rng(8) });
    const m = momentsWithSe(z.Z.data, 20000, 2);
    expect(Math.abs(ex.mean[0]) + Math.abs(ex.mean[1])).toBeGreaterThan(0.1);
    for (let a = 0; a < 2; a++) expect(Math.abs(m.mean[a] - ex.mean[a])).toBeLessThan(4 * m.seMean[a]);
  });
});

/**
 * The d-dimensional Euler(-Maruyama) sampler of spec §1.3 with f = f_{b,w,v} (written here independently of the
 * library): returns X_K (n x d).
 */
function sampleD(w: Float64Array, d: number, r: number, b: number, schedule: typeof flow, N: number, tf: number, n: number, rng: Rng): Float64Array {
  const c = samplerCoefficients({ schedule, b, N, tf });
  const X = rng.normals(n * d);
  const H = new Float64Array(n * r);
  const xi = new Float64Array(n * d);
  const sq = 1 / Math.sqrt(d);
  for (let k = 0; k < c.K; k++) {
    const t = k / N;
    const a = schedule.alpha(t);
    const G = schedule.dbeta(t) - (schedule.dalpha(t) / a) * schedule.beta(t) + (schedule.epsilon(t) * schedule.beta(t)) / (a * a);
    const Dlin = schedule.dalpha(t) / a - schedule.epsilon(t) / (a * a);
    dgemm(false, false, n, r, d, sq, X, d, w, r, 0, H, r);
    for (let q = 0; q < H.length; q++) H[q] = Math.tanh(H[q]);
    const noise = Math.sqrt((2 * schedule.epsilon(t)) / N);
    if (noise > 0) rng.fillNormal(xi);
    // X += delta [Gamma (b X + w sigma / sqrt d) + Dlin X] + noise xi
    for (let q = 0; q < X.length; q++) X[q] += (G * b + Dlin) * X[q] / N + noise * xi[q];
    dgemm(false, true, n, d, r, (G / N) * sq, H, r, w, r, 1, X, d);
  }
  return X;
}

describe('Corollary 2.3 vs the d-dimensional generative SDE with fixed weights', () => {
  const d = 400;
  const r = 2;
  const n = 4000;
  const b = 0.3;
  const N = 30; // K = 27 Euler steps (the statements are exact for any grid)
  const tf = 0.9;
  // w = sqrt(d) * (structure on e1, e2) + N(0, 1) noise, so that Q and G = w^T E/sqrt d (E = (e1, e2)) are O(1).
  const rng = new Rng(11);
  const w = rng.normals(d * r);
  const Aplant = [
    [1.2, 0.3],
    [-0.4, 0.9],
  ];
  for (let i = 0; i < 2; i++) for (let k = 0; k < r; k++) w[i * r + k] = Math.sqrt(d) * Aplant[i][k];
  const Qd = new Float64Array(r * r);
  dgemm(true, false, r, r, d, 1 / d, w, r, w, r, 0, Qd, r);
  const Q = new NDArray(Qd, [r, r]);
  const Gd = new Float64Array(r * 2);
  for (let k = 0; k < r; k++) for (let j = 0; j < 2; j++) Gd[k * 2 + j] = w[j * r + k] / Math.sqrt(d);
  const G = new NDArray(Gd, [r, 2]);
  const Qp = pinvSymSmall(Qd, r);

  for (const [label, schedule] of [
    ['eps = 0', flow],
    ['eps_t = 0.5 alpha_t^2', sde],
  ] as const) {
    it(`projected mean and covariance, and v_tf, agree within Monte-Carlo error (${label})`, () => {
      const X = sampleD(w, d, r, b, schedule, N, tf, n, new Rng(21));
      // E^T X = first two coordinates
      const ex = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        ex[i * 2] = X[i * d];
        ex[i * 2 + 1] = X[i * d + 1];
      }
      const sim = momentsWithSe(ex, n, 2);
      const nTh = 40000;
      const z = zProcess({ Q, b, activation: 'tanh', schedule, N, tf, n: nTh, rng: new Rng(22) });
      const th = projectedGeneratedMoments({ Q, G, vtf: z.vtf, Z: z.Z });
      // theory-side Monte-Carlo error: push the Z samples through the linear map and add the Gaussian part
      const pg = projectedGenerated({ Q, G, b, activation: 'tanh', schedule, N, tf, n: nTh, rng: new Rng(23) });
      const thS = momentsWithSe(pg.X.data, nTh, 2);
      for (let a = 0; a < 2; a++) {
        const tol = 4 * Math.hypot(sim.seMean[a], thS.seMean[a]);
        expect(Math.abs(sim.mean[a] - th.mean[a])).toBeLessThan(tol);
      }
      for (const k of [0, 1, 3]) {
        const tol = 4 * Math.hypot(sim.seCov[k], thS.seCov[k]);
        expect(Math.abs(sim.cov[k] - th.covariance.data[k])).toBeLessThan(tol);
        // the sampled projected law has the same covariance
        expect(Math.abs(thS.cov[k] - th.covariance.data[k])).toBeLessThan(4 * thS.seCov[k] * Math.SQRT2);
      }
      // off-subspace variance: Y = X - (w/sqrt d) Q^+ Z, Z = w^T X/sqrt d
      const Z = new Float64Array(n * r);
      dgemm(false, false, n, r, d, 1 / Math.sqrt(d), X, d, w, r, 0, Z, r);
      const C = new Float64Array(n * r);
      dgemm(false, false, n, r, r, 1, Z, r, Qp, r, 0, C, r);
      const Y = X.slice();
      dgemm(false, true, n, d, r, -1 / Math.sqrt(d), C, r, w, r, 1, Y, d);
      let ss = 0;
      for (const y of Y) ss += y * y;
      const vEmp = ss / (n * (d - r));
      const vtf = offSubspaceVariance({ schedule, b, N, tf });
      expect(vtf).toBeCloseTo(z.vtf, 14);
      expect(Math.abs(vEmp / vtf - 1)).toBeLessThan(5 * Math.sqrt(2 / (n * (d - r))));
    });
  }
});

describe('claim 3 of §9: odd sigma with p = 0 generates a symmetric density', () => {
  // T1 (trimodal GMM, centroids 3e1, -3e2, -3e1) has E-mean (0, -1); a tanh model trained on it (here: Q, G of a
  // warm-started network aligned with e1, e2) still generates mean 0 because Z_0 is symmetric and the drift is odd.
  const Q = [
    [1.6, 0.1],
    [0.1, 1.1],
  ];
  const G = [
    [1.2, 0.05],
    [0.0, -1.0],
  ];
  const base = { Q, G, b: 0.4, schedule: flow, N: 100, tf: 0.95, n: 20000 };

  it('tanh: the E-mean vanishes within Monte-Carlo error', () => {
    const pg = projectedGenerated({ ...base, activation: 'tanh', rng: new Rng(31) });
    const m = momentsWithSe(pg.X.data, base.n, 2);
    for (let a = 0; a < 2; a++) expect(Math.abs(m.mean[a])).toBeLessThan(4 * m.seMean[a]);
  });

  it('relu (not odd) does generate a non-zero mean', () => {
    const pg = projectedGenerated({ ...base, activation: 'relu', rng: new Rng(32) });
    const m = momentsWithSe(pg.X.data, base.n, 2);
    expect(Math.max(Math.abs(m.mean[0]) / m.seMean[0], Math.abs(m.mean[1]) / m.seMean[1])).toBeGreaterThan(10);
  });
});

describe('projected moments', () => {
  it('rank-deficient Q uses the pseudo-inverse: G in range(Q) gives an exact zero off-subspace part', () => {
    // w = one direction repeated: Q = [[1,1],[1,1]], G = Q (E = that direction)
    const Q = [
      [1, 1],
      [1, 1],
    ];
    const G = [[1], [1]];
    const pm = projectedGeneratedMoments({ Q, G, vtf: 0.3, meanZ: [0.5, 0.5], covZ: [[2, 2], [2, 2]] });
    // G^T Q^+ = (1/2, 1/2): mean 0.5; cov = (1/2,1/2) C (1/2,1/2)^T = 2; I - G^T Q^+ G = 1 - 1 = 0
    expect(pm.mean[0]).toBeCloseTo(0.5, 12);
    expect(pm.covariance.data[0]).toBeCloseTo(2, 12);
  });

  it('linear sigma: the exact projected covariance matches the sampled one', () => {
    const Q = [
      [1.2, 0.2],
      [0.2, 0.7],
    ];
    const G = [
      [0.9, 0.1],
      [0.2, 0.6],
    ];
    const o = { Q, G, b: 0.2, schedule: sde, tf: 0.9, N: 50 };
    const ex = linearProjectedMoments({ ...o, mode: 'discrete' });
    const pg = projectedGenerated({ ...o, activation: 'linear', n: 20000, rng: new Rng(41) });
    const s = momentsWithSe(pg.X.data, 20000, 2);
    for (const k of [0, 1, 3]) expect(Math.abs(s.cov[k] - ex.covariance.data[k])).toBeLessThan(4 * s.seCov[k]);
    expect(ex.vtf).toBeCloseTo(offSubspaceVariance({ schedule: sde, b: 0.2, N: 50, tf: 0.9 }), 14);
    const rm = rowMoments(pg.X);
    expect(rm.cov.length).toBe(4);
  });

  it('validates shapes', () => {
    expect(() => projectedGeneratedMoments({ Q: [[1, 0], [0, 1]], G: [[1, 0, 0]], vtf: 1, meanZ: [0, 0], covZ: [[1, 0], [0, 1]] })).toThrow(/G/);
    expect(() => zProcess({ Q: [[1, 2], [0, 1]], b: 0, activation: 'tanh', schedule: flow, N: 10, tf: 0.5, n: 2, rng: new Rng(1) })).toThrow(/symmetric/);
    expect(() => zProcess({ Q: [[1]], b: 0, activation: 'softsign' as 'tanh', schedule: flow, N: 10, tf: 0.5, n: 2, rng: new Rng(1) })).toThrow(ParameterError);
    expect(() => zProcess({ Q: [[1]], b: 0, activation: { f: Math.tanh } as unknown as Activation, schedule: flow, N: 10, tf: 0.5, n: 2, rng: new Rng(1) })).toThrow(/activation/);
  });

  it('takes the one kernel Activation type: a name and the object give identical samples', () => {
    const o = { Q: [[0.8, 0.1], [0.1, 0.5]], b: 0.2, schedule: sde, N: 20, tf: 0.8, n: 50 };
    const byName = zProcess({ ...o, activation: 'tanh', rng: new Rng(3) });
    const byObject = zProcess({ ...o, activation: tanhActivation, rng: new Rng(3) });
    expect(Array.from(byObject.Z.data)).toEqual(Array.from(byName.Z.data));
    const custom = customActivation({ name: 'tanh again', f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 });
    expect(Array.from(zProcess({ ...o, activation: custom, rng: new Rng(3) }).Z.data)).toEqual(Array.from(byName.Z.data));
  });
});
