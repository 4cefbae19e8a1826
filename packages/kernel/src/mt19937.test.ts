import mt19937 from '@stdlib/random-base-mt19937';
import { describe, expect, it } from 'vitest';
import { Mt19937 } from './mt19937.js';
import { normalCdf } from './stats/special.js';

type Prng = { (): number; normalized(): number };
const factory = (mt19937 as unknown as { factory: (o: object) => Prng }).factory;

describe('Mt19937', () => {
  it('reproduces @stdlib/random-base-mt19937 bit for bit (words and 53-bit doubles, across twists)', () => {
    for (const seed of [[1], [42, 7, 0x9e3779b9], [0xffffffff, 0, 3]]) {
      const s = Uint32Array.from(seed);
      const ref = factory({ seed: s });
      const ours = new Mt19937(s);
      for (let i = 0; i < 2000; i++) expect(ours.next32()).toBe(ref());
      const d = new Float64Array(2000);
      ours.fillDoubles(d);
      for (let i = 0; i < 2000; i++) expect(d[i]).toBe(ref.normalized());
    }
  });

  it('ziggurat normals: empirical CDF within 4.5 standard errors of Phi at points from -4 to 4 (n = 2e6), tails included', () => {
    const n = 2_000_000;
    const x = new Float64Array(n);
    new Mt19937(Uint32Array.of(11, 12)).fillNormal(x);
    const pts = [-4, -3.5, -3, -2, -1, -0.3, 0, 0.3, 1, 2, 3, 3.5, 4];
    const counts = new Float64Array(pts.length);
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      m2 += v * v;
      for (let j = 0; j < pts.length; j++) if (v < pts[j]) counts[j]++;
    }
    pts.forEach((c, j) => {
      const p = normalCdf(c);
      const se = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(counts[j] / n - p)).toBeLessThan(4.5 * se);
    });
    // variance: sd of the sample second moment is sqrt(2/n)
    expect(Math.abs(m2 / n - 1)).toBeLessThan(4.5 * Math.sqrt(2 / n));
  });
});
