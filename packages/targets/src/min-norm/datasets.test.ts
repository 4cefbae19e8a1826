import { DomainError, Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { equilateralTriangle, noisyTrainingSet, obtuseTriangle, orthogonalDataset } from './datasets.js';

describe('min-norm datasets', () => {
  it('orthogonal datasets are orthogonal with the requested norms, with or without the origin', () => {
    const ds = orthogonalDataset({ n: 4, d: 6, norms: [1, 2, 3, 4], basis: 'random', rng: new Rng(3) });
    expect(ds.count).toBe(5);
    for (let a = 1; a < 5; a++) {
      for (let b = 1; b < 5; b++) {
        let s = 0;
        for (let i = 0; i < 6; i++) s += ds.points[a * 6 + i] * ds.points[b * 6 + i];
        expect(s).toBeCloseTo(a === b ? a * a : 0, 12);
      }
    }
    const no = orthogonalDataset({ n: 3, d: 3, includeOrigin: false });
    expect(Array.from(no.points)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(() => orthogonalDataset({ n: 4, d: 3 })).toThrow(DomainError);
  });

  it('triangles: obtuse angle at row 0, equilateral sides equal; bad input is refused', () => {
    const t = obtuseTriangle({ angleDeg: 95 });
    const p = t.points;
    expect(p[2] * p[4] + p[3] * p[5]).toBeCloseTo(Math.cos((95 * Math.PI) / 180), 14);
    expect(() => obtuseTriangle({ angleDeg: 80 })).toThrow(/obtuse/);
    const e = equilateralTriangle({ R: 2 });
    const side = (a: number, b: number) => Math.hypot(e.points[2 * a] - e.points[2 * b], e.points[2 * a + 1] - e.points[2 * b + 1]);
    expect(side(0, 1)).toBeCloseTo(2 * Math.sqrt(3), 12);
    expect(side(1, 2)).toBeCloseTo(side(0, 2), 12);
  });

  it('noisy copies have the right mean and variance and per-point named streams', () => {
    const ds = orthogonalDataset({ n: 2, d: 3 });
    const set = noisyTrainingSet(ds, { M: 4000, sigma: 0.5, rng: new Rng(1) });
    expect(set.size).toBe(12000);
    let s = 0;
    let s2 = 0;
    for (let r = 0; r < set.size; r++) {
      for (let i = 0; i < 3; i++) {
        const e = set.inputs[r * 3 + i] - set.targets[r * 3 + i];
        s += e;
        s2 += e * e;
      }
    }
    const N = set.size * 3;
    expect(Math.abs(s / N)).toBeLessThan((4 * 0.5) / Math.sqrt(N));
    expect(Math.abs(s2 / N - 0.25)).toBeLessThan(4 * 0.25 * Math.sqrt(2 / N));
    const fewer = noisyTrainingSet({ ...ds, count: 2, points: ds.points.slice(0, 6) }, { M: 4000, sigma: 0.5, rng: new Rng(1) });
    expect(fewer.inputs.subarray(0, 24000)).toEqual(set.inputs.subarray(0, 24000));
    expect(() => noisyTrainingSet(ds, { M: 0, sigma: 1, rng: new Rng(1) })).toThrow(DomainError);
  });
});
