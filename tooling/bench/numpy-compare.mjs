#!/usr/bin/env node
// Kernel vs NumPy, interleaved in one session (issue 8):
// `node tooling/bench/numpy-compare.mjs [--reps N] [--kernel DIR] [--before DIR] [--filter text] [--out FILE]`.
//
// For each thread mode ("1 thread": kernel gemm threads 1 and OPENBLAS_NUM_THREADS=1; "all cores": the
// kernel's default thread count and OpenBLAS with every core) it starts one NumPy worker process
// (numpy_worker.py) and, repetition by repetition, runs each workload once in the kernel and then once in
// NumPy, so that both see the same machine load. Reports per side the median, min and max of the timed
// runs (after one warm-up each) and the ratio kernel median / NumPy median; records the load average.
// Also records max|V^T V - I| and the residual of eigh at n = 1000 (the orthogonality bound of issue 8).
// --before DIR: a second kernel build (e.g. an older commit built with tsc --outDir) run in the same
// interleaving (kernel, before, NumPy per repetition), so before/after compare under the same load.
// Writes bench/numpy-compare.json (or --out) atomically. Also used by run.mjs when NumPy is present.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

/** Whether `python3` with NumPy is on this machine. */
export function numpyAvailable() {
  const r = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  return r.status === 0;
}

function startWorker(threads) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const child = spawn('python3', [join(here, 'numpy_worker.py')], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  lines.on('line', (l) => queue.shift()?.(l));
  const next = () => new Promise((res) => queue.push(res));
  const ready = next();
  return {
    ready,
    async time(name) {
      const p = next();
      child.stdin.write(`${name}\n`);
      const l = await p;
      if (l.startsWith('error')) throw new Error(`numpy ${name}: ${l}`);
      return Number(l);
    },
    close() {
      child.stdin.end();
    },
  };
}

/** Pause after each multi-threaded NumPy call (ms); see the loop in compareWithNumpy. */
const PAUSE_MS = 300;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
  const r = (x) => Math.round(x * 100) / 100;
  return { runs: s.length, median_ms: r(median), min_ms: r(s[0]), max_ms: r(s[s.length - 1]) };
};

function kernelWorkloads(k) {
  const rng = new k.Rng(2026);
  const gram = (n) => {
    const g = rng.normals(n * n);
    const s = new Float64Array(n * n);
    k.dgemm(false, true, n, n, n, 1, g, n, g, n, 0, s, n);
    return new k.NDArray(s, [n, n]);
  };
  const ws = [
    {
      name: 'gemm 1024',
      setup: () => ({ A: rng.normals(1024 * 1024), B: rng.normals(1024 * 1024), C: new Float64Array(1024 * 1024) }),
      run: ({ A, B, C }) => k.dgemm(false, false, 1024, 1024, 1024, 1, A, 1024, B, 1024, 0, C, 1024),
    },
    { name: 'eigh 784', setup: () => gram(784), run: (s) => k.eigh(s) },
    { name: 'eigvalsh 1000', setup: () => gram(1000), run: (s) => k.eigvalsh(s) },
  ];
  if (typeof k.eighTop === 'function') {
    // NumPy side: SciPy's dsyevr subset (subset_by_index) when SciPy is present, else the full np.linalg.eigh.
    ws.push({ name: 'eigh top-10 of 2000', setup: () => gram(2000), run: (s) => k.eighTop(s, 10), reps: 3 });
  }
  if (typeof k.svd === 'function') {
    ws.push({ name: 'svd thin 784x1000', setup: () => new k.NDArray(rng.normals(784 * 1000), [784, 1000]), run: (a) => k.svd(a), reps: 3 });
  }
  if (typeof k.svdvals === 'function') {
    ws.push({ name: 'svd thin 784x1000 values only', setup: () => new k.NDArray(rng.normals(784 * 1000), [784, 1000]), run: (a) => k.svdvals(a), reps: 3 });
  }
  return ws;
}

function orthogonalityCheck(k, n) {
  const rng = new k.Rng(1000);
  const g = rng.normals(n * n);
  const s = new Float64Array(n * n);
  k.dgemm(false, true, n, n, n, 1, g, n, g, n, 0, s, n);
  const a = new k.NDArray(s, [n, n]);
  const t = performance.now();
  const { values, vectors } = k.eigh(a);
  const ms = performance.now() - t;
  const v = vectors.data;
  const vtv = new Float64Array(n * n);
  k.dgemm(true, false, n, n, n, 1, v, n, v, n, 0, vtv, n);
  let orth = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orth = Math.max(orth, Math.abs(vtv[i * n + j] - (i === j ? 1 : 0)));
  const av = new Float64Array(n * n);
  k.dgemm(false, false, n, n, n, 1, s, n, v, n, 0, av, n);
  let res = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) res = Math.max(res, Math.abs(av[i * n + j] - v[i * n + j] * values[j]));
  return { n, max_abs_VtV_minus_I: orth, max_abs_residual_over_lambda_max: res / values[n - 1], ms: Math.round(ms) };
}

/** Run the interleaved comparison; returns the JSON record. */
export async function compareWithNumpy(k, { reps = 7, filter, log = console.log, before } = {}) {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const defaultThreads = k.gemmThreads();
  const modes = [{ name: '1 thread', kernel: 1, numpy: 1 }];
  if (cores > 1) modes.push({ name: 'all cores', kernel: defaultThreads, numpy: cores });
  const out = { cores, load_before: os.loadavg(), modes: [], date: new Date().toISOString() };
  for (const mode of modes) {
    k.setGemmThreads(mode.kernel);
    if (mode.kernel > 1) await k.startGemmThreads();
    if (before) {
      before.setGemmThreads(mode.kernel);
      if (mode.kernel > 1) await before.startGemmThreads();
    }
    const beforeWs = before ? kernelWorkloads(before) : [];
    const py = startWorker(mode.numpy);
    const banner = await py.ready;
    out.numpy = banner.replace(/^ready numpy /, '');
    const rec = { mode: mode.name, kernel_threads: mode.kernel, numpy_threads: mode.numpy, workloads: [] };
    for (const w of kernelWorkloads(k).filter((w) => !filter || w.name.includes(filter))) {
      const ctx = w.setup();
      const bw = beforeWs.find((x) => x.name === w.name);
      const bctx = bw?.setup();
      w.run(ctx); // warm-up
      bw?.run(bctx);
      await py.time(w.name);
      const kt = [];
      const bt = [];
      const nt = [];
      for (let r = 0; r < (w.reps ?? reps); r++) {
        let t = performance.now();
        w.run(ctx);
        kt.push(performance.now() - t);
        if (bw) {
          t = performance.now();
          bw.run(bctx);
          bt.push(performance.now() - t);
        }
        nt.push(await py.time(w.name));
        // OpenBLAS's worker threads busy-wait after a call (its thread timeout, ~2^28 cycles) and would
        // take a core from the next kernel run; with more than one thread, let them go to sleep first.
        if (mode.numpy > 1) await new Promise((res) => setTimeout(res, PAUSE_MS));
      }
      const kernel = stats(kt);
      const numpy = stats(nt);
      const ratio = Math.round((kernel.median_ms / numpy.median_ms) * 100) / 100;
      const entry = { name: w.name, kernel, numpy, ratio };
      const f = (x) => `${x.median_ms.toFixed(1).padStart(8)} ms [${x.min_ms.toFixed(0)}-${x.max_ms.toFixed(0)}]`;
      let line = `${mode.name.padEnd(9)} ${w.name.padEnd(20)} kernel ${f(kernel)}  numpy ${f(numpy)}  ratio ${ratio}`;
      if (bw) {
        entry.before = stats(bt);
        entry.before_ratio = Math.round((entry.before.median_ms / numpy.median_ms) * 100) / 100;
        line += `  | before ${f(entry.before)} ratio ${entry.before_ratio}`;
      }
      rec.workloads.push(entry);
      log(line);
    }
    py.close();
    out.modes.push(rec);
  }
  k.setGemmThreads(defaultThreads);
  if (!filter || 'orthogonality'.includes(filter)) {
    out.orthogonality = orthogonalityCheck(k, 1000);
    log(`eigh 1000: max|V^T V - I| = ${out.orthogonality.max_abs_VtV_minus_I.toExponential(2)}, residual/lambda_max = ${out.orthogonality.max_abs_residual_over_lambda_max.toExponential(2)}`);
  }
  out.load_after = os.loadavg();
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const kdir = resolve(opt('--kernel') ?? join(root, 'packages/kernel/dist'));
  const outPath = resolve(opt('--out') ?? join(root, 'bench', 'numpy-compare.json'));
  if (!numpyAvailable()) {
    console.log('numpy-compare: python3 with numpy not found; nothing to compare');
    process.exit(0);
  }
  const k = await import(pathToFileURL(join(kdir, 'index.js')).href);
  const bdir = opt('--before');
  const before = bdir ? await import(pathToFileURL(join(resolve(bdir), 'index.js')).href) : undefined;
  const res = await compareWithNumpy(k, { reps: Number(opt('--reps') ?? 7), filter: opt('--filter'), before });
  res.kernel_dir = kdir;
  if (bdir) res.before_dir = resolve(bdir);
  mkdirSync(dirname(outPath), { recursive: true });
  const tmp = `${outPath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(res, null, 2)}\n`);
  renameSync(tmp, outPath);
  console.log(`numpy-compare: wrote ${outPath}`);
}
