import { Rng, normalPdf } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { bimodalityDip } from './bimodality.js';

/** Draws of (1/2) N(-m, 1) + (1/2) N(m, 1). */
function mixture(rng: Rng, n: number, m: number): Float64Array {
  const z = rng.normals(n);
  const u = rng.uniforms(n);
  return z.map((v, i) => v + (u[i] < 0.5 ? -m : m));
}

describe('bimodalityDip', () => {
  it('estimates the exact dip of the h-smoothed density, with a standard error that matches the spread over repeated samples', () => {
    const rng = new Rng(21);
    const h = 0.3;
    const s = Math.sqrt(1 + h * h); // the smoothed mixture has component sd sqrt(1 + h^2)
    for (const m of [1, 2]) {
      const exact = normalPdf(m, 0, s) / (0.5 * (normalPdf(0, 0, s) + normalPdf(2 * m, 0, s)));
      const dips: number[] = [];
      const ses: number[] = [];
      for (let t = 0; t < 300; t++) {
        const r = bimodalityDip(mixture(rng, 2000, m), { centre: 0, modes: [-m, m], bandwidth: h });
        dips.push(r.dip);
        ses.push(r.se);
      }
      const mean = dips.reduce((a, b) => a + b, 0) / dips.length;
      const sd = Math.sqrt(dips.reduce((a, b) => a + (b - mean) ** 2, 0) / (dips.length - 1));
      const meanSe = ses.reduce((a, b) => a + b, 0) / ses.length;
      // the ratio's bias is O(1/n); the mean of 300 dips has sd sd/sqrt(300): 4 of those
      expect(Math.abs(mean - exact), `m = ${m}`).toBeLessThan((4 * sd) / Math.sqrt(300));
      // sd of an sd from 300 draws: 4 %; 15 %
      expect(Math.abs(meanSe / sd - 1), `m = ${m}`).toBeLessThan(0.15);
    }
  });
  it('is above 1 for a unimodal law and below 1 for a separated mixture (not <= 1 by construction)', () => {
    const rng = new Rng(22);
    const uni = bimodalityDip(rng.normals(3000), { centre: 0, modes: [-2, 2], bandwidth: 0.3 });
    // exact: phi_s(0) / phi_s(2) = exp(2 / s^2), s^2 = 1.09
    expect(uni.dip).toBeGreaterThan(1);
    expect(Math.abs(uni.dip - Math.exp(2 / 1.09))).toBeLessThan(4 * uni.se);
    const bi = bimodalityDip(mixture(rng, 3000, 2.5), { centre: 0, modes: [-2.5, 2.5] });
    expect(bi.dip + 4 * bi.se).toBeLessThan(1);
    // default bandwidth: Scott's rule n^{-1/5} sd
    const x = rng.normals(1000);
    const sd = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / 999 - (x.reduce((a, v) => a + v, 0) ** 2 / 1000) / 999);
    expect(bimodalityDip(x, { centre: 0, modes: [-1, 1] }).bandwidth).toBeCloseTo(1000 ** -0.2 * sd, 10);
  });
  it('validates its inputs', () => {
    const x = new Rng(1).normals(50);
    expect(() => bimodalityDip(x.subarray(0, 5), { centre: 0, modes: [-1, 1] })).toThrow(/at least 10/);
    expect(() => bimodalityDip(x, { centre: 2, modes: [-1, 1] })).toThrow(/left < centre < right/);
    expect(() => bimodalityDip(x, { centre: 0, modes: [-1, 1], bandwidth: 0 })).toThrow(/bandwidth/);
    expect(() => bimodalityDip(x, { centre: 1000, modes: [900, 1100], bandwidth: 0.1 })).toThrow(/vanishes/);
  });
});
