import { DomainError, describeValue } from '@diffusion-theory/kernel';

/** One interval of the continuous support with its mass (per d eigenvalues). */
export interface Bulk {
  readonly lo: number;
  readonly hi: number;
  readonly mass: number;
}

/**
 * Limiting eigenvalue law of a d x d covariance Sigma = F F^T (per d eigenvalues, total mass 1):
 * an atom of weight `atom` at 0 plus a continuous part on the `bulks`.
 */
export interface SpectralLaw {
  /** Aspect ratio m/d. */
  readonly alpha: number;
  /** Mass of the atom at gamma = 0: max(0, 1 - alpha). */
  readonly atom: number;
  /** Sorted support edges of the continuous part (2 per bulk). */
  readonly edges: Float64Array;
  /** Support intervals of the continuous part, ascending, with their masses. */
  readonly bulks: readonly Bulk[];
  /** Density of the continuous part at gamma (0 outside the bulks and at gamma <= 0). */
  density(gamma: number): number;
  /** P(eigenvalue <= gamma), atom included. */
  cdf(gamma: number): number;
  /** Smallest gamma with cdf(gamma) >= p (p in [0, 1]); 0 for p <= atom. */
  quantile(p: number): number;
}

/** Cumulative table of one bulk on the cosine grid x = lo + (hi-lo)(1-cos theta)/2 (midpoint rule). */
export interface BulkTable {
  readonly lo: number;
  readonly hi: number;
  /** cum[j] = integral of the density from lo to x(j pi / n), j = 0..n. */
  readonly cum: Float64Array;
}

/**
 * Tabulate the integral of `density` over [lo, hi] with the substitution x = lo + (hi-lo)(1-cos θ)/2,
 * θ uniform on [0, π] (it removes the square-root edge behaviour) and the midpoint rule in θ, so the
 * density is never evaluated at an edge. `n` cells (default 4000: mass error < 1e-9 for square-root edges).
 */
export function tabulateBulk(density: (x: number) => number, lo: number, hi: number, n = 4000): BulkTable {
  const cum = new Float64Array(n + 1);
  const h = Math.PI / n;
  const half = (hi - lo) / 2;
  for (let j = 0; j < n; j++) {
    const th = (j + 0.5) * h;
    const x = lo + half * (1 - Math.cos(th));
    cum[j + 1] = cum[j] + density(x) * half * Math.sin(th) * h;
  }
  return { lo, hi, cum };
}

function tableCdf(tab: BulkTable, x: number): number {
  const n = tab.cum.length - 1;
  if (x <= tab.lo) return 0;
  if (x >= tab.hi) return tab.cum[n];
  const c = Math.min(1, Math.max(-1, 1 - (2 * (x - tab.lo)) / (tab.hi - tab.lo)));
  const u = (Math.acos(c) / Math.PI) * n;
  const j = Math.min(n - 1, Math.floor(u));
  return tab.cum[j] + (u - j) * (tab.cum[j + 1] - tab.cum[j]);
}

function tableQuantile(tab: BulkTable, p: number): number {
  const n = tab.cum.length - 1;
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (tab.cum[mid] < p) lo = mid;
    else hi = mid;
  }
  const span = tab.cum[hi] - tab.cum[lo];
  const u = lo + (span > 0 ? (p - tab.cum[lo]) / span : 0);
  const th = (Math.min(n, Math.max(0, u)) / n) * Math.PI;
  return tab.lo + ((tab.hi - tab.lo) / 2) * (1 - Math.cos(th));
}

/**
 * Build a SpectralLaw from a continuous density, its support edges (pairs lo/hi per bulk) and the atom.
 * The CDF and quantiles come from per-bulk cumulative tables (`tabulateBulk`).
 */
export function lawFromDensity(
  alpha: number,
  atom: number,
  edges: Float64Array,
  density: (x: number) => number,
  nodes = 4000,
): SpectralLaw {
  const tables: BulkTable[] = [];
  for (let i = 0; i + 1 < edges.length; i += 2) tables.push(tabulateBulk(density, edges[i], edges[i + 1], nodes));
  const bulks: Bulk[] = tables.map((t) => ({ lo: t.lo, hi: t.hi, mass: t.cum[t.cum.length - 1] }));
  return {
    alpha,
    atom,
    edges,
    bulks,
    density,
    cdf(gamma: number): number {
      if (Number.isNaN(gamma)) throw new DomainError(`gamma: expected a number, got NaN`);
      if (gamma < 0) return 0;
      let c = atom;
      for (const t of tables) c += tableCdf(t, gamma);
      return c;
    },
    quantile(p: number): number {
      if (!(p >= 0 && p <= 1)) throw new DomainError(`p: expected a probability in [0, 1], got ${describeValue(p)}`);
      if (p <= atom) return 0;
      let rest = p - atom;
      for (let i = 0; i < tables.length; i++) {
        const m = bulks[i].mass;
        if (rest <= m || i === tables.length - 1) return tableQuantile(tables[i], Math.min(rest, m));
        rest -= m;
      }
      return edges[edges.length - 1];
    },
  };
}
