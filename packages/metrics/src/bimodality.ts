import { DomainError, ParameterError, ShapeError, assertFinite } from '@diffusion-theory/kernel';

export interface BimodalityDipOptions {
  /** The point between the modes where a valley is expected (e.g. 0 for a symmetric law). */
  centre: number;
  /** Two points where the modes are expected (e.g. -+ the target's centroid norm), left < centre < right. */
  modes: readonly [number, number];
  /**
   * Gaussian kernel standard deviation h (> 0). Default: Scott's rule n^{-1/5} sd(x). Give the same
   * h to two samples that are compared, so both estimate the same smoothed density.
   */
  bandwidth?: number;
}

export interface BimodalityDip {
  /**
   * f_h(centre) / ((f_h(left) + f_h(right)) / 2), with f_h the Gaussian-kernel density estimate at
   * bandwidth h: below 1 when the density has a valley at the centre between the two points, above
   * 1 for a unimodal law centred there (not <= 1 by construction).
   */
  dip: number;
  /** Standard error of `dip` (delta method on the per-sample kernel terms; see `bimodalityDip`). */
  se: number;
  /** The kernel standard deviation used. */
  bandwidth: number;
  /** f_h at left, centre, right. */
  density: { left: number; centre: number; right: number };
  n: number;
}

/**
 * A bimodality dip statistic with its sampling error: the kernel density at a centre point
 * relative to the mean of the kernel densities at two mode points,
 *   dip = f_h(c) / ((f_h(a) + f_h(b)) / 2),   f_h(z) = (1/n) sum_i K_h(z - x_i).
 * The points are fixed in advance (not the maxima of the estimate), so the statistic is not
 * bounded by 1: a unimodal law centred at c gives dip > 1, a valley at c gives dip < 1.
 * At fixed h every f_h is a mean of i.i.d. terms, so the standard error is exact to first order:
 * with k_i = (K_h(c - x_i), K_h(a - x_i), K_h(b - x_i)) and m = (f_a + f_b)/2, the influence of
 * sample i is psi_i = (k_{c,i} - dip (k_{a,i} + k_{b,i}) / 2) / m and se = sd(psi) / sqrt(n).
 * The estimate targets the h-smoothed density; compare two samples at a common h.
 *
 * @param x samples on the line (n >= 10; e.g. a projection on span(mu)).
 * @param options centre, modes, bandwidth (default Scott).
 * @throws ShapeError for fewer than 10 samples; NonFiniteError on a non-finite sample; DomainError when the points are not ordered left < centre < right or the density vanishes at both mode points; ParameterError on a non-positive bandwidth.
 * @param x - the sample (at least 10 values)
 * @param options - the two mode points, the centre between them and optionally the KDE bandwidth
 * @returns the KDE density at the centre relative to the modes (the dip)
 */
export function bimodalityDip(x: ArrayLike<number>, options: BimodalityDipOptions): BimodalityDip {
  if (!x || typeof x.length !== 'number' || x.length < 10) throw new ShapeError(`x: expected at least 10 samples, got ${x?.length}`);
  assertFinite(x, 'x');
  if (!options || !Array.isArray(options.modes) || options.modes.length !== 2) throw new ParameterError('modes: expected two points [left, right]');
  const c = options.centre;
  const [a, b] = options.modes;
  if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && a < c && c < b)) {
    throw new DomainError(`centre, modes: expected finite points with left < centre < right, got ${a}, ${c}, ${b}`);
  }
  const n = x.length;
  let h = options.bandwidth;
  if (h === undefined) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
    h = n ** (-1 / 5) * Math.sqrt(v / (n - 1));
  }
  if (!(h > 0) || !Number.isFinite(h)) throw new DomainError(`bandwidth: expected a finite number > 0, got ${h}`);
  const norm = 1 / (h * Math.sqrt(2 * Math.PI));
  const K = (u: number) => norm * Math.exp(-0.5 * (u / h) ** 2);
  const kc = new Float64Array(n);
  const kab = new Float64Array(n);
  let fc = 0;
  let fa = 0;
  let fb = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const ci = K(c - xi);
    const ai = K(a - xi);
    const bi = K(b - xi);
    kc[i] = ci;
    kab[i] = 0.5 * (ai + bi);
    fc += ci;
    fa += ai;
    fb += bi;
  }
  fc /= n;
  fa /= n;
  fb /= n;
  const m = 0.5 * (fa + fb);
  if (!(m > 0)) throw new DomainError(`modes: the density estimate vanishes at both mode points ${a}, ${b} (bandwidth ${h}); choose points inside the sample`);
  const dip = fc / m;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const psi = (kc[i] - dip * kab[i]) / m;
    s += psi;
    s2 += psi * psi;
  }
  const varPsi = (s2 - (s * s) / n) / (n - 1);
  return { dip, se: Math.sqrt(Math.max(0, varPsi) / n), bandwidth: h, density: { left: fa, centre: fc, right: fb }, n };
}
