import { afterEach, describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { gemm } from '../ops/gemm.js';
import { batchedAffineMap } from '../ops/rows.js';
import { Rng } from '../rng.js';
import { elementwiseFn } from './cpu.js';
import { gpujsKernelInfo } from './gpujs.js';
import { BACKEND_ENV_VAR, availableBackends, getBackend, listBackends, registerBackend } from './registry.js';
import { ELEMENTWISE_FNS, type Backend } from './types.js';

function naive(tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number, A: Float64Array, B: Float64Array, beta: number, C: Float64Array): void {
  const lda = tA ? m : k;
  const ldb = tB ? k : n;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? A[p * lda + i] : A[i * lda + p]) * (tB ? B[j * ldb + p] : B[p * ldb + j]);
      C[i * n + j] = alpha * s + beta * C[i * n + j];
    }
  }
}

/** Elementwise tolerance of a backend for a k-term sum of O(1) products. */
function tolerance(b: Backend, k: number): number {
  return b.precision === 'f64' ? 1e-12 : 1e-5 * Math.sqrt(k);
}

const rng = new Rng(99);
const backends = availableBackends();

describe('registry', () => {
  const saved = process.env[BACKEND_ENV_VAR];
  afterEach(() => {
    if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
    else process.env[BACKEND_ENV_VAR] = saved;
  });

  it('has cpu (f64) and gpu.js (f32, reporting the mode gpu.js picked) available here', () => {
    expect(listBackends().map((b) => b.name)).toEqual(expect.arrayContaining(['cpu', 'gpu.js']));
    expect(backends.map((b) => b.name)).toEqual(expect.arrayContaining(['cpu', 'gpu.js']));
    expect(getBackend('cpu').precision).toBe('f64');
    const g = getBackend('gpu.js');
    expect(g.precision).toBe('f32');
    expect(['gpu', 'headlessgl', 'webgl', 'webgl2', 'webgpu', 'webasm', 'cpu']).toContain(g.mode);
  });

  it('selects by DIFFUSION_THEORY_BACKEND (default cpu) and refuses unknown names', () => {
    delete process.env[BACKEND_ENV_VAR];
    expect(getBackend().name).toBe('cpu');
    process.env[BACKEND_ENV_VAR] = 'gpu.js';
    expect(getBackend().name).toBe('gpu.js');
    process.env[BACKEND_ENV_VAR] = 'nope';
    expect(() => getBackend()).toThrow(ParameterError);
    expect(() => getBackend('nope')).toThrow(/registered: .*cpu/);
  });

  it('registers a third-party backend and validates it', () => {
    const calls: number[] = [];
    const cpu = getBackend('cpu');
    registerBackend({ name: 'test-counting', precision: 'f64', mode: 'js', gemm: (...args) => { calls.push(args[2]); cpu.gemm(...args); } });
    const out = gemm(new NDArray(new Float64Array([1, 2]), [1, 2]), new NDArray(new Float64Array([3, 4]), [2, 1]), { backend: 'test-counting' });
    expect(out.data[0]).toBe(11);
    expect(calls).toEqual([1]);
    expect(() => registerBackend({ name: '', precision: 'f64', mode: 'x', gemm: cpu.gemm })).toThrow(ParameterError);
  });
});

for (const b of backends) {
  describe(`backend ${b.name} (${b.precision}, mode ${b.mode})`, () => {
    it('gemm: all transpose combinations, odd sizes, alpha/beta', () => {
      for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        for (const [m, n, k] of [[1, 1, 1], [7, 33, 1], [33, 7, 129], [129, 33, 257], [1, 257, 7]]) {
          const A = rng.normals(m * k);
          const B = rng.normals(k * n);
          const C0 = rng.normals(m * n);
          const got = C0.slice();
          const want = C0.slice();
          b.gemm(tA, tB, m, n, k, 0.75, A, tA ? m : k, B, tB ? k : n, -0.5, got, n);
          naive(tA, tB, m, n, k, 0.75, A, B, -0.5, want);
          // Entries are sums of k products of unit normals: scale sqrt(k).
          const tol = tolerance(b, k) * Math.sqrt(k);
          let err = 0;
          for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
          expect(err, `${b.name} ${tA} ${tB} ${m}x${n}x${k}`).toBeLessThan(tol);
        }
      }
    });

    it('checked gemm through the backend option', () => {
      const a = new NDArray(rng.normals(65 * 40), [65, 40]);
      const c = gemm(a, a, { transB: true, backend: b.name });
      const ref = gemm(a, a, { transB: true, backend: 'cpu' });
      let err = 0;
      for (let i = 0; i < c.size; i++) err = Math.max(err, Math.abs(c.data[i] - ref.data[i]));
      expect(err).toBeLessThan(tolerance(b, 40) * Math.sqrt(40));
    });

    it('batchedAffineMap y = a x + b f(x) for every named f', () => {
      if (!b.batchedAffineMap) return;
      const [n, d] = [37, 29];
      const x = new NDArray(rng.normals(n * d), [n, d]);
      for (const f of ELEMENTWISE_FNS) {
        const y = batchedAffineMap(x, { a: 0.9, b: -0.3, f, backend: b.name });
        const g = elementwiseFn(f);
        for (let i = 0; i < n * d; i++) {
          const want = 0.9 * x.data[i] - 0.3 * g(x.data[i]);
          expect(Math.abs(y.data[i] - want), `${f} at ${i}`).toBeLessThan((b.precision === 'f64' ? 1e-15 : 1e-6) * (1 + Math.abs(want)));
        }
      }
    });
  });
}

describe('gpu.js is really exercised', () => {
  it('compiled its kernels for the mode it reports, without silent degradation', () => {
    const g = getBackend('gpu.js');
    const C = new Float64Array(4);
    g.gemm(false, false, 2, 2, 3, 1, new Float64Array([1, 2, 3, 4, 5, 6]), 3, new Float64Array([1, 0, 0, 1, 1, 1]), 2, 0, C, 2);
    expect(Array.from(C)).toEqual([4, 5, 10, 11]);
    const info = gpujsKernelInfo();
    expect(info.length).toBeGreaterThan(0);
    const expected: Record<string, string> = { webasm: 'WebAssemblyKernel', headlessgl: 'HeadlessGLKernel', cpu: 'CPUKernel' };
    for (const k of info) {
      expect(k.fallbackReason, k.key).toBeNull();
      if (expected[g.mode]) expect(k.kernelClass, k.key).toBe(expected[g.mode]);
    }
  });
});
