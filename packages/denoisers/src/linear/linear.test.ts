import { DomainError, eye, NDArray, Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import {
  affineLinear,
  circulantConv,
  circulantMatrix,
  deepLinear,
  filterFromGains,
  filterGains,
  fourierModeVariances,
  modeLinearDenoiser,
  patchConv,
  patchCovariance,
  patchToFullFilter,
  perSigmaLinearDenoiser,
  symmetricTwoLayer,
} from './index.js';

function ar1(n: number, rho: number): NDArray {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j] = rho ** Math.abs(i - j);
  return new NDArray(c, [n, n]);
}

describe('circulant conventions (spec §8.1)', () => {
  it('R13: S_kk of rho = 0.6, N = 8; R15 patch covariance row', () => {
    const R13 = [3.0782464, 1.38565343794, 0.566272, 0.355146562056, 0.3076096, 0.355146562056, 0.566272, 1.38565343794];
    const S = fourierModeVariances(ar1(8, 0.6));
    // the spec prints 12 significant digits, so 1e-12 relative cannot hold for the irrational entries (1.3856534379441638 vs 1.38565343794)
    R13.forEach((v, k) => {
      expect(Math.abs(S[k] - v) / v).toBeLessThan(5e-12);
    });
    const P = patchCovariance(ar1(8, 0.6), 1).data;
    [1, 0.5284992, 0.281664].forEach((v, j) => {
      expect(Math.abs(P[j] - v)).toBeLessThan(1e-12);
    });
  });
  it('W f_k = gamma_k f_k; DFT round trip', () => {
    const w = new Rng(1).normals(6);
    const W = circulantMatrix(w).data;
    const g = filterGains(w);
    for (let k = 0; k < 6; k++) {
      for (let i = 0; i < 6; i++) {
        let re = 0;
        let im = 0;
        for (let n = 0; n < 6; n++) {
          re += W[i * 6 + n] * Math.cos((2 * Math.PI * n * k) / 6);
          im += W[i * 6 + n] * Math.sin((2 * Math.PI * n * k) / 6);
        }
        const fr = Math.cos((2 * Math.PI * i * k) / 6);
        const fi = Math.sin((2 * Math.PI * i * k) / 6);
        expect(Math.abs(re - (g.re[k] * fr - g.im[k] * fi))).toBeLessThan(1e-12);
        expect(Math.abs(im - (g.re[k] * fi + g.im[k] * fr))).toBeLessThan(1e-12);
      }
    }
    const back = filterFromGains(g);
    w.forEach((v, j) => {
      expect(Math.abs(back[j] - v)).toBeLessThan(1e-13);
    });
    expect(() => patchToFullFilter([1, 2, 3], 2)).toThrow(DomainError);
    expect(() => patchConv(4, 2)).toThrow(DomainError);
  });
});

describe('parametrization gradients equal finite differences', () => {
  // L(theta) = sum(G .* W(theta)) + sum(h .* b(theta)): dL/dtheta = pullback(G, h)
  const d = 3;
  const rng = new Rng(7);
  const G = rng.normals(d * d);
  const h = rng.normals(d);
  for (const p of [affineLinear(d), symmetricTwoLayer(d, 2), deepLinear(d, 3), deepLinear(d, 2, { tied: true }), circulantConv(d), patchConv(5, 1)]) {
    it(p.kind, () => {
      const dd = p.dim;
      const Gp = dd === d ? G : new Rng(8).normals(dd * dd);
      const hp = dd === d ? h : new Float64Array(dd);
      const L = (th: Float64Array) => {
        const { W, b } = p.weight(th);
        let s = 0;
        for (let i = 0; i < W.length; i++) s += Gp[i] * W[i];
        for (let i = 0; i < b.length; i++) s += hp[i] * b[i];
        return s;
      };
      const th = new Rng(9).normals(p.size).map((v) => 0.5 * v);
      const g = p.pullback(th, Gp, hp);
      for (let i = 0; i < p.size; i++) {
        const e = 1e-6;
        const a = th.slice();
        const b = th.slice();
        a[i] += e;
        b[i] -= e;
        expect(Math.abs((L(a) - L(b)) / (2 * e) - g[i])).toBeLessThan(1e-7);
      }
    });
  }
});

describe('linear SigmaDenoisers', () => {
  it('per-sigma affine and mode-diagonal denoisers agree', () => {
    const U = eye(2);
    const a = modeLinearDenoiser(U, (s, out) => {
      out[0] = 1 / (1 + s);
      out[1] = 2;
    });
    const b = perSigmaLinearDenoiser(2, (s) => ({ W: Float64Array.of(1 / (1 + s), 0, 0, 2) }));
    const x = Float64Array.of(1, 2, 3, 4);
    expect(Array.from(a.denoise(x, 2, 0.5))).toEqual(Array.from(b.denoise(x, 2, 0.5)));
  });
});
