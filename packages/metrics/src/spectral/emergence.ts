import { assertFinite, brentRoot, DomainError, ShapeError } from '@diffusion-theory/kernel';

/** Threshold criterion for emergence (spec spectral-bias §12). */
export type EmergenceCriterion = 'geometric' | 'harmonic' | 'arithmetic';

/**
 * Emergence threshold between the initial value v0 and the final value vInf: geometric sqrt(v0 vInf)
 * (default in the paper's fits), harmonic 2 v0 vInf / (v0 + vInf), or arithmetic (v0 + vInf) / 2.
 * @throws DomainError when v0 or vInf is not > 0 (geometric / harmonic) or not finite
 */
export function emergenceThreshold(v0: number, vInf: number, criterion: EmergenceCriterion = 'geometric'): number {
  if (!Number.isFinite(v0) || !Number.isFinite(vInf)) throw new DomainError(`v0, vInf: expected finite values, got ${v0}, ${vInf}`);
  if (criterion === 'arithmetic') return 0.5 * (v0 + vInf);
  if (!(v0 > 0 && vInf > 0)) throw new DomainError(`v0, vInf: expected positive values for the ${criterion} criterion, got ${v0}, ${vInf}`);
  if (criterion === 'geometric') return Math.sqrt(v0 * vInf);
  if (criterion === 'harmonic') return (2 * v0 * vInf) / (v0 + vInf);
  throw new DomainError(`criterion: expected 'geometric', 'harmonic' or 'arithmetic', got ${String(criterion)}`);
}

/** Gray zone of spec §12: 0.5 <= v0 / lambda <= 2 (trajectories not sigmoidal; excluded from fits). */
export function inGrayZone(v0: number, lambda: number): boolean {
  const r = v0 / lambda;
  return r >= 0.5 && r <= 2;
}

export interface EmergenceOptions {
  /** Final value (theory: tau -> infinity limit; experiments: the target lambda_k). */
  vInf: number;
  /** Initial value (default: the first value). */
  v0?: number;
  criterion?: EmergenceCriterion;
}

/**
 * Emergence time from checkpoints (spec §12): the first checkpoint past the threshold (crossed from the
 * starting side), interpolated linearly in log-log coordinates with the checkpoint before it.
 * @param times - increasing checkpoint times (> 0 for the log interpolation; a time 0 is interpolated linearly)
 * @param values - trajectory values at the checkpoints (> 0)
 * @param opts - vInf, v0, criterion
 * @returns tau* or NaN when never crossed (or when v0 = vInf)
 * @throws ShapeError when lengths differ; DomainError when times are not increasing
 * @example
 * emergenceTimeFromCheckpoints(taus, lambdaHat.map((r) => r[k]), { vInf: lambda[k] });
 */
export function emergenceTimeFromCheckpoints(times: ArrayLike<number>, values: ArrayLike<number>, opts: EmergenceOptions): number {
  if (times.length !== values.length) throw new ShapeError(`values: expected length ${times.length} (times), got ${values.length}`);
  if (times.length < 1) throw new ShapeError('times: expected at least one checkpoint');
  assertFinite(times, 'times');
  for (let i = 1; i < times.length; i++) if (!(times[i] > times[i - 1])) throw new DomainError(`times: expected strictly increasing values (index ${i})`);
  const v0 = opts.v0 ?? values[0];
  const thr = emergenceThreshold(v0, opts.vInf, opts.criterion ?? 'geometric');
  const rising = opts.vInf > v0;
  if (opts.vInf === v0) return Number.NaN;
  const past = (v: number) => (rising ? v >= thr : v <= thr);
  for (let i = 0; i < times.length; i++) {
    if (!past(values[i])) continue;
    if (i === 0) return times[0];
    const t0 = times[i - 1];
    const t1 = times[i];
    const a = values[i - 1];
    const b = values[i];
    if (t0 > 0 && a > 0 && b > 0 && thr > 0 && a !== b) {
      const f = (Math.log(thr) - Math.log(a)) / (Math.log(b) - Math.log(a));
      return Math.exp(Math.log(t0) + f * (Math.log(t1) - Math.log(t0)));
    }
    const f = a === b ? 1 : (thr - a) / (b - a);
    return t0 + f * (t1 - t0);
  }
  return Number.NaN;
}

export interface ClosedFormEmergenceOptions extends EmergenceOptions {
  v0: number;
  /** Log grid: range and points (default [1e-8, 1e8], 600 points). */
  tauMin?: number;
  tauMax?: number;
  gridPoints?: number;
}

/**
 * Emergence time of a closed-form trajectory v(tau) (spec §12): bracket the first crossing on a log grid,
 * then Brent in ln tau (tolerance 1e-13).
 * @param v - trajectory tau -> value
 * @param opts - v0, vInf, criterion, grid
 * @returns tau* or NaN when the threshold is not crossed on the grid
 * @throws DomainError on a bad grid or threshold
 */
export function emergenceTimeClosedForm(v: (tau: number) => number, opts: ClosedFormEmergenceOptions): number {
  const tauMin = opts.tauMin ?? 1e-8;
  const tauMax = opts.tauMax ?? 1e8;
  const m = opts.gridPoints ?? 600;
  if (!(tauMin > 0 && tauMax > tauMin)) throw new DomainError(`tauMin, tauMax: expected 0 < tauMin < tauMax, got ${tauMin}, ${tauMax}`);
  if (!Number.isInteger(m) || m < 2) throw new DomainError(`gridPoints: expected an integer >= 2, got ${m}`);
  const thr = emergenceThreshold(opts.v0, opts.vInf, opts.criterion ?? 'geometric');
  if (opts.vInf === opts.v0) return Number.NaN;
  const sgn = opts.vInf > opts.v0 ? 1 : -1;
  const g = (lt: number) => sgn * (v(Math.exp(lt)) - thr);
  const l0 = Math.log(tauMin);
  const l1 = Math.log(tauMax);
  let prev = l0;
  let gp = g(prev);
  if (gp >= 0) return tauMin;
  for (let i = 1; i < m; i++) {
    const l = l0 + ((l1 - l0) * i) / (m - 1);
    const gl = g(l);
    if (gl >= 0) return Math.exp(brentRoot(g, prev, l, { tol: 1e-13 }));
    prev = l;
    gp = gl;
  }
  return Number.NaN;
}
