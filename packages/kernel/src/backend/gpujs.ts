import { MissingDependencyError, ParameterError } from '../errors.js';
import { isModuleNotFound, nodeRequire } from './node-require.js';
import type { Backend, ElementwiseFn } from './types.js';

/**
 * The gpu.js backend: float32 kernels compiled by gpu.js for whatever mode it picks
 * (`new GPU().mode`: 'gpu' / 'headlessgl' / 'webgl' / 'webgl2' / 'webgpu' / 'webasm' / 'cpu').
 * On a machine without a GPU (no headless-gl), gpu.js silently runs 'webasm' (WebAssembly
 * f32x4 SIMD on the CPU); the backend reports that mode, so nobody mistakes it for a GPU.
 *
 * Precision is float32 throughout: inputs are rounded to f32 on upload and the k-sums are
 * accumulated in f32, so expect relative errors ~1e-7 sqrt(k) (tests allow 1e-5 sqrt(k)).
 * alpha/beta are applied on the host in float64. Compiled kernels are cached per shape.
 *
 * gpu.js is an optional peer dependency (it brings ~100 MB of native GPU bindings): it is loaded
 * only when this backend is first asked for (synchronously through Node's `require`). Without it the
 * backend reports itself unavailable and selecting it throws a MissingDependencyError saying what to
 * install. Where there is no `require` (a browser bundle), hand the module over with `provideGpujs`.
 */

type Kernel = ((...args: unknown[]) => unknown) & {
  destroy?: () => void;
  kernel?: { constructor: { name: string }; fallbackReason?: string | null };
};

interface GpuInstance {
  readonly mode: string;
  createKernel(source: string, settings: object): unknown;
}
type GpuCtor = new () => GpuInstance;

/** The version range of gpu.js this backend is written against. */
const GPUJS_INSTALL = 'npm install gpu.js@2.24.1';

let GPU: GpuCtor | null | undefined; // undefined: not looked for yet; null: not installed / failed
let loadError: unknown;
let gpu: GpuInstance | null | undefined;
const gemmKernels = new Map<string, Kernel>();
const mapKernels = new Map<string, Kernel>();

function ctorOf(mod: unknown): GpuCtor | undefined {
  const m = mod as { GPU?: unknown; default?: { GPU?: unknown } } | null;
  const c = m?.GPU ?? m?.default?.GPU;
  return typeof c === 'function' ? (c as GpuCtor) : undefined;
}

/**
 * Give the gpu.js backend the gpu.js module where kernel cannot `require` it (a browser bundle):
 * `import * as gpujs from 'gpu.js'; provideGpujs(gpujs);`. In Node this is not needed.
 * @param mod - the gpu.js module namespace (anything with a `GPU` class, or a default export with one)
 * @throws ParameterError when `mod` has no `GPU` constructor
 */
export function provideGpujs(mod: unknown): void {
  const c = ctorOf(mod);
  if (!c) throw new ParameterError('mod: expected the gpu.js module (an object with a GPU class)');
  GPU = c;
  gpu = undefined;
}

function gpuCtor(): GpuCtor | null {
  if (GPU !== undefined) return GPU;
  GPU = null;
  const req = nodeRequire(import.meta.url);
  if (req) {
    try {
      GPU = ctorOf(req('gpu.js')) ?? null;
    } catch (e) {
      loadError = e;
    }
  }
  return GPU;
}

function getGpu(): GpuInstance | null {
  if (gpu === undefined) {
    const C = gpuCtor();
    try {
      gpu = C ? new C() : null;
    } catch (e) {
      loadError = e;
      gpu = null;
    }
  }
  return gpu;
}

function unavailableError(): Error {
  if (!GPU && (loadError === undefined || isModuleNotFound(loadError, 'gpu.js'))) {
    return new MissingDependencyError(
      'gpu.js',
      `backend 'gpu.js': the optional peer dependency gpu.js is not installed; install it with \`${GPUJS_INSTALL}\`` +
        ' (in a browser bundle, also call provideGpujs(await import("gpu.js")))',
    );
  }
  return new MissingDependencyError('gpu.js', `backend 'gpu.js': gpu.js is installed but could not be initialised: ${String((loadError as Error)?.message ?? loadError)}`, {
    cause: loadError,
  });
}

/** Tile width along k of the gemm kernel's inner loop (k is zero-padded to a multiple). */
const TK = 4;

// One output element C[i, j] per thread (thread.x = j, thread.y = i); the k-loop runs over
// tiles of TK products of the row-major, zero-padded f32 panels a (m x kp) and b (kp x n).
const GEMM_SOURCE = `function (a, b) {
  const i = this.thread.y;
  const j = this.thread.x;
  const kp = this.constants.kp;
  const n = this.constants.n;
  let s = 0;
  for (let p = 0; p < kp; p += 4) {
    const ai = i * kp + p;
    const bj = p * n + j;
    s += a[ai] * b[bj] + a[ai + 1] * b[bj + n] + a[ai + 2] * b[bj + 2 * n] + a[ai + 3] * b[bj + 3 * n];
  }
  return s;
}`;

const MAP_EXPR: Record<ElementwiseFn, string> = {
  identity: 'v',
  tanh: 'Math.tanh(v)',
  relu: 'Math.max(v, 0)',
  sigmoid: '1 / (1 + Math.exp(-v))',
  sin: 'Math.sin(v)',
  exp: 'Math.exp(v)',
};

const mapSource = (f: ElementwiseFn) => `function (x, a, b) {
  const v = x[this.thread.y * this.constants.d + this.thread.x];
  return a * v + b * ${MAP_EXPR[f]};
}`;

/** Copy a kernel result (Float32Array, or rows of Float32Array) into `out(i, j, value)`. */
function readBack(res: unknown, rows: number, cols: number, out: (i: number, j: number, v: number) => void): void {
  if (Array.isArray(res)) {
    for (let i = 0; i < rows; i++) {
      const r = res[i] as Float32Array;
      for (let j = 0; j < cols; j++) out(i, j, r[j]);
    }
  } else {
    const r = res as Float32Array;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out(i, j, r[i * cols + j]);
  }
}

export const gpujsBackend: Backend = {
  name: 'gpu.js',
  precision: 'f32',
  get mode(): string {
    return getGpu()?.mode ?? 'unavailable';
  },
  available(): boolean {
    return getGpu() !== null;
  },
  whyUnavailable(): Error | undefined {
    return getGpu() === null ? unavailableError() : undefined;
  },
  gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) {
    if (m === 0 || n === 0) return;
    const g = getGpu();
    if (!g) throw unavailableError();
    const kp = Math.max(TK, Math.ceil(k / TK) * TK);
    const a = new Float32Array(m * kp);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) a[i * kp + p] = transA ? A[p * lda + i] : A[i * lda + p];
    const b = new Float32Array(kp * n);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) b[p * n + j] = transB ? B[j * ldb + p] : B[p * ldb + j];
    const key = `${m}x${n}x${kp}`;
    let kern = gemmKernels.get(key);
    if (!kern) {
      kern = g.createKernel(GEMM_SOURCE, {
        output: [n, m],
        constants: { kp, n },
        precision: 'single',
        tactic: 'precision',
      }) as unknown as Kernel;
      gemmKernels.set(key, kern);
    }
    const res = kern(a, b);
    readBack(res, m, n, (i, j, v) => {
      const c = i * ldc + j;
      C[c] = beta === 0 ? alpha * v : alpha * v + beta * C[c];
    });
  },
  batchedAffineMap(n, d, a, X, b, f, Y) {
    if (n === 0 || d === 0) return;
    const g = getGpu();
    if (!g) throw unavailableError();
    const key = `${f}:${n}x${d}`;
    let kern = mapKernels.get(key);
    if (!kern) {
      kern = g.createKernel(mapSource(f), {
        output: [d, n],
        constants: { d },
        precision: 'single',
        tactic: 'precision',
      }) as unknown as Kernel;
      mapKernels.set(key, kern);
    }
    const x = Float32Array.from(X.subarray(0, n * d));
    const res = kern(x, a, b);
    readBack(res, n, d, (i, j, v) => {
      Y[i * d + j] = v;
    });
  },
};

/**
 * What executes each cached compiled kernel: gpu.js's kernel class (e.g. 'WebAssemblyKernel',
 * 'HeadlessGLKernel', 'CPUKernel') and its fallback reason if gpu.js degraded it.
 */
export function gpujsKernelInfo(): Array<{ key: string; kernelClass: string; fallbackReason: string | null }> {
  const out: Array<{ key: string; kernelClass: string; fallbackReason: string | null }> = [];
  for (const [prefix, cache] of [['gemm', gemmKernels], ['map', mapKernels]] as const) {
    for (const [key, k] of cache) {
      out.push({ key: `${prefix}:${key}`, kernelClass: k.kernel?.constructor.name ?? 'unknown', fallbackReason: k.kernel?.fallbackReason ?? null });
    }
  }
  return out;
}

/** Drop the cached compiled kernels (they are per shape; long-running callers with many shapes may want this). */
export function clearGpujsKernelCache(): void {
  for (const k of [...gemmKernels.values(), ...mapKernels.values()]) k.destroy?.();
  gemmKernels.clear();
  mapKernels.clear();
}
