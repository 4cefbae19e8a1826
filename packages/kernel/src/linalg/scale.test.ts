import { describe, expect, it } from 'vitest';
import { NDArray } from '../ndarray.js';
import { Rng } from '../rng.js';
import { eigh, eighRange, eighTop, eigvalsh } from './eigh.js';
import { svd, svdvals } from './svd.js';

/** A random symmetric n x n matrix with entries of order 1. */
function sym(n: number, seed: number): Float64Array {
  const g = new Rng(seed).normals(n * n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = g[i * n + j] + g[j * n + i];
  return a;
}

/** x * 2^e in two exact steps (each factor representable). */
const ldexp = (x: Float64Array, e: number) => x.map((v) => v * 2 ** (e / 2) * 2 ** (e / 2));

const n = 6;
describe('eigh / svd on subnormal and huge input (issue 7: NaN / Inf before): scaled by a power of two like LAPACK', () => {
  // exponents: entries ~1e-315 (subnormal), ~1e-200, ~1e+250, ~1e+300
  for (const e of [-1046, -664, 830, 996]) {
    it(`entries of order 2^${e}: values = 2^${e} x the values of the unscaled matrix (the one the scaled input rounds to)`, () => {
      const aq = ldexp(sym(n, 3), e); // the input as stored (subnormal entries lose bits)
      const back = ldexp(aq, -e); // exactly the stored input, at order 1
      const A = new NDArray(aq, [n, n]);
      const B = new NDArray(back, [n, n]);
      const ref = eigh(B).values;
      const scale = 2 ** (e / 2) * 2 ** (e / 2);
      const close = (got: Float64Array, want: Float64Array) => {
        expect(got.every(Number.isFinite)).toBe(true);
        let max = 0;
        for (const w of want) max = Math.max(max, Math.abs(w));
        // plus the rounding of a subnormal output value itself (spacing 2^-1074)
        const tol = 1e-13 * max + (2 * 2 ** -1074) / scale;
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] / scale - want[i])).toBeLessThan(tol);
      };
      const r = eigh(A);
      close(r.values, ref);
      expect(r.vectors.data.every(Number.isFinite)).toBe(true);
      close(eigvalsh(A), ref);
      close(eighTop(A, 2).values, Float64Array.of(ref[n - 1], ref[n - 2]));
      close(eighRange(A, { from: 1, to: 3 }).values, ref.slice(1, 4));
      const mid = 0.5 * (ref[2] + ref[3]) * scale;
      close(eighRange(A, { lower: mid, upper: Number.MAX_VALUE }).values, ref.slice(3));
      const sv = svd(B).s;
      close(svd(A).s, sv);
      close(svdvals(A), sv);
      // a wide rectangular matrix goes through the transposed path
      const W = new NDArray(aq.slice(0, 2 * n), [2, n]);
      close(svdvals(W), svdvals(new NDArray(back.slice(0, 2 * n), [2, n])));
    });
  }
  it('inside [2^-256, 2^256] nothing is rescaled: results are bit-identical to the unscaled computation x 2^k', () => {
    const a = sym(n, 5);
    const v1 = eigh(new NDArray(a, [n, n])).values;
    const v2 = eigh(new NDArray(ldexp(a, 200), [n, n])).values;
    for (let i = 0; i < n; i++) expect(v2[i]).toBe(v1[i] * 2 ** 200);
  });
});
