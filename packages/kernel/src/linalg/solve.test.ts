import { describe, expect, it } from 'vitest';
import { DomainError, NonFiniteError, NotPositiveDefiniteError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { choleskyInPlace } from './base-dense.js';
import { cholesky } from './cholesky.js';
import { logdet, slogdet } from './det.js';
import { eigvalsh } from './eigh.js';
import { pinv } from './pinv.js';
import { inv, lu, solve, solveSPD, solveTriangular } from './solve.js';
import { fro, gram, mat, matmul, randn, relErr, sub, t } from './test-helpers.js';

function spd(n: number, seed: number): NDArray {
  const g = gram(randn(n, n + 5, seed));
  for (let i = 0; i < n; i++) g.data[i * n + i] += 1;
  return g;
}

function eye(n: number): NDArray {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return new NDArray(out, [n, n]);
}

describe('cholesky', () => {
  it('L is lower triangular with positive diagonal and L L^T = A', () => {
    const a = spd(60, 1);
    const l = cholesky(a);
    for (let i = 0; i < 60; i++) {
      expect(l.get(i, i)).toBeGreaterThan(0);
      for (let j = i + 1; j < 60; j++) expect(l.get(i, j)).toBe(0);
    }
    expect(relErr(matmul(l, t(l)), a)).toBeLessThan(1e-14);
  });

  it('throws NotPositiveDefiniteError naming the argument and the failing pivot', () => {
    const a = mat([
      [4, 2, 0],
      [2, 1, 0],
      [0, 0, 1],
    ]);
    expect(() => cholesky(a)).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky(a)).toThrow(/^a: .*pivot 1 is 0/);
    expect(() => cholesky(mat([[-1]]))).toThrow(/pivot 0 is -1/);
    expect(() => cholesky(mat([[1, 2], [3, 4]]))).toThrow(DomainError);
    expect(() => cholesky(randn(2, 3, 1))).toThrow(ShapeError);
  });

  it('choleskyInPlace reports the pivot index on raw arrays', () => {
    const raw = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, -2]);
    expect(choleskyInPlace(3, raw)).toBe(2);
    const ok = Float64Array.from([4, 99, 2, 5]);
    expect(choleskyInPlace(2, ok)).toBe(-1);
    expect(Array.from(ok)).toEqual([2, 0, 1, 2]);
  });
});

describe('solve family', () => {
  it('solve: residual of A x = b for vector and matrix right-hand sides', () => {
    const a = randn(80, 80, 2);
    const b = new NDArray(randn(80, 1, 3).data, [80]);
    const x = solve(a, b);
    expect(x.shape).toEqual([80]);
    const r = sub(matmul(a, x.reshape(80, 1)), b.reshape(80, 1));
    expect(fro(r) / (fro(a) * fro(x))).toBeLessThan(1e-14);
    const bm = randn(80, 3, 4);
    const xm = solve(a, bm);
    expect(xm.shape).toEqual([80, 3]);
    expect(fro(sub(matmul(a, xm), bm)) / (fro(a) * fro(xm))).toBeLessThan(1e-14);
  });

  it('solve rejects singular and mismatched input', () => {
    expect(() => solve(mat([[1, 2], [2, 4]]), new NDArray(Float64Array.from([1, 1]), [2]))).toThrow(DomainError);
    expect(() => solve(mat([[1, 2], [2, 4]]), new NDArray(Float64Array.from([1, 1]), [2]))).toThrow(/^a: expected a non-singular/);
    expect(() => solve(randn(3, 3, 1), new NDArray(new Float64Array(4), [4]))).toThrow(/^b: expected shape \[3\]/);
    const nb = new NDArray(Float64Array.from([1, Number.NaN, 0]), [3]);
    expect(() => solve(randn(3, 3, 1), nb)).toThrow(NonFiniteError);
    expect(() => solve(randn(3, 3, 1), nb)).toThrow(/^b: /);
  });

  it('solveSPD matches solve and rejects indefinite matrices', () => {
    const a = spd(40, 5);
    const b = randn(40, 2, 6);
    expect(relErr(solveSPD(a, b), solve(a, b))).toBeLessThan(1e-12);
    expect(() => solveSPD(mat([[1, 2], [2, 1]]), new NDArray(new Float64Array(2), [2]))).toThrow(NotPositiveDefiniteError);
  });

  it('solveTriangular in all four orientations', () => {
    const a = spd(30, 7);
    const l = cholesky(a);
    const u = t(l);
    const b = randn(30, 4, 8);
    const cases: Array<[NDArray, boolean, boolean, NDArray]> = [
      [l, true, false, l],
      [l, true, true, u],
      [u, false, false, u],
      [u, false, true, l],
    ];
    for (const [tri, lower, transpose, effective] of cases) {
      const x = solveTriangular(tri, b, { lower, transpose });
      expect(relErr(matmul(effective, x), b)).toBeLessThan(1e-13);
    }
    // the other triangle is ignored
    const full = a;
    const xl = solveTriangular(l, b);
    const lower = cholesky(full);
    expect(relErr(solveTriangular(lower, b), xl)).toBe(0);
    const bv = new NDArray(Float64Array.from([2, 4]), [2]);
    expect(Array.from(solveTriangular(mat([[2, 0], [1, 1]]), bv).data)).toEqual([1, 3]);
    expect(Array.from(solveTriangular(mat([[2, 5], [1, 1]]), bv, { lower: false }).data)).toEqual([-9, 4]);
    expect(() => solveTriangular(mat([[1, 0], [1, 0]]), new NDArray(new Float64Array(2), [2]))).toThrow(/^t: .*t\[1\]\[1\] = 0/);
  });

  it('inv gives A A^-1 = I, lu gives P A = L U', () => {
    const a = randn(50, 50, 9);
    expect(fro(sub(matmul(a, inv(a)), eye(50)))).toBeLessThan(1e-11);
    const { l, u, perm, sign } = lu(a);
    const pa = new NDArray(new Float64Array(2500), [50, 50]);
    for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) pa.data[i * 50 + j] = a.data[perm[i] * 50 + j];
    expect(relErr(matmul(l, u), pa)).toBeLessThan(1e-14);
    for (let i = 0; i < 50; i++) {
      expect(l.get(i, i)).toBe(1);
      for (let j = 0; j < i; j++) expect(u.get(i, j)).toBe(0);
    }
    expect(Math.abs(sign)).toBe(1);
    // singular input still factors: one zero pivot in u
    const sing = lu(mat([[1, 2], [2, 4]]));
    expect(relErr(matmul(sing.l, sing.u), mat([[2, 4], [1, 2]]))).toBe(0);
    expect(sing.u.get(1, 1)).toBe(0);
    expect(() => inv(mat([[1, 2], [2, 4]]))).toThrow(DomainError);
    expect(slogdet(a).sign).toBe(sign * Math.sign(u.data.filter((_, k) => k % 51 === 0).reduce((p, v) => p * Math.sign(v), 1)));
  });
});

describe('determinants', () => {
  it('logdet equals the sum of log eigenvalues; slogdet agrees with it and with known values', () => {
    const a = spd(40, 11);
    const lam = eigvalsh(a);
    const ref = lam.reduce((s, v) => s + Math.log(v), 0);
    expect(Math.abs(logdet(a) - ref)).toBeLessThan(1e-11 * Math.abs(ref) + 1e-11);
    const sl = slogdet(a);
    expect(sl.sign).toBe(1);
    expect(Math.abs(sl.logAbsDet - ref)).toBeLessThan(1e-11 * Math.abs(ref) + 1e-11);
    expect(slogdet(mat([[0, 1], [1, 0]]))).toEqual({ sign: -1, logAbsDet: 0 });
    const d = slogdet(mat([[2, 0, 0], [0, -3, 0], [0, 0, 0.5]]));
    expect(d.sign).toBe(-1);
    expect(d.logAbsDet).toBeCloseTo(Math.log(3), 15);
    expect(slogdet(mat([[1, 2], [2, 4]]))).toEqual({ sign: 0, logAbsDet: Number.NEGATIVE_INFINITY });
    expect(() => logdet(mat([[1, 2], [2, 1]]))).toThrow(NotPositiveDefiniteError);
  });
});

describe('pinv', () => {
  function penrose(a: NDArray, x: NDArray, tol: number): void {
    const axa = matmul(matmul(a, x), a);
    const xax = matmul(matmul(x, a), x);
    const ax = matmul(a, x);
    const xa = matmul(x, a);
    expect(relErr(axa, a)).toBeLessThan(tol);
    expect(relErr(xax, x)).toBeLessThan(tol);
    expect(relErr(t(ax), ax)).toBeLessThan(tol);
    expect(relErr(t(xa), xa)).toBeLessThan(tol);
  }

  it('satisfies the four Penrose conditions for full-rank and rank-deficient input', () => {
    const tall = randn(40, 12, 12);
    const x = pinv(tall);
    expect(x.shape).toEqual([12, 40]);
    penrose(tall, x, 1e-12);
    const lowRank = matmul(randn(30, 3, 13), randn(3, 20, 14));
    penrose(lowRank, pinv(lowRank), 1e-10);
    penrose(t(lowRank), pinv(t(lowRank)), 1e-10);
    // invertible: pinv = inv
    const sq = randn(15, 15, 15);
    expect(relErr(pinv(sq), inv(sq))).toBeLessThan(1e-11);
  });

  it('rcond cuts small singular values; bad rcond is a DomainError', () => {
    const a = mat([
      [1, 0],
      [0, 1e-9],
    ]);
    expect(pinv(a).get(1, 1)).toBeCloseTo(1e9, 3);
    expect(pinv(a, { rcond: 1e-6 }).get(1, 1)).toBe(0);
    expect(() => pinv(a, { rcond: -1 })).toThrow(/^rcond: /);
  });
});
