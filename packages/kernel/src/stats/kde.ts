import { assertFinite, assertPositive } from '../check.js';
import { DomainError, NotPositiveDefiniteError, ParameterError, ShapeError } from '../errors.js';

/**
 * Bandwidth rule, following scipy.stats.gaussian_kde: 'scott' (factor n^{-1/(d+4)}),
 * 'silverman' (factor (n (d+2) / 4)^{-1/(d+4)}), or a number used directly as the factor.
 * The kernel covariance is factor^2 times the sample covariance (ddof = 1); in 1-D the kernel
 * standard deviation is factor * std(samples, ddof = 1). NOTE: as in scipy, a number is the
 * factor, not the kernel width.
 */
export type KdeBandwidth = 'scott' | 'silverman' | number;

export interface KdeOptions {
  /** Default 'scott'. */
  bandwidth?: KdeBandwidth;
}

/** Kernels farther than this many kernel standard deviations are skipped (relative weight < e^{-32}). */
const CUTOFF = 8;
const INV_SQRT_2PI = 0.3989422804014327;

function bandwidthFactor(bw: KdeBandwidth | undefined, n: number, d: number): number {
  if (bw === undefined || bw === 'scott') return n ** (-1 / (d + 4));
  if (bw === 'silverman') return ((n * (d + 2)) / 4) ** (-1 / (d + 4));
  if (typeof bw === 'number') {
    assertPositive(bw, 'bandwidth');
    return bw;
  }
  throw new ParameterError(`bandwidth: expected 'scott', 'silverman' or a positive number (the factor), got ${String(bw)}`);
}

function checkSamples(x: Float64Array, name: string): void {
  if (!(x instanceof Float64Array)) throw new ParameterError(`${name}: expected a Float64Array`);
  if (x.length < 2) throw new ShapeError(`${name}: expected at least 2 samples, got ${x.length}`);
  assertFinite(x, name);
}

/** First index i in sorted a with a[i] >= v. */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Kde1d {
  /** The bandwidth factor (scipy's kde.factor). */
  factor: number;
  /** Kernel standard deviation: factor * std(samples, ddof = 1). */
  bandwidth: number;
  n: number;
  /** Density at each point (a new array). */
  evaluate(points: Float64Array): Float64Array;
}

/**
 * 1-D Gaussian kernel density estimate with scipy.stats.gaussian_kde conventions (default Scott:
 * kernel sd = n^{-1/5} std(samples, ddof = 1)). Evaluation sorts the samples once and sums only
 * those within 8 kernel sds of each point: O(points * (log n + neighbours)).
 */
export function gaussianKde1d(samples: Float64Array, opts: KdeOptions = {}): Kde1d {
  checkSamples(samples, 'samples');
  const n = samples.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += samples[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (samples[i] - mean) ** 2;
  v /= n - 1;
  if (!(v > 0)) throw new DomainError('samples: expected a positive sample variance, got all samples equal');
  const factor = bandwidthFactor(opts.bandwidth, n, 1);
  const h = factor * Math.sqrt(v);
  const sorted = samples.slice().sort();
  const inv = 1 / h;
  const norm = INV_SQRT_2PI / (n * h);
  return {
    factor,
    bandwidth: h,
    n,
    evaluate(points: Float64Array): Float64Array {
      const out = new Float64Array(points.length);
      for (let j = 0; j < points.length; j++) {
        const p = points[j];
        let i = lowerBound(sorted, p - CUTOFF * h);
        const end = p + CUTOFF * h;
        let s = 0;
        for (; i < n && sorted[i] <= end; i++) {
          const u = (p - sorted[i]) * inv;
          s += Math.exp(-0.5 * u * u);
        }
        out[j] = norm * s;
      }
      return out;
    },
  };
}

export interface Kde2d {
  factor: number;
  /** Kernel covariance [cxx, cxy, cyy] = factor^2 * sample covariance (ddof = 1). */
  covariance: [number, number, number];
  n: number;
  /** Density at the points (px[k], py[k]). */
  evaluate(px: Float64Array, py: Float64Array): Float64Array;
  /** Density on the grid xs x ys, as a ys.length x xs.length row-major array (row j is y = ys[j]). */
  evaluateGrid(xs: Float64Array, ys: Float64Array): Float64Array;
}

/**
 * 2-D Gaussian kernel density estimate with scipy.stats.gaussian_kde conventions: kernel
 * covariance factor^2 * cov(x, y; ddof = 1), Scott factor n^{-1/6} (Silverman's is the same in
 * 2-D). Kernels whose y (or x) distance exceeds 8 marginal kernel sds are skipped (their
 * Mahalanobis distance is then > 8 too).
 */
export function gaussianKde2d(x: Float64Array, y: Float64Array, opts: KdeOptions = {}): Kde2d {
  checkSamples(x, 'x');
  checkSamples(y, 'y');
  if (x.length !== y.length) throw new ShapeError(`y: expected length ${x.length} (that of x), got ${y.length}`);
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const factor = bandwidthFactor(opts.bandwidth, n, 2);
  const f2 = (factor * factor) / (n - 1);
  const cxx = sxx * f2;
  const cxy = sxy * f2;
  const cyy = syy * f2;
  const det = cxx * cyy - cxy * cxy;
  if (!(cxx > 0) || !(det > 1e-14 * cxx * cyy)) {
    throw new NotPositiveDefiniteError('x, y: expected samples with a non-singular covariance (not all on a line)');
  }
  const pxx = cyy / det;
  const pxy = -cxy / det;
  const pyy = cxx / det;
  const norm = 1 / (n * 2 * Math.PI * Math.sqrt(det));
  const rx = CUTOFF * Math.sqrt(cxx);
  const ry = CUTOFF * Math.sqrt(cyy);
  // samples sorted by y
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a] - y[b]);
  const sx = Float64Array.from(order, (i) => x[i]);
  const sy = Float64Array.from(order, (i) => y[i]);

  const at = (p: number, q: number, lo: number): number => {
    let s = 0;
    const end = q + ry;
    for (let i = lo; i < n && sy[i] <= end; i++) {
      const dx = p - sx[i];
      if (dx > rx || dx < -rx) continue;
      const dy = q - sy[i];
      s += Math.exp(-0.5 * (pxx * dx * dx + 2 * pxy * dx * dy + pyy * dy * dy));
    }
    return norm * s;
  };
  return {
    factor,
    covariance: [cxx, cxy, cyy],
    n,
    evaluate(px, py) {
      if (px.length !== py.length) throw new ShapeError(`py: expected length ${px.length} (that of px), got ${py.length}`);
      const out = new Float64Array(px.length);
      for (let k = 0; k < px.length; k++) out[k] = at(px[k], py[k], lowerBound(sy, py[k] - ry));
      return out;
    },
    evaluateGrid(xs, ys) {
      const nx = xs.length;
      const out = new Float64Array(ys.length * nx);
      for (let j = 0; j < ys.length; j++) {
        const lo = lowerBound(sy, ys[j] - ry);
        for (let k = 0; k < nx; k++) out[j * nx + k] = at(xs[k], ys[j], lo);
      }
      return out;
    },
  };
}
