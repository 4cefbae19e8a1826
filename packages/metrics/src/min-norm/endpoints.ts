import { assertFinite, assertInteger, assertPositive, DomainError, ShapeError } from '@diffusion-theory/kernel';

/** Endpoint classes of spec min-norm-denoisers §11. */
export type EndpointClass = 'training' | 'virtual' | 'boundary' | 'other';
export const ENDPOINT_CLASSES: readonly EndpointClass[] = ['training', 'virtual', 'boundary', 'other'];

/** Options of {@link classifyEndpoints}. */
export interface EndpointClassOptions {
  /** Hyperbox edge lengths nu_k (length n). */
  nu: ArrayLike<number>;
  /** Tolerance tau (default 0.2). */
  tau?: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /**
   * Unit directions u_k (n x d). Default: the standard basis (u_k = e_k), so that ambient L-infinity equals
   * L-infinity in hyperbox coordinates (recommended). With other directions distances are measured in the u-basis
   * plus the orthogonal residual.
   */
  directions?: Float64Array;
}

/** Result of {@link classifyEndpoints}. */
export interface EndpointClassification {
  labels: EndpointClass[];
  counts: Record<EndpointClass, number>;
  fractions: Record<EndpointClass, number>;
  /** For vertex classes, the vertex index set |I| (number of summed points); -1 otherwise. */
  vertexOrder: Int32Array;
}

/**
 * Classify endpoints y (n rows of dimension d) as training point / virtual point / hyperbox boundary / other
 * (spec §11, vertex classes before boundary).
 * @param ys rows x d endpoints
 * @param rows number of endpoints
 * @param d dimension
 * @param opts nu, tau, norm, directions
 * @returns labels, counts and fractions
 * @throws ShapeError / DomainError / NonFiniteError on bad input
 * @example
 * classifyEndpoints(Float64Array.of(0.85, 0.9, 0.1, 0), 1, 4, { nu: [1, 1, 1] }).labels; // ['virtual']
 */
export function classifyEndpoints(ys: Float64Array, rows: number, d: number, opts: EndpointClassOptions): EndpointClassification {
  assertInteger(rows, 0, 'rows');
  assertInteger(d, 1, 'd');
  if (ys.length !== rows * d) throw new ShapeError(`ys: expected length rows*d = ${rows * d}, got ${ys.length}`);
  assertFinite(ys, 'ys');
  const nu = Float64Array.from(opts.nu);
  const n = nu.length;
  if (n < 1 || n > d) throw new DomainError(`nu: expected 1..d = ${d} norms, got ${n}`);
  for (let k = 0; k < n; k++) assertPositive(nu[k], `nu[${k}]`);
  const tau = opts.tau ?? 0.2;
  assertPositive(tau, 'tau');
  const norm = opts.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new DomainError(`norm: expected 'linf' or 'l2', got ${String(norm)}`);
  const U = opts.directions;
  if (U && U.length !== n * d) throw new ShapeError(`directions: expected length n*d = ${n * d}, got ${U.length}`);
  const labels: EndpointClass[] = new Array(rows);
  const order = new Int32Array(rows).fill(-1);
  const counts: Record<EndpointClass, number> = { training: 0, virtual: 0, boundary: 0, other: 0 };
  const c = new Float64Array(n);
  const r = new Float64Array(d);
  const e = new Float64Array(n);
  for (let row = 0; row < rows; row++) {
    const y = ys.subarray(row * d, (row + 1) * d);
    if (U) {
      r.set(y);
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += U[k * d + i] * y[i];
        c[k] = s;
        for (let i = 0; i < d; i++) r[i] -= s * U[k * d + i];
      }
    } else {
      for (let k = 0; k < n; k++) c[k] = y[k];
      r.fill(0);
      for (let i = n; i < d; i++) r[i] = y[i];
    }
    let rInf = 0;
    let r2 = 0;
    for (let i = 0; i < d; i++) {
      rInf = Math.max(rInf, Math.abs(r[i]));
      r2 += r[i] * r[i];
    }
    // nearest vertex
    let dv = norm === 'linf' ? rInf : r2;
    let size = 0;
    for (let k = 0; k < n; k++) {
      const v = c[k] > nu[k] / 2 ? nu[k] : 0;
      if (v !== 0) size++;
      const dk = Math.abs(c[k] - v);
      dv = norm === 'linf' ? Math.max(dv, dk) : dv + dk * dk;
    }
    const dVertex = norm === 'linf' ? dv : Math.sqrt(dv);
    let label: EndpointClass;
    if (dVertex <= tau) {
      label = size <= 1 ? 'training' : 'virtual';
      order[row] = size;
    } else {
      let sumE2 = 0;
      let first = 0;
      let second = 0; // two largest e_j (linf)
      for (let k = 0; k < n; k++) {
        e[k] = Math.max(0, -c[k], c[k] - nu[k]);
        sumE2 += e[k] * e[k];
        if (e[k] >= first) {
          second = first;
          first = e[k];
        } else if (e[k] > second) second = e[k];
      }
      let best = Number.POSITIVE_INFINITY;
      for (let k = 0; k < n; k++) {
        const dFace = Math.min(Math.abs(c[k]), Math.abs(c[k] - nu[k]));
        if (norm === 'linf') {
          const maxOther = e[k] === first ? second : first;
          best = Math.min(best, Math.max(dFace, maxOther));
        } else best = Math.min(best, dFace * dFace + sumE2 - e[k] * e[k]);
      }
      const dBoundary = norm === 'linf' ? Math.max(rInf, best) : Math.sqrt(r2 + best);
      label = dBoundary <= tau ? 'boundary' : 'other';
    }
    labels[row] = label;
    counts[label]++;
  }
  const fractions = { training: 0, virtual: 0, boundary: 0, other: 0 };
  if (rows > 0) for (const k of ENDPOINT_CLASSES) fractions[k] = counts[k] / rows;
  return { labels, counts, fractions, vertexOrder: order };
}

/** Options of {@link fixedPointStability}. */
export interface FixedPointStabilityOptions {
  /** The map h (a denoiser at one noise level): writes h(x) for `n` rows into `out`. */
  map: (x: Float64Array, n: number, out: Float64Array) => Float64Array | undefined;
  /** Start points (rows x d), e.g. the virtual points (sums of training points). */
  starts: Float64Array;
  rows: number;
  d: number;
  /** Iterations of y <- h(y). Default 10 (the paper's Fig 2). */
  iterations?: number;
  /** Success when dist(final, start) <= tol. Default 0.2 (L-infinity). */
  tol?: number;
  norm?: 'linf' | 'l2';
}

/**
 * Fixed-point stability of given points (spec §10 Fig 2 protocol): iterate y <- h(y) from each start and count the
 * starts that stay within tol of themselves.
 * @returns per-start success flags, the distances and the stable count
 * @throws ShapeError / DomainError on bad input; DomainError when the map returns non-finite values
 */
export function fixedPointStability(opts: FixedPointStabilityOptions): { stable: Uint8Array; distance: Float64Array; count: number; fraction: number } {
  const { starts, rows, d } = opts;
  assertInteger(rows, 0, 'rows');
  assertInteger(d, 1, 'd');
  if (starts.length !== rows * d) throw new ShapeError(`starts: expected length rows*d = ${rows * d}, got ${starts.length}`);
  assertFinite(starts, 'starts');
  const iterations = opts.iterations ?? 10;
  assertInteger(iterations, 1, 'iterations');
  const tol = opts.tol ?? 0.2;
  assertPositive(tol, 'tol');
  let y = starts.slice();
  let z = new Float64Array(y.length);
  for (let it = 0; it < iterations; it++) {
    opts.map(y, rows, z);
    for (let i = 0; i < z.length; i++) if (!Number.isFinite(z[i])) throw new DomainError(`map: returned a non-finite value at iteration ${it + 1}, flat index ${i}`);
    [y, z] = [z, y];
  }
  const stable = new Uint8Array(rows);
  const distance = new Float64Array(rows);
  let count = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < d; i++) {
      const dv = Math.abs(y[r * d + i] - starts[r * d + i]);
      s = opts.norm === 'l2' ? s + dv * dv : Math.max(s, dv);
    }
    distance[r] = opts.norm === 'l2' ? Math.sqrt(s) : s;
    if (distance[r] <= tol) {
      stable[r] = 1;
      count++;
    }
  }
  return { stable, distance, count, fraction: rows > 0 ? count / rows : 0 };
}

/**
 * All sums of `order` distinct rows of a point set (the virtual points of Fig 2: pairs, triplets, quadruplets),
 * in lexicographic order of the index sets.
 * @param points m x d rows (the non-origin training points)
 * @returns rows x d sums and the count C(m, order)
 */
export function vertexSums(points: Float64Array, m: number, d: number, order: number): { sums: Float64Array; rows: number } {
  assertInteger(m, 1, 'm');
  assertInteger(d, 1, 'd');
  assertInteger(order, 1, 'order');
  if (points.length !== m * d) throw new ShapeError(`points: expected length m*d = ${m * d}, got ${points.length}`);
  if (order > m) throw new DomainError(`order: expected <= m = ${m}, got ${order}`);
  let total = 1;
  for (let i = 0; i < order; i++) total = (total * (m - i)) / (i + 1);
  total = Math.round(total);
  if (total * d > 5e7) throw new DomainError(`order: C(${m}, ${order}) x d = ${total * d} entries is too many`);
  const sums = new Float64Array(total * d);
  const idx = Array.from({ length: order }, (_, i) => i);
  for (let r = 0; r < total; r++) {
    for (const i of idx) for (let j = 0; j < d; j++) sums[r * d + j] += points[i * d + j];
    let p = order - 1;
    while (p >= 0 && idx[p] === m - order + p) p--;
    if (p < 0) break;
    idx[p]++;
    for (let q = p + 1; q < order; q++) idx[q] = idx[q - 1] + 1;
  }
  return { sums, rows: total };
}
