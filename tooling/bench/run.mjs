#!/usr/bin/env node
// Benchmark runner: `pnpm bench` (builds first) or `node tooling/bench/run.mjs [--filter text] [--quick] [--no-numpy]`.
//
// Imports the BUILT packages (packages/*/dist), runs the kernel's own workloads and every
// `packages/*/bench/*.bench.mjs` module that exports
//   workloads: Array<{ name, params?, backend?, flops?, setup?: () => any, run: (ctx) => void | Promise<void>, teardown?: (ctx) => void, maxRuns?, budgetMs? }>
// (teardown: release what setup started, e.g. a NumPy helper process, so the next workloads run on a quiet machine)
// and writes bench/results.json atomically (temp file + rename). Speed assertions live only here.

import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const filterIdx = args.indexOf('--filter');
const filter = filterIdx >= 0 ? args[filterIdx + 1] : undefined;
const quick = args.includes('--quick');
const outPath = join(root, 'bench', 'results.json');

const k = await import(pathToFileURL(join(root, 'packages/kernel/dist/index.js')).href);

/** Time `run(ctx)`: one untimed warm-up (JIT, kernel compilation), then at least `minRuns` timed runs, more while within `budgetMs`. */
async function measure(w, ctx) {
  const maxRuns = quick ? 2 : (w.maxRuns ?? 10);
  const budgetMs = quick ? 500 : (w.budgetMs ?? 2000);
  const minRuns = Math.min(quick ? 1 : 3, maxRuns);
  await w.run(ctx);
  const times = [];
  const start = performance.now();
  while (times.length < minRuns || (times.length < maxRuns && performance.now() - start < budgetMs)) {
    const t = performance.now();
    await w.run(ctx);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : 0.5 * (times[mid - 1] + times[mid]);
  return { runs: times.length, median_ms: round(median), min_ms: round(times[0]) };
}

const round = (x) => Math.round(x * 1000) / 1000;

function randomMatrix(rng, rows, cols) {
  return new k.NDArray(rng.normals(rows * cols), [rows, cols]);
}

// ---------------------------------------------------------------- kernel workloads
function kernelWorkloads() {
  const rng = new k.Rng(2026);
  const ws = [];
  const backends = k.availableBackends();

  // cpu gemm single-threaded, and with worker threads when the machine has more than one core
  // (the library's default is min(4, cores) threads; see packages/kernel/README.md).
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const defaultThreads = k.gemmThreads();
  const threadCounts = cores > 1 ? [1, Math.min(4, cores)] : [1];
  for (const b of backends) {
    for (const n of [256, 512, 1024]) {
      for (const threads of b.name === 'cpu' ? threadCounts : [1]) {
        ws.push({
          name: `gemm ${n}${threads > 1 ? ` (${threads} threads)` : ''}`,
          backend: b.name,
          params: { m: n, n, k: n, precision: b.precision, mode: b.mode, ...(b.name === 'cpu' ? { threads } : {}) },
          flops: 2 * n ** 3,
          maxRuns: n >= 1024 ? 5 : 10,
          setup: async () => {
            if (b.name === 'cpu') {
              k.setGemmThreads(threads);
              if (threads > 1) await k.startGemmThreads();
            }
            return { A: rng.normals(n * n), B: rng.normals(n * n), C: new Float64Array(n * n) };
          },
          run: ({ A, B, C }) => b.gemm(false, false, n, n, n, 1, A, n, B, n, 0, C, n),
        });
      }
    }
  }
  ws.push({
    name: 'gemm 512 plain-JS path (dgemmJs)',
    backend: 'cpu',
    params: { m: 512, n: 512, k: 512, path: 'js' },
    flops: 2 * 512 ** 3,
    maxRuns: 3,
    setup: () => {
      k.setGemmThreads(defaultThreads);
      return { A: rng.normals(512 * 512), B: rng.normals(512 * 512), C: new Float64Array(512 * 512) };
    },
    run: ({ A, B, C }) => k.dgemmJs(false, false, 512, 512, 512, 1, A, 512, B, 512, 0, C, 512),
  });

  // Same-run reference: the naive i-j-p triple loop, so speedups compare across machines.
  ws.push({
    name: 'gemm 512 naive triple loop',
    backend: 'reference-js',
    params: { m: 512, n: 512, k: 512 },
    flops: 2 * 512 ** 3,
    maxRuns: 3,
    setup: () => ({ A: rng.normals(512 * 512), B: rng.normals(512 * 512), C: new Float64Array(512 * 512) }),
    run: ({ A, B, C }) => {
      const n = 512;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < n; p++) s += A[i * n + p] * B[p * n + j];
          C[i * n + j] = s;
        }
      }
    },
  });

  if (typeof k.eigh === 'function') {
    for (const n of [256, 512, 784]) {
      ws.push({
        name: `eigh ${n}`,
        backend: 'cpu',
        params: { n },
        maxRuns: 5,
        setup: () => {
          const a = randomMatrix(rng, n, n);
          return { s: k.gemm(a, a, { transB: true }) };
        },
        run: ({ s }) => k.eigh(s),
      });
    }
  }
  if (typeof k.svd === 'function') {
    ws.push({
      name: 'svd thin 784x1000',
      backend: 'cpu',
      params: { m: 784, n: 1000 },
      maxRuns: 3,
      setup: () => ({ a: randomMatrix(rng, 784, 1000) }),
      run: ({ a }) => k.svd(a),
    });
  }

  // One Euler-Maruyama step of n samples (rows) in dimension d through a rank-2 drift:
  // x <- x + dt (a x + U V^T x) + sqrt(2 eps dt) z, batched as W = X V (n x 2), then
  // X <- (1 + dt a) X + dt W U^T (gemm with beta), then X += sqrt(2 eps dt) Z (Z from rng.fillNormal).
  const [n, d, r] = [10_000, 1000, 2];
  const [dt, a, eps] = [1e-3, -1, 0.5];
  for (const b of backends) {
    ws.push({
      name: 'euler-maruyama step rank-2 drift',
      backend: b.name,
      params: { n, d, rank: r, dt, precision: b.precision, mode: b.mode },
      flops: 2 * n * d * r * 2 + 3 * n * d,
      maxRuns: 5,
      setup: () => {
        const rr = new k.Rng(7);
        const U = rr.normals(d * r).map((v) => v / Math.sqrt(d));
        const V = rr.normals(d * r).map((v) => v / Math.sqrt(d));
        return { X: rr.normals(n * d), Z: new Float64Array(n * d), W: new Float64Array(n * r), U, V, rng: rr };
      },
      run: ({ X, Z, W, U, V, rng: rr }) => {
        b.gemm(false, false, n, r, d, 1, X, d, V, r, 0, W, r);
        b.gemm(false, true, n, d, r, dt, W, r, U, r, 1 + dt * a, X, d);
        rr.fillNormal(Z);
        const s = Math.sqrt(2 * eps * dt);
        for (let i = 0; i < X.length; i++) X[i] += s * Z[i];
      },
    });
  }
  return ws;
}

// ---------------------------------------------------------------- package workloads
async function packageWorkloads() {
  const ws = [];
  const pkgDir = join(root, 'packages');
  for (const pkg of readdirSync(pkgDir).sort()) {
    const benchDir = join(pkgDir, pkg, 'bench');
    if (!existsSync(benchDir)) continue;
    for (const file of readdirSync(benchDir).filter((f) => f.endsWith('.bench.mjs')).sort()) {
      const where = `packages/${pkg}/bench/${file}`;
      try {
        const mod = await import(pathToFileURL(join(benchDir, file)).href);
        if (!Array.isArray(mod.workloads)) {
          console.warn(`bench: ${where} exports no 'workloads' array; skipped`);
          continue;
        }
        for (const w of mod.workloads) ws.push({ backend: 'cpu', ...w, name: `${pkg}: ${w.name}`, source: where });
      } catch (e) {
        console.warn(`bench: could not load ${where}: ${e?.message ?? e}`);
      }
    }
  }
  return ws;
}

// ---------------------------------------------------------------- main
const machine = {
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  cpus: { count: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown' },
  memory_gb: round(os.totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
  backends: k.listBackends().map((b) => {
    let available = false;
    try {
      available = b.available ? b.available() : true;
    } catch {}
    return { name: b.name, mode: b.mode, precision: b.precision, available };
  }),
  default_backend: k.defaultBackendName(),
};

const all = [...kernelWorkloads(), ...(await packageWorkloads())].filter(
  (w) => !filter || `${w.name} ${w.backend}`.includes(filter),
);

console.log(`bench: ${machine.cpus.count} x ${machine.cpus.model}, node ${machine.node}; backends ${machine.backends.map((b) => `${b.name} (${b.mode}, ${b.precision})`).join(', ')}`);
const header = ['workload', 'backend', 'runs', 'median ms', 'min ms', 'GFLOP/s'];
const widths = [44, 14, 5, 11, 11, 8];
const fmt = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' ');
console.log(fmt(header));
console.log(widths.map((w) => '-'.repeat(w)).join(' '));

const results = [];
const t0 = performance.now();
for (const w of all) {
  const entry = { name: w.name, backend: w.backend ?? 'cpu', params: w.params ?? {} };
  if (w.source) entry.source = w.source;
  let ctx;
  try {
    ctx = w.setup ? await w.setup() : undefined;
    Object.assign(entry, await measure(w, ctx));
    if (w.flops) entry.gflops = round(w.flops / (entry.median_ms * 1e6));
    console.log(fmt([w.name.slice(0, widths[0]), entry.backend, entry.runs, entry.median_ms.toFixed(2), entry.min_ms.toFixed(2), entry.gflops?.toFixed(2) ?? '']));
  } catch (e) {
    entry.error = String(e?.message ?? e);
    console.log(fmt([w.name.slice(0, widths[0]), entry.backend, 0, 'error', '', '']) + `  ${entry.error}`);
  } finally {
    if (w.teardown && ctx !== undefined) await w.teardown(ctx);
  }
  results.push(entry);
}
// Kernel vs NumPy, interleaved in this session (issue 8; skipped without python3 + numpy or with --no-numpy).
let numpyComparison = null;
if (!args.includes('--no-numpy')) {
  const { compareWithNumpy, numpyAvailable } = await import('./numpy-compare.mjs');
  if (numpyAvailable()) {
    console.log('bench: kernel vs NumPy, interleaved (median [min-max] of the timed runs)');
    numpyComparison = await compareWithNumpy(k, { reps: quick ? 3 : 7, filter });
  } else {
    console.log('bench: python3 with numpy not found; no NumPy comparison');
  }
}
const reference = results.find((r) => r.backend === 'reference-js' && r.median_ms);
const out = {
  machine,
  total_s: round((performance.now() - t0) / 1000),
  reference: reference ? { name: reference.name, median_ms: reference.median_ms } : null,
  workloads: results,
  numpy_comparison: numpyComparison,
};
mkdirSync(dirname(outPath), { recursive: true });
const tmp = `${outPath}.${process.pid}.tmp`;
writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`);
renameSync(tmp, outPath);
console.log(`bench: ${results.length} workloads in ${out.total_s} s; wrote ${outPath}`);
// Done: exit even if a bench module left a helper process or handle open (teardown is the first line of defence).
process.exit(0);
