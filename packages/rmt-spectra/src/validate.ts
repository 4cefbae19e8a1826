import { DomainError, NonFiniteError, ShapeError, describeValue } from '@diffusion-theory/kernel';

/** Throw DomainError unless `v` is a finite number > 0 (aspect ratio, time, variance). */
export function positive(v: number, name: string, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new DomainError(`${name}: expected ${what} (a finite number > 0), got ${describeValue(v)}`);
  }
  return v;
}

/** Column-variance groups after validation: equal variances merged, empty groups dropped. */
export interface Groups {
  readonly fractions: Float64Array;
  readonly variances: Float64Array;
}

/**
 * Validate K variance groups: fractions in [0, 1] summing to 1 (to 1e-9), variances finite and > 0,
 * same length. Groups with equal variances are merged and groups of fraction 0 dropped (the law is
 * unchanged; the polynomials keep their simple roots).
 */
export function checkGroups(fractions: ArrayLike<number>, variances: ArrayLike<number>): Groups {
  if (fractions.length !== variances.length || fractions.length === 0) {
    throw new ShapeError(
      `fractions/variances: expected two non-empty arrays of the same length (one entry per group), got lengths ${fractions.length} and ${variances.length}`,
    );
  }
  let sum = 0;
  for (let k = 0; k < fractions.length; k++) {
    const f = fractions[k];
    const s = variances[k];
    if (!Number.isFinite(f) || !Number.isFinite(s)) {
      throw new NonFiniteError(`fractions/variances: expected finite numbers, found ${f} / ${s} at group ${k}`);
    }
    if (f < 0 || f > 1) throw new DomainError(`fractions[${k}]: expected a fraction in [0, 1], got ${f}`);
    if (s <= 0) throw new DomainError(`variances[${k}]: expected a column variance > 0, got ${s}`);
    sum += f;
  }
  if (Math.abs(sum - 1) > 1e-9) {
    throw new DomainError(`fractions: expected group fractions summing to 1, got a sum of ${sum}`);
  }
  const merged = new Map<number, number>();
  for (let k = 0; k < fractions.length; k++) {
    if (fractions[k] === 0) continue;
    merged.set(variances[k], (merged.get(variances[k]) ?? 0) + fractions[k] / sum);
  }
  const keys = [...merged.keys()].sort((a, b) => a - b);
  return {
    fractions: Float64Array.from(keys, (s) => merged.get(s)!),
    variances: Float64Array.from(keys),
  };
}
