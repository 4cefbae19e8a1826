import { describe, expect, it } from 'vitest';
import { DomainError, ShapeError } from './errors.js';
import { resolveLossTimeGrid } from './loss-grid.js';

describe('resolveLossTimeGrid', () => {
  it('defaults to uniform weights and copies the times', () => {
    const g = resolveLossTimeGrid({ times: [0.2, 0.5, 0.9] });
    expect([...g.weights]).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect([...g.times]).toEqual([0.2, 0.5, 0.9]);
  });
  it('keeps given weights that sum to 1', () => {
    expect([...resolveLossTimeGrid({ times: [0.1, 0.2], weights: [0.25, 0.75] }).weights]).toEqual([0.25, 0.75]);
  });
  it('refuses weights not summing to 1, negative, non-finite, and bad times or lengths, naming the entry', () => {
    expect(() => resolveLossTimeGrid({ times: [0.5], weights: [2] })).toThrow(/summing to 1, got sum 2/);
    expect(() => resolveLossTimeGrid({ times: [0.5, 0.6], weights: [1.5, -0.5] })).toThrow(DomainError);
    expect(() => resolveLossTimeGrid({ times: [0.5], weights: [Number.NaN] }, 'lossGrid')).toThrow(/lossGrid.weights\[0\]/);
    expect(() => resolveLossTimeGrid({ times: [1.2] })).toThrow(/times\[0\]: expected a time in \[0, 1\], got 1.2/);
    expect(() => resolveLossTimeGrid({ times: [] })).toThrow(ShapeError);
    expect(() => resolveLossTimeGrid({ times: [0.5], weights: [0.5, 0.5] })).toThrow(ShapeError);
  });
});
