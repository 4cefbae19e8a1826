// Benchmarks of the Result 2.1 ODE (picked up by tooling/bench): one RHS evaluation and a full
// 400-step RK4 learning curve (tau in [0, 8], dtau = 0.02) on the trimodal GMM T1, r = 2, G = {1/2}
// (linear, tanh, ReLU); and tanh at r = 3 on a 3-time grid G = {0.3, 0.5, 0.7} with the SGD noise on
// (eta = 0.2: the cross-time pair moments of all three time pairs per cluster enter every RHS), and one
// ReLU RHS there (the closed-form inner pair of the 'marginal' rule).
import { linearInterpolant } from '@diffusion-theory/kernel';
import { daeOdeRhs, solveDaeOde, spectralMixtureFromCentroids } from '../dist/index.js';

function trimodal(d = 1000) {
  const mus = [new Float64Array(d), new Float64Array(d), new Float64Array(d)];
  mus[0][0] = 3;
  mus[1][1] = -3;
  mus[2][0] = -3;
  const E = new Float64Array(d * 2);
  E[0] = 1;
  E[3] = 1;
  return spectralMixtureFromCentroids({ d, pi: [1 / 3, 1 / 3, 1 / 3], mus, groupOf: new Int32Array(d), Ng: 1, ell: [1, 1, 1], rho: [1], E, R: 2 });
}

/** Warm start w_k = 0.1 sqrt(d) mu_k (k = 1, 2) of Figs. 1 / 5. */
function warmStart() {
  const c = [
    [3, 0],
    [0, -3],
    [-3, 0],
  ];
  const q = new Float64Array(4);
  const m = new Float64Array(6);
  const g = new Float64Array(4);
  for (let k = 0; k < 2; k++) for (let l = 0; l < 2; l++) q[k * 2 + l] = 0.01 * (c[k][0] * c[l][0] + c[k][1] * c[l][1]);
  for (let a = 0; a < 3; a++) for (let k = 0; k < 2; k++) m[a * 2 + k] = 0.1 * (c[a][0] * c[k][0] + c[a][1] * c[k][1]);
  for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) g[k * 2 + j] = 0.1 * c[k][j];
  return { q, m, g, b: 0 };
}

const base = { r: 2, grid: { times: [0.5] }, schedule: linearInterpolant(), eta: 0.2, lambda: 0 };

function rhsWorkload(activation, form) {
  let f;
  let y;
  let dy;
  return {
    name: `dae-ode rhs ${activation}/${form} (r=2, K=3, 1 group, 1 time)`,
    params: { r: 2, K: 3, Ng: 1, J: 1, activation, form },
    setup() {
      const spec = trimodal();
      f = daeOdeRhs(spec, { ...base, activation, form });
      const init = warmStart();
      y = new Float64Array(f.layout.length);
      y.set([2.4, 0.1, 0.1, 1.3], 0);
      y.set([4.5, 0.2, 0.1, 3.2, -4.5, 0.1], f.layout.oM);
      y.set(init.g, f.layout.oG);
      y[f.layout.oB] = 0.5;
      dy = new Float64Array(y.length);
    },
    run() {
      f(0, y, dy);
    },
  };
}

function curveWorkload(activation, form) {
  let spec;
  return {
    name: `dae-ode curve ${activation}/${form} (RK4, 400 steps, tau 0..8)`,
    params: { r: 2, K: 3, steps: 400, dtau: 0.02, activation, form },
    setup() {
      spec = trimodal();
    },
    run() {
      solveDaeOde({ ...base, spec, activation, form, init: warmStart(), tauMax: 8, dtau: 0.02, saveEvery: 10 });
    },
  };
}

/** r = 3 warm start: w_k = 0.1 sqrt(d) mu_k (k = 1, 2) and a third student w_3 = 0.1 sqrt(d) (mu_1 + mu_2) / 2. */
function warmStart3() {
  const c = [
    [3, 0],
    [0, -3],
    [-3, 0],
  ];
  const w = [c[0], c[1], [1.5, -1.5]];
  const q = new Float64Array(9);
  const m = new Float64Array(9);
  const g = new Float64Array(6);
  for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) q[k * 3 + l] = 0.01 * (w[k][0] * w[l][0] + w[k][1] * w[l][1]);
  for (let a = 0; a < 3; a++) for (let k = 0; k < 3; k++) m[a * 3 + k] = 0.1 * (c[a][0] * w[k][0] + c[a][1] * w[k][1]);
  for (let k = 0; k < 3; k++) for (let j = 0; j < 2; j++) g[k * 2 + j] = 0.1 * w[k][j];
  return { q, m, g, b: 0 };
}

const base3 = { r: 3, grid: { times: [0.3, 0.5, 0.7] }, schedule: linearInterpolant(), eta: 0.2, lambda: 0 };

function rhsWorkload3(activation = 'tanh', form = 'stein') {
  let f;
  let y;
  let dy;
  return {
    name: `dae-ode rhs ${activation}/${form} (r=3, K=3, 1 group, 3 times, noise)`,
    params: { r: 3, K: 3, Ng: 1, J: 3, activation, form },
    setup() {
      const spec = trimodal();
      f = daeOdeRhs(spec, { ...base3, activation, form });
      y = new Float64Array(f.layout.length);
      // a state met along the curve: Q with sd(h) ~ 1.2-1.6, overlaps M ~ 3-4
      y.set([2.4, 0.1, 1.2, 0.1, 1.3, -0.6, 1.2, -0.6, 1.6], 0);
      y.set([4.5, 0.2, 2.2, 0.1, 3.2, -1.5, -4.5, 0.1, -2.2], f.layout.oM);
      y.set(warmStart3().g, f.layout.oG);
      y[f.layout.oB] = 0.5;
      dy = new Float64Array(y.length);
    },
    run() {
      f(0, y, dy);
    },
  };
}

function curveWorkload3() {
  let spec;
  return {
    name: 'dae-ode curve tanh/stein (r=3, 3 times, noise; RK4, 400 steps, tau 0..8)',
    params: { r: 3, K: 3, J: 3, steps: 400, dtau: 0.02, activation: 'tanh', form: 'stein' },
    maxRuns: 1,
    setup() {
      spec = trimodal();
    },
    run() {
      solveDaeOde({ ...base3, spec, activation: 'tanh', form: 'stein', init: warmStart3(), tauMax: 8, dtau: 0.02, saveEvery: 10 });
    },
  };
}

export const workloads = [
  rhsWorkload('tanh', 'stein'),
  rhsWorkload('tanh', 'regression'),
  rhsWorkload('linear', 'linear-closed'),
  rhsWorkload('relu', 'regression'),
  curveWorkload('tanh', 'stein'),
  curveWorkload('linear', 'linear-closed'),
  curveWorkload('relu', 'regression'),
  rhsWorkload3(),
  rhsWorkload3('relu', 'regression'),
  curveWorkload3(),
];
