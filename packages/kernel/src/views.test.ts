import { describe, expect, it } from 'vitest';
import { ShapeError } from './errors.js';
import { cholesky, eigh, eigvalsh, inv, qr, solve, svd, svdvals } from './linalg/index.js';
import { NDArray } from './ndarray.js';
import { gemm, sampleCovariance, sampleMean } from './ops/index.js';
import { Rng } from './rng.js';

// Every matrix function handed a view (a transpose, a column slice: not contiguous; a block of rows:
// contiguous at an offset) either gives exactly the result of the same matrix as a fresh contiguous
// array, or refuses with a ShapeError. It never reads the parent buffer as if it were the view.
const rng = new Rng(2024);
const big = new NDArray(rng.normals(7 * 6), [7, 6]);
const spdOf = (a: NDArray) => gemm(a, a, { transA: true }); // 6 x 6, SPD
const views: Array<[string, NDArray]> = [
  ['transpose', big.transpose()],
  ['column slice', big.slice(null, [1, 5])],
  ['row block at an offset', big.slice([2, 7], null)],
  ['row block + column slice', big.slice([1, 6], [0, 5])],
];
const flat = (x: unknown): number[] => {
  if (x instanceof NDArray) return Array.from(x.contiguous().data);
  if (x instanceof Float64Array) return Array.from(x);
  if (Array.isArray(x)) return x.flatMap(flat);
  if (typeof x === 'number') return [x];
  if (x && typeof x === 'object') return Object.keys(x).sort().flatMap((k) => flat((x as Record<string, unknown>)[k]));
  return [];
};

const fns: Array<[string, (a: NDArray) => unknown]> = [
  ['gemm', (a) => gemm(a, a, { transB: true })],
  ['sampleMean', (a) => sampleMean(a)],
  ['sampleCovariance', (a) => sampleCovariance(a)],
  ['svd', (a) => svd(a)],
  ['svdvals', (a) => svdvals(a)],
  ['qr', (a) => qr(a)],
];
const squareFns: Array<[string, (a: NDArray) => unknown]> = [
  ['eigh', (a) => eigh(a)],
  ['eigvalsh', (a) => eigvalsh(a)],
  ['cholesky', (a) => cholesky(a)],
  ['inv', (a) => inv(a)],
  ['solve', (a) => solve(a, new NDArray(Float64Array.from({ length: a.shape[0] }, (_, i) => i + 1), [a.shape[0], 1]))],
];

describe('matrix functions on views', () => {
  for (const [vname, v] of views) {
    for (const [fname, f] of fns) {
      it(`${fname} of a ${vname}: same numbers as the contiguous copy, or a ShapeError`, () => {
        const want = flat(f(v.contiguous()));
        let got: number[] | undefined;
        try {
          got = flat(f(v));
        } catch (e) {
          expect(e).toBeInstanceOf(ShapeError);
          return;
        }
        expect(got).toEqual(want);
      });
    }
  }
  // square symmetric views: a transposed SPD matrix, and the SPD block of a larger SPD matrix
  const spd = spdOf(big);
  const sq: Array<[string, NDArray]> = [
    ['transpose', spd.transpose()],
    ['diagonal block at an offset', spd.slice([1, 5], [1, 5])],
  ];
  for (const [vname, v] of sq) {
    for (const [fname, f] of squareFns) {
      it(`${fname} of a ${vname}: same numbers as the contiguous copy, or a ShapeError`, () => {
        const want = flat(f(v.contiguous()));
        let got: number[] | undefined;
        try {
          got = flat(f(v));
        } catch (e) {
          expect(e).toBeInstanceOf(ShapeError);
          return;
        }
        expect(got).toEqual(want);
      });
    }
  }
});
