import { minCostFamily, obtuseSimplexMinCost } from '@diffusion-theory/denoisers';
import { DomainError, Rng } from '@diffusion-theory/kernel';
import { classifyEndpoints } from '@diffusion-theory/metrics';
import { pfClassFractionsForwardNoised, pfCoordinate, sfClassFractions } from '@diffusion-theory/ode-theory';
import { orthogonalDataset } from '@diffusion-theory/targets';
import { describe, expect, it } from 'vitest';
import { veNoiseGrid, veProbabilityFlow, veProbabilityFlowDiscrete, veScoreFlow } from './ve-flows.js';

// 3 unit span coordinates + 1 orthogonal coordinate (spec §16.3-16.5)
const fam = minCostFamily(orthogonalDataset({ n: 3, d: 4 }), { kind: 'orthogonal', alpha: 1 });
const yT = Float64Array.of(0.6, 0.2, 0.85, 0.4);

describe('VE probability flow and score flow (spec §8, §16)', () => {
  it('§16.4 eq 21 on the grid (0.3, 0.2, 0.1, 0) with rho = sigma', () => {
    const y = veProbabilityFlowDiscrete({ denoiser: fam, sigmas: [0.3, 0.2, 0.1, 0], y0: yT, n: 1 });
    [0.69921875, 0.04513889, 0.96614583, 0.09027778].forEach((v, i) => {
      expect(y[i]).toBeCloseTo(v, 8);
    });
    // a per-level sequence of the same denoiser gives the same result
    const seq = veProbabilityFlowDiscrete({ denoiser: [fam, fam, fam], sigmas: [0.3, 0.2, 0.1, 0], y0: yT, n: 1 });
    expect(Array.from(seq)).toEqual(Array.from(y));
    expect(() => veProbabilityFlowDiscrete({ denoiser: fam, sigmas: [0.3, 0.3, 0], y0: yT, n: 1 })).toThrow(/decreasing/);
  });

  it('§16.5 eq 22: rho = 0.1, gamma/sigma^2 = 0.5, 3 steps', () => {
    const { y } = veScoreFlow({ denoiser: fam, sigma: 0.1, gamma: 0.005, steps: 3, y0: yT, n: 1 });
    [0.6423828125, 0.0728515625, 0.971484375, 0.05].forEach((v, i) => {
      expect(y[i]).toBeCloseTo(v, 10);
    });
    expect(() => veScoreFlow({ denoiser: fam, sigma: 0.1, gamma: 0.03, steps: 3, y0: yT, n: 1 })).toThrow(DomainError);
  });

  it('M6: continuous PF (RK4 in log sigma) follows the closed-form trajectory and ends at h*_{rho_T}(y_T)', () => {
    const { y, path, sigmas } = veProbabilityFlow({ denoiser: fam, sigmaT: 0.3, y0: yT, n: 1, steps: 2000, saveEvery: 100 });
    const h = fam.denoise(yT, 1, 0.3);
    for (let i = 0; i < 4; i++) expect(Math.abs(y[i] - h[i])).toBeLessThan(1e-5);
    for (let s = 0; s < sigmas.length; s++) {
      const t = sigmas[s] ** 2;
      for (let i = 0; i < 3; i++) expect(Math.abs(path[s][i] - pfCoordinate(yT[i], t, { nu: 1, alpha: 1, T: 0.09 }))).toBeLessThan(1e-5);
    }
  });

  it('M4 + M9: SF ends at the nearest vertex; SF class fractions within 4 s.e. of the closed form', () => {
    const n = 10;
    const N = 4000;
    const f10 = minCostFamily(orthogonalDataset({ n, d: n }), { kind: 'orthogonal', alpha: 1 });
    const y0 = new Rng(11).named('sf-start').normals(N * n);
    for (let i = 0; i < y0.length; i++) y0[i] *= 10;
    const sigma = 0.095;
    const { y } = veScoreFlow({ denoiser: f10, sigma, gamma: 0.5 * sigma * sigma, steps: 250, y0, n: N });
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - (y0[i] > 0.5 ? 1 : 0))).toBeLessThan(1e-6);
    const sim = classifyEndpoints(y, N, n, { nu: new Float64Array(n).fill(1) }).fractions;
    const th = sfClassFractions({ n, s: 10 });
    const se = Math.sqrt((th.training * (1 - th.training)) / N);
    expect(Math.abs(sim.training - th.training)).toBeLessThan(4 * se);
  });

  it('M9: discretised PF (1000 uniform sigma steps) from forward-noised data: fractions within 4 s.e. of §11', () => {
    const n = 10;
    const d = 12;
    const N = 3000;
    const sigmaT = 0.3;
    const ds = orthogonalDataset({ n, d });
    const f = minCostFamily(ds, { kind: 'orthogonal', alpha: 1 });
    const rng = new Rng(5).named('pf-start');
    const y0 = rng.normals(N * d);
    for (let r = 0; r < N; r++) {
      const J = rng.int(n + 1);
      for (let i = 0; i < d; i++) y0[r * d + i] = ds.points[J * d + i] + sigmaT * y0[r * d + i];
    }
    const sigmas = Array.from({ length: 1001 }, (_, k) => sigmaT * (1 - k / 1000));
    const y = veProbabilityFlowDiscrete({ denoiser: f, sigmas, y0, n: N });
    const sim = classifyEndpoints(y, N, d, { nu: new Float64Array(n).fill(1) }).fractions;
    const th = pfClassFractionsForwardNoised({ n, alpha: 1, sigmaT, tau: 0.2 });
    for (const k of ['training', 'virtual', 'boundary'] as const) {
      const se = Math.sqrt((th[k] * (1 - th[k])) / N);
      expect(Math.abs(sim[k] - th[k]), k).toBeLessThan(4 * se);
    }
  });

  it('M11 / Thm 5: on an obtuse triangle, SF from the chord region ends at the nearer end of the chord x_0 - x_i', () => {
    const th = (110 * Math.PI) / 180;
    const tri = { d: 2, count: 3, points: Float64Array.of(0, 0, 1, 0, 1.4 * Math.cos(th), 1.4 * Math.sin(th)) };
    const rho = 0.1;
    const h = obtuseSimplexMinCost(tri, { rho });
    const den = { dim: 2, denoise: (x: Float64Array, n: number, _s: number, out?: Float64Array) => h.denoise(x, n, out) };
    const rng = new Rng(3);
    const starts: number[] = [];
    const want: number[] = [];
    const u2 = [Math.cos(th), Math.sin(th)];
    while (starts.length < 400) {
      const y = [rng.uniform() * 1.2 - 0.1, rng.uniform() * 0.8 - 0.4];
      const c1 = y[0];
      const c2 = u2[0] * y[0] + u2[1] * y[1];
      if (c1 > rho && c1 < 1 - rho && c2 < rho && Math.abs(c1 - 0.5) > 1e-3) {
        starts.push(y[0], y[1]);
        want.push(c1 > 0.5 ? 1 : 0, 0);
      }
    }
    const { y } = veScoreFlow({ denoiser: den, sigma: 0.1, gamma: 0.005, steps: 2000, y0: Float64Array.from(starts), n: 200 });
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - want[i])).toBeLessThan(1e-6);
  });

  it('veNoiseGrid: the 150-level default ends at 0 and is decreasing', () => {
    const g = veNoiseGrid();
    expect(g).toHaveLength(151);
    expect(g[0]).toBe(10);
    expect(g[100]).toBeCloseTo(0.1, 14);
    expect(g[150]).toBe(0);
    for (let k = 1; k < g.length; k++) expect(g[k]).toBeLessThan(g[k - 1]);
  });
});
