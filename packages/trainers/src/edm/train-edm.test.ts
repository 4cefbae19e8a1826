import { edmPrecond, mlpUnet } from '@diffusion-theory/denoisers';
import { DivergenceError, Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { trainEdm } from './train-edm.js';

function gaussianData(n: number, sd: number[], rng: Rng): Float64Array {
  const d = sd.length;
  const x = rng.normals(n * d);
  for (let i = 0; i < n * d; i++) x[i] *= sd[i % d];
  return x;
}

describe('trainEdm', () => {
  it('lowers the EDM loss on a 2-D Gaussian and is reproducible from the seed', () => {
    const run = () => {
      const D = edmPrecond(mlpUnet({ ndim: 2, nlayers: 3, nhidden: 32, temb: 16, rng: new Rng(1) }));
      const data = gaussianData(512, [1, 0.2], new Rng(2));
      const res = trainEdm({ model: D, data, steps: 300, batchSize: 128, rng: new Rng(3), optimizer: { lr: 3e-3 } });
      return { D, res };
    };
    const a = run();
    const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
    const first = mean(a.res.losses.subarray(0, 30));
    const last = mean(a.res.losses.subarray(270));
    expect(last).toBeLessThan(0.7 * first);
    // Bayes-optimal EDM loss for N(0, diag(v)): E_sigma sum_k lambda(sigma) sigma^2 v_k / (sigma^2 + v_k), ln sigma ~ N(-1.2, 1.2^2)
    let opt = 0;
    for (let i = 0; i <= 4000; i++) {
      const xi = -8 + (16 * i) / 4000;
      const s = Math.exp(-1.2 + 1.2 * xi);
      const w = ((16 / 4000) * Math.exp(-0.5 * xi * xi)) / Math.sqrt(2 * Math.PI);
      for (const v of [1, 0.04]) opt += (w * ((s * s + 0.25) / (0.25 * s * s)) * s * s * v) / (s * s + v);
    }
    expect(last).toBeGreaterThan(0.8 * opt);
    expect(last).toBeLessThan(1.3 * opt);
    const b = run();
    expect(Array.from(b.res.losses)).toEqual(Array.from(a.res.losses));
    expect(Array.from(b.D.net.params)).toEqual(Array.from(a.D.net.params));
  });
  it('refuses bad data and reports divergence with the step', () => {
    const D = edmPrecond(mlpUnet({ ndim: 2, nlayers: 2, nhidden: 4, temb: 4, rng: new Rng(1) }));
    expect(() => trainEdm({ model: D, data: new Float64Array(5), steps: 1, rng: new Rng(1) })).toThrow(/rows of length dim = 2/);
    expect(() => trainEdm({ model: D, data: new Float64Array(8), steps: 1, batchSize: 5, rng: new Rng(1) })).toThrow(/batchSize/);
    let caught: unknown;
    try {
      trainEdm({ model: D, data: gaussianData(64, [1, 1], new Rng(2)), steps: 50, batchSize: 16, rng: new Rng(1), optimizer: { lr: 1e300 } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DivergenceError);
  });
});
