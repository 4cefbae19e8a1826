import {
  DomainError,
  NDArray,
  NonFiniteError,
  NotPositiveDefiniteError,
  Rng,
  ShapeError,
  linearInterpolant,
  trigonometricInterpolant,
} from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { gaussian } from './gaussian.js';

/** Dense solve A X = B by Gaussian elimination with partial pivoting (test oracle, independent of the eigen path). */
function solve(A: Float64Array, B: Float64Array, d: number, m: number): Float64Array {
  const a = A.slice();
  const b = B.slice();
  for (let col = 0; col < d; col++) {
    let p = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r * d + col]) > Math.abs(a[p * d + col])) p = r;
    for (let j = 0; j < d; j++) [a[col * d + j], a[p * d + j]] = [a[p * d + j], a[col * d + j]];
    for (let j = 0; j < m; j++) [b[col * m + j], b[p * m + j]] = [b[p * m + j], b[col * m + j]];
    for (let r = col + 1; r < d; r++) {
      const f = a[r * d + col] / a[col * d + col];
      for (let j = col; j < d; j++) a[r * d + j] -= f * a[col * d + j];
      for (let j = 0; j < m; j++) b[r * m + j] -= f * b[col * m + j];
    }
  }
  for (let r = d - 1; r >= 0; r--) {
    for (let j = 0; j < m; j++) {
      let v = b[r * m + j];
      for (let c = r + 1; c < d; c++) v -= a[r * d + c] * b[c * m + j];
      b[r * m + j] = v / a[r * d + r];
    }
  }
  return b;
}

/** A random SPD matrix B B^T / d + floor I. */
function randomSpd(d: number, rng: Rng, floor = 0.3): NDArray {
  const B = rng.normals(d * d);
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += B[i * d + k] * B[j * d + k];
      C[i * d + j] = s / d + (i === j ? floor : 0);
    }
  }
  return new NDArray(C, [d, d]);
}

/** Explicit Gaussian-conditioning denoiser m + b C (a^2 I + b^2 C)^{-1} (x - b m) for one point. */
function denoiseOracle(m: Float64Array, C: Float64Array, x: Float64Array, a: number, b: number): Float64Array {
  const d = m.length;
  const S = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) S[i] = b * b * C[i];
  for (let i = 0; i < d; i++) S[i * d + i] += a * a;
  const y = Float64Array.from(x, (v, i) => v - b * m[i]);
  const u = solve(S, y, d, 1);
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += C[i * d + j] * u[j];
    out[i] = m[i] + b * s;
  }
  return out;
}

function moments(x: NDArray): { mean: Float64Array; cov: Float64Array } {
  const [n, d] = x.shape;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) mean[i] += x.data[r * d + i] / n;
  const cov = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      const u = x.data[r * d + i] - mean[i];
      for (let j = 0; j < d; j++) cov[i * d + j] += (u * (x.data[r * d + j] - mean[j])) / (n - 1);
    }
  }
  return { mean, cov };
}

describe('gaussian target', () => {
  const rng = new Rng(11);
  const d = 5;
  const C = randomSpd(d, rng);
  const m = rng.normals(d);
  const target = gaussian({ mean: m, covariance: C });

  it('reports its mean and covariance (the covariance round-trips through the eigendecomposition)', () => {
    expect(target.dim).toBe(d);
    expect(Array.from(target.mean())).toEqual(Array.from(m));
    const Cb = target.covariance().data;
    for (let i = 0; i < d * d; i++) expect(Cb[i]).toBeCloseTo(C.data[i], 12);
  });

  it('sample moments match mean and covariance within Monte-Carlo error', () => {
    const n = 40_000;
    const x = target.sample(n, new Rng(1));
    expect(x.shape).toEqual([n, d]);
    const { mean, cov } = moments(x);
    const c = C.data;
    for (let i = 0; i < d; i++) {
      // s.e. of a mean: sqrt(C_ii / n); 5 s.e. over 5 coordinates
      expect(Math.abs(mean[i] - m[i])).toBeLessThan(5 * Math.sqrt(c[i * d + i] / n));
      for (let j = 0; j < d; j++) {
        // s.e. of a covariance entry: sqrt((C_ii C_jj + C_ij^2) / n)
        const se = Math.sqrt((c[i * d + i] * c[j * d + j] + c[i * d + j] ** 2) / n);
        expect(Math.abs(cov[i * d + j] - c[i * d + j])).toBeLessThan(5 * se);
      }
    }
  });

  it('same seed gives identical samples', () => {
    const a = target.sample(100, new Rng(7)).data;
    const b = target.sample(100, new Rng(7)).data;
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('logDensity equals the explicit formula', () => {
    const x = rng.normals(3 * d);
    const ld = target.logDensity(x, 3);
    // log det C via the product of pivots of the elimination: use solve on the identity.
    const Cinv = solve(C.data, Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0)), d, d);
    const { values } = { values: target.eigen().spectrum };
    const logdet = values.reduce((s, v) => s + Math.log(v), 0);
    for (let r = 0; r < 3; r++) {
      let q = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += (x[r * d + i] - m[i]) * Cinv[i * d + j] * (x[r * d + j] - m[j]);
      expect(ld[r]).toBeCloseTo(-0.5 * (d * Math.log(2 * Math.PI) + logdet + q), 10);
    }
  });

  it('exact denoiser equals Gaussian conditioning (dense solve) for several t and schedules', () => {
    const x = rng.normals(4 * d);
    for (const sched of [linearInterpolant(), trigonometricInterpolant()]) {
      const den = target.denoiser(sched);
      for (const t of [0, 0.1, 0.5, 0.9, 0.999, 1]) {
        const f = den.denoise(x, 4, t);
        for (let r = 0; r < 4; r++) {
          const want = denoiseOracle(m, C.data, x.subarray(r * d, (r + 1) * d), sched.alpha(t), sched.beta(t));
          for (let i = 0; i < d; i++) expect(f[r * d + i]).toBeCloseTo(want[i], 10);
        }
      }
    }
  });

  it('isotropic closed form f = m + beta c / (alpha^2 + beta^2 c) (x - beta m)', () => {
    const c = 2.5;
    const iso = gaussian({ mean: m, eigen: { basis: new NDArray(Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0)), [d, d]), spectrum: new Float64Array(d).fill(c) } });
    const s = linearInterpolant();
    const den = iso.denoiser(s);
    const x = rng.normals(2 * d);
    for (const t of [0, 0.3, 0.7, 1]) {
      const a = 1 - t;
      const b = t;
      const f = den.denoise(x, 2, t);
      for (let k = 0; k < 2 * d; k++) {
        const i = k % d;
        expect(f[k]).toBeCloseTo(m[i] + ((b * c) / (a * a + b * b * c)) * (x[k] - b * m[i]), 12);
      }
    }
  });

  it('Tweedie: alpha^2 grad log p_t(x) = beta f(t, x) - x (finite difference of the noised log-density)', () => {
    const s = linearInterpolant();
    const den = target.denoiser(s);
    for (const t of [0.2, 0.6, 0.95]) {
      const a = s.alpha(t);
      const b = s.beta(t);
      const noisedCov = new Float64Array(d * d);
      for (let i = 0; i < d * d; i++) noisedCov[i] = b * b * C.data[i];
      for (let i = 0; i < d; i++) noisedCov[i * d + i] += a * a;
      const noised = gaussian({ mean: m.map((v) => b * v), covariance: new NDArray(noisedCov, [d, d]) });
      const x = rng.normals(d);
      const f = den.denoise(x, 1, t);
      const h = 1e-5;
      for (let i = 0; i < d; i++) {
        const xp = x.slice();
        const xm = x.slice();
        xp[i] += h;
        xm[i] -= h;
        const g = (noised.logDensity(xp, 1)[0] - noised.logDensity(xm, 1)[0]) / (2 * h);
        expect(a * a * g).toBeCloseTo(b * f[i] - x[i], 6);
      }
    }
  });

  it('exact denoiser agrees with an importance-weighted Monte-Carlo estimate of E[x1 | x_t = x]', () => {
    const s = linearInterpolant();
    const small = gaussian({ mean: [0.5, -1, 0], covariance: new NDArray(Float64Array.from([2, 0.6, 0, 0.6, 1, -0.3, 0, -0.3, 0.5]), [3, 3]) });
    const M = 200_000;
    const x1 = small.sample(M, new Rng(5)).data;
    const den = small.denoiser(s);
    const pts = [
      [0.4, [0.3, -0.2, 0.1]],
      [0.7, [1.0, -1.2, 0.4]],
    ] as const;
    for (const [t, xp] of pts) {
      const a = s.alpha(t);
      const b = s.beta(t);
      const x = Float64Array.from(xp);
      const logw = new Float64Array(M);
      let mx = -Infinity;
      for (let r = 0; r < M; r++) {
        let q = 0;
        for (let i = 0; i < 3; i++) q += (x[i] - b * x1[r * 3 + i]) ** 2;
        logw[r] = -q / (2 * a * a);
        mx = Math.max(mx, logw[r]);
      }
      let sw = 0;
      let sw2 = 0;
      const est = new Float64Array(3);
      const est2 = new Float64Array(3);
      for (let r = 0; r < M; r++) {
        const w = Math.exp(logw[r] - mx);
        sw += w;
        sw2 += w * w;
        for (let i = 0; i < 3; i++) {
          est[i] += w * x1[r * 3 + i];
          est2[i] += w * x1[r * 3 + i] ** 2;
        }
      }
      const ess = (sw * sw) / sw2;
      expect(ess).toBeGreaterThan(1000);
      const f = den.denoise(x, 1, t);
      for (let i = 0; i < 3; i++) {
        const mu = est[i] / sw;
        const v = est2[i] / sw - mu * mu;
        expect(Math.abs(f[i] - mu)).toBeLessThan(5 * Math.sqrt(v / ess));
      }
    }
  });

  it('sigma denoiser is m + C (C + sigma^2 I)^{-1} (x - m)', () => {
    const sd = target.sigmaDenoiser();
    const x = rng.normals(d);
    for (const sigma of [0.01, 1, 80]) {
      const f = sd.denoise(x, 1, sigma);
      const want = denoiseOracle(m, C.data, x, sigma, 1);
      for (let i = 0; i < d; i++) expect(f[i]).toBeCloseTo(want[i], 10);
    }
  });

  it('affine form and Jacobian reproduce denoise; writing into out (even aliased with x) works', () => {
    const s = linearInterpolant();
    const den = target.denoiser(s);
    const aff = target.affineDenoiser(s)(0.6);
    const x = rng.normals(2 * d);
    const f = den.denoise(x, 2, 0.6);
    for (let r = 0; r < 2; r++) {
      for (let i = 0; i < d; i++) {
        let v = aff.c[i];
        for (let j = 0; j < d; j++) v += aff.A.data[i * d + j] * x[r * d + j];
        expect(f[r * d + i]).toBeCloseTo(v, 12);
      }
    }
    const J = den.jacobian?.(x.subarray(0, d), 0.6);
    expect(Array.from(J ?? [])).toEqual(Array.from(aff.A.data));
    const xa = x.slice();
    den.denoise(xa, 2, 0.6, xa);
    for (let k = 0; k < 2 * d; k++) expect(xa[k]).toBeCloseTo(f[k], 14);
  });

  it('degenerate eigen form (rank k < d): samples and denoiser stay in m + span(basis), and match the dense formula', () => {
    const dd = 6;
    // Orthonormal 6 x 2 basis: normalised (1,1,1,1,1,1) and (1,-1,1,-1,1,-1).
    const U = new Float64Array(dd * 2);
    for (let i = 0; i < dd; i++) {
      U[i * 2] = 1 / Math.sqrt(dd);
      U[i * 2 + 1] = (i % 2 ? -1 : 1) / Math.sqrt(dd);
    }
    const mm = Float64Array.from({ length: dd }, (_, i) => i * 0.1);
    const g = gaussian({ mean: mm, eigen: { basis: new NDArray(U, [dd, 2]), spectrum: [3, 0.5] } });
    expect(g.rank).toBe(2);
    const resid = (v: Float64Array) => {
      // norm of the part of v - m orthogonal to span(U)
      const y = Float64Array.from(v, (e, i) => e - mm[i]);
      const c0 = y.reduce((s, e, i) => s + e * U[i * 2], 0);
      const c1 = y.reduce((s, e, i) => s + e * U[i * 2 + 1], 0);
      return Math.hypot(...y.map((e, i) => e - c0 * U[i * 2] - c1 * U[i * 2 + 1]));
    };
    const xs = g.sample(10, new Rng(3)).data;
    for (let r = 0; r < 10; r++) expect(resid(xs.subarray(r * dd, (r + 1) * dd))).toBeLessThan(1e-12);
    const den = g.denoiser(linearInterpolant());
    const x = rng.normals(dd);
    const f = den.denoise(x, 1, 0.5);
    expect(resid(f)).toBeLessThan(1e-12);
    const want = denoiseOracle(mm, g.covariance().data, x, 0.5, 0.5);
    for (let i = 0; i < dd; i++) expect(f[i]).toBeCloseTo(want[i], 10);
    expect(() => g.logDensity(x, 1)).toThrow(DomainError);
  });

  it('eigen form and dense form give the same target', () => {
    const { basis, spectrum } = target.eigen();
    const t2 = gaussian({ mean: m, eigen: { basis, spectrum } });
    const x = rng.normals(3 * d);
    const s = linearInterpolant();
    const a = target.denoiser(s).denoise(x, 3, 0.4);
    const b = t2.denoiser(s).denoise(x, 3, 0.4);
    for (let k = 0; k < 3 * d; k++) expect(b[k]).toBeCloseTo(a[k], 12);
  });

  it('default is N(0, I_dim)', () => {
    const g = gaussian({ dim: 3 });
    expect(Array.from(g.mean())).toEqual([0, 0, 0]);
    expect(Array.from(g.covariance().data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('throws typed errors on bad input', () => {
    const bad = new NDArray(Float64Array.from([1, 2, 2, 1]), [2, 2]); // eigenvalues 3, -1
    expect(() => gaussian({ covariance: bad })).toThrow(NotPositiveDefiniteError);
    expect(() => gaussian({ covariance: bad })).toThrow(/covariance/);
    const asym = new NDArray(Float64Array.from([1, 0.5, 0, 1]), [2, 2]);
    expect(() => gaussian({ covariance: asym })).toThrow(DomainError); // not symmetric: DomainError everywhere (docs/errors.md)
    expect(() => gaussian({ mean: [0, 0, 0], covariance: new NDArray(new Float64Array(4).fill(0), [2, 2]) })).toThrow(ShapeError);
    expect(() => gaussian({ covariance: new NDArray(new Float64Array(6), [2, 3]) })).toThrow(ShapeError);
    expect(() => gaussian({ covariance: new NDArray(Float64Array.from([1, 0, 0, Number.NaN]), [2, 2]) })).toThrow(NonFiniteError);
    expect(() => gaussian({ mean: [0, Number.NaN] })).toThrow(NonFiniteError);
    expect(() => gaussian({})).toThrow(ShapeError);
    expect(() => gaussian({ eigen: { basis: new NDArray(Float64Array.from([1, 1, 0, 1]), [2, 2]), spectrum: [1, 1] } })).toThrow(DomainError);
    expect(() => gaussian({ eigen: { basis: new NDArray(Float64Array.from([1, 0, 0, 1]), [2, 2]), spectrum: [1, -1] } })).toThrow(NotPositiveDefiniteError);
    expect(() => gaussian({ eigen: { basis: new NDArray(Float64Array.from([1, 0, 0, 1]), [2, 2]), spectrum: [1] } })).toThrow(ShapeError);
    const den = target.denoiser(linearInterpolant());
    expect(() => den.denoise(new Float64Array(d + 1), 1, 0.5)).toThrow(ShapeError);
    expect(() => den.denoise(new Float64Array(d).fill(Number.NaN), 1, 0.5)).toThrow(NonFiniteError);
    expect(() => den.denoise(new Float64Array(d), 1, 1.5)).toThrow(DomainError);
    expect(() => target.sigmaDenoiser().denoise(new Float64Array(d), 1, 0)).toThrow(DomainError);
    expect(() => target.sample(-1, new Rng(0))).toThrow(DomainError);
  });
});
