/** Targets shared by the ode-theory tests (not built into dist). */
import { type SpectralMixtureSpec, spectralMixtureFromCentroids } from './spectral-mixture.js';

/** Two-cluster heterogeneous target (spec §3.3): two halves as groups, different eigenvalues, one reference direction per group. */
export function heterogeneous(d = 40): SpectralMixtureSpec {
  const mu1 = new Float64Array(d);
  const mu2 = new Float64Array(d);
  mu1[0] = 2.5;
  mu2[d / 2] = -2;
  mu2[1] = 1;
  const groupOf = new Int32Array(d).map((_, i) => (i < d / 2 ? 0 : 1));
  const E = new Float64Array(d * 2);
  E[0] = 1;
  E[(d / 2) * 2 + 1] = 1;
  return spectralMixtureFromCentroids({ d, pi: [0.6, 0.4], mus: [mu1, mu2], groupOf, Ng: 2, ell: [2, 0.5, 0.5, 1.5], E, R: 2 });
}

/** Relative max-norm error of a against b: max |a - b| / max |b|. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}
