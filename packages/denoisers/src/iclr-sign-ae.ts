import { type Denoiser, DomainError, type NDArray, ShapeError, assertFinite, assertInRange, checkBatch, isNDArray, assertObject } from '@diffusion-theory/kernel';

export interface IclrSignAeOptions {
  /** Increasing time grid t_1 < ... < t_J in [0, 1] at which the per-time networks were fitted. */
  times: Float64Array | readonly number[];
  /** Skip weights b_t at the grid times (length J). */
  b: Float64Array | readonly number[];
  /** Decoder vectors u_t (J x d: row j is u at times[j]). */
  u: NDArray;
  /**
   * How t between grid times is handled: 'linear' (default) interpolates b and u linearly; 'nearest-below'
   * uses the grid time t_j <= t closest to t (what an Euler sampler on the same grid sees). Times outside
   * [t_1, t_J] use the end value.
   */
  interpolation?: 'linear' | 'nearest-below';
}

export interface IclrSignAe extends Denoiser {
  readonly times: Float64Array;
  /** (b_t, u_t) at time t (interpolated as configured). */
  paramsAt(t: number): { b: number; u: Float64Array };
}

/**
 * The ICLR-2024 sign auto-encoder with skip connection, one network per time (Cui et al. 2024, ICLR):
 *   f_t(x) = b_t x + u_t sign(u_t^T x)    (sign(0) = 0),
 * stored as a table over a time grid. Implements the kernel Denoiser (batched rows). Cost O(n d) per call.
 * @param opts - grid times and the per-time parameters (b_t, u_t)
 * @returns the sign auto-encoder f_t(x) = b_t x + u_t sign(u_t^T x), one network per time
 * @throws ShapeError / DomainError / ParameterError for invalid options
 */
export function iclrSignAe(opts: IclrSignAeOptions): IclrSignAe {
  assertObject(opts, 'opts');
  const times = Float64Array.from(opts.times);
  const b = Float64Array.from(opts.b);
  const J = times.length;
  if (J < 1) throw new ShapeError('times: expected at least one grid time');
  if (b.length !== J) throw new ShapeError(`b: expected length ${J} (one per grid time), got ${b.length}`);
  assertFinite(times, 'times');
  assertFinite(b, 'b');
  for (let j = 0; j < J; j++) {
    assertInRange(times[j], 0, 1, `times[${j}]`);
    if (j > 0 && !(times[j] > times[j - 1])) throw new DomainError(`times: expected strictly increasing times, got ${times[j - 1]} then ${times[j]}`);
  }
  if (!isNDArray(opts.u) || opts.u.ndim !== 2 || opts.u.shape[0] !== J) {
    throw new ShapeError(`u: expected an NDArray of shape [${J}, d] (one decoder vector per grid time)`);
  }
  const U = opts.u.contiguous().data.slice();
  const d = opts.u.shape[1];
  assertFinite(U, 'u');
  const mode = opts.interpolation ?? 'linear';
  if (mode !== 'linear' && mode !== 'nearest-below') throw new DomainError(`interpolation: expected 'linear' or 'nearest-below', got '${String(mode)}'`);
  const uBuf = new Float64Array(d);
  /** Fills uBuf and returns b at t. */
  const at = (t: number): number => {
    if (!Number.isFinite(t)) throw new DomainError(`t: expected a finite time, got ${t}`);
    if (t <= times[0] || J === 1) {
      uBuf.set(U.subarray(0, d));
      return b[0];
    }
    if (t >= times[J - 1]) {
      uBuf.set(U.subarray((J - 1) * d, J * d));
      return b[J - 1];
    }
    let lo = 0;
    let hi = J - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= t) lo = mid;
      else hi = mid;
    }
    // snap to a grid time within rounding
    if (Math.abs(times[hi] - t) <= 1e-12) lo = hi;
    if (mode === 'nearest-below' || times[lo] === t) {
      uBuf.set(U.subarray(lo * d, (lo + 1) * d));
      return b[lo];
    }
    const w = (t - times[lo]) / (times[hi] - times[lo]);
    for (let j = 0; j < d; j++) uBuf[j] = (1 - w) * U[lo * d + j] + w * U[hi * d + j];
    return (1 - w) * b[lo] + w * b[hi];
  };
  return {
    dim: d,
    times,
    paramsAt(t: number) {
      const bt = at(t);
      return { b: bt, u: uBuf.slice() };
    },
    denoise(x, n, t, out) {
      checkBatch(x, n, d);
      const y = out ?? new Float64Array(n * d);
      if (y.length !== n * d) throw new ShapeError(`out: expected length ${n * d}, got ${y.length}`);
      const bt = at(t);
      for (let i = 0; i < n; i++) {
        const o = i * d;
        let h = 0;
        for (let j = 0; j < d; j++) h += uBuf[j] * x[o + j];
        const s = Math.sign(h);
        for (let j = 0; j < d; j++) y[o + j] = bt * x[o + j] + s * uBuf[j];
      }
      return y;
    },
    jacobian(x, t, out) {
      // sign is piecewise constant: the Jacobian is b_t I almost everywhere
      if (x.length !== d) throw new ShapeError(`x: expected length ${d}, got ${x.length}`);
      const J2 = out ?? new Float64Array(d * d);
      if (J2.length !== d * d) throw new ShapeError(`out: expected length ${d * d}, got ${J2.length}`);
      const bt = at(t);
      J2.fill(0);
      for (let i = 0; i < d; i++) J2[i * d + i] = bt;
      return J2;
    },
  };
}
