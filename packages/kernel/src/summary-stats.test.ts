import { describe, expect, it } from 'vitest';
import { DomainError, ShapeError } from './errors.js';
import { NDArray } from './ndarray.js';
import { Rng } from './rng.js';
import { prepareSummaryStatsReference, summaryStatsOf } from './summary-stats.js';

/** (A^T B)_{kl} / scale for A d x a, B d x b (row-major), written as plain dot products of columns. */
function crossT(A: Float64Array, a: number, B: Float64Array, b: number, d: number, scale: number, rows?: (i: number) => boolean): Float64Array {
  const out = new Float64Array(a * b);
  for (let k = 0; k < a; k++)
    for (let l = 0; l < b; l++) {
      let s = 0;
      for (let i = 0; i < d; i++) if (!rows || rows(i)) s += A[i * a + k] * B[i * b + l];
      out[k * b + l] = s / scale;
    }
  return out;
}

describe('summaryStatsOf (spec dae-asymptotics §4.1)', () => {
  const d = 9;
  const r = 3;
  const rng = new Rng(21);
  const w = rng.normals(d * r);
  const mus = new NDArray(rng.normals(2 * d), [2, d]);
  const E = new NDArray(rng.normals(d * 2), [d, 2]);
  const groups = [0, 0, 1, 1, 1, 2, 2, 0, 2];
  const musT = new Float64Array(d * 2); // d x K
  for (let c = 0; c < 2; c++) for (let i = 0; i < d; i++) musT[i * 2 + c] = mus.data[c * d + i];

  it('Q, M, G and the per-group q, m, g equal the column dot products; b and v are copied', () => {
    const st = summaryStatsOf(w, d, r, { mus, E, groups }, { b: 0.3, v: [1, 2, 3] });
    const close = (a: Float64Array | undefined, b: Float64Array) => {
      expect(a?.length).toBe(b.length);
      for (let i = 0; i < b.length; i++) expect(a![i]).toBeCloseTo(b[i], 13);
    };
    close(st.Q, crossT(w, r, w, r, d, d));
    // M[c*r + k] = (w^T mu_c)_k / sqrt d
    const Mt = crossT(w, r, musT, 2, d, Math.sqrt(d)); // r x K
    close(st.M, Float64Array.from({ length: 2 * r }, (_, i) => Mt[(i % r) * 2 + Math.floor(i / r)]));
    close(st.G, crossT(w, r, E.data, 2, d, Math.sqrt(d)));
    for (let s = 0; s < 3; s++) {
      const inS = (i: number) => groups[i] === s;
      close(st.q!.subarray(s * r * r, (s + 1) * r * r), crossT(w, r, w, r, d, d, inS));
      close(st.g!.subarray(s * r * 2, (s + 1) * r * 2), crossT(w, r, E.data, 2, d, Math.sqrt(d), inS));
      const mt = crossT(w, r, musT, 2, d, Math.sqrt(d), inS);
      for (let c = 0; c < 2; c++) for (let k = 0; k < r; k++) expect(st.m![(c * 3 + s) * r + k]).toBeCloseTo(mt[k * 2 + c], 13);
    }
    expect(st.b).toBe(0.3);
    expect(Array.from(st.v)).toEqual([1, 2, 3]);
    expect(st.u).toBeUndefined();
  });

  it('only the statistics whose references are given; an NDArray w and a prepared reference give the same numbers', () => {
    const plain = summaryStatsOf(w, d, r);
    expect(Object.keys(plain).sort()).toEqual(['Q', 'b', 'v']);
    expect(Array.from(plain.v)).toEqual([0, 0, 0]);
    const prep = prepareSummaryStatsReference({ E }, d);
    const a = summaryStatsOf(new NDArray(w, [d, r]), d, r, prep);
    const b = summaryStatsOf(w, d, r, { E });
    expect(Array.from(a.G!)).toEqual(Array.from(b.G!));
    expect(a.M).toBeUndefined();
    expect(a.q).toBeUndefined();
  });

  it('u: rows w_i / sqrt d of the microscopic groups in ascending i; Ng may exceed max(groups) + 1', () => {
    const st = summaryStatsOf(w, d, r, { groups, Ng: 4, microscopic: [false, true, false, false] });
    expect(st.q!.length).toBe(4 * r * r);
    expect(Array.from(st.q!.subarray(3 * r * r))).toEqual(new Array(r * r).fill(0));
    const want = [2, 3, 4].flatMap((i) => Array.from(w.subarray(i * r, (i + 1) * r), (x) => x / Math.sqrt(d)));
    expect(st.u!.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(st.u![i]).toBeCloseTo(want[i], 15);
  });

  it('refuses wrong shapes and bad group indices, naming the argument', () => {
    expect(() => summaryStatsOf(w, d, r + 1)).toThrow(/w: expected length d\*r = 36/);
    expect(() => summaryStatsOf(new NDArray(w, [r, d]), d, r)).toThrow(ShapeError);
    expect(() => summaryStatsOf(w, d, r, { mus: new NDArray(new Float64Array(d + 1), [1, d + 1]) })).toThrow(/reference.mus: expected an NDArray of shape \[K, 9\]/);
    expect(() => summaryStatsOf(w, d, r, { E: new NDArray(new Float64Array(d), [1, d]) })).toThrow(/reference.E/);
    expect(() => summaryStatsOf(w, d, r, { groups: [0, 1] })).toThrow(/reference.groups: expected length d = 9/);
    expect(() => summaryStatsOf(w, d, r, { groups: groups.map((s) => (s === 2 ? -1 : s)) })).toThrow(DomainError);
    expect(() => summaryStatsOf(w, d, r, { groups, Ng: 2 })).toThrow(/group indices in \[0, Ng = 2\)/);
    expect(() => summaryStatsOf(w, d, r, { groups, microscopic: [true] })).toThrow(/microscopic/);
    expect(() => summaryStatsOf(w, d, r, {}, { v: [1] })).toThrow(/v: expected length r = 3/);
    expect(() => summaryStatsOf(w, d, r, prepareSummaryStatsReference({}, d + 1))).toThrow(/prepared for d = 10/);
    const bad = mus.data.slice();
    bad[3] = Number.NaN;
    expect(() => summaryStatsOf(w, d, r, { mus: new NDArray(bad, [2, d]) })).toThrow(/reference.mus: expected finite entries/);
  });
});
