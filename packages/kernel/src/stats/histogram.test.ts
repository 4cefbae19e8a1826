import { describe, expect, it } from 'vitest';
import { DomainError, NonFiniteError, ShapeError } from '../errors.js';
import { Rng } from '../rng.js';
import { histogram1d, histogram2d } from './histogram.js';

describe('histogram1d', () => {
  it('numpy conventions: half-open bins, closed last bin, outside values dropped', () => {
    const h = histogram1d(Float64Array.of(0, 0.5, 1, 1.5, 2, 2, -1, 3), { bins: 4, range: [0, 2] });
    expect(Array.from(h.edges)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 3]);
    // density over the 6 in-range samples, width 0.5
    expect(Array.from(h.density)).toEqual([1 / 3, 1 / 3, 1 / 3, 1]);
  });
  it('default range is [min, max]; explicit edges; density integrates to 1', () => {
    const x = new Rng(1).normals(10000);
    const h = histogram1d(x, { bins: 37 });
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(10000);
    let s = 0;
    for (let k = 0; k < 37; k++) s += h.density[k] * (h.edges[k + 1] - h.edges[k]);
    expect(s).toBeCloseTo(1, 12);
    const e = histogram1d(x, { edges: [-10, -1, 0, 1, 10] });
    // N(0,1) mass of [-1, 0] is 0.3413; 4 s.e. with n = 1e4 is 0.019
    expect(Math.abs(e.counts[1] / 10000 - 0.3413)).toBeLessThan(0.019);
    const c = histogram1d(Float64Array.of(3, 3), { bins: 2 });
    expect(Array.from(c.edges)).toEqual([2.5, 3, 3.5]);
    expect(Array.from(c.counts)).toEqual([0, 2]);
  });
  it('uniform binning agrees with binary search on explicit edges near edges', () => {
    const x = Float64Array.from({ length: 1001 }, (_, i) => i / 1000);
    const a = histogram1d(x, { bins: 10, range: [0, 1] });
    const b = histogram1d(x, { edges: a.edges });
    expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
  });
  it('typed errors', () => {
    expect(() => histogram1d(Float64Array.of(Number.NaN), { bins: 2 })).toThrow(NonFiniteError);
    expect(() => histogram1d(Float64Array.of(1), { edges: [0, 0] })).toThrow(DomainError);
    expect(() => histogram1d(Float64Array.of(1), { edges: [0] })).toThrow(ShapeError);
    expect(() => histogram1d(Float64Array.of(1), { bins: 0 })).toThrow(DomainError);
  });
});

describe('histogram2d', () => {
  it('counts[j * nx + k] is x bin k, y bin j; density integrates to 1', () => {
    const h = histogram2d(Float64Array.of(0.1, 0.9, 0.9, 2), Float64Array.of(0.1, 0.1, 1.9, 0), {
      bins: [2, 3],
      range: [
        [0, 1],
        [0, 2],
      ],
    });
    expect(h.nx).toBe(2);
    expect(h.ny).toBe(3);
    expect(Array.from(h.counts)).toEqual([1, 1, 0, 0, 0, 1]);
    let s = 0;
    for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) s += h.density[j * 2 + k] * 0.5 * (2 / 3);
    expect(s).toBeCloseTo(1, 14);
    const e = histogram2d(Float64Array.of(0.1), Float64Array.of(5), { edgesX: [0, 1], edgesY: [0, 10, 20] });
    expect(Array.from(e.counts)).toEqual([1, 0]);
    expect(() => histogram2d(Float64Array.of(1), Float64Array.of(1, 2), { bins: 2 })).toThrow(ShapeError);
  });
});
