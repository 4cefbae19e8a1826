import { DomainError, NDArray, Rng, eigvalsh, inv } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { linearManifoldScore } from './index.js';

function randomF(d: number, m: number, seed: number): NDArray {
  const rng = new Rng(seed);
  return new NDArray(Float64Array.from(rng.normals(d * m), (v) => v / Math.sqrt(m)), [d, m]);
}

describe('exact linear-manifold VE score', () => {
  it('J_t = -t (tI + Sigma)^{-1} (Q1, 1e-10) and the score is (1/t) J_t x', () => {
    const d = 12;
    const m = 5;
    const F = randomF(d, m, 1);
    const s = linearManifoldScore(F);
    const t = 0.37;
    const S = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < m; k++) S[i * d + j] += F.data[i * m + k] * F.data[j * m + k];
    for (let i = 0; i < d; i++) S[i * d + i] += t;
    const direct = inv(new NDArray(S, [d, d]));
    const J = s.scaledJacobian(t);
    for (let i = 0; i < d * d; i++) expect(J.data[i]).toBeCloseTo(-t * direct.data[i], 10);
    const x = new Rng(2).normals(3 * d);
    const y = s.evaluate(x, 3, t);
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc -= direct.data[i * d + j] * x[r * d + j];
        expect(y[r * d + i]).toBeCloseTo(acc, 10);
      }
    }
    const G = s.jacobian(t);
    expect(G.data[3]).toBeCloseTo(-direct.data[3], 10);
  });
  it('eigenvalues: exactly d - m equal 1 (Q2) and the rest match eig(-J_t)', () => {
    const F = randomF(10, 4, 3);
    const s = linearManifoldScore(F);
    const lam = s.jacobianEigenvalues(0.2);
    expect(lam.filter((v) => v === 1).length).toBe(6);
    const ev = eigvalsh(s.scaledJacobian(0.2)).map((v) => -v).sort();
    for (let i = 0; i < 10; i++) expect(lam[i]).toBeCloseTo(ev[i], 10);
  });
  it('t <= 0 is refused', () => {
    const s = linearManifoldScore(randomF(4, 2, 1));
    expect(() => s.scaledJacobian(0)).toThrow(DomainError);
    expect(() => s.evaluate(new Float64Array(4), 1, -1)).toThrow(DomainError);
  });
});
