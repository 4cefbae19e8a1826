import { DomainError, ParameterError, ShapeError, type SummaryStatsRecord, linearInterpolant, normalCdf } from '@diffusion-theory/kernel';
import { describe, expect, test } from 'vitest';
import { finiteDSkipCorrection } from './skip-finite-d.js';
import { bTau } from './skip.js';
import { type SpectralMixtureSpec, spectralMixtureFromCentroids } from './spectral-mixture.js';

const schedule = linearInterpolant();
const grid = { times: [0.3, 0.7], weights: [0.25, 0.75] };

/** Two clusters, one group, centroids of norm 2 and 1 along e1, e2 (T_cc = 4, 1). */
function twoClusters(d: number): SpectralMixtureSpec {
  const mu1 = new Float64Array(d);
  const mu2 = new Float64Array(d);
  mu1[0] = 2;
  mu2[1] = -1;
  return spectralMixtureFromCentroids({ d, pi: [0.4, 0.6], mus: [mu1, mu2], groupOf: new Int32Array(d), Ng: 1, ell: [1.5, 0.5] });
}

/** A record with constant statistics Q = diag(q0), M^c = m (r = 2, K = 2), v over n times. */
function constantRecord(tau: number[], Qd: [number, number], M: number[], v = [0, 0]): SummaryStatsRecord {
  const n = tau.length;
  const Q = new Float64Array(n * 4);
  const Mf = new Float64Array(n * 4);
  const vf = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    Q[i * 4] = Qd[0];
    Q[i * 4 + 3] = Qd[1];
    Mf.set(M, i * 4);
    vf.set(v, i * 2);
  }
  return { r: 2, K: 2, R: 0, Ng: 1, tau: Float64Array.from(tau), b: new Float64Array(n), v: vf, Q, M: Mf };
}

describe('finiteDSkipCorrection', () => {
  const d = 50;
  const spec = twoClusters(d);
  const tau = Array.from({ length: 21 }, (_, i) => i * 0.25);

  test('no network term and Lambda_d = Lambda: the prediction is eq. 11 (bTau) exactly', () => {
    const rec = constantRecord(tau, [0, 0], [0, 0, 0, 0]);
    const res = finiteDSkipCorrection({ record: rec, spec, d, activation: 'tanh', grid, schedule, secondMoment: spec.Lambda, b0: 0.3 });
    for (let i = 0; i < tau.length; i++) {
      const want = bTau(tau[i], { Lambda: spec.Lambda, grid, schedule, b0: 0.3 });
      expect(Math.abs(res.b[i] - want)).toBeLessThan(1e-13);
      expect(Math.abs(res.bInfinite[i] - want)).toBeLessThan(1e-13);
    }
    expect(res.networkTerm.every((c) => c === 0)).toBe(true);
  });

  test('default Lambda_d = Lambda + (sum_c pi_c ||mu_c||^2) / d; group sizes override rho d', () => {
    const res = finiteDSkipCorrection({ record: constantRecord(tau, [0, 0], [0, 0, 0, 0]), spec, d, activation: 'tanh', grid, schedule });
    expect(res.secondMoment).toBeCloseTo(spec.Lambda + (0.4 * 4 + 0.6 * 1) / d, 14);
    const sized = { ...spec, groupSizes: [d + 2] };
    const r2 = finiteDSkipCorrection({ record: constantRecord(tau, [0, 0], [0, 0, 0, 0]), spec: sized, d, activation: 'tanh', grid, schedule });
    expect(r2.secondMoment).toBeCloseTo(((d + 2) * (0.4 * 1.5 + 0.6 * 0.5) + 0.4 * 4 + 0.6 * 1) / d, 14);
  });

  test('linear sigma: the network term is the closed form E[h (h - p v)] = Omega_kk + m (m - p v), m = beta M + p v', () => {
    const Qd: [number, number] = [0.8, 0.3];
    const M = [1.2, -0.4, 0.3, 0.9];
    const v = [0.5, -0.2];
    const p = (t: number) => 2 * t;
    const res = finiteDSkipCorrection({ record: constantRecord(tau, Qd, M, v), spec, d, activation: 'linear', grid, schedule, timeEncoding: p });
    let want = 0;
    for (let c = 0; c < 2; c++) {
      for (let j = 0; j < 2; j++) {
        const t = grid.times[j];
        const al = 1 - t;
        const be = t;
        for (let k = 0; k < 2; k++) {
          const om = al * al * Qd[k] + be * be * spec.ell[c] * Qd[k];
          const pv = p(t) * v[k];
          const m = be * M[c * 2 + k] + pv;
          want += spec.pi[c] * grid.weights[j] * (om + m * (m - pv));
        }
      }
    }
    expect(res.networkTerm[0]).toBeCloseTo(want / d, 13);
    // a constant network term c shifts the fixed point by -c / kappa_d
    const kap = res.secondMoment * (0.25 * 0.09 + 0.75 * 0.49) + 0.25 * 0.49 + 0.75 * 0.09;
    const long = finiteDSkipCorrection({ record: constantRecord([0, 200], Qd, M, v), spec, d, activation: 'linear', grid, schedule, timeEncoding: p });
    const bInfD = (res.secondMoment * (0.25 * 0.3 + 0.75 * 0.7) - want / d) / kap;
    expect(long.b[1]).toBeCloseTo(bInfD, 12);
  });

  test('ReLU: the network term against E[relu(h) h] = (mu^2 + s^2) Phi(mu/s) + mu s phi(mu/s)', () => {
    const Qd: [number, number] = [0.7, 1.1];
    const M = [0.9, -0.6, -0.2, 0.4];
    const res = finiteDSkipCorrection({ record: constantRecord([0, 1], Qd, M), spec, d, activation: 'relu', grid, schedule });
    let want = 0;
    for (let c = 0; c < 2; c++) {
      for (let j = 0; j < 2; j++) {
        const t = grid.times[j];
        for (let k = 0; k < 2; k++) {
          const s = Math.sqrt((1 - t) ** 2 * Qd[k] + t * t * spec.ell[c] * Qd[k]);
          const mu = t * M[c * 2 + k];
          const z = mu / s;
          want += spec.pi[c] * grid.weights[j] * ((mu * mu + s * s) * normalCdf(z) + (mu * s * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI));
        }
      }
    }
    expect(Math.abs(res.networkTerm[0] - want / d) / (want / d)).toBeLessThan(1e-6);
  });

  test('with eta the mean of the Euler update (step 2 eta / d) is followed; it tends to the exact flow as eta -> 0', () => {
    const rec = constantRecord(tau, [0.8, 0.3], [1.2, -0.4, 0.3, 0.9]);
    const o = { record: rec, spec, d, activation: 'tanh' as const, grid, schedule };
    const exact = finiteDSkipCorrection(o);
    const coarse = finiteDSkipCorrection({ ...o, eta: 5 });
    const fine = finiteDSkipCorrection({ ...o, eta: 1e-4 });
    let dc = 0;
    let df = 0;
    for (let i = 0; i < tau.length; i++) {
      dc = Math.max(dc, Math.abs(coarse.b[i] - exact.b[i]));
      df = Math.max(df, Math.abs(fine.b[i] - exact.b[i]));
    }
    expect(dc).toBeGreaterThan(1e-3);
    expect(df).toBeLessThan(1e-6);
    // one hand-computed Euler step: h = 2 eta / d = 0.2 = len / 1.25 -> round(1.25) = 1 step of 0.25
    const one = finiteDSkipCorrection({ ...o, record: constantRecord([0, 0.25], [0.8, 0.3], [1.2, -0.4, 0.3, 0.9]), eta: 5, b0: 0.1 });
    const L = one.secondMoment;
    const A = L * (0.25 * 0.3 + 0.75 * 0.7);
    const kap = L * (0.25 * 0.09 + 0.75 * 0.49) + 0.25 * 0.49 + 0.75 * 0.09;
    expect(one.b[1]).toBeCloseTo(0.1 + 0.25 * (A - kap * 0.1 - one.networkTerm[0]), 14);
  });

  test('typed errors', () => {
    const rec = constantRecord(tau, [0.8, 0.3], [1.2, -0.4, 0.3, 0.9]);
    const o = { record: rec, spec, d, activation: 'tanh' as const, grid, schedule };
    expect(() => finiteDSkipCorrection({ ...o, d: 0 })).toThrow(DomainError);
    expect(() => finiteDSkipCorrection({ ...o, eta: -1 })).toThrow(DomainError);
    expect(() => finiteDSkipCorrection({ ...o, record: { ...rec, Q: new Float64Array(3) } })).toThrow(ShapeError);
    expect(() => finiteDSkipCorrection({ ...o, record: { ...rec, M: undefined } })).toThrow(/record\.M/);
    expect(() => finiteDSkipCorrection({ ...o, spec: { ...spec, Ng: 2, rho: Float64Array.of(0.5, 0.5), ell: new Float64Array(4), T: new Float64Array(8) } })).toThrow(/record\.q/);
    expect(() => finiteDSkipCorrection({ ...o, record: undefined as unknown as SummaryStatsRecord })).toThrow(ParameterError);
    expect(() => finiteDSkipCorrection({ ...o, grid: { times: [0.5], weights: [2] } })).toThrow(DomainError);
    expect(() => finiteDSkipCorrection({ ...o, activation: 'softplus' as 'tanh' })).toThrow(ParameterError);
  });
});
