import { DomainError, NDArray, Rng, type VectorField, dgemm, eigvalsh, inv } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { exactJacobianSpectrum, jacobianSpectrumAlgorithm1, jacobianSpectrumAlgorithm2, ksCriticalValue, ksDistance } from './index.js';

/** A linear score s(x) = A x + b with a symmetric negative-definite A, written here (independent of denoisers). */
function linearScore(d: number, seed: number): { score: VectorField; A: Float64Array } {
  const rng = new Rng(seed);
  const B = rng.normals(d * d);
  const A = new Float64Array(d * d);
  dgemm(false, true, d, d, d, -1 / d, B, d, B, d, 0, A, d);
  for (let i = 0; i < d; i++) A[i * d + i] -= 0.2;
  const b = rng.normals(d);
  return {
    A,
    score: {
      dim: d,
      evaluate(x, n, _t, out) {
        const y = out ?? new Float64Array(n * d);
        dgemm(false, true, n, d, d, 1, x, d, A, d, 0, y, d);
        for (let i = 0; i < n * d; i++) y[i] += b[i % d];
        return y;
      },
    },
  };
}

describe('Jacobian singular values by probes (spec §8)', () => {
  it('Algorithms 1 and 2 recover |eig(A)| on a linear score (Q12: median rel. error ~ sqrt(1/K) scale)', () => {
    const d = 30;
    const { score, A } = linearScore(d, 1);
    const truth = eigvalsh(new NDArray(Float64Array.from(A), [d, d])).map((v) => -v).sort().reverse();
    const x0 = new Rng(5).normals(d);
    const K = 8000;
    for (const est of [
      jacobianSpectrumAlgorithm2(score, { t: 0.3, probes: K, x0, rng: new Rng(7) }),
      jacobianSpectrumAlgorithm1(score, { t: 0.3, probes: K, x0, rng: new Rng(7) }),
    ]) {
      const rel = Array.from(est.gradient, (v, i) => Math.abs(v / truth[i] - 1)).sort((a, b) => a - b);
      // MP smearing of the probe matrix: relative spread up to sqrt(d/K) = 0.061; median well inside
      expect(rel[Math.floor(d / 2)]).toBeLessThan(Math.sqrt(d / K));
      expect(est.lambda[0]).toBeCloseTo(0.3 * est.gradient[0], 12);
    }
    // Algorithm 2 is exact in the antithetic differences: the offset b cancels even without centring
    const exact = exactJacobianSpectrum(new NDArray(A, [d, d]), 0.3);
    for (let i = 0; i < d; i++) expect(exact.gradient[i]).toBeCloseTo(truth[i], 9);
  });
  it('spec Q12: both algorithms on the exact linear-manifold score (d = 100, m = 40, K = 20000) recover eig((t I + Sigma)^-1) to a 2 % median', () => {
    const [d, m, t] = [100, 40, 0.3];
    const rng = new Rng(12);
    const F = rng.normals(d * m).map((v, i) => v * Math.sqrt((i % m < 30 ? 1 : 0.01) / m));
    const A = new Float64Array(d * d);
    dgemm(false, true, d, d, m, 1, F, m, F, m, 0, A, d);
    for (let i = 0; i < d; i++) A[i * d + i] += t;
    const Minv = inv(new NDArray(A, [d, d])).data; // score s(x) = -(tI + Sigma)^{-1} x
    const score: VectorField = {
      dim: d,
      evaluate(x, n, _t, out) {
        const y = out ?? new Float64Array(n * d);
        dgemm(false, true, n, d, d, -1, x, d, Minv, d, 0, y, d);
        return y;
      },
    };
    const truth = eigvalsh(new NDArray(Float64Array.from(Minv), [d, d])).reverse();
    const x0 = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let k = 0; k < m; k++) x0[i] += F[i * m + k] * (k % 3 === 0 ? 1 : -0.5);
    for (const est of [
      jacobianSpectrumAlgorithm2(score, { t, probes: 20000, x0, rng: new Rng(13) }),
      jacobianSpectrumAlgorithm1(score, { t, probes: 20000, x0, rng: new Rng(13) }),
    ]) {
      const rel = Array.from(est.gradient, (v, i) => Math.abs(v / truth[i] - 1)).sort((a, b) => a - b);
      expect(rel[d / 2]).toBeLessThan(0.02);
    }
  });
  it('bad options get typed errors', () => {
    const { score } = linearScore(4, 1);
    expect(() => jacobianSpectrumAlgorithm2(score, { t: 0, probes: 10, x0: new Float64Array(4), rng: new Rng(1) })).toThrow(DomainError);
    expect(() => jacobianSpectrumAlgorithm2(score, { t: 1, probes: 10, x0: new Float64Array(3), rng: new Rng(1) })).toThrow(/x0/);
  });
});

describe('KS distance', () => {
  it('equals the exact sup for a tiny case and handles atoms', () => {
    // samples 0.25, 0.75 vs U[0,1]: sup = 0.25
    expect(ksDistance([0.75, 0.25], (x) => Math.min(1, Math.max(0, x)))).toBeCloseTo(0.25, 14);
    // law: atom 1/2 at 1, uniform on [0,1) with mass 1/2; samples 0.5, 1, 1, 1 -> emp 1/4 at 0.5 vs 1/4 : D at 1- : 1/4 vs 1/2
    const cdf = (x: number) => (x >= 1 ? 1 : Math.max(0, x) / 2);
    const left = (x: number) => (x > 1 ? 1 : Math.max(0, Math.min(x, 1)) / 2);
    expect(ksDistance([0.5, 1, 1, 1], cdf, left)).toBeCloseTo(0.25, 14);
    expect(ksDistance([0.5, 1], cdf, left)).toBeCloseTo(0.25, 14);
  });
  it('uniform samples: D below the 1 % critical value', () => {
    const u = new Rng(3).uniforms(5000);
    expect(ksDistance(u, (x) => x)).toBeLessThan(ksCriticalValue(5000, 0.01));
    expect(() => ksDistance([], (x) => x)).toThrow(DomainError);
  });
});
