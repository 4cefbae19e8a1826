import { describe, expect, it } from 'vitest';
import { NDArray } from '../ndarray.js';
import { dgemm, dgemmInWasm, dgemmLowerInWasm, lastGemmThreadCount } from '../ops/dgemm.js';
import { gemmThreads, setGemmThreads, startGemmThreads } from '../ops/gemm-threads.js';
import { loadWasm, releaseWasm, reserveWasm } from '../ops/wasm-gemm-state.js';
import { Rng } from '../rng.js';
import { eigh, eigvalsh } from './eigh.js';
import { svd } from './svd.js';

const rng = new Rng(20261205);

function gram(n: number): NDArray {
  const G = rng.normals(n * n);
  const A = new Float64Array(n * n);
  dgemm(false, true, n, n, n, 1 / n, G, n, G, n, 0, A, n);
  return new NDArray(A, [n, n]);
}

async function withThreads<T>(t: number, f: () => T): Promise<T> {
  const before = gemmThreads();
  setGemmThreads(t);
  try {
    if (t > 1) expect(await startGemmThreads(20_000)).toBe(t - 1);
    return f();
  } finally {
    setGemmThreads(before);
  }
}

describe('dgemmLowerInWasm (the reduction\'s in-place lower-triangle update)', () => {
  it('adds the lower triangle of A^T B into C in place, leaves the upper triangle beyond the diagonal strips unchanged, and is bit-identical for 1, 2 and 3 threads', async () => {
    const [m, k, ld] = [701, 32, 709];
    const A = rng.normals(k * ld);
    const B = rng.normals(k * ld);
    const C0 = rng.normals((m + 3) * ld);
    const want = C0.slice();
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[p * ld + i] * B[p * ld + j];
        want[i * ld + j] += s;
      }
    }
    const results: Float64Array[] = [];
    for (const t of [1, 2, 3]) {
      const got = await withThreads(t, () => {
        const w = reserveWasm(A.length + B.length + C0.length, 1 << 20);
        expect(w).not.toBeNull();
        try {
          const f = (loadWasm() as { f64: Float64Array }).f64;
          f.set(C0, 0);
          f.set(A, C0.length);
          f.set(B, C0.length + A.length);
          expect(dgemmLowerInWasm(k, m, C0.length, ld, C0.length + A.length, ld, 0, ld)).toBe(true);
          expect(lastGemmThreadCount()).toBe(t);
          return (loadWasm() as { f64: Float64Array }).f64.slice(0, C0.length);
        } finally {
          releaseWasm();
        }
      });
      results.push(got);
    }
    let err = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) err = Math.max(err, Math.abs(results[0][i * ld + j] - want[i * ld + j]));
    expect(err).toBeLessThan(1e-12);
    // the upper triangle beyond the row's 32-row diagonal strip (+ 3 of tile padding) and the rows
    // beyond m are untouched (inside the strip the product is computed whole: scratch for the caller)
    for (let i = 0; i < m + 3; i++) {
      const from = i < m ? (Math.floor(i / 32) + 1) * 32 + 3 : 0;
      for (let j = from; j < ld; j++) expect(results[0][i * ld + j]).toBe(C0[i * ld + j]);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('dgemmInWasm adds op(A) op(B) into C in place, leaves the 4 x 4 tile padding unchanged, and is bit-identical for 1, 2 and 3 threads', async () => {
    const [m, n, k, ldc] = [301, 203, 97, 211];
    const A = rng.normals(k * m); // op(A) = A^T
    const B = rng.normals(k * n);
    const C0 = rng.normals((m + 3) * ldc);
    const want = C0.slice();
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[p * m + i] * B[p * n + j];
        want[i * ldc + j] += s;
      }
    }
    const results: Float64Array[] = [];
    for (const t of [1, 2, 3]) {
      const got = await withThreads(t, () => {
        const total = A.length + B.length + C0.length;
        const w = reserveWasm(total, 1 << 20);
        expect(w).not.toBeNull();
        try {
          const f = (loadWasm() as { f64: Float64Array }).f64;
          f.set(A, 0);
          f.set(B, A.length);
          f.set(C0, A.length + B.length);
          expect(dgemmInWasm(true, false, m, n, k, 0, m, A.length, n, A.length + B.length, ldc)).toBe(true);
          expect(lastGemmThreadCount()).toBe(t);
          const g = (loadWasm() as { f64: Float64Array }).f64;
          return g.slice(A.length + B.length, A.length + B.length + C0.length);
        } finally {
          releaseWasm();
        }
      });
      results.push(got);
    }
    let err = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) err = Math.max(err, Math.abs(results[0][i * ldc + j] - want[i * ldc + j]));
    expect(err).toBeLessThan(1e-12);
    // everything outside the m x n block (the padding columns n..ldc and rows m..m+2) is untouched
    for (let i = 0; i < m + 3; i++) {
      for (let j = 0; j < ldc; j++) if (i >= m || j >= n) expect(results[0][i * ldc + j]).toBe(C0[i * ldc + j]);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('refuses a second reservation while one is held', () => {
    expect(reserveWasm(100, 100)).not.toBeNull();
    try {
      expect(reserveWasm(100, 100)).toBeNull();
    } finally {
      releaseWasm();
    }
  });
});

describe('eigensolver and SVD: bit-identical for any gemm thread count', () => {
  it('eigh, eigvalsh (n = 600, threaded trailing updates and back-transformation) and svd (600 x 500) with 1 and 3 threads', async () => {
    const a = gram(600);
    const x = new NDArray(rng.normals(600 * 500), [600, 500]);
    const run = () => ({ e: eigh(a), v: eigvalsh(a), s: svd(x) });
    const one = await withThreads(1, run);
    const three = await withThreads(3, run);
    expect(three.e.values).toEqual(one.e.values);
    expect(three.e.vectors.data).toEqual(one.e.vectors.data);
    expect(three.v).toEqual(one.v);
    expect(three.s.s).toEqual(one.s.s);
    expect(three.s.u.data).toEqual(one.s.u.data);
    expect(three.s.vt.data).toEqual(one.s.vt.data);
  }, 60_000);
});
