import type { FixedStepSolver, OdeRhs } from './types.js';

export interface HeunState {
  k1: Float64Array;
  k2: Float64Array;
}

/**
 * Heun's method (explicit trapezoidal rule): predictor y~ = y + h f(t, y), corrector
 * y_{k+1} = y + h/2 (f(t, y) + f(t + h, y~)). Order 2, two evaluations per step.
 */
export const heun: FixedStepSolver<HeunState> = {
  name: 'heun',
  order: 2,
  stages: 2,
  init: (n) => ({ k1: new Float64Array(n), k2: new Float64Array(n) }),
  step(f: OdeRhs, t, h, y, state, yOut) {
    const { k1, k2 } = state;
    const n = y.length;
    f(t, y, k1);
    for (let i = 0; i < n; i++) yOut[i] = y[i] + h * k1[i];
    f(t + h, yOut, k2);
    const h2 = 0.5 * h;
    for (let i = 0; i < n; i++) yOut[i] = y[i] + h2 * (k1[i] + k2[i]);
  },
};
