import { DomainError, Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { mlpScore } from './index.js';

describe('residual-MLP VE score', () => {
  const d = 6;
  const score = mlpScore({ dim: d, hidden: 16, blocks: 2, temb: 8, dataVariance: 0.5, rng: new Rng(1) });
  const x = new Rng(2).normals(3 * d);
  it('score = -eps_hat/sqrt(t); batch and single-time predictions agree', () => {
    const t = 0.3;
    const e = score.predictNoise(x, 3, t);
    const s = score.evaluate(x, 3, t);
    for (let i = 0; i < 3 * d; i++) expect(s[i]).toBeCloseTo(-e[i] / Math.sqrt(t), 12);
    const eb = score.predictNoiseBatch(x, new Float64Array(3).fill(t), 3);
    for (let i = 0; i < 3 * d; i++) expect(eb[i]).toBeCloseTo(e[i], 12);
  });
  it('input-Jacobian product and full Jacobian match central differences', () => {
    const t = 0.2;
    const v = new Rng(3).normals(3 * d);
    const jv = score.jacobianVectorProduct(x, v, 3, t);
    const h = 1e-5;
    const xp = x.map((xi, i) => xi + h * v[i]);
    const xm = x.map((xi, i) => xi - h * v[i]);
    const sp = score.evaluate(xp, 3, t);
    const sm = score.evaluate(xm, 3, t);
    for (let i = 0; i < 3 * d; i++) expect(jv[i]).toBeCloseTo((sp[i] - sm[i]) / (2 * h), 6);
    const x0 = x.subarray(0, d);
    const J = score.jacobian(Float64Array.from(x0), t);
    const e1 = new Float64Array(d);
    e1[2] = 1;
    const col = score.jacobianVectorProduct(Float64Array.from(x0), e1, 1, t);
    for (let i = 0; i < d; i++) expect(J.data[i * d + 2]).toBeCloseTo(col[i], 12);
  });
  it('t <= 0 and bad shapes are refused', () => {
    expect(() => score.evaluate(x, 3, 0)).toThrow(DomainError);
    expect(() => score.jacobian(new Float64Array(d + 1), 0.1)).toThrow(/length/);
    expect(() => mlpScore({ dim: 3, dataVariance: -1, rng: new Rng(1) })).toThrow(DomainError);
  });
});
