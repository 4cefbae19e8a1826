// Test fixtures (not exported from the package): an anisotropic Gaussian with its exact denoisers,
// written out densely here so the sampler tests do not depend on the targets package.
import { type Denoiser, type InterpolantSchedule, NDArray, type Rng, type SigmaDenoiser, dgemm, eigh } from '@diffusion-theory/kernel';

export interface GaussianFixture {
  d: number;
  m: Float64Array;
  C: Float64Array;
  U: Float64Array;
  s: Float64Array;
  affine(schedule: InterpolantSchedule): (t: number) => { A: NDArray; c: Float64Array };
  denoiser(schedule: InterpolantSchedule): Denoiser;
  sigmaDenoiser(): SigmaDenoiser;
}

/** N(m, U diag(s) U^T) with a random orthonormal U and the given spectrum. */
export function gaussianFixture(spectrum: Float64Array, rng: Rng, meanScale = 1): GaussianFixture {
  const d = spectrum.length;
  const B = rng.normals(d * d);
  const G = new Float64Array(d * d);
  dgemm(false, true, d, d, d, 1, B, d, B, d, 0, G, d);
  const U = eigh(new NDArray(G, [d, d])).vectors.contiguous().data;
  const s = Float64Array.from(spectrum);
  const m = rng.normals(d).map((v) => meanScale * v);
  const us = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) us[i * d + j] = U[i * d + j] * s[j];
  const C = new Float64Array(d * d);
  dgemm(false, true, d, d, d, 1, us, d, U, d, 0, C, d);
  const affineAB = (a: number, b: number) => {
    const ug = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) ug[i * d + j] = (U[i * d + j] * b * s[j]) / (a * a + b * b * s[j]);
    const A = new Float64Array(d * d);
    dgemm(false, true, d, d, d, 1, ug, d, U, d, 0, A, d);
    const c = Float64Array.from(m);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i] -= b * A[i * d + j] * m[j];
    return { A, c };
  };
  const apply = (x: Float64Array, n: number, A: Float64Array, c: Float64Array, out?: Float64Array) => {
    const o = out ?? new Float64Array(n * d);
    dgemm(false, true, n, d, d, 1, x, d, A, d, 0, o, d);
    for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) o[r * d + i] += c[i];
    return o;
  };
  return {
    d,
    m,
    C,
    U,
    s,
    affine: (sc) => (t) => {
      const { A, c } = affineAB(sc.alpha(t), sc.beta(t));
      return { A: new NDArray(A, [d, d]), c };
    },
    denoiser: (sc) => ({
      dim: d,
      denoise: (x, n, t, out) => {
        const { A, c } = affineAB(sc.alpha(t), sc.beta(t));
        return apply(x, n, A, c, out);
      },
    }),
    sigmaDenoiser: () => ({
      dim: d,
      denoise: (x, n, sigma, out) => {
        const { A, c } = affineAB(sigma, 1);
        return apply(x, n, A, c, out);
      },
    }),
  };
}

/** Per-entry check of sample moments against (mean, cov) with `z` standard errors plus an absolute bias allowance. */
export function momentViolations(
  x: NDArray, mean: Float64Array, cov: Float64Array, z: number, biasMean = 0, biasCov: Float64Array | number = 0,
): string[] {
  const [n, d] = x.shape;
  const X = x.data;
  const mh = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) mh[i] += X[r * d + i] / n;
  const xc = Float64Array.from(X, (v, k) => v - mh[k % d]);
  const ch = new Float64Array(d * d);
  dgemm(true, false, d, d, n, 1 / (n - 1), xc, d, xc, d, 0, ch, d);
  const bad: string[] = [];
  for (let i = 0; i < d; i++) {
    const tol = z * Math.sqrt(cov[i * d + i] / n) + biasMean;
    if (!(Math.abs(mh[i] - mean[i]) <= tol)) bad.push(`mean[${i}]: ${mh[i]} vs ${mean[i]} (tol ${tol})`);
    for (let j = 0; j <= i; j++) {
      const se = Math.sqrt((cov[i * d + i] * cov[j * d + j] + cov[i * d + j] ** 2) / n);
      const b = typeof biasCov === 'number' ? biasCov : biasCov[i * d + j];
      const tc = z * se + b;
      if (!(Math.abs(ch[i * d + j] - cov[i * d + j]) <= tc)) bad.push(`cov[${i},${j}]: ${ch[i * d + j]} vs ${cov[i * d + j]} (tol ${tc})`);
    }
  }
  return bad;
}
