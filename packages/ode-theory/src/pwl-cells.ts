/**
 * Closed-form Gaussian integrals of piecewise-LINEAR sigma (ReLU, sign) over the two innermost units of a
 * nested rule, shared by the single-time 'kink' rule (dae-moments.ts) and the cross-time 'marginal' rule
 * (dae-pairs.ts).
 *
 * Given the outer variables, the two innermost pre-activations are bivariate normal; in standardized
 * coordinates (za, zb) with correlation rho, sigma's kinks cut the plane into rectangles ("cells") on which
 * every integrand of Result 2.1 is a polynomial of degree <= 2 (products of at most two factors that are
 * linear on each piece). Its integral over a cell is sum_alpha c_alpha E[z^alpha 1_cell]: the truncated
 * moments come from kernel `bivariateNormalGridMoments`, and the coefficients from the integrand's values at
 * six interpolation nodes, so the integral is sum_p omega_p F(node_p) with weights omega from the moments
 * (`cellWeights`). Cells where sigma and sigma' both vanish (ReLU below its kink) contribute nothing: every
 * integrand carries a factor sigma or sigma' of each unit (`pieceLinear(...).dead`).
 */
import { gaussLegendre } from '@diffusion-theory/kernel';

/** Interpolation nodes of a quadratic in (x, y): (0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1). */
export const NODE_X = [0, 1, -1, 0, 0, 1] as const;
export const NODE_Y = [0, 0, 0, 1, -1, 1] as const;

/**
 * Fixed breakpoints of every outer axis (standard-normal units): Gauss-Legendre on a piece much longer than
 * the bulk of phi wastes its nodes in the tails (16 nodes on [-4.2, 6.5] left 1e-5; 8 per piece split at
 * -3, 0, 3 leave 2e-8).
 */
export const OUTER_CUTS = [-3, 0, 3] as const;

/** The linear form of sigma on each piece between its kinks: sigma = a + b h, sigma' = d; dead where all vanish. */
export interface PieceLinear {
  a: Float64Array;
  b: Float64Array;
  d: Float64Array;
  dead: Uint8Array;
}

/** Reads sigma's linear form on each of the kinks.length + 1 pieces from two interior points of each (meaningful for piecewise-linear sigma only). */
export function pieceLinear(fdf: (x: number, out: Float64Array, o: number) => void, kinks: readonly number[]): PieceLinear {
  const nk = kinks.length;
  const out: PieceLinear = { a: new Float64Array(nk + 1), b: new Float64Array(nk + 1), d: new Float64Array(nk + 1), dead: new Uint8Array(nk + 1) };
  const sg = new Float64Array(3);
  for (let q = 0; q <= nk; q++) {
    const lo = q === 0 ? (nk > 0 ? kinks[0] : 1.5) - 3 : kinks[q - 1];
    const hi = q === nk ? (nk > 0 ? kinks[nk - 1] : -1.5) + 3 : kinks[q];
    const x1 = lo + (hi - lo) / 3;
    const x2 = lo + (2 * (hi - lo)) / 3;
    fdf(x1, sg, 0);
    const f1 = sg[0];
    out.d[q] = sg[1];
    fdf(x2, sg, 0);
    out.b[q] = (sg[0] - f1) / (x2 - x1);
    out.a[q] = f1 - out.b[q] * x1;
    out.dead[q] = out.a[q] === 0 && out.b[q] === 0 && out.d[q] === 0 ? 1 : 0;
  }
  return out;
}

/** Index of the piece that holds h (between kinks q - 1 and q). */
export function pieceOf(kinks: readonly number[], h: number): number {
  let q = 0;
  while (q < kinks.length && h > kinks[q]) q++;
  return q;
}

/**
 * Weights omega[0..5] of the six interpolation nodes (ca, cb) + s (NODE_X, NODE_Y) for the cell whose
 * moments (m00, m10, m01, m20, m11, m02 of (za, zb)) start at m[o], times w: sum_p omega_p F(node_p) is the
 * exact integral of any quadratic F over the cell. (ca, cb, s) = (0, 0, 1) uses the nodes as they are.
 */
export function cellWeights(m: Float64Array, o: number, w: number, ca: number, cb: number, s: number, omega: Float64Array): void {
  const m00 = m[o];
  // moments of the local coordinates (z - c) / s
  const m10 = (m[o + 1] - ca * m00) / s;
  const m01 = (m[o + 2] - cb * m00) / s;
  const s2 = s * s;
  const m20 = (m[o + 3] - 2 * ca * m[o + 1] + ca * ca * m00) / s2;
  const m11 = (m[o + 4] - ca * m[o + 2] - cb * m[o + 1] + ca * cb * m00) / s2;
  const m02 = (m[o + 5] - 2 * cb * m[o + 2] + cb * cb * m00) / s2;
  omega[0] = w * (m00 - m20 - m02 + m11);
  omega[1] = w * (0.5 * (m10 + m20) - m11);
  omega[2] = w * 0.5 * (m20 - m10);
  omega[3] = w * (0.5 * (m01 + m02) - m11);
  omega[4] = w * 0.5 * (m02 - m01);
  omega[5] = w * m11;
}

/** Gauss-Legendre rules with 0..n nodes (index = count; index 0 unused) for the outer levels. */
export function outerRules(n: number): { nodes: Float64Array; weights: Float64Array }[] {
  return Array.from({ length: n + 1 }, (_, k) => gaussLegendre(Math.max(1, k)));
}

/** Nodes for an outer piece of length len: clamp(ceil(n len / 3), 4, n). */
export function outerCount(n: number, len: number): number {
  return Math.min(n, Math.max(4, Math.ceil((n * len) / 3)));
}

/** Sorts a[from..to) ascending in place (insertion sort: a handful of cuts, no allocation). */
export function sortRange(a: Float64Array, from: number, to: number): void {
  for (let x = from + 1; x < to; x++) {
    const v = a[x];
    let y = x - 1;
    while (y >= from && a[y] > v) {
      a[y + 1] = a[y];
      y--;
    }
    a[y + 1] = v;
  }
}
