import type { SdeDrift, SdeSolver } from './sde-types.js';

export interface EmState {
  f: Float64Array;
  g: Float64Array;
}

/**
 * Euler-Maruyama: X_{k+1} = X_k + h b(t_k, X_k) + g(t_k) sqrt(|h|) z_k (or g(t_k, X_k) z_k sqrt(|h|)
 * coordinate-wise for a diagonal state-dependent diffusion, Ito). One drift evaluation per
 * step; strong order 1/2 in general (1 for additive noise), weak order 1.
 */
export const eulerMaruyamaSolver: SdeSolver<EmState> = {
  name: 'euler_maruyama',
  strongOrder: 0.5,
  weakOrder: 1,
  multiplicative: true,
  init: (len) => ({ f: new Float64Array(len), g: new Float64Array(len) }),
  step(drift: SdeDrift, g, t, h, x, n, z, state, xOut, gDiag) {
    const { f } = state;
    drift(t, x, n, f);
    if (gDiag) {
      const gx = state.g;
      gDiag(t, x, n, gx);
      const sq = Math.sqrt(Math.abs(h));
      for (let i = 0; i < x.length; i++) xOut[i] = x[i] + h * f[i] + sq * gx[i] * z[i];
      return;
    }
    const sg = g(t) * Math.sqrt(Math.abs(h));
    if (sg === 0) {
      // no noise this step (an ODE step): z is not read
      for (let i = 0; i < x.length; i++) xOut[i] = x[i] + h * f[i];
      return;
    }
    for (let i = 0; i < x.length; i++) xOut[i] = x[i] + h * f[i] + sg * z[i];
  },
};
