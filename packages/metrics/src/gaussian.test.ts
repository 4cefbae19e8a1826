import { DomainError, NDArray, NotPositiveDefiniteError, Rng, ShapeError, eigh } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { gaussianKL, gaussianW2 } from './gaussian.js';

const mat = (rows: number[][]) => new NDArray(Float64Array.from(rows.flat()), [rows.length, rows[0].length]);

/** Q diag(lam) Q^T with Q a fixed random orthogonal matrix. */
function rotated(Q: Float64Array, lam: number[]): NDArray {
  const d = lam.length;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) out[i * d + j] += Q[i * d + k] * lam[k] * Q[j * d + k];
  return new NDArray(out, [d, d]);
}

const d = 4;
const rng = new Rng(5);
const G = rng.normals(d * d);
const Q = eigh(new NDArray(Float64Array.from({ length: d * d }, (_, k) => G[k] + G[(k % d) * d + Math.floor(k / d)]), [d, d])).vectors.contiguous().data;

describe('gaussianKL', () => {
  it('is 0 for identical Gaussians', () => {
    const C = rotated(Q, [0.5, 1, 2, 3]);
    expect(gaussianKL([1, 2, 3, 4], C, [1, 2, 3, 4], C)).toBeLessThan(1e-13);
  });
  it('1-D closed form log(s1/s0) + (s0^2 + (m0 - m1)^2) / (2 s1^2) - 1/2', () => {
    const kl = gaussianKL([0.3], mat([[0.49]]), [-1], mat([[2.25]]));
    expect(kl).toBeCloseTo(Math.log(1.5 / 0.7) + (0.49 + 1.3 ** 2) / (2 * 2.25) - 0.5, 13);
  });
  it('commuting covariances: sum of the 1-D KLs in the common eigenbasis (rotation invariance)', () => {
    const l0 = [0.5, 1, 2, 3];
    const l1 = [1, 0.25, 2.5, 1];
    const kl = gaussianKL(new Float64Array(d), rotated(Q, l0), new Float64Array(d), rotated(Q, l1));
    const want = l0.reduce((s, a, i) => s + 0.5 * (a / l1[i] - 1 + Math.log(l1[i] / a)), 0);
    expect(kl).toBeCloseTo(want, 12);
  });
  it('typed errors', () => {
    const I = mat([[1, 0], [0, 1]]);
    expect(() => gaussianKL([0, 0], I, [0, 0], mat([[1, 2], [2, 1]]))).toThrow(NotPositiveDefiniteError);
    expect(() => gaussianKL([0, 0], I, [0, 0], mat([[1, 2], [2, 1]]))).toThrow(/C1/);
    expect(() => gaussianKL([0, 0], mat([[1, 0], [0, 0]]), [0, 0], I)).toThrow(/C0/);
    expect(() => gaussianKL([0, 0], I, [0, 0, 0], I)).toThrow(ShapeError);
    expect(() => gaussianKL([0, 0], I, [0, 0], mat([[1, 0.5], [0, 1]]))).toThrow(DomainError);
  });
});

describe('gaussianW2', () => {
  it('1-D closed form (m0 - m1)^2 + (s0 - s1)^2', () => {
    const r = gaussianW2([1], mat([[4]]), [-0.5], mat([[0.25]]));
    expect(r.w2Squared).toBeCloseTo(1.5 ** 2 + 1.5 ** 2, 13);
    expect(r.w2).toBeCloseTo(Math.sqrt(4.5), 13);
  });
  it('commuting covariances: ||m0 - m1||^2 + ||sqrt C0 - sqrt C1||_F^2; identical Gaussians give 0', () => {
    const l0 = [0.5, 1, 2, 3];
    const l1 = [1, 0.25, 2.5, 0];
    const m0 = [0, 1, 0, 0];
    const m1 = [0.5, 1, 0, -1];
    const r = gaussianW2(m0, rotated(Q, l0), m1, rotated(Q, l1));
    const want = 0.25 + 1 + l0.reduce((s, a, i) => s + (Math.sqrt(a) - Math.sqrt(l1[i])) ** 2, 0);
    expect(r.w2Squared).toBeCloseTo(want, 11);
    expect(gaussianW2(m0, rotated(Q, l0), m0, rotated(Q, l0)).w2Squared).toBeLessThan(1e-12);
  });
  it('non-commuting covariances: symmetric in its arguments and a metric (triangle inequality)', () => {
    const A = mat([[2, 0.5, 0, 0], [0.5, 1, 0.2, 0], [0, 0.2, 0.7, 0.1], [0, 0, 0.1, 0.3]]);
    const B = rotated(Q, [0.5, 1, 2, 3]);
    const C = rotated(Q, [1, 1, 1, 0.1]);
    const z = new Float64Array(d);
    const ab = gaussianW2(z, A, z, B).w2;
    const ba = gaussianW2(z, B, z, A).w2;
    expect(ab).toBeCloseTo(ba, 11);
    expect(ab).toBeLessThanOrEqual(gaussianW2(z, A, z, C).w2 + gaussianW2(z, C, z, B).w2 + 1e-12);
    // zero covariance: W2^2 = ||dm||^2 + tr C1
    const Z = new NDArray(new Float64Array(d * d), [d, d]);
    expect(gaussianW2([1, 0, 0, 0], Z, z, A).w2Squared).toBeCloseTo(1 + 4, 12);
  });
  it('typed errors', () => {
    const I = mat([[1, 0], [0, 1]]);
    expect(() => gaussianW2([0, 0], mat([[1, 2], [2, 1]]), [0, 0], I)).toThrow(NotPositiveDefiniteError);
    expect(() => gaussianW2([0, 0], mat([[1, 2], [2, 1]]), [0, 0], I)).toThrow(/C0/);
    expect(() => gaussianW2([0, 0], I, [0, 0], mat([[1]]))).toThrow(ShapeError);
  });
});
