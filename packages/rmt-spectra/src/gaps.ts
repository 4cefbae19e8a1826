import { DomainError, describeValue } from '@diffusion-theory/kernel';
import type { SpectralLaw } from './law.js';
import { checkGroups, positive } from './validate.js';

/**
 * One intermediate gap of the -J_t spectrum: between the bulk [.., lower] (lower variances, larger
 * lambda) and the bulk [upper, ..] (higher variances) of Sigma, i.e. e2 = `lower` and e3 = `upper`
 * in the two-group naming of spec §6.
 */
export interface IntermediateGap {
  /** Index of the lower bulk (the gap lies between bulks i and i+1). */
  readonly index: number;
  /** e2: upper edge of the lower-variance bulk. */
  readonly lower: number;
  /** e3: lower edge of the higher-variance bulk. */
  readonly upper: number;
  /** Mass (per d) of the spectrum above the gap: the fraction of high-variance directions it separates. */
  readonly massAbove: number;
  /** t_max = sqrt(e2 e3), exact maximiser of the gap width. */
  readonly tMax: number;
  /** Delta_max = (sqrt e3 - sqrt e2)/(sqrt e3 + sqrt e2). */
  readonly deltaMax: number;
}

/** The gap structure of a Sigma law: every intermediate gap and the final-gap edge e1. */
export interface GapStructure {
  readonly intermediate: readonly IntermediateGap[];
  /** e1: lowest edge of the continuous spectrum (the final gap is e1/(t+e1) when there is an atom). */
  readonly lowestEdge: number;
  /** Whether an atom (normal directions, alpha < 1) exists; without it there is no final gap. */
  readonly hasAtom: boolean;
  /** Mass of the continuous part (= manifold fraction min(alpha, 1)). */
  readonly manifoldFraction: number;
}

/**
 * Gaps of a Sigma law (spec §6) from its exact edges.
 * @example
 * const g = gapStructure(groupSpectrum({ alpha: 0.5, fractions: [0.75, 0.25], variances: [1, 0.01] }));
 * g.intermediate[0].tMax;     // 0.0888
 * g.intermediate[0].deltaMax; // 0.5468
 */
export function gapStructure(law: SpectralLaw): GapStructure {
  const intermediate: IntermediateGap[] = [];
  let above = law.bulks.reduce((s, b) => s + b.mass, 0);
  for (let i = 0; i + 1 < law.bulks.length; i++) {
    above -= law.bulks[i].mass;
    const lower = law.bulks[i].hi;
    const upper = law.bulks[i + 1].lo;
    const tMax = Math.sqrt(lower * upper);
    const deltaMax = (Math.sqrt(upper) - Math.sqrt(lower)) / (Math.sqrt(upper) + Math.sqrt(lower));
    intermediate.push({ index: i, lower, upper, massAbove: above, tMax, deltaMax });
  }
  return {
    intermediate,
    lowestEdge: law.edges[0],
    hasAtom: law.atom > 0,
    manifoldFraction: Math.min(1, law.alpha),
  };
}

/** Width of the intermediate gap in lambda at time t: t(e3 - e2)/((t + e2)(t + e3)). @throws DomainError if t <= 0. */
export function intermediateGapWidth(t: number, gap: { lower: number; upper: number }): number {
  positive(t, 't', 'a diffusion time');
  return (t * (gap.upper - gap.lower)) / ((t + gap.lower) * (t + gap.upper));
}

/** Final (manifold) gap at t: e1/(t + e1) (0 without an atom, alpha >= 1). @throws DomainError if t <= 0. */
export function finalGapWidth(t: number, g: GapStructure): number {
  positive(t, 't', 'a diffusion time');
  return g.hasAtom ? g.lowestEdge / (t + g.lowestEdge) : 0;
}

/**
 * Opening and closing times of an intermediate gap at threshold Delta (corrected eq 19, spec §6):
 * roots of Delta t^2 - [(e3 - e2) - Delta (e2 + e3)] t + Delta e2 e3 = 0. `null` if Delta > Delta_max.
 * @returns opening = larger root (the gap first reaches Delta as t decreases), closing = smaller root.
 * @throws DomainError unless 0 < Delta < 1.
 */
export function gapThresholdTimes(gap: { lower: number; upper: number }, delta: number): { opening: number; closing: number } | null {
  if (!(delta > 0 && delta < 1)) throw new DomainError(`delta: expected a gap threshold in (0, 1), got ${describeValue(delta)}`);
  const { lower: e2, upper: e3 } = gap;
  const b = e3 - e2 - delta * (e2 + e3);
  const disc = b * b - 4 * delta * delta * e2 * e3;
  if (disc < 0 || b <= 0) return null;
  const sq = Math.sqrt(disc);
  const opening = (b + sq) / (2 * delta);
  return { opening, closing: (delta * e2 * e3) / (delta * opening) };
}

/** Time at which the final gap reaches Delta: t = e1 (1 - Delta)/Delta (eq 17). @throws DomainError unless 0 < Delta < 1. */
export function finalGapOpeningTime(e1: number, delta: number): number {
  if (!(delta > 0 && delta < 1)) throw new DomainError(`delta: expected a gap threshold in (0, 1), got ${describeValue(delta)}`);
  return (e1 * (1 - delta)) / delta;
}

/** The paper's approximations of the threshold times (eqs 20-21; valid for Delta << 1, e2 << e3). Labelled helpers, not the truth. */
export function gapThresholdTimesApprox(gap: { lower: number; upper: number }, delta: number): { opening: number; openingBetter: number; closing: number } {
  if (!(delta > 0 && delta < 1)) throw new DomainError(`delta: expected a gap threshold in (0, 1), got ${describeValue(delta)}`);
  return {
    opening: gap.upper / delta,
    openingBetter: (gap.upper - gap.lower) / delta - (gap.lower + gap.upper),
    closing: delta * gap.lower,
  };
}

/** Two-group parameters for the closed-form approximations. */
export interface TwoGroupParams {
  alpha: number;
  /** Fraction of high-variance columns. */
  f: number;
  /** High variance sigma_1^2. */
  s1: number;
  /** Low variance sigma_2^2. */
  s2: number;
}

function checkTwo(p: TwoGroupParams): void {
  positive(p.alpha, 'alpha', 'an aspect ratio m/d');
  checkGroups([p.f, 1 - p.f], [p.s1, p.s2]);
}

/**
 * Eqs 23-26 (two independent MP laws, with the absolute value the paper omits): e3 ~ a, e2 ~ b,
 * t_max ~ sqrt(ab). Overestimates t_max by ~18 % in the Fig 4 setting (spec §6). A labelled approximation.
 */
export function twoMpApproximation(p: TwoGroupParams): { a: number; b: number; tMax: number } {
  checkTwo(p);
  const { alpha, f, s1, s2 } = p;
  const a = f * s1 * (1 - (f * alpha) ** -0.5) ** 2;
  const b = (1 - f) * s2 * (1 + ((1 - f) * alpha) ** -0.5) ** 2;
  return { a, b, tMax: Math.sqrt(a * b) };
}

/**
 * Projected-MP approximation (spec §6 [D], f alpha < 1, s2 << s1): the low-variance columns live in the
 * (d - fm)-dimensional complement of the high-variance span. e2, e1 from an MP law of ratio
 * c = (1-f)alpha/(1-f alpha); e3 from eq 25 (a); t_max ~ sqrt(a e2).
 * @throws DomainError if f alpha >= 1.
 */
export function projectedMpApproximation(p: TwoGroupParams): { e1: number; e2: number; e3: number; tMax: number } {
  checkTwo(p);
  const { alpha, f, s2 } = p;
  if (f * alpha >= 1) throw new DomainError(`f * alpha: expected < 1 for the projected-MP approximation, got ${f * alpha}`);
  const c = ((1 - f) * alpha) / (1 - f * alpha);
  const scale = (s2 * (1 - f * alpha)) / alpha;
  const e2 = scale * (1 + Math.sqrt(c)) ** 2;
  const e1 = scale * (1 - Math.sqrt(c)) ** 2;
  const e3 = twoMpApproximation(p).a;
  return { e1, e2, e3, tMax: Math.sqrt(e3 * e2) };
}

/** Geometric phase of a time t (spec §7). */
export type Phase = 'trivial' | 'coverage' | 'consolidation';

/**
 * Phase of time t at gap threshold Delta (default 0.1), operational definitions of spec §7:
 * 'coverage' if some intermediate gap exceeds Delta; otherwise 'consolidation' if the final gap
 * exceeds Delta or t is below the closing time of an intermediate gap that did open; else 'trivial'.
 * @throws DomainError if t <= 0 or Delta not in (0, 1).
 */
export function phaseAt(t: number, g: GapStructure, delta = 0.1): Phase {
  positive(t, 't', 'a diffusion time');
  if (!(delta > 0 && delta < 1)) throw new DomainError(`delta: expected a gap threshold in (0, 1), got ${describeValue(delta)}`);
  let closedBefore = false;
  for (const gap of g.intermediate) {
    if (intermediateGapWidth(t, gap) > delta) return 'coverage';
    const times = gapThresholdTimes(gap, delta);
    if (times && t <= times.closing) closedBefore = true;
  }
  if (closedBefore || finalGapWidth(t, g) > delta) return 'consolidation';
  return 'trivial';
}

/** Phase boundaries at threshold Delta: every intermediate gap's opening/closing and the final gap's opening time. */
export function phaseBoundaries(g: GapStructure, delta = 0.1): { intermediate: ({ opening: number; closing: number } | null)[]; finalOpening: number | null } {
  return {
    intermediate: g.intermediate.map((gap) => gapThresholdTimes(gap, delta)),
    finalOpening: g.hasAtom ? finalGapOpeningTime(g.lowestEdge, delta) : null,
  };
}

/** Dimension read off the largest gap of a spectrum. */
export interface GapDimension {
  /** Number of values strictly below the largest gap (ascending order): k. */
  readonly below: number;
  /** Number of values above it: n - k. */
  readonly above: number;
  /** Width of the largest gap. */
  readonly gap: number;
}

/**
 * Largest gap between consecutive sorted values. For the eigenvalues lambda of -J_t (ascending), the
 * values below the gap are tangent directions: `below` estimates the manifold (or subspace) dimension.
 * For singular values sorted descending, `above` counts the directions before the drop.
 * @param values any order; copied and sorted ascending.
 * @param range optional [from, to) index window of the ascending order in which to look for the gap.
 * @throws DomainError for fewer than 2 values or non-finite entries.
 */
export function dimensionFromLargestGap(values: ArrayLike<number>, range?: [number, number]): GapDimension {
  if (values.length < 2) throw new DomainError(`values: expected at least 2 values, got ${values.length}`);
  const v = Float64Array.from(values);
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new DomainError(`values: expected finite numbers, found ${v[i]} at ${i}`);
  v.sort();
  const [from, to] = range ?? [0, v.length];
  let best = -1;
  let k = from + 1;
  for (let i = Math.max(1, from + 1); i < Math.min(v.length, to); i++) {
    const gap = v[i] - v[i - 1];
    if (gap > best) {
      best = gap;
      k = i;
    }
  }
  return { below: k, above: v.length - k, gap: best };
}
