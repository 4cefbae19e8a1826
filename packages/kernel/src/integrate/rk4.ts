import type { FixedStepSolver, OdeRhs } from './types.js';

export interface Rk4State {
  k: Float64Array;
  acc: Float64Array;
  tmp: Float64Array;
}

/** The classical fourth-order Runge-Kutta method. Order 4, four evaluations per step. */
export const rk4: FixedStepSolver<Rk4State> = {
  name: 'rk4',
  order: 4,
  stages: 4,
  init: (n) => ({ k: new Float64Array(n), acc: new Float64Array(n), tmp: new Float64Array(n) }),
  step(f: OdeRhs, t, h, y, state, yOut) {
    const { k, acc, tmp } = state;
    const n = y.length;
    const h2 = 0.5 * h;
    f(t, y, k);
    for (let i = 0; i < n; i++) {
      acc[i] = k[i];
      tmp[i] = y[i] + h2 * k[i];
    }
    f(t + h2, tmp, k);
    for (let i = 0; i < n; i++) {
      acc[i] += 2 * k[i];
      tmp[i] = y[i] + h2 * k[i];
    }
    f(t + h2, tmp, k);
    for (let i = 0; i < n; i++) {
      acc[i] += 2 * k[i];
      tmp[i] = y[i] + h * k[i];
    }
    f(t + h, tmp, k);
    const h6 = h / 6;
    for (let i = 0; i < n; i++) yOut[i] = y[i] + h6 * (acc[i] + k[i]);
  },
};
