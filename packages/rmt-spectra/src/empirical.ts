import { DomainError, NDArray, ShapeError, assertFinite, assertInteger, dgemm, describeValue, eigvalsh } from '@diffusion-theory/kernel';
import { positive } from './validate.js';

/**
 * The d eigenvalues of Sigma = F F^T, DESCENDING (the (d - m)_+ zeros last), from the smaller Gram
 * matrix (F^T F when m <= d): one blocked symmetric eigensolve of size min(d, m).
 * @param F d x m, finite.
 * @throws ShapeError / NonFiniteError for a bad F.
 */
export function covarianceEigenvalues(F: NDArray): Float64Array {
  if (F.shape.length !== 2) throw new ShapeError(`F: expected a d x m matrix, got shape [${F.shape.join(', ')}]`);
  assertFinite(F.data, 'F');
  const [d, m] = F.shape;
  const k = Math.min(d, m);
  const G = new Float64Array(k * k);
  if (m <= d) dgemm(true, false, m, m, d, 1, F.data, m, F.data, m, 0, G, m);
  else dgemm(false, true, d, d, m, 1, F.data, m, F.data, m, 0, G, d);
  const ev = eigvalsh(new NDArray(G, [k, k]), 'Gram');
  const out = new Float64Array(d);
  for (let i = 0; i < k; i++) out[i] = Math.max(0, ev[k - 1 - i]);
  return out;
}

/**
 * Eigenvalues lambda = t/(t + gamma) of -J_t, ASCENDING, from the eigenvalues gamma of Sigma sorted
 * DESCENDING (eq 27). @throws DomainError if t <= 0.
 */
export function jacobianEigenvaluesFrom(gammaDescending: ArrayLike<number>, t: number): Float64Array {
  positive(t, 't', 'a diffusion time');
  return Float64Array.from(gammaDescending, (g) => t / (t + g));
}

function checkSpectra(spectra: readonly ArrayLike<number>[], k: number): void {
  if (spectra.length === 0) throw new DomainError('spectra: expected at least one spectrum');
  const d = spectra[0].length;
  for (const s of spectra) if (s.length !== d) throw new ShapeError(`spectra: expected equal lengths ${d}, got ${s.length}`);
  assertInteger(k, 1, 'k');
  if (k >= d) throw new DomainError(`k: expected 1 <= k < d = ${d}, got ${describeValue(k)}`);
}

/**
 * Mean over realisations of the empirical gap lambda_(k+1) - lambda_(k) (ascending lambda, 1-based k)
 * at time t, from spectra of Sigma sorted DESCENDING (so lambda_(k) = t/(t + gamma_k)).
 * k = f m: the intermediate gap; k = m: the final gap (k-th and (k+1)-th largest gamma).
 * @throws DomainError / ShapeError for bad k, t or ragged spectra.
 */
export function meanEmpiricalGap(spectra: readonly ArrayLike<number>[], k: number, t: number): number {
  checkSpectra(spectra, k);
  positive(t, 't', 'a diffusion time');
  let acc = 0;
  for (const s of spectra) acc += t / (t + s[k]) - t / (t + s[k - 1]);
  return acc / spectra.length;
}

/**
 * Time maximising the mean empirical gap at index k (golden-section search in log t on [lo, hi]).
 * @returns t_max and the mean gap there.
 * @throws DomainError for a bad bracket.
 */
export function empiricalGapMaximum(spectra: readonly ArrayLike<number>[], k: number, lo: number, hi: number): { tMax: number; gap: number } {
  checkSpectra(spectra, k);
  positive(lo, 'lo', 'a time');
  if (!(hi > lo)) throw new DomainError(`hi: expected > lo = ${lo}, got ${describeValue(hi)}`);
  const f = (u: number) => -meanEmpiricalGap(spectra, k, Math.exp(u));
  let a = Math.log(lo);
  let b = Math.log(hi);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let e = a + g * (b - a);
  let fc = f(c);
  let fe = f(e);
  for (let i = 0; i < 100 && b - a > 1e-10; i++) {
    if (fc < fe) {
      b = e;
      e = c;
      fe = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = e;
      fc = fe;
      e = a + g * (b - a);
      fe = f(e);
    }
  }
  const t = Math.exp((a + b) / 2);
  return { tMax: t, gap: meanEmpiricalGap(spectra, k, t) };
}

/**
 * Time at which the mean empirical gap at index k crosses Delta, searched by bisection in log t on
 * [lo, hi] (the gap must be on opposite sides of Delta at the ends: e.g. lo = the empirical t_max and
 * hi large for the opening time; lo small and hi = t_max for the closing time).
 * @returns the crossing time, or null if the gap does not cross Delta on [lo, hi].
 * @throws DomainError for a bad bracket or Delta outside (0, 1).
 */
export function empiricalGapCrossing(spectra: readonly ArrayLike<number>[], k: number, delta: number, lo: number, hi: number): number | null {
  checkSpectra(spectra, k);
  positive(lo, 'lo', 'a time');
  if (!(hi > lo)) throw new DomainError(`hi: expected > lo = ${lo}, got ${describeValue(hi)}`);
  if (!(delta > 0 && delta < 1)) throw new DomainError(`delta: expected a gap threshold in (0, 1), got ${describeValue(delta)}`);
  const f = (u: number) => meanEmpiricalGap(spectra, k, Math.exp(u)) - delta;
  let a = Math.log(lo);
  let b = Math.log(hi);
  const fa = f(a);
  if (fa * f(b) > 0) return null;
  for (let i = 0; i < 200 && b - a > 1e-12; i++) {
    const c = (a + b) / 2;
    if (f(c) * fa > 0) a = c;
    else b = c;
  }
  return Math.exp((a + b) / 2);
}
