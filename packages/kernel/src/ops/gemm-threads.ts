import { gemmBlock, gemmLowerBlocks } from './gemm-block.js';
import { mergeRows } from './merge-rows.js';
import { type WasmMemory, wasmSharedState } from './wasm-gemm-state.js';

/**
 * Worker threads for large gemms (Node only). Each worker instantiates the same WebAssembly
 * kernel over the calling thread's *shared* memory and, when told, computes a row block of
 * the padded C with `gemmBlock` (sent as source text). Coordination is synchronous, through
 * Atomics on a small SharedArrayBuffer, so `dgemm` stays a plain blocking call.
 *
 * - Workers start in the background on the first large gemm; gemms only use workers that
 *   have reported ready, so no call ever waits for a thread to boot.
 * - Workers are `unref`ed: they never keep the process alive.
 * - A worker that throws reports failure and its rows are recomputed on the calling thread.
 * - Thread count: `setGemmThreads(t)` (total, including the calling thread), else
 *   $DIFFUSION_THEORY_GEMM_THREADS, else min(4, cores) where cores is Node's
 *   `os.availableParallelism()` (loaded lazily, Node only; `navigator.hardwareConcurrency` in
 *   other runtimes; 1 where neither exists); 1 disables workers.
 * - Results are bit-identical for any thread count: C is split by row blocks of multiples of 4,
 *   and every element of C is the same micro-kernel sum over the same k-blocks in the same
 *   order whichever thread computes its row (tested in gemm.test.ts).
 */

const SLOT = 32; // Int32 words per worker in the control array
/**
 * Job word (after JOB) holding the job's kind: 0 a gemm row block (gemmBlock), 1 symmetric mat-vec
 * chunks, 2 row blocks of a lower-triangle update (gemmLowerBlocks), 3 a range of roots of a
 * divide-and-conquer merge (mergeRows).
 */
export const KIND = 24;
/**
 * Job word of a claimed mat-vec (KIND 1): 0 for fixed chunks; else a generation g, and the threads
 * take the job's chunks by an atomic counter (claims[0]), marking chunk c done with claims[1 + c] = g.
 */
export const CLAIM_GEN = 22;
/** Busy-wait (ms) before a futex sleep, on both sides: a worker after its job, the caller before a result. */
const SPIN_MS = 0.2;
const JOB = 4; // job parameters start here; [0] seq, [1] done seq, [2] ready, [3] failed

export interface GemmPool {
  /** Workers ready to take a job now. */
  readyWorkers(): number;
  /** Shared words for claimed jobs (CLAIM_GEN): [0] the next chunk to take, [1 + c] chunk c's done mark. */
  claims: Int32Array;
  /**
   * Start jobs (one per ready worker, in order); returns handles for `wait`. A job is the
   * gemmBlock argument list (zeroC as 0 / 1), or (word KIND = 1) symmetric mat-vec chunks
   * [pa, ldBytes, pu, count, (t0, t1, pp) x count] of the reduction module (byte addresses), or
   * (KIND = 2) the gemmLowerBlocks argument list after f and kernel, or (KIND = 3) the mergeRows
   * argument list after f.
   */
  dispatch(jobs: number[][]): Array<{ slot: number; seq: number }>;
  /** Block until the dispatched jobs finish; returns the indices (into jobs) of failed ones. */
  wait(handles: Array<{ slot: number; seq: number }>): number[];
}

let requestedThreads: number | undefined;

/** Total threads for large gemms (calling thread included); 1 keeps gemm single-threaded. */
export function setGemmThreads(t: number): void {
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`t: expected an integer >= 1, got ${t}`);
  requestedThreads = t;
}

/** The thread count large gemms will use once workers are up. */
export function gemmThreads(): number {
  if (requestedThreads !== undefined) return requestedThreads;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = Number(env?.DIFFUSION_THEORY_GEMM_THREADS);
  if (Number.isInteger(v) && v >= 1) return v;
  return Math.min(4, hardwareCores());
}

let hardwareThreads: number | undefined;

/** Cores of this host: Node's os.availableParallelism() (synchronously via process.getBuiltinModule where Node has it), else navigator.hardwareConcurrency, else 1. */
export function hardwareCores(): number {
  if (hardwareThreads !== undefined) return hardwareThreads;
  let n: number | undefined;
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
    if (os) n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus?.().length;
  } catch {
    n = undefined;
  }
  if (n === undefined) n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  hardwareThreads = Number.isInteger(n) && (n as number) >= 1 ? (n as number) : 1;
  return hardwareThreads;
}
let pool: ReturnType<typeof createPool> | null = null;

/** The pool for this shared memory, starting it (asynchronously) on first use; null when threads are off. */
export function gemmPool(mem: WasmMemory, bytes: Uint8Array, auxBytes: Uint8Array): GemmPool | null {
  if (!pool) pool = createPool(mem, bytes, auxBytes);
  if (gemmThreads() <= 1) return null;
  pool.grow(gemmThreads() - 1);
  return pool;
}

function workerSource(): string {
  return `
const { workerData } = require('node:worker_threads');
const __name = (f) => f;
const gemmBlock = ${gemmBlock.toString()};
const gemmLowerBlocks = ${gemmLowerBlocks.toString()};
const mergeRows = ${mergeRows.toString()};
const { mem, bytes, auxBytes, ctrl: sab, claims: claimSab, slot, SLOT, JOB, SPIN_MS, KIND, CLAIM_GEN } = workerData;
const claims = new Int32Array(claimSab);
const ctrl = new Int32Array(sab);
const base = slot * SLOT;
const kernel = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem } }).exports.kernel;
const aux = new WebAssembly.Instance(new WebAssembly.Module(auxBytes), { env: { mem } }).exports;
Atomics.store(ctrl, base + 2, 1);
let seq = 0;
for (;;) {
  // Spin briefly before sleeping: the next job of a blocked factorisation usually comes within
  // microseconds, and a futex wake-up costs tens of microseconds on a virtual machine.
  const spinUntil = performance.now() + SPIN_MS;
  while (Atomics.load(ctrl, base) === seq && performance.now() < spinUntil);
  Atomics.wait(ctrl, base, seq);
  seq = Atomics.load(ctrl, base);
  const j = ctrl.subarray(base + JOB, base + SLOT);
  try {
    if (j[KIND] === 1 && j[CLAIM_GEN] !== 0) {
      // claimed symmetric mat-vec chunks: take the next until none is left
      for (let c = Atomics.add(claims, 0, 1); c < j[3]; c = Atomics.add(claims, 0, 1)) {
        aux.symv(j[0], j[1], j[2], j[6 + 3 * c], j[5 + 3 * c], j[4 + 3 * c]);
        Atomics.store(claims, 1 + c, j[CLAIM_GEN]);
      }
    } else if (j[KIND] === 1) {
      // symmetric mat-vec chunks: [pa, ldBytes, pu, count, (t0, t1, pp) x count]
      for (let c = 0; c < j[3]; c++) aux.symv(j[0], j[1], j[2], j[6 + 3 * c], j[5 + 3 * c], j[4 + 3 * c]);
    } else if (j[KIND] === 3) {
      mergeRows(new Float64Array(mem.buffer), j[0], j[1], j[2], j[3], j[4], j[5], j[6], j[7], j[8], j[9], j[10], j[11], j[12]);
    } else if (j[KIND] === 2) {
      const f = new Float64Array(mem.buffer);
      gemmLowerBlocks(f, kernel, j[0], j[1], j[2], j[3], j[4], j[5], j[6], j[7], j[8], j[9], j[10], j[11], j[12], j[13], j[14], j[15], aux);
    } else {
      const f = new Float64Array(mem.buffer);
      gemmBlock(f, kernel, j[0] === 1, j[1] === 1, f, j[2], j[3], f, j[4], j[5], j[6], j[7], j[8], j[9], j[10], j[11], j[12], j[13], j[14], j[15], j[16], j[17] === 1, aux);
    }
  } catch (e) {
    Atomics.store(ctrl, base + 3, 1);
  }
  Atomics.store(ctrl, base + 1, seq);
  Atomics.notify(ctrl, base + 1);
}
`;
}

function createPool(mem: WasmMemory, bytes: Uint8Array, auxBytes: Uint8Array) {
  const MAX = 64;
  const ctrl = new Int32Array(new SharedArrayBuffer(MAX * SLOT * 4));
  const claims = new Int32Array(new SharedArrayBuffer(64 * 4));
  let started = 0;
  let loading: Promise<void> | null = null;
  let WorkerCtor: (new (src: string, opts: object) => { unref(): void; on(e: string, f: (x: unknown) => void): void }) | null = null;
  const dead = new Set<number>();

  function spawn(slot: number): void {
    if (!WorkerCtor) return;
    const w = new WorkerCtor(workerSource(), { eval: true, workerData: { mem, bytes, auxBytes, ctrl: ctrl.buffer, claims: claims.buffer, slot, SLOT, JOB, SPIN_MS, KIND, CLAIM_GEN } });
    w.unref();
    w.on('error', () => {
      dead.add(slot);
      Atomics.store(ctrl, slot * SLOT + 2, 0);
    });
  }

  const self = {
    claims,
    grow(target: number): void {
      target = Math.min(target, MAX);
      if (started >= target) return;
      if (!WorkerCtor) {
        if (!loading) {
          // Node's worker_threads without a static (or bundler-visible) import: synchronously via
          // process.getBuiltinModule (Node >= 20.16), else a dynamic import whose specifier is not a
          // literal, so browser bundles never try to resolve it; where neither exists, one thread.
          const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
          const wtId = 'node:worker_threads';
          const sync = proc?.getBuiltinModule?.(wtId) as { Worker?: unknown } | undefined;
          loading = (sync ? Promise.resolve(sync) : (import(/* @vite-ignore */ /* webpackIgnore: true */ wtId) as Promise<{ Worker?: unknown }>))
            .then((wt) => {
              if (typeof wt.Worker !== 'function') throw new Error('no Worker');
              WorkerCtor = wt.Worker as unknown as typeof WorkerCtor;
              self.grow(gemmThreads() - 1);
            })
            .catch(() => {
              started = MAX; // no worker_threads here: stay single-threaded
            });
        }
        return;
      }
      while (started < target) spawn(started++);
    },
    readyWorkers(): number {
      const want = Math.min(gemmThreads() - 1, started);
      let r = 0;
      for (let s = 0; s < want; s++) if (!dead.has(s) && Atomics.load(ctrl, s * SLOT + 2) === 1) r++;
      return r;
    },
    dispatch(jobs: number[][]): Array<{ slot: number; seq: number }> {
      const handles: Array<{ slot: number; seq: number }> = [];
      let s = 0;
      for (const job of jobs) {
        while (dead.has(s) || Atomics.load(ctrl, s * SLOT + 2) !== 1) s++;
        const base = s * SLOT;
        ctrl.fill(0, base + JOB, base + SLOT);
        ctrl.set(job, base + JOB);
        Atomics.store(ctrl, base + 3, 0);
        const seq = Atomics.add(ctrl, base, 1) + 1;
        Atomics.notify(ctrl, base);
        handles.push({ slot: s, seq });
        s++;
      }
      return handles;
    },
    wait(handles: Array<{ slot: number; seq: number }>): number[] {
      const failed: number[] = [];
      handles.forEach(({ slot, seq }, i) => {
        const base = slot * SLOT;
        const spinUntil = performance.now() + SPIN_MS;
        while (Atomics.load(ctrl, base + 1) !== seq && performance.now() < spinUntil);
        for (;;) {
          const done = Atomics.load(ctrl, base + 1);
          if (done === seq) break;
          // Wake up periodically to notice a worker that died without answering.
          if (Atomics.wait(ctrl, base + 1, done, 50) === 'timed-out' && dead.has(slot)) {
            failed.push(i);
            return;
          }
        }
        if (Atomics.load(ctrl, base + 3) === 1) failed.push(i);
      });
      return failed;
    },
  };
  return self;
}

/**
 * Start the gemm worker threads now and resolve with how many are ready (polls up to
 * `timeoutMs`). Optional: without it, workers start on the first large gemm and join once up.
 */
export async function startGemmThreads(timeoutMs = 5000): Promise<number> {
  const w = wasmSharedState();
  if (!w) return 0;
  const p = gemmPool(w.mem, w.bytes, w.auxBytes);
  if (!p) return 0;
  const want = gemmThreads() - 1;
  const t0 = Date.now();
  while (p.readyWorkers() < Math.min(want, gemmThreads() - 1) && Date.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 5));
    if (gemmThreads() - 1 > want) break;
  }
  return p.readyWorkers();
}
