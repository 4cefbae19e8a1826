import { Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { binaryIsotropicGmm } from './binary-gmm.js';

describe('binaryIsotropicGmm (ICLR-2024 target, spec §8)', () => {
  it('|mu|^2 = d for the default (all ones) and for a random direction', () => {
    const a = binaryIsotropicGmm({ d: 50, sigma: 1 });
    expect(a.mu().reduce((s, x) => s + x * x, 0)).toBeCloseTo(50, 12);
    const b = binaryIsotropicGmm({ d: 50, sigma: 1, mu: 'random', muRng: new Rng(1) });
    expect(b.mu().reduce((s, x) => s + x * x, 0)).toBeCloseTo(50, 10);
    expect(b.mu()[0]).not.toBe(1);
  });

  it('samples: x1 = s mu + z with P(s = 1) = 1/2 and Var z = sigma^2', () => {
    const d = 20;
    const sigma = 0.6;
    const g = binaryIsotropicGmm({ d, sigma, mu: Array.from({ length: d }, (_, i) => (i % 2 ? 1 : -1)) });
    const n = 20000;
    const { x1, s } = g.sample(n, new Rng(2));
    const mu = g.mu();
    let plus = 0;
    let zz = 0;
    for (let i = 0; i < n; i++) {
      if (s[i] === 1) plus++;
      for (let j = 0; j < d; j++) zz += (x1.data[i * d + j] - s[i] * mu[j]) ** 2;
    }
    expect(Math.abs(plus / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
    const v = zz / (n * d);
    expect(Math.abs(v / (sigma * sigma) - 1)).toBeLessThan(4 * Math.sqrt(2 / (n * d)));
  });

  it('training set: xi = sum s x0, eta = sum s x1 - n mu', () => {
    const g = binaryIsotropicGmm({ d: 5, sigma: 1 });
    const ts = g.trainingSet(4, new Rng(3));
    for (let j = 0; j < 5; j++) {
      let xi = 0;
      let eta = 0;
      for (let m = 0; m < 4; m++) {
        xi += ts.s[m] * ts.x0.data[m * 5 + j];
        eta += ts.s[m] * ts.x1.data[m * 5 + j] - 1;
      }
      expect(ts.xi[j]).toBeCloseTo(xi, 12);
      expect(ts.eta[j]).toBeCloseTo(eta, 12);
    }
  });

  it('logDensity integrates to 1 in d = 1 and matches the direct formula', () => {
    const g = binaryIsotropicGmm({ d: 1, sigma: 0.5, mu: [1.3] });
    const m = 20001;
    const xs = Float64Array.from({ length: m }, (_, i) => -8 + (16 * i) / (m - 1));
    const ld = g.logDensity(xs, m);
    let s = 0;
    for (let i = 0; i < m; i++) s += Math.exp(ld[i]) * (16 / (m - 1));
    expect(s).toBeCloseTo(1, 8);
    const x = 0.4;
    const direct = 0.5 * (Math.exp(-((x - 1.3) ** 2) / 0.5) + Math.exp(-((x + 1.3) ** 2) / 0.5)) / Math.sqrt(2 * Math.PI * 0.25);
    expect(g.logDensity(Float64Array.of(x), 1)[0]).toBeCloseTo(Math.log(direct), 12);
  });

  it('validates', () => {
    expect(() => binaryIsotropicGmm({ d: 0, sigma: 1 })).toThrow(/d/);
    expect(() => binaryIsotropicGmm({ d: 2, sigma: 0 })).toThrow(/sigma/);
    expect(() => binaryIsotropicGmm({ d: 2, sigma: 1, mu: [1] })).toThrow(/mu/);
    expect(() => binaryIsotropicGmm({ d: 2, sigma: 1, mu: 'random' })).toThrow(/muRng/);
  });
});
