import { DivergenceError, Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { adam, adamStep } from './adam.js';
import { trainMinibatch } from './train-loop.js';

describe('adamStep', () => {
  it('first two steps equal a hand computation (bias-corrected)', () => {
    const s = adam(2, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    const p = Float64Array.of(1, -2);
    const g1 = Float64Array.of(0.5, -0.1);
    adamStep(s, p, g1);
    // t = 1: m_hat = g, v_hat = g^2, step = lr g / (|g| + eps)
    expect(p[0]).toBeCloseTo(1 - (0.1 * 0.5) / (0.5 + 1e-8), 15);
    expect(p[1]).toBeCloseTo(-2 + (0.1 * 0.1) / (0.1 + 1e-8), 15);
    const g2 = Float64Array.of(-0.2, 0.3);
    const before = p.slice();
    adamStep(s, p, g2);
    for (let i = 0; i < 2; i++) {
      const m = 0.9 * 0.1 * g1[i] + 0.1 * g2[i];
      const v = 0.999 * 0.001 * g1[i] ** 2 + 0.001 * g2[i] ** 2;
      const mh = m / (1 - 0.9 ** 2);
      const vh = v / (1 - 0.999 ** 2);
      expect(p[i]).toBeCloseTo(before[i] - (0.1 * mh) / (Math.sqrt(vh) + 1e-8), 14);
    }
    expect(s.t).toBe(2);
  });
  it('weight decay: decoupled shrinks p by (1 - lr wd) outside the moments; l2 adds wd p to the gradient', () => {
    const dec = adam(1, { lr: 0.1, weightDecay: 0.5 });
    const p = Float64Array.of(2);
    adamStep(dec, p, Float64Array.of(0.3));
    expect(p[0]).toBeCloseTo(2 * (1 - 0.05) - (0.1 * 0.3) / (0.3 + 1e-8), 15);
    const l2 = adam(1, { lr: 0.1, weightDecay: 0.5, weightDecayMode: 'l2' });
    const q = Float64Array.of(2);
    adamStep(l2, q, Float64Array.of(0.3));
    const g = 0.3 + 0.5 * 2;
    expect(q[0]).toBeCloseTo(2 - (0.1 * g) / (g + 1e-8), 15);
  });
  it('rejects bad options and shapes', () => {
    expect(() => adam(2, { beta1: 1 })).toThrow(/beta1/);
    expect(() => adam(2, { lr: -1 })).toThrow(/lr/);
    expect(() => adam(2, { weightDecayMode: 'x' as 'l2' })).toThrow(/weightDecayMode/);
    expect(() => adamStep(adam(2), new Float64Array(3), new Float64Array(2))).toThrow(/params/);
  });
});

describe('trainMinibatch', () => {
  it('Adam on a convex quadratic converges to the exact minimiser', () => {
    // f(p) = 1/2 (p - p*)^T A (p - p*), A = B B^T + I (SPD, condition ~ 10)
    const d = 5;
    const rng = new Rng(3);
    const B = rng.normals(d * d);
    const A = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < d; k++) s += B[i * d + k] * B[j * d + k];
      A[i * d + j] = s;
    }
    const pStar = rng.normals(d);
    const p = new Float64Array(d);
    const grad = new Float64Array(d);
    const res = trainMinibatch({
      params: p,
      grad,
      steps: 6000,
      rng,
      optimizer: { lr: 0.05 },
      lr: (k) => 0.05 * 0.999 ** k,
      lossAndGrad: () => {
        let f = 0;
        for (let i = 0; i < d; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += A[i * d + j] * (p[j] - pStar[j]);
          grad[i] += s;
          f += 0.5 * (p[i] - pStar[i]) * s;
        }
        return f;
      },
    });
    for (let i = 0; i < d; i++) expect(Math.abs(p[i] - pStar[i])).toBeLessThan(1e-8);
    expect(res.stepsRun).toBe(6000);
    expect(res.losses[5999]).toBeLessThan(1e-15);
  });
  it('seeded distinct minibatch indices, checkpoints, progress and early stop', () => {
    const seen: number[][] = [];
    const cps: number[] = [];
    const run = () =>
      trainMinibatch({
        params: new Float64Array(1),
        grad: new Float64Array(1),
        steps: 10,
        rng: new Rng(1),
        data: { size: 20, batchSize: 5 },
        lossAndGrad: ({ indices }) => {
          seen.push(Array.from(indices as Int32Array));
          return 1;
        },
        checkpoints: [0, 4, 10],
        onCheckpoint: (s) => cps.push(s),
      });
    run();
    const first = seen.splice(0);
    run();
    expect(seen).toEqual(first);
    for (const b of first) {
      expect(new Set(b).size).toBe(5);
      for (const i of b) expect(i >= 0 && i < 20).toBe(true);
    }
    expect(cps).toEqual([0, 4, 10, 0, 4, 10]);
    const r = trainMinibatch({
      params: new Float64Array(1),
      grad: new Float64Array(1),
      steps: 100,
      rng: new Rng(1),
      lossAndGrad: () => 1,
      progressEvery: 10,
      onProgress: (pr) => pr.step < 30,
    });
    expect(r.stepsRun).toBe(30);
    expect(r.stopped).toBe(true);
  });
  it('a non-finite loss or gradient throws DivergenceError with the step', () => {
    const p = new Float64Array(1);
    const g = new Float64Array(1);
    let caught: unknown;
    try {
      trainMinibatch({ params: p, grad: g, steps: 10, rng: new Rng(1), lossAndGrad: ({ step }) => (step === 3 ? Number.NaN : 1) });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DivergenceError);
    expect((caught as DivergenceError).step).toBe(3);
    expect(() =>
      trainMinibatch({ params: p, grad: g, steps: 10, rng: new Rng(1), lossAndGrad: ({ step }) => { if (step === 2) g[0] = Number.POSITIVE_INFINITY; return 1; } }),
    ).toThrow(/step 2/);
  });
});
