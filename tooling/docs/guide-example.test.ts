// The example of docs/guide.md, run at a small size so the guide cannot silently rot.
import { Rng, linearInterpolant } from '@diffusion-theory/kernel';
import { tiedDae } from '@diffusion-theory/denoisers';
import { solveDaeOde } from '@diffusion-theory/ode-theory';
import { sampleInterpolant } from '@diffusion-theory/samplers';
import { trimodalGmm } from '@diffusion-theory/targets';
import { onlineSgd, warmStart } from '@diffusion-theory/trainers';
import { expect, test } from 'vitest';

test('docs/guide.md example: SGD and ODE share one record shape and agree at d = 400', () => {
  const d = 400;
  const r = 2;
  const rng = new Rng(1);
  const schedule = linearInterpolant();
  const target = trimodalGmm(d);
  const model = tiedDae({ d, r, activation: 'tanh', w: warmStart(target.means(), d, r) });
  const sim = onlineSgd({
    model, target, schedule, eta: 0.2, tauMax: 1, rng: rng.stream(0),
    record: { every: 100, mus: target.means(), E: target.reference(), groups: target.groups },
  });
  const theory = solveDaeOde({
    spec: target.constants(), r, activation: 'tanh', grid: { times: [0.5] }, schedule, eta: 0.2, lambda: 0,
    init: { ...sim.initial, q: sim.initial.q!, m: sim.initial.m! }, tauMax: 1, saveAt: Array.from(sim.records.tau),
  });
  expect(theory.tau.length).toBe(sim.records.tau.length);
  const last = theory.tau.length - 1;
  // M^1_1 grows from 0.3 * ... to O(1); at d = 400 the run-to-run fluctuation is ~ 1/sqrt(d) * O(1)
  const mTheory = theory.M[(last * 3 + 0) * r + 0];
  const mSim = sim.records.M![(last * 3 + 0) * r + 0];
  expect(Math.abs(mTheory - mSim)).toBeLessThan(0.3);
  expect(mTheory).toBeGreaterThan(1);
  const { samples } = sampleInterpolant({ denoiser: model, schedule, n: 200, rng: rng.stream(1), tEnd: 0.9, steps: 90 });
  expect(samples.shape).toEqual([200, d]);
  expect(samples.data.every(Number.isFinite)).toBe(true);
});
