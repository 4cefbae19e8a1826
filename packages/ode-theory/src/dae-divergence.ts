import { DivergenceError } from '@diffusion-theory/kernel';
import type { DaeStateLayout } from './dae-layout.js';

/**
 * Divergence guard of `solveDaeOde`: a state of the summary-statistic ODE is physical only while
 * - every entry is finite and below `bound` in magnitude (the ODE blows up when eta is above the
 *   stability limit; integrating a blown-up state makes the Gaussian expectations of the RHS slow
 *   enough to look like a hang), and
 * - every q_s = (1/d) sum_{i in s} w_i^T w_i is a Gram matrix: diagonal >= 0 and the total
 *   Q = sum_s q_s positive semi-definite (within a relative tolerance `psdTol` of its largest diagonal).
 * A state outside this set cannot come from weights: the ODE has left the region where it describes SGD.
 * @internal
 */
export interface DivergenceGuard {
  /** Throw DivergenceError (with `step` and the training time `tau` in the message and on `err.tau`) unless y is physical. */
  check(y: Float64Array, tau: number, step: number, psd: boolean): void;
}

/** A DivergenceError that also carries the training time at which it was detected. */
export function divergenceAt(message: string, step: number, tau: number): DivergenceError {
  const e = new DivergenceError(message, step);
  Object.defineProperty(e, 'tau', { value: tau, enumerable: true });
  return e;
}

/**
 * Build the guard for a layout. `scale` is the magnitude of the problem (largest entry of the initial
 * state and of the target constants, at least 1); `threshold` times it bounds every state entry.
 * @internal
 */
export function divergenceGuard(layout: DaeStateLayout, scale: number, threshold: number, eta: number, psdTol = 1e-6): DivergenceGuard {
  const { r, Ng } = layout;
  const rr = r * r;
  const bound = threshold * Math.max(1, scale);
  const Q = new Float64Array(rr);
  const hint = `the ODE diverges at this learning rate (eta = ${eta}); lower eta (or dtau)`;
  return {
    check(y, tau, step, psd) {
      for (let i = 0; i < y.length; i++) {
        const v = y[i];
        if (!(Math.abs(v) <= bound)) {
          const what = Number.isFinite(v) ? `|state[${i}]| = ${Math.abs(v).toExponential(3)} above the divergence bound ${bound.toExponential(3)}` : `state[${i}] = ${v}`;
          throw divergenceAt(`solveDaeOde: ${what} at tau = ${tau} (step ${step}); ${hint}`, step, tau);
        }
      }
      if (!psd) return;
      Q.fill(0);
      let maxDiag = 0;
      for (let s = 0; s < Ng; s++) {
        for (let j = 0; j < rr; j++) Q[j] += y[s * rr + j];
        for (let k = 0; k < r; k++) maxDiag = Math.max(maxDiag, y[s * rr + k * r + k]);
      }
      const tol = psdTol * Math.max(maxDiag, Number.MIN_VALUE);
      for (let s = 0; s < Ng; s++) {
        for (let k = 0; k < r; k++) {
          const qkk = y[s * rr + k * r + k];
          if (qkk < -tol) {
            throw divergenceAt(`solveDaeOde: q_${s}[${k},${k}] = ${qkk} < 0 at tau = ${tau} (step ${step}): not a Gram matrix; ${hint}`, step, tau);
          }
        }
      }
      // Cholesky of Q + tol I (r is small): a failing pivot means Q has an eigenvalue below -tol
      for (let j = 0; j < r; j++) {
        let dj = Q[j * r + j] + tol;
        for (let k = 0; k < j; k++) dj -= Q[j * r + k] * Q[j * r + k];
        if (!(dj > 0)) {
          throw divergenceAt(`solveDaeOde: the Gram matrix Q is not positive semi-definite at tau = ${tau} (step ${step}, pivot ${j}); ${hint}`, step, tau);
        }
        const ljj = Math.sqrt(dj);
        Q[j * r + j] = ljj;
        for (let i = j + 1; i < r; i++) {
          let x = 0.5 * (Q[i * r + j] + Q[j * r + i]);
          for (let k = 0; k < j; k++) x -= Q[i * r + k] * Q[j * r + k];
          Q[i * r + j] = x / ljj;
        }
      }
    },
  };
}
