import type { OdeRhs } from './types.js';

// Dormand-Prince 5(4) tableau (Dormand & Prince 1980; Hairer, Norsett & Wanner, Solving ODEs I, II.5).
const c2 = 1 / 5, c3 = 3 / 10, c4 = 4 / 5, c5 = 8 / 9;
const a21 = 1 / 5;
const a31 = 3 / 40, a32 = 9 / 40;
const a41 = 44 / 45, a42 = -56 / 15, a43 = 32 / 9;
const a51 = 19372 / 6561, a52 = -25360 / 2187, a53 = 64448 / 6561, a54 = -212 / 729;
const a61 = 9017 / 3168, a62 = -355 / 33, a63 = 46732 / 5247, a64 = 49 / 176, a65 = -5103 / 18656;
const a71 = 35 / 384, a73 = 500 / 1113, a74 = 125 / 192, a75 = -2187 / 6784, a76 = 11 / 84;
// e = b(5th order) - b(4th order embedded)
const e1 = 71 / 57600, e3 = -71 / 16695, e4 = 71 / 1920, e5 = -17253 / 339200, e6 = 22 / 525, e7 = -1 / 40;
// Continuous extension of order 4 (Hairer's dopri5 "contd5" coefficients).
const d1 = -12715105075 / 11282082432, d3 = 87487479700 / 32700410799, d4 = -10690763975 / 1880347072;
const d5 = 701980252875 / 199316789632, d6 = -1453857185 / 822651844, d7 = 69997945 / 29380423;

export interface Dopri5State {
  /** f(t, y) at the start of the step (first-same-as-last: after a step, k7 becomes the next k1). */
  k1: Float64Array;
  k2: Float64Array;
  k3: Float64Array;
  k4: Float64Array;
  k5: Float64Array;
  k6: Float64Array;
  /** f(t + h, yOut). */
  k7: Float64Array;
  tmp: Float64Array;
  /** Local error estimate of the last step (absolute, per component). */
  err: Float64Array;
  /** Dense-output coefficients of the last accepted step. */
  r1: Float64Array;
  r2: Float64Array;
  r3: Float64Array;
  r4: Float64Array;
  r5: Float64Array;
}

/**
 * The Dormand-Prince 5(4) step (diffrax style: state from `init`, `step` does one trial step).
 * Order 5 with an embedded order-4 error estimate, 6 new evaluations per step (FSAL), and a
 * 4th-order continuous extension for dense output.
 */
export const dopri5Solver = {
  name: 'dopri5',
  order: 5,
  errorOrder: 4,
  init(n: number): Dopri5State {
    const b = () => new Float64Array(n);
    return { k1: b(), k2: b(), k3: b(), k4: b(), k5: b(), k6: b(), k7: b(), tmp: b(), err: b(), r1: b(), r2: b(), r3: b(), r4: b(), r5: b() };
  },
  /** One trial step from (t, y) with state.k1 = f(t, y) already set; writes yOut, state.k7 and state.err. */
  step(f: OdeRhs, t: number, h: number, y: Float64Array, s: Dopri5State, yOut: Float64Array): void {
    const { k1, k2, k3, k4, k5, k6, k7, tmp, err } = s;
    const n = y.length;
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * a21 * k1[i];
    f(t + c2 * h, tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
    f(t + c3 * h, tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
    f(t + c4 * h, tmp, k4);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
    f(t + c5 * h, tmp, k5);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
    f(t + h, tmp, k6);
    for (let i = 0; i < n; i++) yOut[i] = y[i] + h * (a71 * k1[i] + a73 * k3[i] + a74 * k4[i] + a75 * k5[i] + a76 * k6[i]);
    f(t + h, yOut, k7);
    for (let i = 0; i < n; i++) err[i] = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] + e7 * k7[i]);
  },
  /** Build the dense-output polynomial of an accepted step from y (at t) to yOut (at t + h). */
  prepareDense(h: number, y: Float64Array, yOut: Float64Array, s: Dopri5State): void {
    const { k1, k3, k4, k5, k6, k7, r1, r2, r3, r4, r5 } = s;
    for (let i = 0; i < y.length; i++) {
      const dy = yOut[i] - y[i];
      const bspl = h * k1[i] - dy;
      r1[i] = y[i];
      r2[i] = dy;
      r3[i] = bspl;
      r4[i] = dy - h * k7[i] - bspl;
      r5[i] = h * (d1 * k1[i] + d3 * k3[i] + d4 * k4[i] + d5 * k5[i] + d6 * k6[i] + d7 * k7[i]);
    }
  },
  /** y(t + theta h), theta in [0, 1], from the last prepared step. */
  interpolate(theta: number, s: Dopri5State, out: Float64Array): void {
    const { r1, r2, r3, r4, r5 } = s;
    const th1 = 1 - theta;
    for (let i = 0; i < out.length; i++) out[i] = r1[i] + theta * (r2[i] + th1 * (r3[i] + theta * (r4[i] + th1 * r5[i])));
  },
};
