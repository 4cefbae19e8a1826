/**
 * One-dimensional rules for E_{u ~ N(0,1)}[f(u)], used along the rotated pre-activation directions
 * (see dae-moments.ts). Weights always sum to 1 exactly in floating point order of summation.
 */

/**
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

const ghCache = new Map<number, { nodes: Float64Array; weights: Float64Array }>();

/**
 * n-point Gauss-Hermite rule for E_{u ~ N(0,1)} (probabilists' convention): exact for polynomials
 * of degree <= 2n - 1. Newton iteration on the orthonormal Hermite recurrence (Numerical Recipes
 * `gauher`), cached per n. Private until kernel/stats lands (same contract as its gaussHermiteNormal).
 */
export function gaussHermiteNormal(n: number): { nodes: Float64Array; weights: Float64Array } {
  const hit = ghCache.get(n);
  if (hit) return hit;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const PIM4 = 0.7511255444649425; // pi^{-1/4}
  const m = (n + 1) >> 1;
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0];
    else if (i === 3) z = 1.91 * z - 0.91 * x[1];
    else z = 2 * z - x[i - 2];
    let pp = 0;
    for (let its = 0; its < 100; its++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[n - 1 - i] = w[i];
  }
  // physicists' (weight e^{-x^2}) -> standard normal: u = sqrt(2) x, weight / sqrt(pi)
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    nodes[n - 1 - i] = Math.SQRT2 * x[i];
    weights[n - 1 - i] = w[i];
    s += w[i];
  }
  for (let i = 0; i < n; i++) weights[i] /= s;
  const out = { nodes, weights };
  ghCache.set(n, out);
  return out;
}
