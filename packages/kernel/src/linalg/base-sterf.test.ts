import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { sterf } from './base-sterf.js';
import { tql2 } from './base-tql2.js';

const rng = new Rng(20261205);

/** Eigenvalues by tql2 (the reference here), ascending. */
function byTql2(d: Float64Array, off: Float64Array): Float64Array {
  const n = d.length;
  const dd = d.slice();
  const e = new Float64Array(n);
  for (let i = 1; i < n; i++) e[i] = off[i - 1];
  expect(tql2(n, dd, e, null, n)).toBe(true);
  return dd.sort();
}

function bySterf(d: Float64Array, off: Float64Array): Float64Array {
  const dd = d.slice();
  expect(sterf(d.length, dd, off.slice())).toBe(true);
  return dd;
}

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

function maxDiff(x: Float64Array, y: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

describe('sterf (root-free QL / QR, eigenvalues only)', () => {
  it('matches the closed-form spectrum of the 1-2-1 matrix, 2 - 2 cos(k pi / (n + 1)), to 1e-14', () => {
    for (const n of [1, 2, 3, 10, 257]) {
      const d = new Float64Array(n).fill(2);
      const off = new Float64Array(Math.max(0, n - 1)).fill(-1);
      const got = bySterf(d, off);
      const want = Float64Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort();
      expect(maxDiff(got, want), `n = ${n}`).toBeLessThan(1e-14);
    }
  });

  it('agrees with tql2 on random, glued-Wilkinson, split, repeated and negative tridiagonals (2 n eps ||T||)', () => {
    const cases: Array<[string, Float64Array, Float64Array]> = [];
    for (const n of [5, 64, 500]) cases.push([`random ${n}`, rng.normals(n), rng.normals(n - 1)]);
    // glued Wilkinson W21+: clusters of nearly equal eigenvalues
    const w = 21;
    const glue = 5;
    const gd = new Float64Array(w * glue);
    const ge = new Float64Array(w * glue - 1).fill(1);
    for (let b = 0; b < glue; b++) for (let i = 0; i < w; i++) gd[b * w + i] = Math.abs(i - 10);
    for (let b = 1; b < glue; b++) ge[b * w - 1] = 1e-8;
    cases.push(['glued Wilkinson', gd, ge]);
    const sd = rng.normals(100);
    const se = rng.normals(99);
    for (let i = 9; i < 99; i += 10) se[i] = 0;
    cases.push(['split into blocks', sd, se]);
    cases.push(['identity', new Float64Array(50).fill(1), new Float64Array(49)]);
    const nd = rng.normals(80).map((x) => -5 + 0.1 * x);
    cases.push(['negative definite', nd, rng.normals(79).map((x) => 0.1 * x)]);
    for (const [label, d, off] of cases) {
      const want = byTql2(d, off);
      const got = bySterf(d, off);
      // backward-stable both: differences of order n eps ||T||
      expect(maxDiff(got, want) / maxAbs(want), label).toBeLessThan(Math.max(1e-14, 2 * d.length * 2 ** -52));
      for (let i = 1; i < got.length; i++) expect(got[i]).toBeGreaterThanOrEqual(got[i - 1]);
    }
  });

  it('keeps graded matrices accurate (d_i = 10^-i, QR chosen from the larger end) and survives extreme scales', () => {
    const n = 30;
    const d = Float64Array.from({ length: n }, (_, i) => 10 ** -i);
    const off = Float64Array.from({ length: n - 1 }, (_, i) => 10 ** (-i - 0.5) * 0.1);
    const got = bySterf(d, off);
    const rev = bySterf(d.slice().reverse(), off.slice().reverse());
    // the same spectrum from either end, each eigenvalue to relative 1e-10 (graded: relative accuracy)
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - rev[i]) / Math.abs(got[i])).toBeLessThan(1e-10);
    // the determinant is the product of the eigenvalues: log10 |det T| by the three-term recurrence
    let p0 = 1;
    let p1 = d[0];
    let expo = 0;
    for (let i = 1; i < n; i++) {
      const p2 = d[i] * p1 - off[i - 1] ** 2 * p0;
      p0 = p1;
      p1 = p2;
      const sc = Math.abs(p1);
      p0 /= sc;
      p1 /= sc;
      expo += Math.log10(sc);
    }
    let logprod = 0;
    for (const v of got) logprod += Math.log10(Math.abs(v));
    expect(Math.abs(logprod - (expo + Math.log10(Math.abs(p1))))).toBeLessThan(1e-9);
    for (const s of [1e-300, 1e300]) {
      const dd = rng.normals(40);
      const oo = rng.normals(39);
      const want = byTql2(dd, oo);
      const got2 = bySterf(dd.map((x) => x * s), oo.map((x) => x * s));
      expect(maxDiff(got2.map((x) => x / s), want) / maxAbs(want), `scale ${s}`).toBeLessThan(1e-13);
    }
  });
});
