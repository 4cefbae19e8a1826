import { type LinearParametrization, perSigmaLinearDenoiser } from '@diffusion-theory/denoisers';
import { NDArray } from '@diffusion-theory/kernel';
import { branchPowerLawFits, type EmergenceCriterion, emergenceTimeClosedForm, emergenceTimeFromCheckpoints, powerLawFit } from '@diffusion-theory/metrics';
import { pfOdeRk4 } from '@diffusion-theory/samplers';
import { trainLinearFlow, trainModeFlow, variantMoments } from '@diffusion-theory/trainers';

/** Shared glue of the wang25 linear experiments (simulation of the per-mode gradient flow + exact PF-ODE). */
export const S0 = 0.002;
export const ST = 80;

export function logGrid(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
}

/**
 * Simulation: numerical gradient flow (RK4 in tau) of the exact moment loss at every sigma the PF-ODE
 * integrator visits, then RK4 in ln sigma (pfOdeRk4) on a diagonal denoiser in the data eigenbasis
 * (one unit-noise sample per mode). Returns gains[r][j][k] at the sigma grid and the generated variances[r][k].
 */
export function simulateModes(o: { lambdas: number[]; model: 'one-layer' | 'two-layer'; Q: number; eta: number; times: number[]; odeSteps: number; dtMax: number }) {
  const { lambdas, odeSteps } = o;
  const d = lambdas.length;
  const u0 = Math.log(ST);
  const hh = (Math.log(S0) - u0) / odeSteps / 2; // RK4 visits u0 + j hh, j = 0..2 odeSteps
  const gains: Float64Array[][] = o.times.map(() => []);
  for (let j = 0; j <= 2 * odeSteps; j++) {
    const s = Math.exp(u0 + j * hh);
    // adaptive RK4 step: (local linearised rate) x dt <= 0.03
    const g = trainModeFlow({ lambdas, sigma: s, model: o.model, Q: o.Q, eta: o.eta, times: o.times, dt: o.dtMax, rateStep: 0.03 });
    g.forEach((row, r) => {
      gains[r][j] = row;
    });
  }
  const variances = o.times.map((_, r) => {
    const den = {
      dim: d,
      denoise(x: Float64Array, n: number, s: number, out = new Float64Array(x.length)) {
        const j = Math.round((Math.log(s) - u0) / hh);
        const g = gains[r][j];
        for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[i * d + k] = g[k] * x[i * d + k];
        return out;
      },
    };
    const y = pfOdeRk4(den, new Float64Array(d).fill(ST), { steps: odeSteps, sigmaMin: S0, sigmaMax: ST }).data;
    return Array.from(y, (v) => v * v);
  });
  return { gains, variances, sigmaAt: (j: number) => Math.exp(u0 + j * hh) };
}

/** Theory emergence times (closed-form root) and the branch fit over the gray-zone-free modes. */
export function theoryEmergence(lambdas: ArrayLike<number>, v: (k: number, tau: number) => number, vInf: (k: number) => number, criterion: EmergenceCriterion, grid: { tauMin?: number; tauMax?: number; gridPoints?: number } = {}) {
  const taus: number[] = [];
  const v0: number[] = [];
  const vi: number[] = [];
  for (let k = 0; k < lambdas.length; k++) {
    v0.push(v(k, 0));
    vi.push(vInf(k));
    taus.push(emergenceTimeClosedForm((t) => v(k, t), { v0: v0[k], vInf: vi[k], criterion, ...grid }));
  }
  return { taus, fits: branchPowerLawFits({ lambdas, taus, v0, vInf: vi }) };
}

/** Emergence times from checkpoints (per mode) and their power-law fit. */
export function checkpointEmergence(times: number[], traj: number[][], v0: number[], vInf: number[], lambdas: number[], criterion: EmergenceCriterion) {
  const taus = lambdas.map((_, k) => emergenceTimeFromCheckpoints(times, traj.map((row) => row[k]), { v0: v0[k], vInf: vInf[k], criterion }));
  return { taus, fit: powerLawFit(lambdas, taus) };
}

/**
 * Simulation for a general linear family (e.g. convolutions): RK4 gradient flow of the exact moment loss
 * (trainers trainLinearFlow, step = rateStep / stiffness(sigma), stopping once converged to round-off) at every
 * sigma the RK4 PF-ODE visits, then the PF-ODE propagated in pixel space from unit noise (one sample per pixel),
 * so the generated covariance is X^T X exactly. Returns theta[r][j] and the generated covariances per checkpoint.
 */
export function simulateFamily(o: {
  param: LinearParametrization;
  covariance: NDArray;
  theta0: Float64Array;
  eta: number;
  times: number[];
  odeSteps: number;
  stiffness: (sigma: number) => number;
  rateStep: number;
  dtMax: number;
}) {
  const N = o.param.dim;
  const u0 = Math.log(ST);
  const hh = (Math.log(S0) - u0) / o.odeSteps / 2;
  const theta: Float64Array[][] = o.times.map(() => []);
  const W: Float64Array[][] = o.times.map(() => []);
  for (let j = 0; j <= 2 * o.odeSteps; j++) {
    const s = Math.exp(u0 + j * hh);
    const dt = Math.min(o.dtMax, o.rateStep / o.stiffness(s));
    const run = trainLinearFlow({ param: o.param, moments: variantMoments(o.covariance, { kind: 'edm-x', sigma: s }), theta0: o.theta0, eta: o.eta, times: o.times, dt, stopWhenStill: true });
    run.theta.forEach((th, r) => {
      theta[r][j] = th;
      W[r][j] = o.param.weight(th).W;
    });
  }
  const generated = o.times.map((_, r) => {
    const den = perSigmaLinearDenoiser(N, (s) => ({ W: W[r][Math.round((Math.log(s) - u0) / hh)] }));
    const x0 = new Float64Array(N * N);
    for (let i = 0; i < N; i++) x0[i * N + i] = ST;
    const y = pfOdeRk4(den, x0, { steps: o.odeSteps, sigmaMin: S0, sigmaMax: ST }).data;
    const C = new Float64Array(N * N);
    for (let a = 0; a < N; a++) for (let b = 0; b < N; b++) for (let i = 0; i < N; i++) C[a * N + b] += y[i * N + a] * y[i * N + b];
    return new NDArray(C, [N, N]);
  });
  return { theta, generated, sigmaAt: (j: number) => Math.exp(u0 + j * hh) };
}

/** Fourier-mode variances f_k^H C f_k of a real N x N covariance (spec §8.1 convention). */
export function fourierDiagonal(C: NDArray): number[] {
  const N = C.shape[0];
  const c = C.data;
  const out: number[] = [];
  for (let k = 0; k < N; k++) {
    let v = 0;
    for (let a = 0; a < N; a++) for (let b = 0; b < N; b++) v += c[a * N + b] * Math.cos((2 * Math.PI * k * (b - a)) / N);
    out.push(v / N);
  }
  return out;
}

/**
 * Flow-matching simulation (spec §9): RK4 gradient flow at every t an RK4 integration of dx/dt = W_t x over [0, 1]
 * visits, then the per-mode flow from unit noise; generated variance = a_k(1)^2.
 */
export function simulateFmModes(o: { lambdas: number[]; model: 'one-layer' | 'two-layer'; Q: number; eta: number; times: number[]; odeSteps: number; dtMax: number }) {
  const d = o.lambdas.length;
  const hh = 1 / o.odeSteps / 2;
  const gains: Float64Array[][] = o.times.map(() => []);
  for (let j = 0; j <= 2 * o.odeSteps; j++) {
    const g = trainModeFlow({ lambdas: o.lambdas, fmTime: j * hh, model: o.model, Q: o.Q, eta: o.eta, times: o.times, dt: o.dtMax, rateStep: 0.03 });
    g.forEach((row, r) => {
      gains[r][j] = row;
    });
  }
  const variances = o.times.map((_, r) => {
    const out: number[] = [];
    for (let k = 0; k < d; k++) {
      let a = 1;
      const h = 2 * hh;
      for (let s = 0; s < o.odeSteps; s++) {
        const g0 = gains[r][2 * s][k];
        const g1 = gains[r][2 * s + 1][k];
        const g2 = gains[r][2 * s + 2][k];
        const k1 = g0 * a;
        const k2 = g1 * (a + 0.5 * h * k1);
        const k3 = g1 * (a + 0.5 * h * k2);
        const k4 = g2 * (a + h * k3);
        a += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      }
      out.push(a * a);
    }
    return out;
  });
  return { gains, variances, tAt: (j: number) => j * hh };
}

/** Keep the (x, y) pairs with a finite y (series may not hold NaN). */
export function finitePairs(x: ArrayLike<number>, y: ArrayLike<number>): { x: number[]; y: number[] } {
  const ox: number[] = [];
  const oy: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(y[i]) && Number.isFinite(x[i])) {
      ox.push(x[i]);
      oy.push(y[i]);
    }
  }
  return { x: ox, y: oy };
}
