import { NDArray, Rng, pinv } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { generatedGroupVariance } from './group-variance.js';

/** q_s = (1/d) sum_{i in s} w_i^T w_i and Q, by the definition. */
function stats(w: Float64Array, d: number, r: number, groups: number[], Ng: number) {
  const q = new Float64Array(Ng * r * r);
  const Q = new Float64Array(r * r);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < r; k++) {
      for (let l = 0; l < r; l++) {
        const v = (w[i * r + k] * w[i * r + l]) / d;
        q[(groups[i] * r + k) * r + l] += v;
        Q[k * r + l] += v;
      }
    }
  }
  return { q, Q: new NDArray(Q, [r, r]) };
}

/**
 * Independent route: Cov(X) = v (I - Pi_W) + (w/sqrt d) Q^+ C Q^+ (w/sqrt d)^T with Pi_W = W W^+ and
 * (w/sqrt d) Q^+ = sqrt(d) (W^+)^T, W^+ from kernel's SVD pseudo-inverse of the d x r matrix.
 */
function perCoordinate(w: Float64Array, d: number, r: number, C: number[][], v: number): Float64Array {
  const P = pinv(new NDArray(w.slice(), [d, r])).contiguous().data; // r x d
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let pii = 0;
    let z = 0;
    for (let a = 0; a < r; a++) {
      pii += w[i * r + a] * P[a * d + i];
      for (let b = 0; b < r; b++) z += d * P[a * d + i] * C[a][b] * P[b * d + i];
    }
    out[i] = v * (1 - pii) + z;
  }
  return out;
}

describe('generatedGroupVariance', () => {
  const d = 30;
  const r = 2;
  const Ng = 3;
  const groups = Array.from({ length: d }, (_, i) => (i < 2 ? 0 : i < 10 ? 1 : 2));
  const sizes = [2, 8, 20];
  const C = [
    [1.3, 0.4],
    [0.4, 0.7],
  ];
  for (const [label, make] of [
    ['full rank', (rng: Rng) => rng.normals(d * r)],
    ['rank one (second unit = 2 x first)', (rng: Rng) => Array.from(rng.normals(d)).flatMap((x) => [x, 2 * x])],
  ] as const) {
    it(`equals the per-coordinate covariance of Result 2.2 averaged per group (${label})`, () => {
      const w = Float64Array.from(make(new Rng(4)));
      const { q, Q } = stats(w, d, r, groups, Ng);
      const v = 0.3;
      const out = generatedGroupVariance({ Q, q, groupSizes: sizes, zCovariance: C, vtf: v });
      const direct = perCoordinate(w, d, r, C, v);
      for (let s = 0; s < Ng; s++) {
        const idx = groups.map((g, i) => (g === s ? i : -1)).filter((i) => i >= 0);
        const mean = idx.reduce((a, i) => a + direct[i], 0) / idx.length;
        expect(out.variance[s]).toBeCloseTo(mean, 10);
        expect(out.inW[s] + out.offW[s]).toBeCloseTo(out.variance[s], 14);
      }
      // all groups together: sum_i (1 - Pi_ii) = d - rank
      const rank = label === 'full rank' ? 2 : 1;
      const offTotal = sizes.reduce((a, n, s) => a + n * out.offW[s], 0);
      expect(offTotal).toBeCloseTo(v * (d - rank), 10);
    });
  }
  it('validates its inputs', () => {
    const Q = [
      [1, 0],
      [0, 1],
    ];
    const q = new Float64Array(2 * 4);
    expect(() => generatedGroupVariance({ Q, q, groupSizes: [1, 1, 1], zCovariance: Q, vtf: 1 })).toThrow(/q: expected length/);
    expect(() => generatedGroupVariance({ Q, q, groupSizes: [1, 1], zCovariance: [[1]], vtf: 1 })).toThrow(/zCovariance: expected 2 x 2/);
    expect(() => generatedGroupVariance({ Q, q, groupSizes: [1, 0], zCovariance: Q, vtf: 1 })).toThrow(/groupSizes\[1\]/);
    expect(() => generatedGroupVariance({ Q, q, groupSizes: [1, 1], zCovariance: Q, vtf: -1 })).toThrow(/vtf/);
  });
});
