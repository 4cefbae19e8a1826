import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { Rng } from './rng.js';

function moments(x: Float64Array) {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] - m) ** 2;
    m2 += d;
    m4 += d * d;
  }
  return { mean: m, variance: m2 / n, kurtosis: m4 / n / (m2 / n) ** 2 };
}

function correlation(a: Float64Array, b: Float64Array): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('Rng determinism', () => {
  it('the same seed gives identical streams (uniform, normal, fills)', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    expect(Array.from(a.uniforms(100))).toEqual(Array.from(b.uniforms(100)));
    expect(Array.from(a.normals(101))).toEqual(Array.from(b.normals(101)));
    expect(a.normal()).toBe(b.normal());
    expect(a.int(17)).toBe(b.int(17));
    expect(Array.from(new Rng([1, 2, 3]).uniforms(10))).toEqual(Array.from(new Rng([1, 2, 3]).uniforms(10)));
  });
  it('different seeds, different streams and different path lengths give different numbers', () => {
    const first = (r: Rng) => Array.from(r.uniforms(8));
    const root = new Rng(1);
    const seqs = [first(new Rng(1)), first(new Rng(2)), first(root.stream(0)), first(root.stream(1)), first(new Rng([0, 1])), first(new Rng(0))];
    for (let i = 0; i < seqs.length; i++) for (let j = i + 1; j < seqs.length; j++) expect(seqs[i]).not.toEqual(seqs[j]);
    // stream(i) is the path [seed, i] and does not advance the parent
    expect(first(new Rng(1).stream(1))).toEqual(first(new Rng([1, 1])));
    const p = new Rng(9);
    p.stream(0);
    expect(first(p)).toEqual(first(new Rng(9)));
  });
  it('split is deterministic, gives distinct children, and later calls give further children', () => {
    const a = new Rng(5).split(3).map((r) => r.uniform());
    const b = new Rng(5).split(3).map((r) => r.uniform());
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(3);
    const r = new Rng(5);
    const [c0] = r.split(1);
    const [c1] = r.split(1);
    expect(c0.uniform()).toBe(a[0]);
    expect(c1.uniform()).toBe(a[1]);
  });
  it('fillNormal of length n consumes 2 ceil(n/2) uniforms', () => {
    const a = new Rng(4);
    a.fillNormal(new Float64Array(3));
    const b = new Rng(4);
    b.uniforms(4);
    expect(a.uniform()).toBe(b.uniform());
  });
});

describe('Rng distributions', () => {
  const N = 1_000_000;
  it('10^6 normals: mean within 4 s.e., variance and kurtosis 3 within 4 s.e.', () => {
    const x = new Rng(2024).normals(N);
    const m = moments(x);
    expect(Math.abs(m.mean)).toBeLessThan(4 / Math.sqrt(N));
    // Var of the sample variance of N(0,1): 2/N; of the kurtosis estimate: 24/N
    expect(Math.abs(m.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(4 * Math.sqrt(24 / N));
    // tail frequency P(|z| > 3) = 0.0026998, s.e. sqrt(p(1-p)/N)
    let tail = 0;
    for (let i = 0; i < N; i++) if (Math.abs(x[i]) > 3) tail++;
    expect(Math.abs(tail / N - 0.0026998)).toBeLessThan(4 * Math.sqrt(0.0027 / N));
    // single draws follow the same law
    const r = new Rng(99);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < 100000; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / 1e5)).toBeLessThan(4 / Math.sqrt(1e5));
    expect(Math.abs(s2 / 1e5 - 1)).toBeLessThan(4 * Math.sqrt(2 / 1e5));
  });
  it('uniforms lie in [0, 1) with mean 1/2 and variance 1/12; Float32 fills work', () => {
    const u = new Rng(7).uniforms(N);
    let mn = 1;
    let mx = 0;
    for (let i = 0; i < N; i++) {
      mn = Math.min(mn, u[i]);
      mx = Math.max(mx, u[i]);
    }
    expect(mn).toBeGreaterThanOrEqual(0);
    expect(mx).toBeLessThan(1);
    const m = moments(u);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / N));
    // Var of the sample variance of U(0,1): (1/80 - 1/144) / N
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(4 * Math.sqrt((1 / 80 - 1 / 144) / N));
    const f = new Rng(7).fillUniform(new Float32Array(5));
    expect(f).toBeInstanceOf(Float32Array);
    expect(f[0]).toBe(Math.fround(u[0]));
  });
  it('stream(0) and stream(1) are uncorrelated (|r| < 4 / sqrt(n)), also at lag 1', () => {
    const n = 200_000;
    const root = new Rng(31);
    const a = root.stream(0).normals(n);
    const b = root.stream(1).normals(n);
    expect(Math.abs(correlation(a, b))).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(correlation(a.subarray(1), a.subarray(0, n - 1)))).toBeLessThan(4 / Math.sqrt(n));
    const [c, d] = root.split(2);
    expect(Math.abs(correlation(c.normals(n), d.normals(n)))).toBeLessThan(4 / Math.sqrt(n));
  });
  it('categorical frequencies pass a chi-square bound; zero weights never drawn', () => {
    const w = [0.1, 0, 0.4, 0.2, 0.3];
    const r = new Rng(11);
    const n = 100_000;
    const counts = new Array(w.length).fill(0);
    for (let i = 0; i < n; i++) counts[r.categorical(w)]++;
    expect(counts[1]).toBe(0);
    let chi2 = 0;
    for (let k = 0; k < w.length; k++) if (w[k] > 0) chi2 += (counts[k] - n * w[k]) ** 2 / (n * w[k]);
    // 3 degrees of freedom: P(chi2 > 21.1) = 1e-4
    expect(chi2).toBeLessThan(21.1);
    // unnormalised weights and a trailing zero weight
    const t = new Rng(12);
    for (let i = 0; i < 10000; i++) expect(t.categorical([2, 6, 0])).toBeLessThan(2);
  });
  it('int(n) covers {0..n-1} uniformly', () => {
    const r = new Rng(13);
    const counts = new Array(6).fill(0);
    const n = 60000;
    for (let i = 0; i < n; i++) counts[r.int(6)]++;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - n / 6) ** 2 / (n / 6);
    // 5 degrees of freedom: P(chi2 > 25.7) = 1e-4
    expect(chi2).toBeLessThan(25.7);
  });
  it('permutation is a permutation, and each position is uniform', () => {
    const r = new Rng(17);
    const p = r.permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(r.permutation(0).length).toBe(0);
    const first = new Array(4).fill(0);
    for (let i = 0; i < 40000; i++) first[r.permutation(4)[0]]++;
    let chi2 = 0;
    for (const c of first) chi2 += (c - 10000) ** 2 / 10000;
    expect(chi2).toBeLessThan(21.1); // 3 dof, p = 1e-4
  });
});

describe('Rng errors', () => {
  it('bad seeds, indices and weights throw DomainError', () => {
    expect(() => new Rng(-1)).toThrow(DomainError);
    expect(() => new Rng(1.5)).toThrow(DomainError);
    expect(() => new Rng(Number.NaN)).toThrow(DomainError);
    expect(() => new Rng([])).toThrow(DomainError);
    expect(() => new Rng(2 ** 32)).toThrow(DomainError);
    expect(() => new Rng(1).stream(-1)).toThrow(DomainError);
    expect(() => new Rng(1).split(0)).toThrow(DomainError);
    expect(() => new Rng(1).int(0)).toThrow(DomainError);
    expect(() => new Rng(1).normals(-1)).toThrow(DomainError);
    expect(() => new Rng(1).categorical([1, -1])).toThrow(DomainError);
    expect(() => new Rng(1).categorical([0, 0])).toThrow(DomainError);
    expect(() => new Rng(1).categorical([1, Number.POSITIVE_INFINITY])).toThrow(DomainError);
  });
});

describe('Rng named streams', () => {
  it('same name and indices give the same numbers; other names or indices differ', () => {
    const a = new Rng(7).named('sgd', 3).normals(8);
    expect(new Rng(7).named('sgd', 3).normals(8)).toEqual(a);
    expect(new Rng(7).named('sgd', 4).normals(8)).not.toEqual(a);
    expect(new Rng(7).named('ode', 3).normals(8)).not.toEqual(a);
    expect(new Rng(7).named('sgd').normals(8)).not.toEqual(a);
    expect(new Rng(7).named('sgd', 3, 0).normals(8)).not.toEqual(a);
    expect(new Rng(8).named('sgd', 3).normals(8)).not.toEqual(a);
  });
  it('named streams do not meet the numbered ones', () => {
    const r = new Rng(1);
    const named = r.named('x').uniforms(4);
    for (let i = 0; i < 50; i++) expect(r.stream(i).uniforms(4)).not.toEqual(named);
  });
  it('refuses an empty name and bad indices', () => {
    expect(() => new Rng(1).named('')).toThrow(DomainError);
    expect(() => new Rng(1).named('a', -1)).toThrow(/index/);
    expect(() => new Rng(1).named('a', 1.5)).toThrow(/index/);
  });
});
