import { describe, expect, it } from 'vitest';
import { dgemm } from '../ops/dgemm.js';
import { Rng } from '../rng.js';
import { applyQ, eighInPlace, setWasmSymv, tql2, tridiagonalize, tridiagonalizeBlocked } from './base-eigh.js';
import { stedc } from './base-stedc.js';

/** max |T Z - Z diag(d)| / ||T|| and max |Z^T Z - I| for the tridiagonal (d0, e0). */
function check(n: number, d0: Float64Array, e0: Float64Array): { res: number; orth: number; values: Float64Array } {
  const d = d0.slice();
  const e = e0.slice();
  const z = new Float64Array(n * n);
  expect(stedc(n, d, e, z)).toBe(true);
  let tn = 0;
  for (let i = 0; i < n; i++) tn = Math.max(tn, Math.abs(d0[i]) + (i > 0 ? Math.abs(e0[i - 1]) : 0) + (i < n - 1 ? Math.abs(e0[i]) : 0));
  let res = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < n; c++) {
      let v = d0[i] * z[i * n + c] - d[c] * z[i * n + c];
      if (i > 0) v += e0[i - 1] * z[(i - 1) * n + c];
      if (i < n - 1) v += e0[i] * z[(i + 1) * n + c];
      res = Math.max(res, Math.abs(v));
    }
  }
  const g = new Float64Array(n * n);
  dgemm(true, false, n, n, n, 1, z, n, z, n, 0, g, n);
  let orth = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orth = Math.max(orth, Math.abs(g[i * n + j] - (i === j ? 1 : 0)));
  for (let i = 1; i < n; i++) expect(d[i]).toBeGreaterThanOrEqual(d[i - 1]);
  return { res: res / (tn || 1), orth, values: d };
}

function qlValues(n: number, d0: Float64Array, e0: Float64Array): Float64Array {
  const d = d0.slice();
  const e = new Float64Array(n);
  for (let i = 1; i < n; i++) e[i] = e0[i - 1];
  expect(tql2(n, d, e, null, 0)).toBe(true);
  return d.sort();
}

describe('stedc (divide and conquer)', () => {
  it('random tridiagonal n = 300: residual, orthogonality, same values as QL', () => {
    const rng = new Rng(3);
    const n = 300;
    const d = rng.normals(n);
    const e = rng.normals(n);
    const { res, orth, values } = check(n, d, e);
    expect(res).toBeLessThan(1e-13);
    expect(orth).toBeLessThan(1e-13);
    const ql = qlValues(n, d, e);
    for (let i = 0; i < n; i++) expect(Math.abs(values[i] - ql[i])).toBeLessThan(1e-13 * 6);
  });

  it('Wilkinson W+ (pairs agreeing to many digits), glued copies', () => {
    const m = 21;
    const copies = 8;
    const n = m * copies;
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    for (let c = 0; c < copies; c++) {
      for (let i = 0; i < m; i++) d[c * m + i] = Math.abs(i - 10);
      for (let i = 0; i < m - 1; i++) e[c * m + i] = 1;
      if (c < copies - 1) e[c * m + m - 1] = 1e-12;
    }
    const { res, orth, values } = check(n, d, e);
    expect(res).toBeLessThan(1e-14);
    expect(orth).toBeLessThan(1e-13);
    const ql = qlValues(n, d, e);
    for (let i = 0; i < n; i++) expect(Math.abs(values[i] - ql[i])).toBeLessThan(1e-13);
  });

  it('repeated eigenvalues: identity, zero off-diagonal, and a constant tridiagonal with tiny coupling', () => {
    const n = 200;
    const one = new Float64Array(n).fill(1);
    const zero = new Float64Array(n);
    let r = check(n, one, zero);
    expect(r.orth).toBe(0);
    for (const v of r.values) expect(v).toBe(1);
    const tiny = new Float64Array(n).fill(1e-300);
    r = check(n, one, tiny);
    expect(r.res).toBeLessThan(1e-15);
    expect(r.orth).toBeLessThan(1e-14);
    // 1-2-1 Laplacian: lambda_k = 2 - 2 cos(k pi / (n+1))
    const two = new Float64Array(n).fill(2);
    const m1 = new Float64Array(n).fill(-1);
    r = check(n, two, m1);
    expect(r.res).toBeLessThan(1e-14);
    expect(r.orth).toBeLessThan(1e-13);
    for (let k = 1; k <= n; k++) expect(Math.abs(r.values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-13);
  });

  it('graded tridiagonal (entries from 1e-150 to 1e150) keeps norm-wise accuracy', () => {
    const n = 120;
    const rng = new Rng(5);
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = 10 ** (-150 + (300 * i) / (n - 1));
      d[i] = s * (1 + rng.uniform());
      e[i] = s * 0.5 * rng.uniform();
    }
    const { res, orth } = check(n, d, e);
    expect(res).toBeLessThan(1e-14);
    expect(orth).toBeLessThan(1e-13);
  });

  it('eigh through D&C matches the QL path on a 200 x 200 matrix', () => {
    const rng = new Rng(9);
    const n = 200;
    const g = rng.normals(n * n);
    const a = new Float64Array(n * n);
    dgemm(false, true, n, n, n, 1, g, n, g, n, 0, a, n);
    const v1 = new Float64Array(n);
    const v2 = new Float64Array(n);
    const z1 = new Float64Array(n * n);
    const z2 = new Float64Array(n * n);
    expect(eighInPlace(n, a.slice(), v1, z1, 'ql')).toBe(true);
    expect(eighInPlace(n, a.slice(), v2, z2, 'dc')).toBe(true);
    for (let i = 0; i < n; i++) expect(Math.abs(v1[i] - v2[i])).toBeLessThan(1e-12 * v1[n - 1]);
    // Same eigenvectors up to sign (the spectrum is simple).
    for (let c = 0; c < n; c++) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += z1[r * n + c] * z2[r * n + c];
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-9);
    }
  });

  it('blocked tridiagonalisation gives the unblocked reflectors, T and Q (n = 301, nb = 16)', () => {
    const rng = new Rng(12);
    const n = 301;
    const g = rng.normals(n * n);
    const a = new Float64Array(n * n);
    dgemm(false, true, n, n, n, 1, g, n, g, n, 0, a, n);
    const a1 = a.slice();
    const a2 = a.slice();
    const [d1, e1, h1, d2, e2, h2] = Array.from({ length: 6 }, () => new Float64Array(n));
    tridiagonalize(n, a1, d1, e1, h1);
    tridiagonalizeBlocked(n, a2, d2, e2, h2, 16);
    const scale = Math.abs(d1[0]) + n;
    // The plain-JS mat-vec gives the same reduction as the WebAssembly SIMD one.
    const a3 = a.slice();
    const [d3, e3, h3] = Array.from({ length: 3 }, () => new Float64Array(n));
    setWasmSymv(false);
    try {
      tridiagonalizeBlocked(n, a3, d3, e3, h3, 16);
    } finally {
      setWasmSymv(true);
    }
    for (let i = 0; i < n; i++) {
      expect(Math.abs(d3[i] - d2[i])).toBeLessThan(1e-11 * scale);
      expect(Math.abs(e3[i] - e2[i])).toBeLessThan(1e-11 * scale);
    }
    for (let i = 0; i < n; i++) {
      expect(Math.abs(d1[i] - d2[i])).toBeLessThan(1e-11 * scale);
      expect(Math.abs(e1[i] - e2[i])).toBeLessThan(1e-11 * scale);
    }
    // Q from applyQ (compact WY) on the identity: Q^T A Q is the tridiagonal (d2, e2).
    const q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) q[i * n + i] = 1;
    applyQ(n, a2, h2, q, n, 8);
    const aq = new Float64Array(n * n);
    const t = new Float64Array(n * n);
    dgemm(false, false, n, n, n, 1, a, n, q, n, 0, aq, n);
    dgemm(true, false, n, n, n, 1, q, n, aq, n, 0, t, n);
    let err = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const want = i === j ? d2[i] : i === j + 1 ? e2[i] : j === i + 1 ? e2[j] : 0;
        err = Math.max(err, Math.abs(t[i * n + j] - want));
      }
    }
    expect(err).toBeLessThan(1e-12 * scale);
  });
});
