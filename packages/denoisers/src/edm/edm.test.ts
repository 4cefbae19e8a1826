import { Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { mlpUnet } from './mlp-unet.js';
import { edmCoefficients, edmPrecond } from './precond.js';

describe('MLP-UNet (spec §13.2)', () => {
  it('has nlayers - 1 blocks plus a final linear layer: parameter count by hand', () => {
    const ndim = 5;
    const H = 8;
    const E = 6;
    const net = mlpUnet({ ndim, nlayers: 4, nhidden: H, temb: E, rng: new Rng(1) });
    const block = (i: number, o: number) => 2 * i + (i * o + o) + (E * 2 * o + 2 * o) + 2 * o + (o * o + o) + (i === o ? 0 : i * o + o);
    expect(net.nParams).toBe(block(ndim, H) + 2 * block(H, H) + (H * ndim + ndim));
    expect(net.inputWidths).toEqual([ndim, 1]);
    // kaiming init: N(0, 1/fan_in) weights, zero bias; LayerNorm gamma 1, beta 0
    const fc0 = net.paramView('b1.fc0');
    const v = fc0.weight.reduce((s, w) => s + w * w, 0) / fc0.weight.length;
    expect(v).toBeGreaterThan(0.3 / H);
    expect(v).toBeLessThan(3 / H);
    expect(Array.from(fc0.bias)).toEqual(new Array(H).fill(0));
    expect(Array.from(net.paramView('b0.norm1').weight)).toEqual(new Array(H).fill(1));
    const z = mlpUnet({ ndim, nlayers: 3, nhidden: H, temb: E, zeroInitFc1: true, rng: new Rng(1) });
    expect(z.paramView('b0.fc1').weight.every((w) => w === 0)).toBe(true);
  });
});

describe('EDM preconditioning (spec §13.3)', () => {
  it('coefficients: lambda c_out^2 = 1, c_out^2 = sigma^2 c_skip, c_in^2 (sigma^2 + sigma_d^2) = 1, c_skip = 1/2 at sigma = sigma_d, c_noise = ln(sigma)/4', () => {
    for (const s of [0.002, 0.1, 0.5, 3, 80]) {
      const c = edmCoefficients(s);
      expect(c.weight * c.cOut ** 2).toBeCloseTo(1, 13);
      expect(c.cOut ** 2).toBeCloseTo(s * s * c.cSkip, 13);
      expect(c.cIn ** 2 * (s * s + 0.25)).toBeCloseTo(1, 13);
      expect(c.cNoise).toBeCloseTo(Math.log(s) / 4, 15);
    }
    expect(edmCoefficients(0.5).cSkip).toBeCloseTo(0.5, 15);
    expect(() => edmCoefficients(0)).toThrow(/sigma/);
  });
  it('denoise = c_skip x + c_out F(c_in x, c_noise), chunked rows agree, sigma = 0 -> sigma_min', () => {
    const F = mlpUnet({ ndim: 3, nlayers: 3, nhidden: 5, temb: 4, rng: new Rng(2) });
    const D = edmPrecond(F, { maxBatch: 2 });
    const n = 5;
    const x = new Rng(3).normals(n * 3);
    const s = 0.7;
    const c = edmCoefficients(s);
    const y = D.denoise(x, n, s);
    const f = F.forward([x.map((v) => c.cIn * v), new Float64Array(n).fill(c.cNoise)], n);
    for (let i = 0; i < n * 3; i++) expect(y[i]).toBeCloseTo(c.cSkip * x[i] + c.cOut * f[i], 14);
    expect(Array.from(D.denoise(x, n, 0))).toEqual(Array.from(D.denoise(x, n, 0.002)));
    expect(() => D.denoise(x, 4, s)).toThrow(/length/);
    expect(() => D.denoise(x, n, -1)).toThrow(/sigma/);
  });
  it('EDM loss equals lambda ||D - x0||^2 averaged, and its gradient matches central differences', () => {
    const F = mlpUnet({ ndim: 3, nlayers: 3, nhidden: 4, temb: 4, rng: new Rng(4) });
    const D = edmPrecond(F);
    const n = 4;
    const rng = new Rng(5);
    const x0 = rng.normals(n * 3);
    const noise = rng.normals(n * 3);
    const sigma = Float64Array.of(0.01, 0.3, 1.5, 20);
    F.zeroGrad();
    const L = D.lossAndGrad(x0, n, sigma, noise);
    const g = F.grad.slice();
    const direct = () => {
      let s = 0;
      for (let r = 0; r < n; r++) {
        const xr = x0.subarray(3 * r, 3 * r + 3).map((v, j) => v + sigma[r] * noise[3 * r + j]);
        const y = D.denoise(xr, 1, sigma[r]);
        let e2 = 0;
        for (let j = 0; j < 3; j++) e2 += (y[j] - x0[3 * r + j]) ** 2;
        s += (edmCoefficients(sigma[r]).weight * e2) / n;
      }
      return s;
    };
    expect(L).toBeCloseTo(direct(), 12);
    const h = 1e-6;
    const gs = Math.max(...g.map(Math.abs));
    let err = 0;
    for (let i = 0; i < F.nParams; i++) {
      const p = F.params[i];
      F.params[i] = p + h;
      const lp = direct();
      F.params[i] = p - h;
      const lm = direct();
      F.params[i] = p;
      err = Math.max(err, Math.abs((lp - lm) / (2 * h) - g[i]) / gs);
    }
    expect(err).toBeLessThan(1e-7);
  });
});
