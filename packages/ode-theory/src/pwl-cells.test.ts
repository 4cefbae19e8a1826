/**
 * The closed-form cell integrals of pwl-cells.ts against direct computation: the six-node weights integrate
 * every quadratic exactly over a cell (against the cell's truncated moments computed term by term), with the
 * nodes shifted and scaled or not; sigma's linear pieces are read correctly for ReLU and sign.
 */
import { bivariateNormalGridMoments, reluActivation, signActivation } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { fdfOf } from './activation.js';
import { cellWeights, NODE_X, NODE_Y, outerCount, pieceLinear, pieceOf, sortRange } from './pwl-cells.js';

describe('pwl-cells', () => {
  it('cellWeights integrate any quadratic exactly over a cell, for shifted and scaled nodes', () => {
    const I = Number.POSITIVE_INFINITY;
    const m = bivariateNormalGridMoments([-I, 0.4, I], [-I, -0.7, I], 0.83, new Float64Array(24));
    const coef = [0.3, -1.2, 0.7, 0.45, -0.9, 1.6]; // 1, x, y, x^2, xy, y^2
    const F = (x: number, y: number) => coef[0] + coef[1] * x + coef[2] * y + coef[3] * x * x + coef[4] * x * y + coef[5] * y * y;
    const om = new Float64Array(6);
    for (let cell = 0; cell < 4; cell++) {
      const o = 6 * cell;
      const exact = coef[0] * m[o] + coef[1] * m[o + 1] + coef[2] * m[o + 2] + coef[3] * m[o + 3] + coef[4] * m[o + 4] + coef[5] * m[o + 5];
      for (const [ca, cb, s] of [
        [0, 0, 1],
        [1.4, -1.7, 0.5],
        [-0.6, 0.3, 0.25],
      ]) {
        cellWeights(m, o, 2, ca, cb, s, om);
        let got = 0;
        for (let p = 0; p < 6; p++) got += om[p] * F(ca + s * NODE_X[p], cb + s * NODE_Y[p]);
        expect(Math.abs(got - 2 * exact)).toBeLessThan(1e-13); // rounding grows like 1 / s^2 (2.8e-14 at s = 0.25)
      }
    }
  });

  it('pieceLinear reads ReLU (dead below 0) and sign (constant, never dead)', () => {
    const relu = pieceLinear(fdfOf(reluActivation, false), [0]);
    expect([...relu.a, ...relu.b, ...relu.d, ...relu.dead]).toEqual([0, 0, 0, 1, 0, 1, 1, 0]);
    const sign = pieceLinear(fdfOf(signActivation, false), [0]);
    expect([...sign.a, ...sign.b, ...sign.d, ...sign.dead]).toEqual([-1, 1, 0, 0, 0, 0, 0, 0]);
    expect([pieceOf([0], -0.1), pieceOf([0], 0), pieceOf([0], 0.1), pieceOf([-1, 1], 2)]).toEqual([0, 0, 1, 2]);
  });

  it('sortRange sorts only its range; outerCount gives 4..n nodes by piece length', () => {
    const a = Float64Array.of(9, 3, -1, 2, 0, -5);
    sortRange(a, 1, 5);
    expect([...a]).toEqual([9, -1, 0, 2, 3, -5]);
    expect([outerCount(12, 0.1), outerCount(12, 1.5), outerCount(12, 3), outerCount(12, 5.5)]).toEqual([4, 6, 12, 12]);
  });
});
