import { ShapeError } from '@diffusion-theory/kernel';
import { type EmergenceCriterion, inGrayZone } from './emergence.js';

/** OLS fit log10 tau* = intercept + slope log10 lambda; alpha = -slope (tau* ~ C lambda^-alpha). */
export interface PowerLawFit {
  alpha: number;
  slope: number;
  /** log10 C. */
  intercept: number;
  r2: number;
  n: number;
}

/**
 * Ordinary least squares of log10 y on log10 x over the pairs with finite positive x and y.
 * @returns the fit, or null when fewer than 2 usable points (or all x equal)
 * @throws ShapeError when lengths differ
 */
export function powerLawFit(x: ArrayLike<number>, y: ArrayLike<number>): PowerLawFit | null {
  if (x.length !== y.length) throw new ShapeError(`y: expected length ${x.length}, got ${y.length}`);
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && y[i] > 0 && Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      lx.push(Math.log10(x[i]));
      ly.push(Math.log10(y[i]));
    }
  }
  const n = lx.length;
  if (n < 2) return null;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i] - mx) ** 2;
    sxy += (lx[i] - mx) * (ly[i] - my);
    syy += (ly[i] - my) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { alpha: -slope, slope, intercept, r2, n };
}

export interface BranchFitsInput {
  /** Target variances lambda_k. */
  lambdas: ArrayLike<number>;
  /** Emergence times tau*_k (NaN = not emerged; skipped). */
  taus: ArrayLike<number>;
  /** Initial values v0_k. */
  v0: ArrayLike<number>;
  /** Final values vInf_k (decide the branch: rising if vInf > v0). */
  vInf: ArrayLike<number>;
  /** Exclude the gray zone 0.5 <= v0 / lambda <= 2 (default true). */
  excludeGrayZone?: boolean;
  /** Recorded in the result only. */
  criterion?: EmergenceCriterion;
}

/** Branch-wise power-law fits (spec §12): rising and falling modes fitted separately. */
export interface BranchFits {
  increasing: PowerLawFit | null;
  decreasing: PowerLawFit | null;
  /** Per mode: 'inc' | 'dec' | 'gray' | 'none' (not emerged). */
  branch: Array<'inc' | 'dec' | 'gray' | 'none'>;
}

/**
 * Emergence-time power-law fits per branch, gray zone excluded (spec spectral-bias §12).
 * @throws ShapeError when the arrays differ in length
 * @example
 * const { increasing } = branchPowerLawFits({ lambdas, taus, v0, vInf }); increasing?.alpha;
 */
export function branchPowerLawFits(input: BranchFitsInput): BranchFits {
  const { lambdas, taus, v0, vInf } = input;
  const d = lambdas.length;
  for (const [name, a] of [['taus', taus], ['v0', v0], ['vInf', vInf]] as const) {
    if (a.length !== d) throw new ShapeError(`${name}: expected length ${d} (lambdas), got ${a.length}`);
  }
  const excl = input.excludeGrayZone ?? true;
  const branch: BranchFits['branch'] = [];
  const inc: [number[], number[]] = [[], []];
  const dec: [number[], number[]] = [[], []];
  for (let k = 0; k < d; k++) {
    if (excl && inGrayZone(v0[k], lambdas[k])) {
      branch.push('gray');
      continue;
    }
    if (!Number.isFinite(taus[k])) {
      branch.push('none');
      continue;
    }
    const up = vInf[k] > v0[k];
    branch.push(up ? 'inc' : 'dec');
    const t = up ? inc : dec;
    t[0].push(lambdas[k]);
    t[1].push(taus[k]);
  }
  return { increasing: powerLawFit(inc[0], inc[1]), decreasing: powerLawFit(dec[0], dec[1]), branch };
}
