import type { FixedStepSolver, OdeRhs } from './types.js';

export interface EulerState {
  k1: Float64Array;
}

/** Explicit Euler: y_{k+1} = y_k + h f(t_k, y_k). Order 1, one evaluation per step. */
export const euler: FixedStepSolver<EulerState> = {
  name: 'euler',
  order: 1,
  stages: 1,
  init: (n) => ({ k1: new Float64Array(n) }),
  step(f: OdeRhs, t, h, y, state, yOut) {
    const { k1 } = state;
    f(t, y, k1);
    for (let i = 0; i < y.length; i++) yOut[i] = y[i] + h * k1[i];
  },
};
