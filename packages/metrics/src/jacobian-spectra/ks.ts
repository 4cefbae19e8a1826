import { DomainError, NonFiniteError } from '@diffusion-theory/kernel';

/**
 * Kolmogorov-Smirnov distance sup_x |F_n(x) - F(x)| between the empirical CDF of `samples` and a
 * theoretical CDF, exact for laws with atoms: at each distinct sample value v it compares both the
 * right limits (F_n(v), F(v)) and the left limits (F_n(v-), F(v-)), where F(v-) comes from `leftLimit`
 * (default: F itself, for a continuous law). Ties (e.g. the d - m eigenvalues equal to 1 of -J_t) are
 * handled as one jump.
 * @param samples any order (copied and sorted); finite.
 * @param cdf theoretical CDF P(X <= x).
 * @param leftLimit P(X < x); give it when the law has atoms.
 * @throws DomainError for no samples; NonFiniteError for non-finite samples.
 * @example
 * const D = ksDistance(eigs, (x) => law.cdf(x), (x) => (x >= 1 ? 1 - law.atom : law.cdf(x)));
 */
export function ksDistance(samples: ArrayLike<number>, cdf: (x: number) => number, leftLimit?: (x: number) => number): number {
  const n = samples.length;
  if (n === 0) throw new DomainError('samples: expected at least one sample');
  const v = Float64Array.from(samples);
  for (let i = 0; i < n; i++) if (!Number.isFinite(v[i])) throw new NonFiniteError(`samples: expected finite numbers, found ${v[i]} at ${i}`);
  v.sort();
  const left = leftLimit ?? cdf;
  let D = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && v[j + 1] === v[i]) j++;
    const below = i / n;
    const upTo = (j + 1) / n;
    D = Math.max(D, Math.abs(upTo - cdf(v[i])), Math.abs(below - left(v[i])));
    i = j + 1;
  }
  return D;
}

/**
 * Asymptotic Kolmogorov critical value c(level)/sqrt(n_eff) for i.i.d. samples: P(D > value) ≈ level.
 * (Eigenvalues of one random matrix are NOT independent: they are more rigid, so this is conservative
 * for pooled spectra; use it only as an upper scale.)
 * @throws DomainError for n_eff < 1 or level outside (0, 1).
 */
export function ksCriticalValue(nEff: number, level = 0.05): number {
  if (!(nEff >= 1)) throw new DomainError(`nEff: expected >= 1, got ${nEff}`);
  if (!(level > 0 && level < 1)) throw new DomainError(`level: expected in (0, 1), got ${level}`);
  return Math.sqrt(-0.5 * Math.log(level / 2)) / Math.sqrt(nEff);
}
