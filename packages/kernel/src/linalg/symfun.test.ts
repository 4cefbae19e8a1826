import { describe, expect, it } from 'vitest';
import { DomainError, NonFiniteError, NotPositiveDefiniteError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { symPinvInPlace, symSqrtInPlace } from './base-sym.js';
import { eigh } from './eigh.js';
import { expSym, invSqrtPSD, logSym, sqrtPSD, symmetricFunction } from './symfun.js';
import { diag, gram, mat, matmul, randn, relErr, symRandn, t } from './test-helpers.js';

function spd(n: number, seed: number): NDArray {
  const g = gram(randn(n, n + 3, seed));
  for (let i = 0; i < n; i++) g.data[i * n + i] += 0.5;
  return g;
}

describe('symmetric matrix functions', () => {
  it('sqrtPSD(A)^2 = A and the root is symmetric PSD', () => {
    const a = spd(50, 1);
    const s = sqrtPSD(a);
    expect(relErr(matmul(s, s), a)).toBeLessThan(1e-12);
    expect(relErr(t(s), s)).toBe(0);
    expect(eigh(s).values[0]).toBeGreaterThan(0);
  });

  it('sqrtPSD of a singular PSD matrix; invSqrtPSD is the pseudo-inverse root on the range', () => {
    const x = randn(20, 5, 2);
    const a = gram(x);
    const s = sqrtPSD(a);
    expect(relErr(matmul(s, s), a)).toBeLessThan(1e-12);
    const w = invSqrtPSD(a);
    // W A W = projector P onto range(A): P^2 = P, P A = A
    const p = matmul(matmul(w, a), w);
    expect(relErr(matmul(p, p), p)).toBeLessThan(1e-9);
    expect(relErr(matmul(p, a), a)).toBeLessThan(1e-9);
    // and on an SPD matrix W = A^{-1/2}: W A W = I
    const b = spd(10, 3);
    const wb = invSqrtPSD(b);
    expect(relErr(matmul(matmul(wb, b), wb), diag(new Array(10).fill(1)))).toBeLessThan(1e-12);
  });

  it('sqrtPSD tolerates tiny negative eigenvalues and rejects clearly negative ones', () => {
    expect(sqrtPSD(diag([4, 0, -1e-12])).data[0]).toBe(2);
    expect(() => sqrtPSD(diag([4, -1e-6]))).toThrow(NotPositiveDefiniteError);
    expect(() => sqrtPSD(diag([4, -1e-6]))).toThrow(/expected a positive semi-definite/);
    expect(() => invSqrtPSD(diag([1, -1]))).toThrow(NotPositiveDefiniteError);
  });

  it('expSym(logSym(A)) = A and expSym of a diagonal is elementwise exp', () => {
    const a = spd(30, 4);
    expect(relErr(expSym(logSym(a)), a)).toBeLessThan(1e-12);
    const e = expSym(diag([0, 1, -2]));
    expect(relErr(e, diag([1, Math.E, Math.exp(-2)]))).toBeLessThan(1e-15);
    // exp(A + B) = exp(A) exp(B) for commuting A, B (B = A^2)
    const c = symRandn(8, 5);
    const c2 = matmul(c, c);
    const sum = c.clone();
    for (let i = 0; i < 64; i++) sum.data[i] += 0.1 * c2.data[i];
    const scaled = c2.clone();
    for (let i = 0; i < 64; i++) scaled.data[i] *= 0.1;
    expect(relErr(expSym(sum), matmul(expSym(c), expSym(scaled)))).toBeLessThan(1e-12);
  });

  it('logSym throws for a zero or negative eigenvalue', () => {
    expect(() => logSym(diag([1, 0]))).toThrow(NotPositiveDefiniteError);
    expect(() => logSym(diag([1, -2]))).toThrow(/^logSym: expected a to be positive definite/);
  });

  it('symmetricFunction applies f to eigenvalues and checks its output', () => {
    const a = symRandn(12, 6);
    const cube = symmetricFunction(a, (l) => l * l * l);
    expect(relErr(cube, matmul(matmul(a, a), a))).toBeLessThan(1e-13);
    expect(() => symmetricFunction(diag([1, -1]), Math.sqrt)).toThrow(NonFiniteError);
    expect(() => symmetricFunction(mat([[1, 2], [3, 4]]), Math.sqrt)).toThrow(DomainError);
    expect(() => symmetricFunction(randn(2, 3, 1), Math.sqrt)).toThrow(ShapeError);
  });
});

describe('raw symmetric kernels', () => {
  it('symPinvInPlace and symSqrtInPlace on raw arrays', () => {
    const n = 6;
    const a = gram(randn(n, 3, 7)); // rank 3
    const out = new Float64Array(n * n);
    expect(symPinvInPlace(n, a.data.slice(), out)).toBe(true);
    const x = new NDArray(out, [n, n]);
    expect(relErr(matmul(matmul(a, x), a), a)).toBeLessThan(1e-11);
    expect(relErr(matmul(matmul(x, a), x), x)).toBeLessThan(1e-11);
    const root = new Float64Array(n * n);
    const values = new Float64Array(n);
    expect(symSqrtInPlace(n, a.data.slice(), root, values)).toBe(true);
    const r = new NDArray(root, [n, n]);
    expect(relErr(matmul(r, r), a)).toBeLessThan(1e-12);
    expect(Math.abs(values[0])).toBeLessThan(1e-12 * values[n - 1]);
  });
});
