import { DomainError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { classifyEndpoints, fixedPointStability, vertexSums } from './endpoints.js';

describe('min-norm endpoint classification (spec §11, §16.6)', () => {
  it('§16.6 reference cases', () => {
    const ys = Float64Array.of(0.9, 0.1, 0.05, 0, 0.85, 0.9, 0.1, 0, 0.5, 0.95, 0, 0, 0.5, 0.5, 0.5, 0, 1.5, 0, 0, 0, 0.1, 0.1, 0.1, 0.15, 0.5, 1, 0, 0.25);
    const r = classifyEndpoints(ys, 7, 4, { nu: [1, 1, 1], tau: 0.2 });
    expect(r.labels).toEqual(['training', 'virtual', 'boundary', 'other', 'other', 'training', 'other']);
    expect(r.counts).toEqual({ training: 2, virtual: 1, boundary: 1, other: 3 });
    expect(Array.from(r.vertexOrder)).toEqual([1, 2, -1, -1, -1, 0, -1]);
  });

  it('rotated directions give the same classes as the standard basis in u-coordinates (L2)', () => {
    const c = Math.SQRT1_2;
    const U = Float64Array.of(c, c, 0, -c, c, 0);
    const std = Float64Array.of(0.9, 0.95, 0.1, 0.5, 0.05, 0.02, 0.5, 0.5, 0);
    const rot = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let k = 0; k < 2; k++) for (let i = 0; i < 3; i++) rot[r * 3 + i] += std[r * 3 + k] * U[k * 3 + i];
    for (let r = 0; r < 3; r++) rot[r * 3 + 2] += std[r * 3 + 2];
    const a = classifyEndpoints(std, 3, 3, { nu: [1, 1], norm: 'l2' });
    const b = classifyEndpoints(rot, 3, 3, { nu: [1, 1], norm: 'l2', directions: U });
    expect(b.labels).toEqual(a.labels);
    expect(a.labels).toEqual(['virtual', 'boundary', 'other']);
  });

  it('fixed-point stability and vertex sums', () => {
    const { sums, rows } = vertexSums(Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), 3, 3, 2);
    expect(rows).toBe(3);
    expect(Array.from(sums)).toEqual([1, 1, 0, 1, 0, 1, 0, 1, 1]);
    expect(vertexSums(new Float64Array(30 * 30), 30, 30, 4).rows).toBe(27405);
    // map pulling towards 0 by half: only the origin is stable
    const half = (x: Float64Array, _n: number, out: Float64Array) => {
      for (let i = 0; i < x.length; i++) out[i] = 0.5 * x[i];
      return out;
    };
    const r = fixedPointStability({ map: half, starts: Float64Array.of(0, 0, 0.1, 0, 1, 1), rows: 3, d: 2, iterations: 10 });
    expect(Array.from(r.stable)).toEqual([1, 1, 0]);
    expect(() => classifyEndpoints(new Float64Array(4), 1, 4, { nu: [1, 1, 1], tau: -1 })).toThrow(DomainError);
  });
});
