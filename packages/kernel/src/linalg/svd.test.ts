import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { eigvalsh } from './eigh.js';
import { qr } from './qr.js';
import { svd, svdvals } from './svd.js';
import { diag, mat, matmul, orthError, randn, relErr, t, usv } from './test-helpers.js';

function checkSvd(a: NDArray, tol = 1e-10): ReturnType<typeof svd> {
  const r = svd(a);
  const [m, n] = a.shape;
  const k = Math.min(m, n);
  expect(r.u.shape).toEqual([m, k]);
  expect(r.vt.shape).toEqual([k, n]);
  expect(r.s.length).toBe(k);
  for (let i = 1; i < k; i++) expect(r.s[i]).toBeLessThanOrEqual(r.s[i - 1]);
  for (const v of r.s) expect(v).toBeGreaterThanOrEqual(0);
  expect(relErr(usv(r.u, r.s, r.vt), a)).toBeLessThan(tol);
  expect(orthError(r.u)).toBeLessThan(tol);
  expect(orthError(t(r.vt))).toBeLessThan(tol);
  return r;
}

describe('svd', () => {
  it('reconstructs a random 300 x 300 matrix with orthonormal factors', () => {
    const a = randn(300, 300, 21);
    const before = a.data.slice();
    checkSvd(a);
    expect(a.data).toEqual(before);
  });

  it('tall and wide matrices', () => {
    checkSvd(randn(120, 45, 2));
    checkSvd(randn(45, 120, 3));
    checkSvd(randn(1, 7, 4));
    checkSvd(randn(7, 1, 5));
  });

  it('singular values equal sqrt(eig(A^T A)) for a well-conditioned matrix', () => {
    const a = randn(80, 30, 6);
    const { s } = svd(a);
    const lam = eigvalsh(matmul(t(a), a));
    for (let i = 0; i < 30; i++) expect(Math.abs(s[i] - Math.sqrt(lam[29 - i]))).toBeLessThan(1e-12 * s[0]);
  });

  it('known singular values, including a graded (ill-conditioned) spectrum', () => {
    const sv = [1e3, 10, 1, 1e-3, 1e-6, 1e-9];
    const u = qr(randn(9, 6, 7)).q;
    const v = qr(randn(6, 6, 8)).q;
    const a = matmul(matmul(u, diag(sv)), t(v));
    const r = checkSvd(a, 1e-12);
    // one-sided Jacobi gives small singular values to about eps * s_max absolute accuracy
    for (let i = 0; i < 6; i++) expect(Math.abs(r.s[i] - sv[i])).toBeLessThan(1e-12 * sv[0]);
  });

  it('rank-deficient matrices get zero singular values and an orthonormal completion', () => {
    const x = matmul(randn(50, 4, 9), randn(4, 30, 10));
    const r = checkSvd(x);
    for (let i = 4; i < 30; i++) expect(r.s[i]).toBeLessThan(1e-12 * r.s[0]);
    expect(r.s[3]).toBeGreaterThan(1e-3 * r.s[0]);
    // exact zeros: zero matrix and a matrix with zero columns
    const z = checkSvd(new NDArray(new Float64Array(12), [4, 3]));
    expect(Array.from(z.s)).toEqual([0, 0, 0]);
    const cols = checkSvd(mat([[1, 0, 0], [2, 0, 0], [0, 0, 0], [0, 0, 0]]));
    expect(cols.s[0]).toBeCloseTo(Math.sqrt(5), 14);
    expect(cols.s[1]).toBe(0);
  });

  it('is scale-invariant down to 1e-200 and up to 1e200 (no Gram under/overflow)', () => {
    const a = randn(30, 20, 31);
    const ref = svd(a).s;
    for (const f of [1e-200, 1e200]) {
      const scaled = new NDArray(a.data.map((v) => v * f), [30, 20]);
      const r = svd(scaled);
      for (let i = 0; i < 20; i++) expect(Math.abs(r.s[i] / f - ref[i])).toBeLessThan(1e-13 * ref[0]);
      expect(orthError(r.u)).toBeLessThan(1e-12);
    }
  });

  it('throws typed errors naming the argument', () => {
    expect(() => svd(new NDArray(new Float64Array(3), [3]))).toThrow(ShapeError);
    expect(() => svd(new NDArray(new Float64Array(3), [3]))).toThrow(/^a: expected a 2-D matrix/);
    const bad = randn(3, 2, 1);
    bad.data[5] = Number.POSITIVE_INFINITY;
    expect(() => svd(bad)).toThrow(NonFiniteError);
    expect(() => svd(bad)).toThrow(/^a: /);
  });
});

describe('qr', () => {
  it('thin Householder QR of tall and wide matrices', () => {
    for (const [m, n] of [
      [40, 15],
      [15, 40],
      [12, 12],
    ]) {
      const a = randn(m, n, m * 100 + n);
      const { q, r } = qr(a);
      const k = Math.min(m, n);
      expect(q.shape).toEqual([m, k]);
      expect(r.shape).toEqual([k, n]);
      expect(relErr(matmul(q, r), a)).toBeLessThan(1e-13);
      expect(orthError(q)).toBeLessThan(1e-13);
      for (let i = 0; i < k; i++) for (let j = 0; j < Math.min(i, n); j++) expect(r.get(i, j)).toBe(0);
    }
  });
});

describe('svdvals', () => {
  /** U diag(s) V^T with Haar-ish orthonormal U (m x k), V (n x k) from QR of Gaussian matrices. */
  function withSpectrum(m: number, n: number, s: number[], seed: number): NDArray {
    const k = s.length;
    const u = qr(randn(m, k, seed)).q;
    const v = qr(randn(n, k, seed + 1)).q;
    return usv(u, Float64Array.from(s), t(v));
  }

  it('equals svd().s on random tall and wide matrices (well conditioned: the Gram path only)', () => {
    for (const [m, n, seed] of [[300, 200, 1], [150, 400, 2]] as const) {
      const a = randn(m, n, seed);
      const ref = svd(a).s;
      const s = svdvals(a);
      expect(s.length).toBe(Math.min(m, n));
      for (let j = 0; j < s.length; j++) expect(Math.abs(s[j] - ref[j])).toBeLessThan(1e-13 * ref[0]);
    }
  });

  it('graded spectrum 1 ... 1e-14: every value to 1e-14 absolute, where sqrt(eig(A^T A)) is off by up to ~1e-8', () => {
    const n = 40;
    const spec = Array.from({ length: n }, (_, j) => 10 ** (-14 * (j / (n - 1))));
    const a = withSpectrum(120, n, spec, 7);
    const s = svdvals(a);
    let err = 0;
    for (let j = 0; j < n; j++) err = Math.max(err, Math.abs(s[j] - spec[j]));
    expect(err).toBeLessThan(1e-14);
    // the naive values-only route this function exists to avoid
    const g = matmul(t(a), a);
    const naive = Array.from(eigvalsh(g), (x) => Math.sqrt(Math.max(x, 0))).reverse();
    let naiveErr = 0;
    for (let j = 0; j < n; j++) naiveErr = Math.max(naiveErr, Math.abs(naive[j] - spec[j]));
    expect(naiveErr).toBeGreaterThan(1e-10);
  });

  it('rank-deficient: the zero singular values come out at rounding level; scale-invariant at 1e-150 and 1e150', () => {
    const spec = [3, 2, 1, 0.5, 0, 0, 0];
    const a = withSpectrum(50, 7, spec, 3);
    for (const c of [1, 1e-150, 1e150]) {
      const x = new NDArray(a.data.map((v) => v * c), [50, 7]);
      const s = svdvals(x);
      for (let j = 0; j < 7; j++) expect(Math.abs(s[j] / c - spec[j])).toBeLessThan(1e-14 * 3);
    }
    expect(Array.from(svdvals(new NDArray(new Float64Array(12), [3, 4])))).toEqual([0, 0, 0]);
  });

  it('refuses non-finite input', () => {
    const a = randn(4, 3, 1);
    a.data[5] = Number.NaN;
    expect(() => svdvals(a)).toThrow(NonFiniteError);
    expect(() => svdvals(new NDArray(new Float64Array(8), [2, 2, 2]))).toThrow(ShapeError);
  });
});
