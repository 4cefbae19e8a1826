import { tiedDae } from '@diffusion-theory/denoisers';
import { DivergenceError, DomainError, NDArray, Rng, ShapeError, type SummaryStats, linearInterpolant, statsAt } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { gaussianInit, warmStart } from './init.js';
import { type SampleSource, onlineSgd } from './online-sgd.js';
import { summaryStatistics } from './statistics.js';

const schedule = linearInterpolant();

/** (1/K) sum_c N(mu_c, ell I): row-by-row sampling (label, then d normals), so blocks do not matter. */
function isotropicMixture(mus: NDArray, ell: number): SampleSource {
  const [K, d] = mus.shape;
  const m = mus.contiguous().data;
  const sd = Math.sqrt(ell);
  const into = (out: Float64Array, n: number, rng: Rng) => {
    for (let k = 0; k < n; k++) {
      const c = K > 1 ? rng.int(K) : 0;
      const row = out.subarray(k * d, (k + 1) * d);
      rng.fillNormal(row);
      for (let i = 0; i < d; i++) row[i] = m[c * d + i] + sd * row[i];
    }
  };
  return {
    dim: d,
    sampleInto: into,
    sample(n, rng) {
      const out = new Float64Array(n * d);
      into(out, n, rng);
      return new NDArray(out, [n, d]);
    },
  };
}

function trimodalMus(d: number): NDArray {
  const m = new Float64Array(3 * d);
  m[0] = 3;
  m[d + 1] = -3;
  m[2 * d] = -3;
  return new NDArray(m, [3, d]);
}

describe('onlineSgd (spec §2.4)', () => {
  it('b follows eq. 11, b_tau = b_inf (1 - e^{-kappa tau}) + b0 e^{-kappa tau}, at d = 1000 (not the slide form)', () => {
    const d = 1000;
    const ell = 0.5;
    const mus = trimodalMus(d);
    const model = tiedDae({ d, r: 2, activation: 'tanh', w: warmStart(mus, d, 2), b: 0.6 });
    const res = onlineSgd({ model, target: isotropicMixture(mus, ell), schedule, eta: 0.2, tauMax: 3, rng: new Rng(7), record: { tauEvery: 0.25, mus } });
    // finite-d Lambda_d = ell + E|mu|^2 / d (spec §4.2); grid {1/2}: E[beta] = 1/2, E[beta^2] = E[alpha^2] = 1/4
    const L = ell + 9 / d;
    const kappa = L / 4 + 1 / 4;
    const bInf = L / 2 / kappa;
    let maxErr = 0;
    let maxSlide = 0;
    for (let n = 0; n < res.records.tau.length; n++) {
      const tau = res.records.tau[n];
      const e = Math.exp(-kappa * tau);
      maxErr = Math.max(maxErr, Math.abs(res.records.b[n] - (bInf * (1 - e) + 0.6 * e)));
      maxSlide = Math.max(maxSlide, Math.abs(res.records.b[n] - bInf * (1 - 0.4 * e)));
    }
    // residual = O(r/d) network term + O(d^{-3/2} sqrt(n)) SGD noise; spec §11 reports <= 5e-3
    expect(maxErr).toBeLessThan(5e-3);
    expect(maxSlide).toBeGreaterThan(0.1);
    expect(res.tau).toBeCloseTo(3, 12);
    expect(res.steps).toBe(7500);
  });

  it('is deterministic: same seed, identical records, whatever the RNG block size', () => {
    const d = 10;
    const mus = trimodalMus(d);
    const run = (block: number) =>
      onlineSgd({
        model: tiedDae({ d, r: 2, activation: 'tanh', w: gaussianInit(d, 2, new Rng(1)), timeEncoding: (t) => t }),
        target: isotropicMixture(mus, 1),
        schedule,
        grid: { times: [0.3, 0.7], weights: [0.5, 0.5] },
        lambda: 0.5,
        steps: 1000,
        rng: new Rng(42),
        block,
        record: { every: 50, mus, groups: new Int32Array(d).fill(0, 0, 5).fill(1, 5) },
      }).records;
    const a = run(256);
    const b = run(256);
    const c = run(7);
    expect(Array.from(a.Q)).toEqual(Array.from(b.Q));
    expect(Array.from(a.M!)).toEqual(Array.from(c.M!));
    expect(Array.from(a.b)).toEqual(Array.from(c.b));
    expect(Array.from(a.q!)).toEqual(Array.from(c.q!));
    expect(a.tau.length).toBe(21);
  });

  for (const [r, grid] of [
    [2, { times: [0.25, 0.6], weights: [0.3, 0.7] }],
    [2, { times: [0.4] }],
    [3, { times: [0.4] }],
    [3, { times: [0.1, 0.5, 0.9], weights: [0.2, 0.5, 0.3] }],
  ] as const) {
    it(`one step equals the hand update from TiedDae.lossAndGrad (r = ${r}, ${grid.times.length} loss times, p_t = t, weight decay)`, () => {
      const d = 4;
      const w0 = gaussianInit(d, r, new Rng(3));
      const x1 = Float64Array.of(0.5, -1, 2, 0.25);
      const target: SampleSource = { dim: d, sample: (n) => new NDArray(Float64Array.from({ length: n * d }, (_, k) => x1[k % d]), [n, d]) };
      const v0 = [0.3, -0.4, 0.1].slice(0, r);
      const opts = { d, r, activation: 'tanh' as const, w: w0, b: 0.2, v: v0, timeEncoding: (t: number) => t };
      const model = tiedDae(opts);
      const eta = 0.3;
      const lambda = 0.5;
      const rng = new Rng(9);
      const x0 = rng.stream(0).normals(d);
      const ref = tiedDae(opts).lossAndGrad(x0, x1, grid, schedule);
      const res = onlineSgd({ model, target, schedule, grid, eta, lambda, steps: 1, rng });
      for (let i = 0; i < d * r; i++) expect(model.w[i]).toBeCloseTo(w0.data[i] - eta * (ref.gradW[i] + (lambda / d) * w0.data[i]), 14);
      expect(model.b).toBeCloseTo(0.2 - (eta / d ** 2) * ref.gradB, 14);
      for (let k = 0; k < r; k++) expect(model.v[k]).toBeCloseTo(v0[k] - (eta / d) * (ref.gradV[k] + lambda * v0[k]), 14);
      expect(res.records.loss[1]).toBeCloseTo(ref.loss, 13);
    });
  }

  it("the loss time grid follows kernel's one rule: {times: [0.5], weights: [2]} is refused as by the ODE; weights default to uniform", () => {
    const d = 5;
    const mus = trimodalMus(d);
    const run = (grid: { times: number[]; weights?: number[] }) =>
      onlineSgd({ model: tiedDae({ d, r: 2, activation: 'tanh', w: gaussianInit(d, 2, new Rng(1)) }), target: isotropicMixture(mus, 1), schedule, grid, steps: 20, rng: new Rng(2) });
    expect(() => run({ times: [0.5], weights: [2] })).toThrow(DomainError);
    expect(() => run({ times: [0.5], weights: [2] })).toThrow(/grid.weights: expected weights summing to 1, got sum 2/);
    expect(Array.from(run({ times: [0.2, 0.6] }).model.w)).toEqual(Array.from(run({ times: [0.2, 0.6], weights: [0.5, 0.5] }).model.w));
    // the default grid is {1/2}
    expect(Array.from(run({ times: [0.5] }).model.w)).toEqual(Array.from(onlineSgd({ model: tiedDae({ d, r: 2, activation: 'tanh', w: gaussianInit(d, 2, new Rng(1)) }), target: isotropicMixture(mus, 1), schedule, steps: 20, rng: new Rng(2) }).model.w));
  });

  it('refuses a target whose dim differs from model.d before any work (ShapeError naming target and both dims)', () => {
    const d = 6;
    let calls = 0;
    const target: SampleSource = {
      dim: d + 1,
      sample: (n) => {
        calls++;
        return new NDArray(new Float64Array(n * d), [n, d]);
      },
    };
    const model = tiedDae({ d, r: 2, activation: 'tanh' });
    const run = () => onlineSgd({ model, target, schedule, steps: 10, rng: new Rng(1), onProgress: () => calls++ });
    expect(run).toThrow(ShapeError);
    expect(run).toThrow('target: expected a sample source of dim = model.d = 6, got target.dim = 7');
    expect(calls).toBe(0);
  });

  it('checkpoints: a clone at the first step whose tau >= each requested time, equal to a run stopped there', () => {
    const d = 10;
    const eta = 0.25; // dtau = 2 eta / d = 0.05
    const mus = trimodalMus(d);
    const make = () => tiedDae({ d, r: 2, activation: 'tanh', w: gaussianInit(d, 2, new Rng(1)), b: 0.3 });
    const base = { target: isotropicMixture(mus, 1), schedule, eta, rng: new Rng(4), record: { tauEvery: 0.5 } };
    const res = onlineSgd({ ...base, model: make(), tauMax: 2, checkpoints: [0, 0.5, 0.52, 0.55, 2] });
    expect(res.checkpoints.map((c) => c.step)).toEqual([0, 10, 11, 11, 40]);
    expect(res.checkpoints[2].tau).toBeCloseTo(0.55, 14);
    expect(Array.from(res.checkpoints[0].model.w)).toEqual(Array.from(make().w));
    for (const c of res.checkpoints.slice(1)) {
      const short = onlineSgd({ ...base, model: make(), steps: c.step });
      expect(Array.from(c.model.w)).toEqual(Array.from(short.model.w));
      expect(c.model.b).toBe(short.model.b);
      expect(Array.from(c.model.v)).toEqual(Array.from(short.model.v));
    }
    // clones, not views of the trained model
    expect(res.checkpoints[4].model).not.toBe(res.model);
    expect(Array.from(res.checkpoints[4].model.w)).toEqual(Array.from(res.model.w));
    expect(onlineSgd({ ...base, model: make(), steps: 3 }).checkpoints).toEqual([]);
  });

  it('checkpoints: times outside the run or not ascending are refused before any work', () => {
    const d = 10;
    const mus = trimodalMus(d);
    const base = { model: tiedDae({ d, r: 2, activation: 'tanh' }), target: isotropicMixture(mus, 1), schedule, eta: 0.25, tauMax: 1, rng: new Rng(4) };
    expect(() => onlineSgd({ ...base, checkpoints: [0.5, 1.2] })).toThrow(/checkpoints\[1\]: expected a training time in \[0, 1\]/);
    expect(() => onlineSgd({ ...base, checkpoints: [0.5, 0.25] })).toThrow(/checkpoints\[1\]: expected ascending times/);
    expect(() => onlineSgd({ ...base, checkpoints: [-0.1] })).toThrow(DomainError);
    expect(() => onlineSgd({ ...base, checkpoints: [Number.NaN] })).toThrow(DomainError);
  });

  it('result.initial / final are kernel SummaryStats and records a SummaryStatsRecord (statsAt of the last record is final)', () => {
    const d = 8;
    const mus = trimodalMus(d);
    const res = onlineSgd({ model: tiedDae({ d, r: 2, activation: 'tanh', w: gaussianInit(d, 2, new Rng(1)) }), target: isotropicMixture(mus, 1), schedule, steps: 50, rng: new Rng(3), record: { every: 25, mus } });
    const init: SummaryStats = res.initial;
    expect(Array.from(statsAt(res.records, 0).Q)).toEqual(Array.from(init.Q));
    expect(Array.from(statsAt(res.records, 2).M!)).toEqual(Array.from(res.final.M!));
    expect(res.records.d).toBe(d);
    expect(Array.from(res.records.step)).toEqual([0, 25, 50]);
  });

  it('trainB: false freezes the skip connection (fixed-skip remedy) and leaves the w update unchanged', () => {
    const d = 6;
    const r = 2;
    const w0 = gaussianInit(d, r, new Rng(4));
    const mus = trimodalMus(d);
    const run = (trainB: boolean) => {
      const model = tiedDae({ d, r, activation: 'tanh', w: w0, b: 0.7 });
      onlineSgd({ model, target: isotropicMixture(mus, 1), schedule, eta: 0.1, steps: 1, rng: new Rng(5), trainB });
      return model;
    };
    const frozen = run(false);
    const trained = run(true);
    expect(frozen.b).toBe(0.7);
    expect(trained.b).not.toBe(0.7);
    // one step: the w gradient is taken at the same b, so w agrees exactly
    expect(Array.from(frozen.w)).toEqual(Array.from(trained.w));
  });

  it('throws DivergenceError with the step for a huge learning rate', () => {
    const d = 50;
    const mus = trimodalMus(d);
    const run = () =>
      onlineSgd({ model: tiedDae({ d, r: 2, activation: 'linear', w: gaussianInit(d, 2, new Rng(2)) }), target: isotropicMixture(mus, 1), schedule, eta: 100, steps: 10_000, rng: new Rng(1) });
    expect(run).toThrow(DivergenceError);
    try {
      run();
    } catch (e) {
      expect((e as DivergenceError).step).toBeGreaterThan(0);
      expect((e as DivergenceError).step).toBeLessThan(10_000);
      expect((e as Error).message).toMatch(/tau = /);
    }
  });

  it('records: initial statistics are those of the initial w; group statistics sum to Q, M, G', () => {
    const d = 20;
    const mus = trimodalMus(d);
    const E = new NDArray(new Float64Array(d * 2), [d, 2]);
    E.set(1, 0, 0);
    E.set(1, 1, 1);
    const groups = Int32Array.from({ length: d }, (_, i) => (Math.min(i , 2)));
    const w0 = gaussianInit(d, 3, new Rng(5));
    const res = onlineSgd({ model: tiedDae({ d, r: 3, activation: 'relu', w: w0 }), target: isotropicMixture(mus, 1), schedule, steps: 300, rng: new Rng(8), record: { every: 100, mus, E, groups } });
    const s0 = summaryStatistics(w0, { mus, E, groups });
    expect(Array.from(res.initial.Q)).toEqual(Array.from(s0.Q));
    expect(Array.from(statsAt(res.records, 0).m!)).toEqual(Array.from(s0.m!));
    const last = res.final;
    const [r, K, Ng, R] = [3, 3, 3, 2];
    for (let k = 0; k < r * r; k++) {
      let s = 0;
      for (let g = 0; g < Ng; g++) s += last.q![g * r * r + k];
      expect(s).toBeCloseTo(last.Q[k], 12);
    }
    for (let c = 0; c < K; c++)
      for (let k = 0; k < r; k++) {
        let s = 0;
        for (let g = 0; g < Ng; g++) s += last.m![(c * Ng + g) * r + k];
        expect(s).toBeCloseTo(last.M![c * r + k], 12);
      }
    for (let k = 0; k < r * R; k++) {
      let s = 0;
      for (let g = 0; g < Ng; g++) s += last.g![g * r * R + k];
      expect(s).toBeCloseTo(last.G![k], 12);
    }
    // M^1 = w^T mu_1 / sqrt d = 3 w_{0,:} / sqrt d
    for (let k = 0; k < r; k++) expect(s0.M![k]).toBeCloseTo((3 * w0.data[k]) / Math.sqrt(d), 14);
    expect(Array.from(res.records.step)).toEqual([0, 100, 200, 300]);
    expect(res.records.tau[3]).toBeCloseTo((2 * 0.2 * 300) / d, 14);
  });

  it('warmStart puts 0.1 sqrt(d) mu_k in column k', () => {
    const d = 16;
    const w = warmStart(trimodalMus(d), d, 4);
    expect(w.get(0, 0)).toBeCloseTo(0.1 * 4 * 3, 14);
    expect(w.get(1, 1)).toBeCloseTo(-1.2, 14);
    expect(w.get(0, 2)).toBeCloseTo(-1.2, 14);
    for (let i = 0; i < d; i++) expect(w.get(i, 3)).toBe(0);
  });
});
