import { DomainError, Rng, ShapeError, eigvalsh } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { columnVariances, linearManifold, randomEmbedding } from './index.js';

describe('linear-manifold target', () => {
  it('group profile assigns round(f m) columns in order; uniform stays in range', () => {
    const s = columnVariances(40, { kind: 'groups', fractions: [0.75, 0.25], variances: [1, 0.01] });
    expect(s.filter((v) => v === 1).length).toBe(30);
    expect(s[29]).toBe(1);
    expect(s[30]).toBe(0.01);
    const u = columnVariances(1000, { kind: 'uniform', lo: 1e-3, hi: 1 }, new Rng(1));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(1e-3);
    expect(Math.max(...u)).toBeLessThanOrEqual(1);
    expect(u.reduce((a, b) => a + b) / 1000).toBeCloseTo(0.5005, 1);
  });
  it('F entries have variance s_mu/m (column-wise, 4 sd tolerance)', () => {
    const d = 2000;
    const m = 4;
    const s = Float64Array.of(1, 1, 0.01, 4);
    const F = randomEmbedding(d, s, new Rng(2));
    for (let j = 0; j < m; j++) {
      let ss = 0;
      for (let i = 0; i < d; i++) ss += F.data[i * m + j] ** 2;
      const v = ss / d;
      expect(Math.abs(v / (s[j] / m) - 1)).toBeLessThan(4 * Math.sqrt(2 / d));
    }
  });
  it('samples have covariance F F^T; rank m; forward adds sqrt(t) noise', () => {
    const rng = new Rng(3);
    const lm = linearManifold({ d: 6, m: 2, profile: { kind: 'single', variance: 1 }, rng });
    const y = lm.sample(40000, rng.named('s'));
    const C = lm.covariance();
    let err = 0;
    for (let a = 0; a < 6; a++) {
      for (let b = 0; b < 6; b++) {
        let acc = 0;
        for (let i = 0; i < 40000; i++) acc += y.data[i * 6 + a] * y.data[i * 6 + b];
        err = Math.max(err, Math.abs(acc / 40000 - C.data[a * 6 + b]));
      }
    }
    const scale = Math.max(...C.data.map(Math.abs));
    expect(err).toBeLessThan(5 * scale * Math.sqrt(2 / 40000));
    const ev = eigvalsh(C);
    expect(Math.abs(ev[0])).toBeLessThan(1e-12);
    expect(ev[4]).toBeGreaterThan(1e-3);
    const g = eigvalsh(lm.gram());
    expect(g[0]).toBeCloseTo(ev[4], 10);
    const { x0, eps, xt } = lm.forward(5, 0.49, rng.named('f'));
    for (let i = 0; i < xt.length; i++) expect(xt[i]).toBeCloseTo(x0[i] + 0.7 * eps[i], 12);
  });
  it('bad input gets a typed error', () => {
    expect(() => columnVariances(10, { kind: 'groups', fractions: [0.5, 0.4], variances: [1, 1] })).toThrow(DomainError);
    expect(() => columnVariances(10, { kind: 'single', variance: -1 })).toThrow(DomainError);
    expect(() => columnVariances(10, { kind: 'groups', fractions: [1], variances: [1, 2] })).toThrow(ShapeError);
    const lm = linearManifold({ d: 3, m: 1, profile: { kind: 'single', variance: 1 }, rng: new Rng(1) });
    expect(() => lm.forward(2, 0, new Rng(1))).toThrow(DomainError);
  });
});
