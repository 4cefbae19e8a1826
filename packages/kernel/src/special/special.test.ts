import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { gaussLegendre } from '../stats/quadrature.js';
import { normalCdf } from '../stats/special.js';
import { brentRoot, expint1, expintEi, normalInv } from './index.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('E1 / Ei', () => {
  it('reference values R1 (spec spectral-bias §18) to 1e-13', () => {
    expect(rel(expint1(0.1), 1.8229239584193906)).toBeLessThan(1e-13);
    expect(rel(expint1(1), 0.21938393439552029)).toBeLessThan(1e-13);
    expect(rel(expint1(10), 4.156968929685324e-6)).toBeLessThan(1e-13);
    expect(expintEi(-1)).toBe(-expint1(1));
  });
  it('matches independent quadrature of int_x^inf e^{-t}/t dt (t = x + s, Gauss-Legendre on a mapped range)', () => {
    // E1(x) = e^{-x} int_0^1 e^{-x(1/u - 1)} / (u (1 + ... )) : use t = x / u, dt = -x/u^2 du -> int_0^1 e^{-x/u} / u du.
    const q = gaussLegendre(200, 0, 1);
    for (const x of [0.5, 1.5, 3, 7, 20]) {
      // split [0,1] into geometric pieces to resolve the e^{-x/u} layer
      let s = 0;
      const edges = [0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1];
      for (let j = 0; j + 1 < edges.length; j++) {
        const qq = gaussLegendre(60, edges[j], edges[j + 1]);
        for (let i = 0; i < qq.nodes.length; i++) s += (qq.weights[i] * Math.exp(-x / qq.nodes[i])) / qq.nodes[i];
      }
      expect(rel(expint1(x), s)).toBeLessThan(1e-12);
    }
    expect(q.nodes.length).toBe(200);
  });
  it('continuity at the series / fraction switch, d/dx E1 = -e^{-x}/x, tiny and large x', () => {
    expect(rel(expint1(1 - 1e-12), expint1(1 + 1e-12))).toBeLessThan(1e-11);
    for (const x of [0.3, 1, 2.5, 30]) {
      const h = 1e-5 * x;
      const fd = (expint1(x + h) - expint1(x - h)) / (2 * h);
      expect(rel(fd, -Math.exp(-x) / x)).toBeLessThan(1e-7);
    }
    expect(rel(expint1(1e-300), -0.5772156649015329 + 300 * Math.LN10)).toBeLessThan(1e-15);
    expect(expint1(800)).toBe(0);
    expect(expint1(Number.POSITIVE_INFINITY)).toBe(0);
  });
  it('Ei at positive arguments: Ei(1) and the derivative e^x/x, series/asymptotic switch', () => {
    expect(rel(expintEi(1), 1.8951178163559368)).toBeLessThan(1e-14);
    for (const x of [0.5, 5, 39.9, 41, 60]) {
      const h = 1e-6 * x;
      expect(rel((expintEi(x + h) - expintEi(x - h)) / (2 * h), Math.exp(x) / x)).toBeLessThan(1e-7);
    }
    // series side (x = 40) and asymptotic side (x = 40 + h), first-order corrected
    const h = 1e-7;
    expect(rel(expintEi(40) + h * (Math.exp(40) / 40), expintEi(40 + h))).toBeLessThan(1e-14);
  });
  it('typed errors', () => {
    expect(() => expint1(0)).toThrow(DomainError);
    expect(() => expint1(-1)).toThrow(DomainError);
    expect(() => expintEi(0)).toThrow(DomainError);
    expect(() => expint1(Number.NaN)).toThrow(DomainError);
  });
});

describe('normalInv', () => {
  it('inverts normalCdf to round-off', () => {
    for (const p of [1e-300, 1e-20, 1e-5, 0.01, 0.02425, 0.3, 0.5, 0.7, 0.975, 0.999999]) {
      const z = normalInv(p);
      const back = normalCdf(z);
      expect(Math.abs(back - p) / Math.min(p, 1 - p)).toBeLessThan(1e-13);
    }
    expect(normalInv(0.5)).toBe(0);
    expect(rel(normalInv(0.975), 1.959963984540054)).toBeLessThan(1e-14);
    expect(() => normalInv(0)).toThrow(DomainError);
    expect(() => normalInv(1)).toThrow(DomainError);
  });
});

describe('brentRoot', () => {
  it('finds sqrt 2 and a root of a flat function; rejects a non-bracket', () => {
    expect(Math.abs(brentRoot((x) => x * x - 2, 0, 2) - Math.SQRT2)).toBeLessThan(1e-13);
    expect(Math.abs(brentRoot((x) => Math.cos(x) - x, 0, 1) - 0.7390851332151607)).toBeLessThan(1e-13);
    expect(() => brentRoot((x) => x * x + 1, -1, 1)).toThrow(DomainError);
  });
});
