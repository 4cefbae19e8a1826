import { NDArray } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { iclrSignAe } from './iclr-sign-ae.js';

describe('iclrSignAe', () => {
  const u = new NDArray(Float64Array.from([1, 0, 0, 2, -1, 1]), [3, 2]);
  const net = iclrSignAe({ times: [0.2, 0.5, 0.8], b: [0.1, 0.4, 0.7], u });

  it('f_t(x) = b_t x + u_t sign(u_t^T x) at grid times', () => {
    const x = Float64Array.from([1, -1, -2, 0.5]);
    const y = net.denoise(x, 2, 0.5);
    // u = (0, 2): row 1: u.x = -2 -> -u ; row 2: u.x = 1 -> +u
    expect(Array.from(y)).toEqual([0.4 * 1 - 0, 0.4 * -1 - 2, 0.4 * -2 + 0, 0.4 * 0.5 + 2]);
  });

  it('linear interpolation between grid times, nearest-below on request, end values outside', () => {
    const p = net.paramsAt(0.35);
    expect(p.b).toBeCloseTo(0.25, 14);
    expect(p.u[0]).toBeCloseTo(0.5, 14);
    expect(p.u[1]).toBeCloseTo(1, 14);
    const nb = iclrSignAe({ times: [0.2, 0.5, 0.8], b: [0.1, 0.4, 0.7], u, interpolation: 'nearest-below' });
    expect(nb.paramsAt(0.79).b).toBe(0.4);
    expect(net.paramsAt(0).b).toBe(0.1);
    expect(net.paramsAt(0.95).b).toBe(0.7);
  });

  it('Jacobian is b_t I (sign is piecewise constant)', () => {
    const J = net.jacobian!(Float64Array.from([1, 1]), 0.8);
    expect(Array.from(J)).toEqual([0.7, 0, 0, 0.7]);
  });

  it('validates', () => {
    expect(() => iclrSignAe({ times: [0.5, 0.2], b: [0, 0], u: new NDArray(new Float64Array(4), [2, 2]) })).toThrow(/increasing/);
    expect(() => iclrSignAe({ times: [0.5], b: [0, 0], u: new NDArray(new Float64Array(2), [1, 2]) })).toThrow(/b/);
    expect(() => net.denoise(new Float64Array(3), 1, 0.5)).toThrow(/length/);
  });
});
