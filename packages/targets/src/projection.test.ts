import { DomainError, NDArray, Rng, ShapeError, matmul, orthonormalFrame } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { binaryIsotropicGmm } from './binary-gmm.js';
import { gaussian } from './gaussian.js';
import { gaussianMixture } from './mixture.js';
import { mixtureBounds, mixtureBox, projectMixture, projectedDensity, projectedMarginal } from './projection.js';
import { spectralGroupMixture } from './spectral-groups.js';

/** Sample mean (k) and covariance (k x k, divisor n - 1) of the rows r with keep(r) of y (n x k). */
function rowMoments(y: Float64Array, k: number, keep: (r: number) => boolean = () => true): { n: number; m: Float64Array; C: Float64Array } {
  const n = y.length / k;
  const m = new Float64Array(k);
  let cnt = 0;
  for (let r = 0; r < n; r++) {
    if (!keep(r)) continue;
    cnt++;
    for (let a = 0; a < k; a++) m[a] += y[r * k + a];
  }
  for (let a = 0; a < k; a++) m[a] /= cnt;
  const C = new Float64Array(k * k);
  for (let r = 0; r < n; r++) {
    if (!keep(r)) continue;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) C[a * k + b] += ((y[r * k + a] - m[a]) * (y[r * k + b] - m[b])) / (cnt - 1);
  }
  return { n: cnt, m, C };
}

/** Mixture mean and covariance from the projected components (law of total covariance). */
function totalMoments(p: ReturnType<typeof projectMixture>): { m: Float64Array; C: Float64Array } {
  const k = p.dim;
  const m = new Float64Array(k);
  const C = new Float64Array(k * k);
  p.weights.forEach((w, c) => {
    for (let a = 0; a < k; a++) m[a] += w * p.means[c * k + a];
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) C[a * k + b] += w * (p.covariances[(c * k + a) * k + b] + p.means[c * k + a] * p.means[c * k + b]);
  });
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) C[a * k + b] -= m[a] * m[b];
  return { m, C };
}

/** B^T A B for B d x k, A d x d (both row-major), by plain loops (independent of the dgemm path). */
function congruence(A: Float64Array, B: Float64Array, d: number, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += B[i * k + a] * A[i * d + j] * B[j * k + b];
      out[a * k + b] = s;
    }
  return out;
}

function rotatedSpectral(d: number, rng: Rng) {
  return spectralGroupMixture({
    weights: [0.3, 0.7],
    means: new NDArray(Float64Array.from({ length: 2 * d }, (_, i) => (i === 0 ? 2 : i === d + 1 ? -1.5 : 0)), [2, d]),
    groupSizes: [2, d - 2],
    ell: new NDArray(Float64Array.from([2, 0.5, 0.3, 1.5]), [2, 2]),
    basis: orthonormalFrame(d, d, rng),
  });
}

function lowRankMixture(d: number, rng: Rng) {
  const means = new NDArray(rng.normals(3 * d).map((v) => 0.8 * v), [3, d]);
  return gaussianMixture({
    weights: [0.2, 0.5, 0.3],
    means,
    covariances: [
      { basis: orthonormalFrame(d, 3, rng), spectrum: [2, 1, 0.5] },
      { basis: orthonormalFrame(d, d, rng), spectrum: Array.from({ length: d }, (_, j) => 0.2 + j / d) },
      { basis: orthonormalFrame(d, 1, rng), spectrum: [3] },
    ],
  });
}

describe('projectMixture', () => {
  it('per-cluster moments of a projected sampled set match the projected components (spectral groups, rotated basis)', () => {
    const d = 9;
    const rng = new Rng(4);
    const t = rotatedSpectral(d, rng.named('target'));
    const B = orthonormalFrame(d, 2, rng.named('plane'));
    const p = projectMixture(t, B);
    const n = 60_000;
    const { x, labels } = t.sampleWithLabels(n, rng.named('sample'));
    const y = matmul(x, B).data;
    for (let c = 0; c < 2; c++) {
      const s = rowMoments(y, 2, (r) => labels[r] === c);
      for (let a = 0; a < 2; a++) {
        const v = p.covariances[(c * 2 + a) * 2 + a];
        // standard error of a mean: sqrt(v / n_c); of a covariance entry: <= sqrt(2) v_max / sqrt(n_c)
        expect(Math.abs(s.m[a] - p.means[c * 2 + a])).toBeLessThan(5 * Math.sqrt(v / s.n));
        for (let b = 0; b < 2; b++) {
          const vmax = Math.max(p.covariances[c * 4], p.covariances[c * 4 + 3]);
          expect(Math.abs(s.C[a * 2 + b] - p.covariances[(c * 2 + a) * 2 + b])).toBeLessThan((5 * Math.SQRT2 * vmax) / Math.sqrt(s.n));
        }
      }
    }
  });

  it('mixture moments of a projected sampled set match (low-rank gaussianMixture components, a line and a plane)', () => {
    const d = 12;
    const rng = new Rng(8);
    const t = lowRankMixture(d, rng.named('target'));
    const n = 60_000;
    const x = t.sample(n, rng.named('sample'));
    for (const k of [1, 2]) {
      const B = orthonormalFrame(d, k, rng.named('basis', k));
      const { m, C } = totalMoments(projectMixture(t, B));
      const s = rowMoments(matmul(x, B).data, k);
      for (let a = 0; a < k; a++) {
        expect(Math.abs(s.m[a] - m[a])).toBeLessThan(5 * Math.sqrt(C[a * k + a] / n));
        // the mixture is far from Gaussian: bound the covariance error by 5 s.e. with a kurtosis allowance of 3
        for (let b = 0; b < k; b++) expect(Math.abs(s.C[a * k + b] - C[a * k + b])).toBeLessThan((5 * 3 * Math.max(C[0], C[k * k - 1])) / Math.sqrt(n));
      }
    }
  });

  it('the projected mixture covariance is B^T Cov(x_t) B exactly, for every target kind and with the interpolant', () => {
    const d = 6;
    const rng = new Rng(2);
    const targets = [
      rotatedSpectral(d, rng.named('spectral')),
      lowRankMixture(d, rng.named('mixture')),
      gaussian({ mean: rng.normals(d), eigen: { basis: orthonormalFrame(d, 4, rng.named('g')), spectrum: [1, 2, 3, 0.5] } }),
      binaryIsotropicGmm({ d, sigma: 0.7, mu: rng.normals(d) }),
    ];
    for (const t of targets) {
      const B = orthonormalFrame(d, 2, rng.named('plane', targets.indexOf(t)));
      const mean = t.mean();
      const cov =
        t.kind === 'binary-isotropic-gmm'
          ? Float64Array.from({ length: d * d }, (_, ij) => (ij % (d + 1) === 0 ? t.sigma ** 2 : 0) + t.mu()[Math.floor(ij / d)] * t.mu()[ij % d])
          : t.covariance().data;
      for (const [alpha, beta] of [[0, 1], [0.3, 0.8]]) {
        const p = projectMixture(t, B, { interpolant: { alpha, beta } });
        const { m, C } = totalMoments(p);
        const full = cov.map((v, ij) => beta * beta * v + (ij % (d + 1) === 0 ? alpha * alpha : 0));
        const want = congruence(full, B.data, d, 2);
        for (let a = 0; a < 2; a++) {
          let mb = 0;
          for (let i = 0; i < d; i++) mb += B.data[i * 2 + a] * beta * mean[i];
          expect(m[a]).toBeCloseTo(mb, 12);
        }
        for (let ab = 0; ab < 4; ab++) expect(C[ab]).toBeCloseTo(want[ab], 11);
      }
    }
  });
});

describe('projectedDensity', () => {
  it('integrates to 1 on a grid (a plane and a line)', () => {
    const d = 10;
    const rng = new Rng(6);
    const t = lowRankMixture(d, rng.named('target'));
    const p = projectMixture(t, orthonormalFrame(d, 2, rng.named('plane')), { interpolant: { alpha: 0.1, beta: 0.9 } });
    const box = mixtureBox(p, { sds: 8 });
    const nx = 400;
    const hx = (box.x1 - box.x0) / nx;
    const hy = (box.y1 - box.y0) / nx;
    const pts = new Float64Array(2 * nx * nx);
    for (let j = 0; j < nx; j++)
      for (let i = 0; i < nx; i++) {
        pts[2 * (j * nx + i)] = box.x0 + (i + 0.5) * hx;
        pts[2 * (j * nx + i) + 1] = box.y0 + (j + 0.5) * hy;
      }
    const mass2 = projectedDensity(p, pts).reduce((a, v) => a + v, 0) * hx * hy;
    expect(mass2).toBeCloseTo(1, 6);
    const line = projectedMarginal(p, [1]);
    const [[lo, hi]] = mixtureBounds(line, 8);
    const h = (hi - lo) / 4000;
    const z = Float64Array.from({ length: 4000 }, (_, i) => lo + (i + 0.5) * h);
    expect(projectedDensity(line, z).reduce((a, v) => a + v, 0) * h).toBeCloseTo(1, 8);
  });

  it('with a square orthogonal basis equals the target density at B y (d = 2)', () => {
    const rng = new Rng(3);
    const t = gaussianMixture({
      weights: [0.4, 0.6],
      means: new NDArray(Float64Array.of(1, -0.5, -1, 2), [2, 2]),
      covariances: [
        { basis: orthonormalFrame(2, 2, rng.named('c0')), spectrum: [2, 0.3] },
        { basis: orthonormalFrame(2, 2, rng.named('c1')), spectrum: [0.5, 1.2] },
      ],
    });
    const B = orthonormalFrame(2, 2, rng.named('rotation'));
    const p = projectMixture(t, B);
    const y = rng.named('points').normals(2 * 50);
    const x = matmul(new NDArray(y, [50, 2]), new NDArray(Float64Array.of(B.data[0], B.data[2], B.data[1], B.data[3]), [2, 2])).data;
    const want = t.logDensity(x, 50);
    const got = projectedDensity(p, new NDArray(y, [50, 2]));
    for (let r = 0; r < 50; r++) expect(Math.log(got[r])).toBeCloseTo(want[r], 10);
  });

  it('the marginal on axis 0 is the density of the projection on the first basis column', () => {
    const d = 5;
    const rng = new Rng(9);
    const t = rotatedSpectral(d, rng.named('target'));
    const B = orthonormalFrame(d, 2, rng.named('plane'));
    const first = new NDArray(Float64Array.from({ length: d }, (_, i) => B.data[2 * i]), [d, 1]);
    const z = Float64Array.from({ length: 30 }, (_, i) => -4 + (8 * i) / 29);
    const a = projectedDensity(projectedMarginal(projectMixture(t, B), [0]), z);
    const b = projectedDensity(projectMixture(t, first), z);
    for (let i = 0; i < 30; i++) expect(a[i]).toBeCloseTo(b[i], 14);
  });
});

describe('mixtureBox and errors', () => {
  it('covers every component to the requested number of sds and is square by default', () => {
    const p = { dim: 2, weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 0, 4, 1), covariances: Float64Array.of(1, 0, 0, 4, 0.25, 0, 0, 0.25) };
    expect(mixtureBox(p, { sds: 2, square: false })).toEqual({ x0: -2, x1: 5, y0: -4, y1: 4 });
    expect(mixtureBox(p, { sds: 2 })).toEqual({ x0: -2.5, x1: 5.5, y0: -4, y1: 4 });
  });

  it('refuses bad input with typed errors naming the argument', () => {
    const rng = new Rng(1);
    const t = rotatedSpectral(4, rng);
    expect(() => projectMixture(t, new NDArray(new Float64Array(6), [3, 2]))).toThrow(ShapeError);
    expect(() => projectMixture(t, orthonormalFrame(4, 2, rng), { interpolant: { alpha: Number.NaN, beta: 1 } })).toThrow(/interpolant/);
    const p = projectMixture(t, orthonormalFrame(4, 2, rng));
    expect(() => projectedDensity(p, new Float64Array(3))).toThrow(/points/);
    expect(() => projectedMarginal(p, [2])).toThrow(DomainError);
    expect(() => projectedMarginal(p, [0, 0])).toThrow(/distinct/);
    expect(() => mixtureBox(projectedMarginal(p, [0]))).toThrow(/2-D/);
    expect(() => mixtureBounds(p, 0)).toThrow(/sds/);
    const flat = { dim: 1, weights: Float64Array.of(1), means: Float64Array.of(0), covariances: Float64Array.of(0) };
    expect(() => projectedDensity(flat, Float64Array.of(0))).toThrow(/positive definite/);
  });
});
