/**
 * Theory vs simulation on the spiked target (spec §3.3 fixture, §11 verified case): eigenvalues 8 and 4 on
 * e1, e2 as microscopic groups (factor form, rho = 0), 0.3 on the bulk; tanh, r = 2, random N(0,1) init,
 * eta = 0.2, lambda = 0, G = {1/2}, d = 1000. Random initial overlaps with the spikes are O(d^{-1/2}) and
 * decide which unit learns which spike, so the ODE starts from the actual initial weights (spec §4.8); the
 * runs share those weights and differ in their data streams, and the ODE is compared with their mean.
 */
import { tiedDae } from '@diffusion-theory/denoisers';
import { NDArray, Rng, linearInterpolant } from '@diffusion-theory/kernel';
import { spiked } from '@diffusion-theory/targets';
import { onlineSgd } from '@diffusion-theory/trainers';
import { expect, test } from 'vitest';
import { initialStateFromWeights, solveDaeOde } from './dae-solve.js';

test('spiked target: ODE vs the mean of online-SGD runs at d = 1000, within their standard error plus O(1/sqrt d)', () => {
  const d = 1000;
  const S = 4;
  const schedule = linearInterpolant();
  const target = spiked(d);
  const Ng = target.groupSizes.length;
  const zeroMu = new NDArray(new Float64Array(d), [1, d]);
  const w0 = new NDArray(new Rng(21).normals(d * 2), [d, 2]);
  const runs = Array.from({ length: S }, (_, j) => {
    const model = tiedDae({ d, r: 2, activation: 'tanh', w: w0, b: 0 });
    return onlineSgd({ model, target, schedule, eta: 0.2, lambda: 0, tauMax: 3, rng: new Rng(100 + j), record: { tauEvery: 0.25, mus: zeroMu, E: target.reference(), groups: target.groups } }).records;
  });
  const init = initialStateFromWeights(w0, { groups: target.groups, Ng, microscopic: target.microscopic }, zeroMu, target.reference());
  const ode = solveDaeOde({ spec: target.constants(), r: 2, activation: 'tanh', grid: { times: [0.5] }, schedule, eta: 0.2, lambda: 0, init, tauMax: 3, saveAt: Array.from(runs[0].tau) });
  let worst = 0;
  let worstAt = '';
  let scale = 0;
  for (let n = 0; n < ode.tau.length; n++) {
    for (let k = 0; k < 8; k++) {
      const th = k < 4 ? ode.Q[n * 4 + k] : ode.G[n * 4 + k - 4];
      const xs = runs.map((r) => (k < 4 ? r.Q[n * 4 + k] : r.G![n * 4 + k - 4]));
      const mean = xs.reduce((a, b) => a + b, 0) / S;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (S - 1));
      scale = Math.max(scale, Math.abs(th));
      // k = 4 standard errors of the S-run mean, plus the O(1/sqrt(d)) finite-size term (2 / sqrt(d) ~ 0.06)
      const ratio = Math.abs(th - mean) / ((4 * sd) / Math.sqrt(S) + 2 / Math.sqrt(d));
      if (ratio > worst) {
        worst = ratio;
        worstAt = `tau=${ode.tau[n].toFixed(2)} stat=${k < 4 ? 'Q' : 'G'}${k % 4} ode=${th.toFixed(4)} mean=${mean.toFixed(4)} sd=${sd.toFixed(4)}`;
      }
    }
  }
  console.log(`[spiked] worst |ODE - mean| / tolerance = ${worst.toFixed(3)} (${worstAt}); max |Q| ${scale.toFixed(3)}`);
  expect(scale).toBeGreaterThan(1); // the spikes are learned: overlaps grow from ~1/sqrt(d) to O(1)
  expect(worst).toBeLessThan(1);
});
