import { describe, expect, it } from 'vitest';
import { DomainError, NonFiniteError, ParameterError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { gemm } from '../ops/gemm.js';
import { Rng } from '../rng.js';
import { eighInPlace } from './base-eigh.js';
import { eigh, eighRange, eighTop, eigvalsh } from './eigh.js';
import { qr } from './qr.js';
import { diag, gram, mat, matmul, orthError, randn, relErr, symRandn, t } from './test-helpers.js';

function reconstruct(values: Float64Array, vectors: NDArray): NDArray {
  return matmul(matmul(vectors, diag(values)), t(vectors));
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

describe('eigh', () => {
  it('reconstructs a random symmetric 300 x 300 matrix with orthonormal eigenvectors', () => {
    const a = symRandn(300, 11);
    const before = a.data.slice();
    const { values, vectors } = eigh(a);
    expect(relErr(reconstruct(values, vectors), a)).toBeLessThan(1e-10);
    expect(orthError(vectors)).toBeLessThan(1e-10);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    expect(a.data).toEqual(before);
    // values-only path gives the same spectrum
    expect(maxAbsDiff(eigvalsh(a), values)).toBeLessThan(1e-12 * Math.abs(values[299]));
  });

  it('tridiagonal Toeplitz: lambda_k = a + 2 b cos(k pi / (n + 1))', () => {
    const n = 80;
    const [ad, b] = [3, -1.25];
    const rows = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? ad : Math.abs(i - j) === 1 ? b : 0)));
    const values = eigvalsh(mat(rows));
    const expected = Array.from({ length: n }, (_, k) => ad + 2 * b * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((x, y) => x - y);
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-13);
  });

  it('symmetric circulant: eigenvalues are the DFT of the first row', () => {
    const n = 64;
    const c = new Float64Array(n);
    for (let j = 0; j <= n / 2; j++) {
      c[j] = Math.cos(j) / (1 + j);
      c[(n - j) % n] = c[j];
    }
    const a = new NDArray(new Float64Array(n * n), [n, n]);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] = c[(j - i + n) % n];
    const expected = Array.from({ length: n }, (_, k) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += c[j] * Math.cos((2 * Math.PI * j * k) / n);
      return s;
    }).sort((x, y) => x - y);
    const { values, vectors } = eigh(a);
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-13);
    // the spectrum is doubly degenerate, yet the eigenvectors stay orthonormal
    expect(orthError(vectors)).toBeLessThan(1e-12);
    expect(relErr(reconstruct(values, vectors), a)).toBeLessThan(1e-13);
  });

  it('rank-deficient X X^T has n - k zero eigenvalues', () => {
    const [n, k] = [60, 10];
    const a = gram(randn(n, k, 5));
    const { values, vectors } = eigh(a);
    const scale = values[n - 1];
    for (let i = 0; i < n - k; i++) expect(Math.abs(values[i])).toBeLessThan(1e-10 * scale);
    for (let i = n - k; i < n; i++) expect(values[i]).toBeGreaterThan(1e-3 * scale);
    expect(relErr(reconstruct(values, vectors), a)).toBeLessThan(1e-12);
    expect(orthError(vectors)).toBeLessThan(1e-12);
  });

  it('repeated eigenvalues: Q diag(spec) Q^T', () => {
    const spec = [1, 1, 1, 2, 2, -3, 5, 5, 5, 5, 7, 0, 0];
    const n = spec.length;
    const q = qr(randn(n, n, 17)).q;
    const a = matmul(matmul(q, diag(spec)), t(q));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[i * n + j] = a.data[j * n + i];
    const { values, vectors } = eigh(a);
    expect(maxAbsDiff(values, [...spec].sort((x, y) => x - y))).toBeLessThan(1e-13);
    expect(orthError(vectors)).toBeLessThan(1e-13);
    expect(relErr(reconstruct(values, vectors), a)).toBeLessThan(1e-13);
  });

  it('diagonal input gives sorted entries and a signed permutation', () => {
    const d = [4, -1, 2.5, 0, 9];
    const { values, vectors } = eigh(diag(d));
    expect(Array.from(values)).toEqual([-1, 0, 2.5, 4, 9]);
    for (const v of vectors.data) expect([0, 1]).toContain(Math.abs(v));
    expect(relErr(reconstruct(values, vectors), diag(d))).toBe(0);
  });

  it('1x1, 2x2 and 0x0', () => {
    const one = eigh(mat([[-2.5]]));
    expect(Array.from(one.values)).toEqual([-2.5]);
    expect(Math.abs(one.vectors.data[0])).toBe(1);
    const two = eigh(mat([[2, 1], [1, 2]]));
    expect(two.values[0]).toBeCloseTo(1, 15);
    expect(two.values[1]).toBeCloseTo(3, 15);
    expect(Math.abs(two.vectors.get(0, 0) + two.vectors.get(1, 0))).toBeLessThan(1e-15);
    expect(Math.abs(Math.abs(two.vectors.get(0, 0)) - Math.SQRT1_2)).toBeLessThan(1e-15);
    expect(eigh(new NDArray(new Float64Array(0), [0, 0])).values.length).toBe(0);
  });

  it('accepts strided views (a transpose) and tiny asymmetry', () => {
    const a = symRandn(20, 3);
    const view = a.transpose();
    const bumped = a.clone();
    bumped.data[1] += 1e-12;
    expect(maxAbsDiff(eigvalsh(view), eigvalsh(a))).toBe(0);
    expect(maxAbsDiff(eigvalsh(bumped), eigvalsh(a))).toBeLessThan(1e-11);
  });

  it('is scale-invariant at 1e-200 and 1e200', () => {
    const a = symRandn(25, 4);
    const ref = eigvalsh(a);
    for (const f of [1e-200, 1e200]) {
      const { values, vectors } = eigh(new NDArray(a.data.map((v) => v * f), [25, 25]));
      for (let i = 0; i < 25; i++) expect(Math.abs(values[i] / f - ref[i])).toBeLessThan(1e-13 * Math.abs(ref[24]));
      expect(orthError(vectors)).toBeLessThan(1e-13);
    }
  });

  it('throws typed errors naming the argument', () => {
    expect(() => eigh(randn(3, 4, 1))).toThrow(ShapeError);
    expect(() => eigh(randn(3, 4, 1))).toThrow(/^a: expected a square matrix/);
    expect(() => eigh(new NDArray(new Float64Array(4), [4]))).toThrow(ShapeError);
    const nan = symRandn(3, 1);
    nan.data[4] = Number.NaN;
    expect(() => eigh(nan)).toThrow(NonFiniteError);
    expect(() => eigvalsh(nan)).toThrow(/^a: expected finite numbers/);
    expect(() => eigh(mat([[1, 2], [0, 1]]))).toThrow(DomainError);
    expect(() => eigh(mat([[1, 2], [0, 1]]))).toThrow(/^a: expected a symmetric matrix/);
  });
});

describe('eighInPlace', () => {
  it('matches eigh on a raw array and only needs the lower triangle', () => {
    const n = 6;
    const a = symRandn(n, 8);
    const raw = a.data.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) raw[i * n + j] = 99; // upper ignored
    const values = new Float64Array(n);
    const vectors = new Float64Array(n * n);
    expect(eighInPlace(n, raw, values, vectors)).toBe(true);
    const ref = eigh(a);
    expect(maxAbsDiff(values, ref.values)).toBeLessThan(1e-14);
    expect(relErr(reconstruct(values, new NDArray(vectors, [n, n])), a)).toBeLessThan(1e-14);
    const only = new Float64Array(n);
    expect(eighInPlace(n, a.data.slice(), only, null)).toBe(true);
    expect(maxAbsDiff(only, ref.values)).toBeLessThan(1e-14);
  });
});

/** max |V^T V - I| and max |A V - V diag(values)| / max|A|, through the SIMD gemm. */
function quality(a: NDArray, values: Float64Array, vectors: NDArray): { orth: number; res: number } {
  const n = values.length;
  const g = gemm(vectors, vectors, { transA: true });
  let orth = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orth = Math.max(orth, Math.abs(g.data[i * n + j] - (i === j ? 1 : 0)));
  const av = gemm(a, vectors);
  let res = 0;
  let amax = 0;
  for (const v of a.data) amax = Math.max(amax, Math.abs(v));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) res = Math.max(res, Math.abs(av.data[i * n + j] - vectors.data[i * n + j] * values[j]));
  return { orth, res: res / amax };
}

function withSpectrum(spec: number[], seed: number): NDArray {
  const n = spec.length;
  const q = qr(randn(n, n, seed)).q;
  const qd = q.data.slice();
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qd[i * n + j] *= spec[j];
  const a = gemm(new NDArray(qd, [n, n]), q, { transB: true });
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[i * n + j] = a.data[j * n + i];
  return a;
}

describe('eigh at scale (blocked reduction, divide and conquer, compact-WY back-transformation)', () => {
  it('clustered and repeated eigenvalues at n = 400', () => {
    const rng = new Rng(21);
    const spec: number[] = [];
    for (let i = 0; i < 100; i++) spec.push(1);
    for (let i = 0; i < 100; i++) spec.push(2 + 1e-12 * i);
    for (let i = 0; i < 100; i++) spec.push(3 + 1e-8 * i);
    for (let i = 0; i < 100; i++) spec.push(-1 + 6 * rng.uniform());
    const a = withSpectrum(spec, 22);
    const { values, vectors } = eigh(a);
    const sorted = [...spec].sort((x, y) => x - y);
    expect(maxAbsDiff(values, sorted)).toBeLessThan(1e-13 * 5 * Math.sqrt(400));
    const { orth, res } = quality(a, values, vectors);
    expect(orth).toBeLessThan(1e-12);
    expect(res).toBeLessThan(1e-12);
  });

  it('graded matrix: entries from 1e-150 to 1e150 (A_ij = s_i s_j g_ij)', () => {
    const n = 300;
    const g = symRandn(n, 23);
    const s = Array.from({ length: n }, (_, i) => 10 ** (-75 + (150 * i) / (n - 1)));
    const a = new NDArray(new Float64Array(n * n), [n, n]);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] = s[i] * s[j] * g.data[i * n + j];
    const { values, vectors } = eigh(a);
    const { orth, res } = quality(a, values, vectors);
    expect(orth).toBeLessThan(1e-12);
    expect(res).toBeLessThan(1e-12);
    // The dominant eigenvalues agree with the unblocked QL path to 1e-12 relative.
    const ql = new Float64Array(n);
    expect(eighInPlace(n, a.data.slice(), ql, new Float64Array(n * n), 'ql')).toBe(true);
    for (let i = n - 5; i < n; i++) expect(Math.abs(values[i] - ql[i])).toBeLessThan(1e-12 * Math.abs(ql[n - 1]));
  });

  it('orthogonality max|V^T V - I| < 1e-12 and residual at n = 1000 (the issue-8 bound)', () => {
    const n = 1000;
    const x = randn(n, n, 24);
    const a = gemm(x, x, { transB: true });
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[i * n + j] = a.data[j * n + i];
    const { values, vectors } = eigh(a);
    const { orth, res } = quality(a, values, vectors);
    expect(orth).toBeLessThan(1e-12);
    expect(res).toBeLessThan(1e-12);
    const only = eigvalsh(a);
    expect(maxAbsDiff(only, values)).toBeLessThan(1e-12 * values[n - 1]);
  });
});

describe('eighTop (k largest eigenpairs by inverse iteration)', () => {
  function topQuality(a: NDArray, values: Float64Array, vectors: NDArray): { orth: number; res: number } {
    const [n, k] = vectors.shape;
    const g = gemm(vectors, vectors, { transA: true });
    let orth = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) orth = Math.max(orth, Math.abs(g.data[i * k + j] - (i === j ? 1 : 0)));
    const av = gemm(a, vectors);
    let res = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) res = Math.max(res, Math.abs(av.data[i * k + j] - vectors.data[i * k + j] * values[j]));
    return { orth, res: res / Math.abs(values[0]) };
  }

  it('top 10 of a random 300 x 300 Gram matrix: the same pairs as eigh', () => {
    const n = 300;
    const x = randn(n, n, 31);
    const a = gemm(x, x, { transB: true });
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[i * n + j] = a.data[j * n + i];
    const full = eigh(a);
    const { values, vectors } = eighTop(a, 10);
    expect(vectors.shape).toEqual([n, 10]);
    for (let j = 0; j < 10; j++) {
      expect(Math.abs(values[j] - full.values[n - 1 - j])).toBeLessThan(1e-12 * full.values[n - 1]);
      let dot = 0;
      for (let r = 0; r < n; r++) dot += vectors.data[r * 10 + j] * full.vectors.data[r * n + n - 1 - j];
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-10);
    }
    const { orth, res } = topQuality(a, values, vectors);
    expect(orth).toBeLessThan(1e-12);
    expect(res).toBeLessThan(1e-12);
  });

  it('repeated and clustered top eigenvalues stay orthonormal (n = 200, k = 12)', () => {
    const spec: number[] = [];
    for (let i = 0; i < 5; i++) spec.push(7);
    for (let i = 0; i < 5; i++) spec.push(6 + 1e-11 * i);
    for (let i = 0; i < 190; i++) spec.push(-3 + 8 * (i / 190));
    const a = withSpectrum(spec, 32);
    const { values, vectors } = eighTop(a, 12);
    const want = [...spec].sort((x, y) => y - x).slice(0, 12);
    expect(maxAbsDiff(values, want)).toBeLessThan(1e-13 * 7 * 20);
    const { orth, res } = topQuality(a, values, vectors);
    expect(orth).toBeLessThan(1e-12);
    expect(res).toBeLessThan(1e-12);
  });

  it('k = 0, k = n on a small matrix, and typed errors', () => {
    const a = symRandn(7, 33);
    expect(eighTop(a, 0).values.length).toBe(0);
    const all = eighTop(a, 7);
    const ref = eigh(a);
    expect(maxAbsDiff(all.values, Array.from(ref.values).reverse())).toBeLessThan(1e-13 * 10);
    expect(() => eighTop(a, 8)).toThrow(DomainError); // a count out of range: DomainError (docs/errors.md)
    expect(() => eighTop(a, 1.5)).toThrow(/^k: expected an integer in \[0, 7\]/);
  });
});

describe('eighRange', () => {
  it('an index range equals the same slice of eigh, vectors orthonormal and A v = lambda v', () => {
    const n = 200;
    const a = symRandn(n, 5);
    const full = eigh(a);
    const { values, vectors } = eighRange(a, { from: 37, to: 61 });
    expect(values.length).toBe(25);
    for (let j = 0; j < 25; j++) expect(Math.abs(values[j] - full.values[37 + j])).toBeLessThan(1e-12 * Math.abs(full.values[n - 1]));
    expect(orthError(vectors)).toBeLessThan(1e-12);
    const av = matmul(a, vectors);
    let res = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < 25; j++) res = Math.max(res, Math.abs(av.get(i, j) - values[j] * vectors.get(i, j)));
    expect(res).toBeLessThan(1e-11 * Math.abs(full.values[n - 1]));
  });

  it('a value interval (lower, upper] selects exactly the eigenvalues inside it, including a repeated one', () => {
    // Q diag(1, 2, 2, 2, 3, ..., ) Q^T with a random orthogonal Q: the value 2 is triple.
    const n = 60;
    const lam = Array.from({ length: n }, (_, i) => (i >= 1 && i <= 3 ? 2 : i + 1));
    const { q } = qr(randn(n, n, 9));
    const a = matmul(matmul(q, diag(Float64Array.from(lam))), t(q));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.set(a.get(i, j), j, i);
    const sel = eighRange(a, { lower: 1.5, upper: 5.5 });
    expect(Array.from(sel.values, (v) => Math.round(v * 1e9) / 1e9)).toEqual([2, 2, 2, 5]);
    expect(orthError(sel.vectors)).toBeLessThan(1e-11);
    // half-open (lower, upper], on a diagonal matrix whose eigenvalues are exact: 1 excluded, 3 included
    const d3 = diag([1, 2, 3, 4]);
    expect(Array.from(eighRange(d3, { lower: 1, upper: 3 }, { vectors: false }).values, (v) => Math.round(v * 1e12) / 1e12)).toEqual([2, 3]);
    expect(eighRange(a, { lower: 60.5, upper: 100 }).values.length).toBe(0);
  });

  it('graded entries (1e-150 ... 1e150): values match eigvalsh', () => {
    const n = 30;
    const a = symRandn(n, 3);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(a.get(i, j) * 1e150, i, j);
    const all = eigvalsh(a);
    const top = eighRange(a, { from: n - 5, to: n - 1 }, { vectors: false }).values;
    for (let j = 0; j < 5; j++) expect(Math.abs(top[j] - all[n - 5 + j])).toBeLessThan(1e-12 * Math.abs(all[n - 1]));
  });

  it('refuses a bad selection before any work', () => {
    const a = symRandn(10, 1);
    expect(() => eighRange(a, { from: 3, to: 10 })).toThrow(ParameterError);
    expect(() => eighRange(a, { from: -1, to: 2 })).toThrow(/from/);
    expect(() => eighRange(a, { lower: 2, upper: 1 })).toThrow(ParameterError);
    expect(() => eighRange(a, { lower: Number.NaN, upper: 1 })).toThrow(/lower/);
    expect(() => eighRange(new NDArray(new Float64Array(6), [2, 3]), { from: 0, to: 0 })).toThrow(ShapeError);
  });
});
