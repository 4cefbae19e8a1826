// Benchmarks of @diffusion-theory/rmt-spectra, picked up by tooling/bench/run.mjs (imports the BUILT packages).
// - the density of the Fig 4 law (alpha = 0.5, f = 0.75, variances 1 and 0.01) at 10,000 points: the exact
//   polynomial solver with its branch rule, the polynomial-free continuation, and the damped fixed point at
//   z = x - i eps in JS and (when python3 + NumPy are present) the same fixed point vectorised in NumPy,
//   in the same run (numpy_fixed_point.py; its time includes one pipe round trip, < 1 ms);
// - 100 empirical spectra at d = 1000 (m = 500: one Gram dgemm + one blocked eigvalsh of 500 x 500 each);
// - Algorithm 2 (K = 20000 antithetic probes, 40,000 network evaluations) on the residual-MLP score of spec §9
//   (d = 100, hidden 128; the cost does not depend on the training, so the net is the initialised one).
// metrics / denoisers / targets are imported from their dist by path: rmt-spectra itself depends only on kernel.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { NDArray, Rng } from '@diffusion-theory/kernel';
import { covarianceEigenvalues, groupSpectrum, stieltjesFixedPoint } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fig4 = { alpha: 0.5, fractions: [0.75, 0.25], variances: [1, 0.01] };
const xs = Float64Array.from({ length: 10_000 }, (_, i) => 1e-3 + ((6 - 1e-3) * i) / 9_999);
const EPS = 1e-2;
const TOL = 1e-10;

function startNumpy() {
  const child = spawn('python3', [join(here, 'numpy_fixed_point.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  lines.on('line', (l) => queue.shift()?.(l));
  const next = () => new Promise((res) => queue.push(res));
  const ready = next();
  child.unref();
  return {
    ready,
    async run() {
      const p = next();
      child.stdin.write(`${EPS} ${TOL}\n`);
      return p;
    },
    close() {
      child.stdin.end();
    },
  };
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

export const workloads = [
  {
    name: 'density, exact polynomial solver (10,000 points, Fig 4 law)',
    params: { points: 10_000, method: 'polynomial (cubic eq 57)' },
    setup: () => groupSpectrum(fig4, 16),
    run(law) {
      let acc = 0;
      for (const x of xs) acc += law.density(x);
      if (!(acc > 0)) throw new Error('no density');
    },
  },
  {
    name: 'density, continuation solver (10,000 points, Fig 4 law)',
    params: { points: 10_000, method: 'eta-continuation' },
    setup: () => groupSpectrum({ ...fig4, method: 'continuation' }, 16),
    maxRuns: 5,
    run(law) {
      for (const x of xs) law.density(x);
    },
  },
  {
    name: `density, damped fixed point in JS (10,000 points, eps = ${EPS})`,
    params: { points: 10_000, eps: EPS, tol: TOL },
    maxRuns: 3,
    run() {
      for (const x of xs) stieltjesFixedPoint(fig4, x, -EPS, { tol: TOL, maxIter: 200_000 });
    },
  },
  ...(hasNumpy
    ? [
        {
          name: `density, damped fixed point in NumPy (10,000 points, eps = ${EPS})`,
          backend: 'numpy',
          params: { points: 10_000, eps: EPS, tol: TOL, note: 'vectorised over points; python3 worker, same run' },
          maxRuns: 3,
          setup: async () => {
            const w = startNumpy();
            await w.ready;
            return w;
          },
          async run(w) {
            await w.run();
          },
          teardown: (w) => w.close(),
        },
      ]
    : []),
  {
    name: '100 empirical spectra at d = 1000 (m = 500)',
    params: { d: 1000, m: 500, realisations: 100 },
    maxRuns: 1,
    setup: () => new Rng(5),
    run(rng) {
      for (let r = 0; r < 100; r++) {
        const F = new NDArray(rng.normals(1000 * 500).map((v) => v / Math.sqrt(500)), [1000, 500]);
        covarianceEigenvalues(F);
      }
    },
  },
  {
    name: 'Algorithm 2 on the residual-MLP score (d = 100, K = 20000)',
    params: { d: 100, hidden: 128, probes: 20_000 },
    maxRuns: 2,
    setup: async () => {
      const { mlpScore } = await import('../../denoisers/dist/index.js');
      const { jacobianSpectrumAlgorithm2 } = await import('../../metrics/dist/index.js');
      const rng = new Rng(3);
      return { score: mlpScore({ dim: 100, dataVariance: 0.3, rng: rng.named('init') }), x0: rng.normals(100), alg2: jacobianSpectrumAlgorithm2 };
    },
    run({ score, x0, alg2 }) {
      alg2(score, { t: 0.3, probes: 20_000, x0, rng: new Rng(9) });
    },
  },
];
