import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../errors.js';
import { NDArray, fromNested } from '../ndarray.js';
import { Rng } from '../rng.js';
import { dgemm, lastGemmThreadCount, setGemmPath, wasmGemmAvailable, wasmGemmFma } from './dgemm.js';
import { gemmThreads, hardwareCores, setGemmThreads, startGemmThreads } from './gemm-threads.js';
import { dgemv } from './dgemv.js';
import { gemm, gemv, matmul, outer, transposeCopy } from './gemm.js';

/** Reference: the naive triple loop. */
function naive(tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number, beta: number, C: Float64Array, ldc: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? A[p * lda + i] : A[i * lda + p]) * (tB ? B[j * ldb + p] : B[p * ldb + j]);
      C[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * C[i * ldc + j]);
    }
  }
}

/** max |x - y| / max |y| (relative to the result's scale). */
function relErr(x: Float64Array, y: Float64Array): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    e = Math.max(e, Math.abs(x[i] - y[i]));
    s = Math.max(s, Math.abs(y[i]));
  }
  return s === 0 ? e : e / s;
}

const rng = new Rng(20261123);
const SIZES: Array<[number, number, number]> = [
  [1, 1, 1], [7, 1, 33], [1, 33, 7], [33, 7, 129], [7, 129, 33], [129, 33, 257], [257, 129, 7], [33, 257, 129], [129, 257, 257], [257, 257, 33],
  // thin shapes (n <= 4 or k <= 4 with m >= 16: the packed thin path under 'auto')
  [65, 1, 100], [65, 2, 100], [40, 3, 7], [33, 4, 50], [65, 100, 1], [65, 100, 2], [40, 7, 3], [33, 50, 4], [20, 2, 2],
];
const TRANS: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];

describe('dgemm vs the naive triple loop (1e-12 relative)', () => {
  for (const path of ['auto', 'js', 'wasm'] as const) {
    it(`path ${path}: all transpose combinations, odd sizes, alpha/beta`, () => {
      if (path === 'wasm') expect(wasmGemmAvailable()).toBe(true);
      setGemmPath(path);
      try {
        for (const [tA, tB] of TRANS) {
          for (const [m, n, k] of SIZES) {
            const A = rng.normals(m * k);
            const B = rng.normals(k * n);
            const C0 = rng.normals(m * n);
            for (const [alpha, beta] of [[1, 0], [-0.7, 1.3]]) {
              const got = C0.slice();
              const want = C0.slice();
              dgemm(tA, tB, m, n, k, alpha, A, tA ? m : k, B, tB ? k : n, beta, got, n);
              naive(tA, tB, m, n, k, alpha, A, tA ? m : k, B, tB ? k : n, beta, want, n);
              expect(relErr(got, want), `${path} tA=${tA} tB=${tB} ${m}x${n}x${k} a=${alpha} b=${beta}`).toBeLessThan(1e-12);
            }
          }
        }
      } finally {
        setGemmPath('auto');
      }
    });
  }

  it('worker threads (C split by row blocks) give the same results', async () => {
    const before = gemmThreads();
    setGemmThreads(3);
    try {
      const ready = await startGemmThreads(20_000);
      expect(ready).toBe(2);
      for (const [tA, tB] of TRANS) {
        const [m, n, k] = [257, 129, 131];
        const A = rng.normals(m * k);
        const B = rng.normals(k * n);
        const got = rng.normals(m * n);
        const want = got.slice();
        dgemm(tA, tB, m, n, k, 1.1, A, tA ? m : k, B, tB ? k : n, 0.3, got, n);
        expect(lastGemmThreadCount()).toBe(3);
        naive(tA, tB, m, n, k, 1.1, A, tA ? m : k, B, tB ? k : n, 0.3, want, n);
        expect(relErr(got, want), `threaded tA=${tA} tB=${tB}`).toBeLessThan(1e-12);
      }
    } finally {
      setGemmThreads(before);
    }
  });

  it('is bit-identical for 1, 2 and 3 threads', async () => {
    const before = gemmThreads();
    try {
      const [m, n, k] = [301, 203, 257];
      const A = rng.normals(m * k);
      const B = rng.normals(k * n);
      const C0 = rng.normals(m * n);
      const results: Float64Array[] = [];
      for (const t of [1, 2, 3]) {
        setGemmThreads(t);
        if (t > 1) expect(await startGemmThreads(20_000)).toBe(t - 1);
        for (const [tA, tB] of TRANS) {
          const got = C0.slice();
          dgemm(tA, tB, m, n, k, 0.7, A, tA ? m : k, B, tB ? k : n, 0.3, got, n);
          expect(lastGemmThreadCount()).toBe(t);
          results.push(got);
        }
      }
      const per = TRANS.length;
      for (let t = 1; t < 3; t++) for (let i = 0; i < per; i++) expect(results[t * per + i]).toEqual(results[i]);
    } finally {
      setGemmThreads(before);
    }
  });

  it('defaults to min(4, cores) threads (os.availableParallelism) unless overridden', () => {
    const cores = hardwareCores();
    expect(cores).toBeGreaterThanOrEqual(1);
    // Node 20 has no navigator.hardwareConcurrency: the count must come from node:os
    expect(cores).toBe(availableParallelism());
    if (process.env.DIFFUSION_THEORY_GEMM_THREADS === undefined) {
      const before = gemmThreads();
      expect(before).toBe(Math.min(4, cores));
    }
  });

  it('honours leading dimensions larger than the row length', () => {
    const [m, n, k, lda, ldb, ldc] = [37, 41, 43, 50, 60, 70];
    const A = rng.normals(m * lda);
    const B = rng.normals(k * ldb);
    const got = rng.normals(m * ldc);
    const want = got.slice();
    dgemm(false, false, m, n, k, 2, A, lda, B, ldb, 0.5, got, ldc);
    naive(false, false, m, n, k, 2, A, lda, B, ldb, 0.5, want, ldc);
    expect(relErr(got, want)).toBeLessThan(1e-12);
    // Padding columns of C beyond n are untouched.
    for (let i = 0; i < m; i++) for (let j = n; j < ldc; j++) expect(got[i * ldc + j]).toBe(want[i * ldc + j]);
  });

  it('beta = 0 overwrites NaN in C; alpha = 0 only scales C', () => {
    const C = new Float64Array([Number.NaN, 1, 2, 3]);
    dgemm(false, false, 2, 2, 2, 1, new Float64Array([1, 0, 0, 1]), 2, new Float64Array([5, 6, 7, 8]), 2, 0, C, 2);
    expect(Array.from(C)).toEqual([5, 6, 7, 8]);
    dgemm(false, false, 2, 2, 2, 0, new Float64Array(4), 2, new Float64Array(4), 2, 2, C, 2);
    expect(Array.from(C)).toEqual([10, 12, 14, 16]);
  });
});

describe('dgemv', () => {
  it('matches dgemm with n = 1 in both orientations', () => {
    for (const [m, n] of [[1, 1], [7, 33], [129, 8], [33, 257]]) {
      const A = rng.normals(m * n);
      for (const trans of [false, true]) {
        const x = rng.normals(trans ? m : n);
        const y0 = rng.normals(trans ? n : m);
        const got = y0.slice();
        const want = y0.slice();
        dgemv(trans, m, n, 1.5, A, n, x, -0.5, got);
        naive(trans, false, trans ? n : m, 1, trans ? m : n, 1.5, A, n, x, 1, -0.5, want, 1);
        expect(relErr(got, want)).toBeLessThan(1e-12);
      }
    }
  });
});

describe('checked gemm / matmul / gemv', () => {
  const a = fromNested([[1, 2, 3], [4, 5, 6]]);
  const b = fromNested([[7, 8], [9, 10], [11, 12]]);

  it('computes exact small products, with transposes and views', () => {
    expect(matmul(a, b).toArray()).toEqual([[58, 64], [139, 154]]);
    expect(gemm(b, a, { transA: true, transB: true }).toArray()).toEqual([[58, 139], [64, 154]]);
    // A transposed view is passed without copying and gives the same as transA.
    expect(gemm(a.transpose(), b.transpose(), { transA: true, transB: true }).toArray()).toEqual([[58, 64], [139, 154]]);
    // A slice with row stride 3 > cols 2.
    expect(matmul(a.slice(null, [0, 2]), fromNested([[1, 0], [0, 1]])).toArray()).toEqual([[1, 2], [4, 5]]);
  });

  it('accumulates into c with alpha and beta', () => {
    const c = fromNested([[1, 1], [1, 1]]);
    const out = gemm(a, b, { alpha: 2, beta: -1, c });
    expect(out).toBe(c);
    expect(c.toArray()).toEqual([[115, 127], [277, 307]]);
  });

  it('gemv in both orientations, including on a transposed view', () => {
    expect(gemv(a, new Float64Array([1, 1, 1])).toArray()).toEqual([6, 15]);
    expect(gemv(a, new Float64Array([1, -1]), { trans: true }).toArray()).toEqual([-3, -3, -3]);
    expect(gemv(a.transpose(), new Float64Array([1, -1])).toArray()).toEqual([-3, -3, -3]);
  });

  it('outer and transposeCopy', () => {
    expect(outer(new Float64Array([1, 2]), new Float64Array([3, 4, 5])).toArray()).toEqual([[3, 4, 5], [6, 8, 10]]);
    const big = new NDArray(rng.normals(70 * 45), [70, 45]);
    const t = transposeCopy(big);
    expect(t.shape).toEqual([45, 70]);
    expect(t.get(44, 69)).toBe(big.get(69, 44));
    expect(t.get(3, 17)).toBe(big.get(17, 3));
    expect(transposeCopy(big.transpose()).data).toEqual(big.data);
  });

  it('throws typed errors for mismatched shapes and NaN', () => {
    expect(() => matmul(a, a)).toThrow(ShapeError);
    expect(() => matmul(a, a)).toThrow(/inner dimensions/);
    expect(() => gemm(a, b, { c: fromNested([[0, 0, 0]]) })).toThrow(ShapeError);
    expect(() => matmul(a, new NDArray(new Float64Array(3), [3]))).toThrow(ShapeError);
    const bad = fromNested([[1, 2], [3, 4], [5, 6]]);
    bad.set(Number.NaN, 2, 1);
    expect(() => matmul(a, bad)).toThrow(NonFiniteError);
    expect(() => matmul(a, bad)).toThrow(/b: .*NaN at \[2, 1\]/);
    expect(() => gemv(a, new Float64Array([1, 2]))).toThrow(ShapeError);
    expect(() => gemv(a, new Float64Array([1, Number.POSITIVE_INFINITY, 2]))).toThrow(NonFiniteError);
  });
});

describe('fused multiply-add micro-kernel (relaxed SIMD)', () => {
  it('is used on this runtime (Node 20 through the V8 flag, Node >= 22 by default) and rounds once per multiply-add', () => {
    expect(wasmGemmAvailable()).toBe(true);
    expect(wasmGemmFma()).toBe(true);
    // C[0,0] = (-1)(1) + (1 + 2^-30)(1 - 2^-30): exactly -2^-60 when fused; the separate multiply rounds
    // the product to 1 and gives 0.
    const m = 8;
    const n = 8;
    const k = 8;
    const A = new Float64Array(m * k);
    const B = new Float64Array(k * n);
    A[0] = -1;
    B[0] = 1;
    A[1] = 1 + 2 ** -30;
    B[n] = 1 - 2 ** -30;
    const C = new Float64Array(m * n);
    setGemmPath('wasm');
    try {
      dgemm(false, false, m, n, k, 1, A, k, B, n, 0, C, n);
    } finally {
      setGemmPath('auto');
    }
    expect(C[0]).toBe(-(2 ** -60));
  });

  it(`$DIFFUSION_THEORY_WASM_FMA=0 keeps the multiply + add kernel (separate rounding) in a fresh process`, () => {
    const dist = fileURLToPath(new URL('../../dist/ops/dgemm.js', import.meta.url));
    const script = `import('${dist}').then((g) => { const A = new Float64Array(64), B = new Float64Array(64), C = new Float64Array(64);
      A[0] = -1; B[0] = 1; A[1] = 1 + 2 ** -30; B[8] = 1 - 2 ** -30; g.setGemmPath('wasm'); g.dgemm(false, false, 8, 8, 8, 1, A, 8, B, 8, 0, C, 8);
      console.log(JSON.stringify([g.wasmGemmFma(), C[0]])); })`;
    const run = (fma: string) => JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, DIFFUSION_THEORY_WASM_FMA: fma }, encoding: 'utf8' }));
    expect(run('0')).toEqual([false, 0]);
    expect(run('1')).toEqual([true, -(2 ** -60)]);
  });
});
