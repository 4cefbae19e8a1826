import { assertInteger } from '../check.js';
import { DomainError } from '../errors.js';

/** Time of grid point k of a uniform grid of `steps` steps from t0 to t1 (t1 exactly at k = steps). */
export function gridTime(t0: number, t1: number, steps: number, k: number): number {
  return k === steps ? t1 : t0 + (k * (t1 - t0)) / steps;
}

/**
 * Grid indices at which to save, for a uniform grid of `steps` steps from t0 to t1.
 * - `'end'`: [steps]; `'all'`: 0..steps;
 * - `number[]` of times: each must lie in the closed interval between t0 and t1 and the list
 *   must be ordered in the direction of integration; a time between grid points is saved at the
 *   nearest grid point NOT PAST it (k = floor((t - t0) / h), with a 1e-9 relative tolerance so
 *   that times on the grid up to rounding map to themselves). The reported `ts` are grid times.
 * - `saveEvery` (integer >= 1, used when saveAt is not given): 0, s, 2s, ... and always `steps`.
 */
export function saveIndices(
  saveAt: readonly number[] | 'all' | 'end' | undefined,
  saveEvery: number | undefined,
  t0: number,
  t1: number,
  steps: number,
): Int32Array {
  if (saveAt === undefined && saveEvery !== undefined) {
    assertInteger(saveEvery, 1, 'saveEvery');
    const out: number[] = [];
    for (let k = 0; k < steps; k += saveEvery) out.push(k);
    out.push(steps);
    return Int32Array.from(out);
  }
  if (saveAt === undefined || saveAt === 'end') return Int32Array.of(steps);
  if (saveAt === 'all') {
    const out = new Int32Array(steps + 1);
    for (let k = 0; k <= steps; k++) out[k] = k;
    return out;
  }
  if (!Array.isArray(saveAt)) throw new DomainError(`saveAt: expected 'all', 'end' or an array of times, got ${String(saveAt)}`);
  const out = new Int32Array(saveAt.length);
  let prev = -1;
  for (let i = 0; i < saveAt.length; i++) {
    const t = saveAt[i];
    const u = ((t - t0) / (t1 - t0)) * steps;
    if (!Number.isFinite(t) || !(u >= -1e-9 * steps) || !(u <= steps * (1 + 1e-9))) {
      throw new DomainError(`saveAt[${i}]: expected a time between t0 = ${t0} and t1 = ${t1}, got ${t}`);
    }
    const k = Math.min(steps, Math.max(0, Math.floor(u + 1e-9 * Math.max(1, Math.abs(u)))));
    if (k < prev) throw new DomainError(`saveAt: expected times ordered from t0 to t1, got ${saveAt[i - 1]} before ${t}`);
    out[i] = prev = k;
  }
  return out;
}

/** Validate t0, t1 (finite, distinct) and steps (integer >= 1). */
export function checkSpan(t0: number, t1: number, steps: number): void {
  if (typeof t0 !== 'number' || !Number.isFinite(t0)) throw new DomainError(`t0: expected a finite number, got ${t0}`);
  if (typeof t1 !== 'number' || !Number.isFinite(t1) || t1 === t0) {
    throw new DomainError(`t1: expected a finite number different from t0 = ${t0}, got ${t1}`);
  }
  assertInteger(steps, 1, 'steps');
}
