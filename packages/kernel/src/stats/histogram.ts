import { assertFinite, assertInteger, assertObject, assertArrayLike } from '../check.js';
import { DomainError, ShapeError } from '../errors.js';

export interface Histogram1d {
  /** bins + 1 increasing edges. */
  edges: Float64Array;
  /** Counts per bin (as floats). */
  counts: Float64Array;
  /** counts / (number of samples inside the edges * bin width): integrates to 1 over the edges. */
  density: Float64Array;
}

export type HistogramBinning = { edges: ArrayLike<number> } | { bins: number; range?: [number, number] };

function checkEdges(edges: ArrayLike<number>, name: string): Float64Array {
  const e = Float64Array.from(edges);
  if (e.length < 2) throw new ShapeError(`${name}: expected at least 2 edges, got ${e.length}`);
  assertFinite(e, name);
  for (let i = 1; i < e.length; i++) {
    if (!(e[i] > e[i - 1])) throw new DomainError(`${name}: expected strictly increasing edges, got ${e[i - 1]} then ${e[i]}`);
  }
  return e;
}

function uniformEdges(bins: number, lo: number, hi: number, name: string): Float64Array {
  assertInteger(bins, 1, `${name}.bins`);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new DomainError(`${name}.range: expected finite lo < hi, got [${lo}, ${hi}]`);
  const e = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) e[i] = lo + ((hi - lo) * i) / bins;
  e[bins] = hi;
  return e;
}

/** numpy's default range: [min, max] of the data, widened by 0.5 each side when min == max. */
function dataRange(x: Float64Array): [number, number] {
  if (x.length === 0) return [0, 1];
  let lo = x[0];
  let hi = x[0];
  for (let i = 1; i < x.length; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

function resolveEdges(binning: HistogramBinning, x: Float64Array, name: string): Float64Array {
  if ('edges' in binning) return checkEdges(binning.edges, `${name}.edges`);
  const [lo, hi] = binning.range ?? dataRange(x);
  return uniformEdges(binning.bins, lo, hi, name);
}

/**
 * Bin index of v for increasing edges (numpy convention: bins are [e_k, e_{k+1}) except the last,
 * which is closed), or -1 outside [e_0, e_last]. `uniform` enables the O(1) guess.
 */
function binIndex(edges: Float64Array, v: number, uniform: boolean): number {
  const m = edges.length - 1;
  if (!(v >= edges[0] && v <= edges[m])) return -1;
  if (v === edges[m]) return m - 1;
  let k: number;
  if (uniform) {
    k = Math.floor(((v - edges[0]) / (edges[m] - edges[0])) * m);
    if (k > m - 1) k = m - 1;
    if (k < 0) k = 0;
    while (k > 0 && v < edges[k]) k--;
    while (k < m - 1 && v >= edges[k + 1]) k++;
    return k;
  }
  let lo = 0;
  let hi = m; // edges[lo] <= v < edges[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v >= edges[mid]) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Histogram of samples with numpy.histogram conventions: `{ bins, range? }` (uniform bins over
 * range, default [min, max] of the samples) or explicit increasing `{ edges }`; samples outside
 * the edges are not counted; density = counts / (in-range total * width).
 */
export function histogram1d(samples: Float64Array, binning: HistogramBinning): Histogram1d {
  assertArrayLike(samples, 'samples');
  assertObject(binning, 'binning');
  assertFinite(samples, 'samples');
  const edges = resolveEdges(binning, samples, 'binning');
  const uniform = !('edges' in binning);
  const m = edges.length - 1;
  const counts = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const k = binIndex(edges, samples[i], uniform);
    if (k >= 0) {
      counts[k]++;
      total++;
    }
  }
  const density = new Float64Array(m);
  if (total > 0) for (let k = 0; k < m; k++) density[k] = counts[k] / (total * (edges[k + 1] - edges[k]));
  return { edges, counts, density };
}

export interface Histogram2d {
  edgesX: Float64Array;
  edgesY: Float64Array;
  nx: number;
  ny: number;
  /**
   * ny x nx row-major (row j is the y bin j, like gaussianKde2d's evaluateGrid).
   * NOTE: numpy.histogram2d returns the transpose (nx x ny).
   */
  counts: Float64Array;
  /** counts / (in-range total * cell area). */
  density: Float64Array;
}

export type Histogram2dBinning =
  | { edgesX: ArrayLike<number>; edgesY: ArrayLike<number> }
  | { bins: number | [number, number]; range?: [[number, number], [number, number]] };

/** 2-D histogram of the points (x[i], y[i]) with numpy.histogram2d binning rules (see Histogram2d for the layout). */
export function histogram2d(x: Float64Array, y: Float64Array, binning: Histogram2dBinning): Histogram2d {
  assertArrayLike(x, 'x');
  assertArrayLike(y, 'y');
  assertObject(binning, 'binning');
  if (x.length !== y.length) throw new ShapeError(`y: expected length ${x.length} (that of x), got ${y.length}`);
  assertFinite(x, 'x');
  assertFinite(y, 'y');
  let ex: Float64Array;
  let ey: Float64Array;
  let uniform = false;
  if ('edgesX' in binning) {
    ex = checkEdges(binning.edgesX, 'binning.edgesX');
    ey = checkEdges(binning.edgesY, 'binning.edgesY');
  } else {
    const [bx, by] = typeof binning.bins === 'number' ? [binning.bins, binning.bins] : binning.bins;
    const [rx, ry] = binning.range ?? [dataRange(x), dataRange(y)];
    ex = uniformEdges(bx, rx[0], rx[1], 'binning.x');
    ey = uniformEdges(by, ry[0], ry[1], 'binning.y');
    uniform = true;
  }
  const nx = ex.length - 1;
  const ny = ey.length - 1;
  const counts = new Float64Array(nx * ny);
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const kx = binIndex(ex, x[i], uniform);
    if (kx < 0) continue;
    const ky = binIndex(ey, y[i], uniform);
    if (ky < 0) continue;
    counts[ky * nx + kx]++;
    total++;
  }
  const density = new Float64Array(nx * ny);
  if (total > 0) {
    for (let j = 0; j < ny; j++) {
      for (let k = 0; k < nx; k++) density[j * nx + k] = counts[j * nx + k] / (total * (ex[k + 1] - ex[k]) * (ey[j + 1] - ey[j]));
    }
  }
  return { edgesX: ex, edgesY: ey, nx, ny, counts, density };
}
