import { describe, expect, it } from 'vitest';
import {
  obtuseVertexSumStable,
  orthogonalStationaryPoints,
  pfClassFractionsForwardNoised,
  pfClassFractionsGaussian,
  pfCoordinate,
  pfEndpointCoordinate,
  sfBandExitTime,
  sfBandRate,
  sfClassFractions,
  sfCoordinate,
  taylorPfBandEndpoint,
  theorem3Threshold,
} from './flows-1d.js';

describe('min-norm closed-form flows (spec §5, §16)', () => {
  it('§16.2 SF closed form, rate, exit time', () => {
    const o = { nu: 1, sigma: 0.1, rho: 0.005 };
    expect(sfBandRate(o)).toBeCloseTo(1.010101010101, 9);
    expect(sfCoordinate(0.6, 1, o)).toBeCloseTo(0.774587836246, 9);
    expect(sfBandExitTime(0.6, o)).toBeCloseTo(1.583393700815, 9);
    expect(sfCoordinate(1.3, 0.02, o)).toBeCloseTo(1.040600584971, 9);
    // continuity at the exit and convergence to the nearer vertex coordinate
    const T1 = sfBandExitTime(0.4, o);
    expect(sfCoordinate(0.4, T1, o)).toBeCloseTo(0.005, 12);
    expect(sfCoordinate(0.4, T1 + 1, o)).toBeCloseTo(0, 12);
  });

  it('§16.3 PF closed form and Taylor band endpoint; §16.11 eq 87 vacuity', () => {
    const o = { nu: 1, alpha: 1, T: 0.09 };
    const yT = [0.6, 0.2, 0.85];
    expect(yT.map((c) => pfCoordinate(c, 0.0225, o))).toEqual([0.675, 0.1, 0.925].map((v) => expect.closeTo(v, 9)));
    expect(yT.map((c) => pfCoordinate(c, 0, o))).toEqual([0.75, 0, 1].map((v) => expect.closeTo(v, 9)));
    expect(yT.map((c) => pfEndpointCoordinate(c, { nu: 1, rhoT: 0.3 }))).toEqual([0.75, 0, 1].map((v) => expect.closeTo(v, 12)));
    expect(taylorPfBandEndpoint(0.6, { nu: 1, rhoT: 0.3 })).toBeCloseTo(0.682211880039, 9);
    const a1 = theorem3Threshold(0.6, { nu: 1, alpha: 1 });
    expect(a1.tau).toBeCloseTo(0.647573, 6);
    expect(a1.bandLimit).toBeCloseTo(0.16, 12);
    const a3 = theorem3Threshold(0.6, { nu: 1, alpha: 3 });
    expect(a3.tau).toBeCloseTo(0.071953, 6);
    expect(a3.bandLimit).toBeCloseTo(0.017778, 6);
    // vacuity over a grid: tau > bandLimit everywhere
    for (let c = 0.01; c < 0.99; c += 0.01) if (Math.abs(c - 0.5) > 1e-9) expect(theorem3Threshold(c, { nu: 1, alpha: 2 }).tau).toBeGreaterThan(theorem3Threshold(c, { nu: 1, alpha: 2 }).bandLimit);
  });

  it('M2: 3^n stationary points, exactly the 2^n vertices stable', () => {
    const pts = orthogonalStationaryPoints({ nu: [1, 2, 1.5, 1], rho: 0.1, sigma: 0.2 });
    expect(pts).toHaveLength(81);
    const stable = pts.filter((p) => p.stable);
    expect(stable).toHaveLength(16);
    for (const p of stable) for (let k = 0; k < 4; k++) expect(p.c[k] === 0 || p.c[k] === [1, 2, 1.5, 1][k]).toBe(true);
  });

  it('§16.10 Thm 4: x1 + x2 at 95 degrees stable iff rho > |cos 95|', () => {
    const th = (95 * Math.PI) / 180;
    const points = Float64Array.of(1, 0, Math.cos(th), Math.sin(th));
    expect(obtuseVertexSumStable({ points, d: 2, I: [0, 1], rho: 0.05 }).stable).toBe(false);
    expect(obtuseVertexSumStable({ points, d: 2, I: [0, 1], rho: 0.1 }).stable).toBe(true);
    expect(obtuseVertexSumStable({ points, d: 2, I: [0, 1], rho: 0.1 }).margin).toBeCloseTo(-0.0871557, 7);
  });

  it('§16.7, §16.8 analytic fractions', () => {
    expect(sfClassFractions({ n: 3, s: 10 }).training).toBeCloseTo(0.52989, 5);
    expect(sfClassFractions({ n: 10, s: 10 }).training).toBeCloseTo(0.014775, 6);
    expect(sfClassFractions({ n: 30, s: 10 }).training).toBeCloseTo(8.6e-8, 9);
    const g3 = pfClassFractionsGaussian({ n: 10, rhoT: 0.3, tau: 0.2, mean: 0.5, sd: 0.35 });
    expect([g3.training, g3.virtual, g3.boundary]).toEqual([0.00047, 0.04352, 0.95601].map((v) => expect.closeTo(v, 5)));
    const g45 = pfClassFractionsGaussian({ n: 10, rhoT: 0.45, tau: 0.2, mean: 0.5, sd: 0.35 });
    expect([g45.training, g45.virtual, g45.boundary]).toEqual([0.00529, 0.48757, 0.50713].map((v) => expect.closeTo(v, 5)));
    const f1 = pfClassFractionsForwardNoised({ n: 10, alpha: 1, sigmaT: 0.3, tau: 0.2 });
    expect([f1.training, f1.virtual, f1.boundary]).toEqual([0.35318, 0.06608, 0.58074].map((v) => expect.closeTo(v, 5)));
    const f3 = pfClassFractionsForwardNoised({ n: 10, alpha: 3, sigmaT: 0.1, tau: 0.2 });
    expect([f3.training, f3.virtual, f3.boundary]).toEqual([0.99928, 0, 0.00072].map((v) => expect.closeTo(v, 5)));
  });
});
