import { DomainError, inv, NDArray, NotPositiveDefiniteError } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { type LossVariant, momentLossGradient, variantMoments } from './index.js';

const cov = new NDArray(Float64Array.of(2, 0.4, 0.4, 0.5), [2, 2]);
const mu = [0.3, -0.7];

function optimum(m: ReturnType<typeof variantMoments>): { W: Float64Array; b: Float64Array } {
  const Si = inv(new NDArray(m.Sxx.slice(), [2, 2])).data;
  const W = new Float64Array(4);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) W[i * 2 + j] += m.Syx[i * 2 + k] * Si[k * 2 + j];
  const b = new Float64Array(2);
  for (let i = 0; i < 2; i++) b[i] = m.muy[i] - W[i * 2] * m.mux[0] - W[i * 2 + 1] * m.mux[1];
  return { W, b };
}

describe('moment losses (spec §2-3)', () => {
  it('gradient vanishes at W* = Syx Sxx^{-1}, b* = mu_y - W* mu_x for every variant; EDM min loss = sigma^2 tr[Sigma (Sigma + sigma^2)^{-1}]', () => {
    const variants: LossVariant[] = [
      { kind: 'edm-x', sigma: 0.6 },
      { kind: 'edm-eps', sigma: 0.6 },
      { kind: 'x', alpha: 0.8, sigma: 0.6 },
      { kind: 'eps', alpha: 0.8, sigma: 0.6 },
      { kind: 'v', alpha: 0.8, sigma: 0.6 },
      { kind: 'flow-matching', t: 0.3 },
    ];
    for (const v of variants) {
      const m = variantMoments(cov, v, mu);
      const { W, b } = optimum(m);
      const g = momentLossGradient(m, W, b);
      for (const x of [...g.gW, ...g.gb]) expect(Math.abs(x)).toBeLessThan(1e-12);
    }
    const m = variantMoments(cov, { kind: 'edm-x', sigma: 0.6 }, mu);
    const { W, b } = optimum(m);
    const tr = (() => {
      const A = inv(new NDArray(Float64Array.of(2.36, 0.4, 0.4, 0.86), [2, 2])).data;
      return 0.36 * (2 * A[0] + 0.4 * A[2] + 0.4 * A[1] + 0.5 * A[3]);
    })();
    expect(Math.abs(momentLossGradient(m, W, b).loss - tr)).toBeLessThan(1e-12);
  });
  it('EDM eps table: W* = sigma (Sigma + sigma^2)^{-1}; gradient equals finite differences', () => {
    const m = variantMoments(cov, { kind: 'edm-eps', sigma: 0.6 }, mu);
    const A = inv(new NDArray(Float64Array.of(2.36, 0.4, 0.4, 0.86), [2, 2])).data;
    const { W } = optimum(m);
    for (let i = 0; i < 4; i++) expect(Math.abs(W[i] - 0.6 * A[i])).toBeLessThan(1e-13);
    const W0 = Float64Array.of(0.1, 0.2, -0.3, 0.4);
    const b0 = Float64Array.of(0.05, -0.1);
    const g = momentLossGradient(m, W0, b0);
    for (let i = 0; i < 4; i++) {
      const a = W0.slice();
      const c = W0.slice();
      a[i] += 1e-6;
      c[i] -= 1e-6;
      expect(Math.abs((momentLossGradient(m, a, b0).loss - momentLossGradient(m, c, b0).loss) / 2e-6 - g.gW[i])).toBeLessThan(1e-7);
    }
  });
  it('typed errors', () => {
    expect(() => variantMoments(new NDArray(Float64Array.of(1, 2, 2, 1), [2, 2]), { kind: 'edm-x', sigma: 1 })).toThrow(NotPositiveDefiniteError);
    expect(() => variantMoments(cov, { kind: 'flow-matching', t: 2 })).toThrow(DomainError);
  });
});
