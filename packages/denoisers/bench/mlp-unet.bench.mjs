// Benchmark of one MLP-UNet training step (spec spectral-bias §13.2-13.4, issue 9), picked up by tooling/bench:
// EDM-preconditioned forward, EDM loss, backward and one Adam step at d = 256, batch 1024, nlayers 5, nhidden 256,
// temb 256 (1.12 M parameters). The same step in NumPy (mlp_unet_numpy.py, float64, gradients checked against
// finite differences) runs as a second workload when python3 with NumPy is present.
// Standalone: `node packages/denoisers/bench/mlp-unet.bench.mjs [--reps N]` interleaves the two (kernel step, NumPy
// step, repeated) for 1 thread and all cores and prints the ratio kernel / NumPy.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Rng, gemmThreads, setGemmThreads, startGemmThreads } from '@diffusion-theory/kernel';
import { edmPrecond, mlpUnet } from '../dist/index.js';
import { adam, adamStep } from '../../trainers/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const cfg = { d: 256, nlayers: 5, nhidden: 256, temb: 256, batch: 1024 };
// multiply-adds of the gemms: forward (fc0, affine, fc1 per block + the output layer), backward twice that minus the input grad of fc0 in block 0
const B = cfg.batch;
const H = cfg.nhidden;
const perBlock = H * H + cfg.temb * 2 * H + H * H;
const flops = 2 * B * ((cfg.nlayers - 1) * perBlock + H * cfg.d) * 3;

function kernelStep() {
  const rng = new Rng(1);
  const D = edmPrecond(mlpUnet({ ndim: cfg.d, nlayers: cfg.nlayers, nhidden: H, temb: cfg.temb, rng: rng.named('init') }));
  const x0 = rng.named('x0').normals(B * cfg.d);
  const noise = rng.named('noise').normals(B * cfg.d);
  const sigma = rng.named('sigma').normals(B).map((v) => Math.exp(-1.2 + 1.2 * v));
  const opt = adam(D.net.nParams, { lr: 1e-4 });
  return () => {
    D.net.zeroGrad();
    D.lossAndGrad(x0, B, sigma, noise);
    adamStep(opt, D.net.params, D.net.grad);
  };
}

export function numpyAvailable() {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

function numpyWorker(threads) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const args = [join(here, 'mlp_unet_numpy.py'), cfg.d, cfg.nlayers, H, cfg.temb, B].map(String);
  const child = spawn('python3', args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const queue = [];
  createInterface({ input: child.stdout }).on('line', (l) => queue.shift()?.(l));
  const next = () => new Promise((res) => queue.push(res));
  const ready = next();
  let detached = false;
  const hold = (on) => {
    for (const x of [child, child.stdin, child.stdout]) on ? x.ref?.() : x.unref?.();
  };
  return {
    ready,
    async step() {
      const p = next();
      if (detached) hold(true);
      child.stdin.write('step\n');
      const ms = Number(await p);
      if (detached) hold(false);
      return ms;
    },
    /** Let the process exit while the worker idles (bench runner: no close hook). */
    unref() {
      detached = true;
      hold(false);
    },
    close() {
      child.stdin.end();
    },
  };
}

export const workloads = [
  { name: `mlp-unet step d=${cfg.d} B=${B}`, params: cfg, flops, setup: () => kernelStep(), run: (step) => step(), maxRuns: 5, budgetMs: 8000 },
];
if (numpyAvailable()) {
  workloads.push({
    name: `mlp-unet step NumPy d=${cfg.d} B=${B}`,
    params: { ...cfg, numpy: true, threads: 'OpenBLAS default' },
    flops,
    setup: async () => {
      const w = numpyWorker(os.availableParallelism?.() ?? os.cpus().length);
      await w.ready;
      w.unref();
      return w;
    },
    run: (w) => w.step(),
    teardown: (w) => w.close(),
    maxRuns: 5,
    budgetMs: 8000,
  });
}

// ---- standalone interleaved comparison
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--reps');
  const reps = i > 0 ? Number(process.argv[i + 1]) : 5;
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const def = gemmThreads();
  console.log(`mlp-unet step, d=${cfg.d} B=${B} nlayers=${cfg.nlayers} nhidden=${H} temb=${cfg.temb}; ${cores} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const [name, kt, nt] of [['1 thread', 1, 1], ['all cores', def, cores]]) {
    if (kt === 1 && name === 'all cores' && cores === 1) continue;
    setGemmThreads(kt);
    if (kt > 1) await startGemmThreads();
    const step = kernelStep();
    const py = numpyWorker(nt);
    console.log(`  ${(await py.ready).replace(/^ready /, '')}`);
    step();
    await py.step();
    const ks = [];
    const ns = [];
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      step();
      ks.push(performance.now() - t);
      ns.push(await py.step());
    }
    py.close();
    const k = median(ks);
    const n = median(ns);
    console.log(`${name.padEnd(9)} kernel ${k.toFixed(0)} ms (${(flops / k / 1e6).toFixed(1)} GFLOP/s)  numpy ${n.toFixed(0)} ms  ratio kernel/numpy ${(k / n).toFixed(2)}`);
  }
  setGemmThreads(def);
}
