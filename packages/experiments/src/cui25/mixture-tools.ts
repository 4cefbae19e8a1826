/**
 * Helpers of the Gaussian-mixture experiments: random orthonormal frames, 2-D projections of
 * a mixture and its exact projected density, a plotting box.
 * Hot loops over raw Float64Array (row-major n x d).
 */
import { dgemm, type Rng } from '@diffusion-theory/kernel';

/** A d x k matrix (row-major) whose first columns are `fixed` (orthonormal) and the rest random orthonormal (Gram-Schmidt, twice). */
export function orthonormalFrame(d: number, k: number, rng: Rng, fixed: Float64Array[] = []): Float64Array {
  const cols: Float64Array[] = fixed.map((v) => Float64Array.from(v));
  while (cols.length < k) {
    const v = rng.normals(d);
    for (let pass = 0; pass < 2; pass++) {
      for (const c of cols) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += v[i] * c[i];
        for (let i = 0; i < d; i++) v[i] -= dot * c[i];
      }
    }
    let nrm = 0;
    for (let i = 0; i < d; i++) nrm += v[i] * v[i];
    nrm = Math.sqrt(nrm);
    if (nrm < 1e-8) continue;
    for (let i = 0; i < d; i++) v[i] /= nrm;
    cols.push(v);
  }
  const U = new Float64Array(d * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) U[i * k + j] = cols[j][i];
  return U;
}

/** A mixture component in eigen form: mean (d), basis U (d x k row-major), spectrum (k). */
export interface EigenComponent {
  mean: Float64Array;
  U: Float64Array;
  k: number;
  spectrum: Float64Array;
}

/** A 2-D Gaussian mixture (a projection): weights, means [mx, my], covariances [sxx, sxy, syy]. */
export interface Mixture2D {
  weights: number[];
  means: Array<[number, number]>;
  covs: Array<[number, number, number]>;
}

/** Project a d-dimensional mixture onto the plane with orthonormal rows b1, b2: N(B m, B C B^T) per component. */
export function projectMixture(weights: ArrayLike<number>, comps: EigenComponent[], b1: Float64Array, b2: Float64Array): Mixture2D {
  const d = b1.length;
  const out: Mixture2D = { weights: Array.from(weights), means: [], covs: [] };
  for (const c of comps) {
    let mx = 0;
    let my = 0;
    for (let i = 0; i < d; i++) {
      mx += b1[i] * c.mean[i];
      my += b2[i] * c.mean[i];
    }
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let j = 0; j < c.k; j++) {
      let w1 = 0;
      let w2 = 0;
      for (let i = 0; i < d; i++) {
        w1 += b1[i] * c.U[i * c.k + j];
        w2 += b2[i] * c.U[i * c.k + j];
      }
      sxx += c.spectrum[j] * w1 * w1;
      sxy += c.spectrum[j] * w1 * w2;
      syy += c.spectrum[j] * w2 * w2;
    }
    out.means.push([mx, my]);
    out.covs.push([sxx, sxy, syy]);
  }
  return out;
}

/** Density of a 2-D mixture at n points (row-major [x, y] pairs). */
export function mixture2DDensity(m: Mixture2D, xy: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  m.weights.forEach((w, c) => {
    const [mx, my] = m.means[c];
    const [a, b, e] = m.covs[c];
    const det = a * e - b * b;
    const norm = w / (2 * Math.PI * Math.sqrt(det));
    for (let r = 0; r < n; r++) {
      const dx = xy[2 * r] - mx;
      const dy = xy[2 * r + 1] - my;
      const q = (e * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
      out[r] += norm * Math.exp(-0.5 * q);
    }
  });
  return out;
}

/** Rows of x (n x d) projected onto b1, b2: n x 2 row-major. */
export function project2D(x: Float64Array, n: number, d: number, b1: Float64Array, b2: Float64Array): Float64Array {
  const B = new Float64Array(d * 2);
  for (let i = 0; i < d; i++) {
    B[2 * i] = b1[i];
    B[2 * i + 1] = b2[i];
  }
  const out = new Float64Array(n * 2);
  dgemm(false, false, n, 2, d, 1, x, d, B, 2, 0, out, 2);
  return out;
}

/** A box [x0, x1] x [y0, y1]. */
export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** A box covering every component of a 2-D mixture to +- `k` standard deviations, squared up. */
export function mixtureBox(m: Mixture2D, k = 3.5): Box {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  m.means.forEach(([mx, my], c) => {
    const sx = Math.sqrt(m.covs[c][0]);
    const sy = Math.sqrt(m.covs[c][2]);
    x0 = Math.min(x0, mx - k * sx); x1 = Math.max(x1, mx + k * sx);
    y0 = Math.min(y0, my - k * sy); y1 = Math.max(y1, my + k * sy);
  });
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const h = Math.max(x1 - x0, y1 - y0) / 2;
  return { x0: cx - h, x1: cx + h, y0: cy - h, y1: cy + h };
}
