/**
 * One-dimensional rules for E_{u ~ N(0,1)}[f(u)], used along the rotated pre-activation directions
 * (see dae-moments.ts). The trapezoid weights are normalised to sum 1; Gauss-Hermite weights are the kernel's (sum 1 to ~1e-16).
 */
import { type Quadrature1d, gaussHermiteNormal as kernelGaussHermiteNormal } from '@diffusion-theory/kernel';

/**
 * Kept private: kernel's `trapezoidNormal` allocates fresh node / weight arrays per call and halves
 * the end weights; the rotated-quadrature engine (dae-moments.ts) rebuilds its per-direction grids on
 * every RHS evaluation into preallocated buffers, so this allocation-free `...Into` variant stays.
 *
 * Trapezoid rule on [-halfWidth, halfWidth] with the given spacing, centred on 0 (u = i * spacing,
 * |i| <= floor(halfWidth / spacing)), weights proportional to exp(-u^2/2), normalised to sum 1.
 * For integrands analytic in a strip this is spectrally accurate (error ~ exp(-pi^2 w / spacing)
 * for strip half-width w); writes into the given buffers and returns the node count.
 */
export function trapezoidNormalInto(halfWidth: number, spacing: number, nodes: Float64Array, weights: Float64Array): number {
  const m = Math.floor(halfWidth / spacing + 1e-9);
  const n = 2 * m + 1;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const u = (i - m) * spacing;
    nodes[i] = u;
    const w = Math.exp(-0.5 * u * u);
    weights[i] = w;
    s += w;
  }
  const inv = 1 / s;
  for (let i = 0; i < n; i++) weights[i] *= inv;
  return n;
}

/** Number of nodes trapezoidNormalInto produces. */
export function trapezoidCount(halfWidth: number, spacing: number): number {
  return 2 * Math.floor(halfWidth / spacing + 1e-9) + 1;
}

/**
 * n-point Gauss-Hermite rule for E_{u ~ N(0,1)}: kernel's gaussHermiteNormal (Golub-Welsch + Newton
 * polish), cached per n because the rotated-quadrature engine asks for the same few rules.
 */
const ghCache = new Map<number, Quadrature1d>();

export function gaussHermiteNormal(n: number): Quadrature1d {
  let q = ghCache.get(n);
  if (!q) {
    q = kernelGaussHermiteNormal(n);
    ghCache.set(n, q);
  }
  return q;
}
