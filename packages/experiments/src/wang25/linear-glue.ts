import { branchPowerLawFits, type EmergenceCriterion, emergenceTimeClosedForm, emergenceTimeFromCheckpoints, powerLawFit } from '@diffusion-theory/metrics';
import { pfOdeRk4 } from '@diffusion-theory/samplers';
import { trainModeFlow } from '@diffusion-theory/trainers';

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
export function theoryEmergence(lambdas: ArrayLike<number>, v: (k: number, tau: number) => number, vInf: (k: number) => number, criterion: EmergenceCriterion) {
  const taus: number[] = [];
  const v0: number[] = [];
  const vi: number[] = [];
  for (let k = 0; k < lambdas.length; k++) {
    v0.push(v(k, 0));
    vi.push(vInf(k));
    taus.push(emergenceTimeClosedForm((t) => v(k, t), { v0: v0[k], vInf: vi[k], criterion }));
  }
  return { taus, fits: branchPowerLawFits({ lambdas, taus, v0, vInf: vi }) };
}

/** Emergence times from checkpoints (per mode) and their power-law fit. */
export function checkpointEmergence(times: number[], traj: number[][], v0: number[], vInf: number[], lambdas: number[], criterion: EmergenceCriterion) {
  const taus = lambdas.map((_, k) => emergenceTimeFromCheckpoints(times, traj.map((row) => row[k]), { v0: v0[k], vInf: vInf[k], criterion }));
  return { taus, fit: powerLawFit(lambdas, taus) };
}
