import { mlpScore } from '@diffusion-theory/denoisers';
import { DomainError, NDArray, Rng, type SampleSource } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { gaussianEpsilonRisk, trainVeScoreMatching } from './index.js';

/** y = F z with a fixed 4 x 2 F (independent of targets). */
const F = [1, 0.2, -0.5, 0.8, 0.3, -0.4, 0.1, 0.6];
const source: SampleSource = {
  dim: 4,
  sample(n, rng) {
    const z = rng.normals(2 * n);
    const y = new Float64Array(4 * n);
    for (let i = 0; i < n; i++) for (let a = 0; a < 4; a++) y[i * 4 + a] = F[a * 2] * z[2 * i] + F[a * 2 + 1] * z[2 * i + 1];
    return new NDArray(y, [n, 4]);
  },
};

describe('VE denoising score matching', () => {
  it('the Bayes risk formula matches Monte Carlo of the optimal epsilon predictor', () => {
    // gammas of F F^T: eigenvalues of F^T F and two zeros
    const g11 = F.reduce((s, _, i) => s + (i % 2 === 0 ? F[i] * F[i] : 0), 0);
    const g22 = F.reduce((s, _, i) => s + (i % 2 === 1 ? F[i] * F[i] : 0), 0);
    const g12 = F[0] * F[1] + F[2] * F[3] + F[4] * F[5] + F[6] * F[7];
    const tr = g11 + g22;
    const det = g11 * g22 - g12 * g12;
    const gam = [tr / 2 + Math.sqrt((tr * tr) / 4 - det), tr / 2 - Math.sqrt((tr * tr) / 4 - det), 0, 0];
    const risk = gaussianEpsilonRisk(gam, 0.5);
    expect(risk).toBeCloseTo((gam[0] / (0.5 + gam[0]) + gam[1] / (0.5 + gam[1])) / 4, 14);
    expect(gaussianEpsilonRisk(gam, { tMin: 0.5, tMax: 0.5 * (1 + 1e-9) })).toBeCloseTo(risk, 6);
    expect(() => gaussianEpsilonRisk(gam, 0)).toThrow(DomainError);
  });
  it('training lowers the loss toward the Bayes risk (tiny net, 600 steps)', () => {
    const rng = new Rng(4);
    const score = mlpScore({ dim: 4, hidden: 32, blocks: 1, temb: 8, dataVariance: 0.5, rng: rng.named('init') });
    const res = trainVeScoreMatching(score, { data: source, steps: 600, batchSize: 64, tMin: 0.05, tMax: 2, rng: rng.named('train'), optimizer: { lr: 3e-3 } });
    const first = res.losses.slice(0, 50).reduce((a, b) => a + b) / 50;
    const last = res.losses.slice(-100).reduce((a, b) => a + b) / 100;
    expect(last).toBeLessThan(0.7 * first);
    // the Bayes risk is a floor in expectation; 600 steps get within 30 % of it
    const G = [F.reduce((s, _, i) => s + (i % 2 === 0 ? F[i] * F[i] : 0), 0), F.reduce((s, _, i) => s + (i % 2 === 1 ? F[i] * F[i] : 0), 0)];
    const g12 = F[0] * F[1] + F[2] * F[3] + F[4] * F[5] + F[6] * F[7];
    const [tr, det] = [G[0] + G[1], G[0] * G[1] - g12 * g12];
    const gam = [tr / 2 + Math.sqrt((tr * tr) / 4 - det), tr / 2 - Math.sqrt((tr * tr) / 4 - det), 0, 0];
    const bayes = gaussianEpsilonRisk(gam, { tMin: 0.05, tMax: 2 });
    expect(last).toBeGreaterThan(0.9 * bayes);
    expect(last).toBeLessThan(1.3 * bayes);
    expect(Number.isFinite(last)).toBe(true);
    expect(() => trainVeScoreMatching(score, { data: source, steps: 1, batchSize: 4, tMin: 0, tMax: 1, rng })).toThrow(DomainError);
  });
});
