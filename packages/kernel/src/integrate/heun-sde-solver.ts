import type { SdeDrift, SdeSolver } from './sde-types.js';

export interface HeunSdeState {
  f1: Float64Array;
  f2: Float64Array;
}

/**
 * Stochastic Heun for additive noise g(t) dW: predictor X~ = X + h b(t, X) + g(t) dW, corrector
 * X' = X + h/2 (b(t, X) + b(t + h, X~)) + (g(t) + g(t + h))/2 dW, with the same dW. Two drift
 * evaluations per step; strong order 1 and weak order 2 for additive noise (the diffusion here
 * never depends on X).
 */
export const heunSdeSolver: SdeSolver<HeunSdeState> = {
  name: 'heun_sde',
  strongOrder: 1,
  weakOrder: 2,
  multiplicative: false,
  init: (len) => ({ f1: new Float64Array(len), f2: new Float64Array(len) }),
  step(drift: SdeDrift, g, t, h, x, n, z, state, xOut) {
    const { f1, f2 } = state;
    const sq = Math.sqrt(Math.abs(h));
    const g0 = g(t) * sq;
    const g1 = 0.5 * (g(t) + g(t + h)) * sq;
    drift(t, x, n, f1);
    for (let i = 0; i < x.length; i++) xOut[i] = x[i] + h * f1[i] + g0 * z[i];
    drift(t + h, xOut, n, f2);
    const h2 = 0.5 * h;
    for (let i = 0; i < x.length; i++) xOut[i] = x[i] + h2 * (f1[i] + f2[i]) + g1 * z[i];
  },
};
