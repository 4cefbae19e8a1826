/**
 * The finite-d skip correction (finiteDSkipCorrection, spec §4.2) against online SGD: trimodal GMM T1,
 * tanh, r = 2, warm start 0.1 sqrt(d) mu_{1,2}, b trained from 0, eta = 0.2, G = {1/2}, tau <= 4,
 * R = 8 replicates at d = 250 and 1000; the prediction runs along the ODE path started from the SGD
 * run's initial statistics.
 *
 * Error model. eq. 11 (d -> infinity) misses the SGD mean of b by a deterministic O(1/d) offset:
 * measured d max_tau |mean - eq. 11| = 1.96 (d = 250, R = 32) and 2.05 (d = 1000, R = 16). The
 * corrected prediction is exact for the mean up to O(d^-2) (the network term along the ODE path instead
 * of each run's), so per record
 *   |b_corrected - mean of R runs| <= K_SE * sd / sqrt(R) + C_D2 / d^2,
 * K_SE = 4 (8 runs, 16 records); C_D2 measured once as max (|b_corrected - mean| - 2 se) d^2 with
 * R = 32 (d = 250) and R = 16 (d = 1000): 0 at both (the residual is within 2 se: 1.8 and 2.0 se),
 * so C_D2 = 20 (3e-4 at d = 250, 2e-5 at d = 1000, about one se) bounds it with margin.
 * Asserted: the corrected prediction passes; eq. 11 fails the same tolerance by > 2x at both d (measured 3.7, 5.2); the
 * corrected residual is below a quarter of eq. 11's; d x (eq. 11's residual) is the same at both d
 * (the O(1/d) law, ratio within [0.75, 1.33]).
 */
import { tiedDae } from '@diffusion-theory/denoisers';
import { Rng, linearInterpolant } from '@diffusion-theory/kernel';
import { trimodalGmm } from '@diffusion-theory/targets';
import { onlineSgd, warmStart } from '@diffusion-theory/trainers';
import { describe, expect, test } from 'vitest';
import { solveDaeOde } from './dae-solve.js';
import { finiteDSkipCorrection } from './skip-finite-d.js';

const schedule = linearInterpolant();
const eta = 0.2;
const tauMax = 4;
const R = 8;
const K_SE = 4;
const C_D2 = 20;
const grid = { times: [0.5] };

function compare(d: number) {
  const target = trimodalGmm(d);
  const mus = target.means();
  const w = warmStart(mus, d, 2);
  const runs = Array.from({ length: R }, (_, j) =>
    onlineSgd({ model: tiedDae({ d, r: 2, activation: 'tanh', w, b: 0 }), target, schedule, grid, eta, tauMax, rng: new Rng(2025).named('finite-d-skip', d, j), record: { tauEvery: 0.25, mus, E: target.reference(), groups: target.groups } }),
  );
  const saveAt = Array.from(runs[0].records.tau);
  const spec = target.constants();
  const ode = solveDaeOde({ spec, r: 2, activation: 'tanh', grid, schedule, eta, lambda: 0, init: runs[0].initial, tauMax: saveAt[saveAt.length - 1], saveAt });
  const pred = finiteDSkipCorrection({ record: ode, spec, d, activation: 'tanh', grid, schedule, eta, secondMoment: target.secondMoment() });
  let corrRatio = 0;
  let infRatio = 0;
  let corrRes = 0;
  let infRes = 0;
  for (let n = 1; n < saveAt.length; n++) {
    const xs = runs.map((r) => r.records.b[n]);
    const mean = xs.reduce((a, b) => a + b, 0) / R;
    const se = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1)) / Math.sqrt(R);
    const tol = K_SE * se + C_D2 / (d * d);
    corrRatio = Math.max(corrRatio, Math.abs(pred.b[n] - mean) / tol);
    infRatio = Math.max(infRatio, Math.abs(pred.bInfinite[n] - mean) / tol);
    corrRes = Math.max(corrRes, Math.abs(pred.b[n] - mean));
    infRes = Math.max(infRes, Math.abs(pred.bInfinite[n] - mean));
  }
  return { corrRatio, infRatio, corrRes, infRes, pred, ode };
}

describe('finite-d skip correction vs online SGD', () => {
  test('beats eq. 11 at d = 250 and 1000; eq. 11 is off by O(1/d), the corrected prediction within the standard error', () => {
    const at = { 250: compare(250), 1000: compare(1000) };
    for (const [d, c] of Object.entries(at)) {
      console.log(`[finite-d skip d = ${d}] max |b_corr - mean| = ${c.corrRes.toExponential(2)} (${c.corrRatio.toFixed(2)} tol), max |eq.11 - mean| = ${c.infRes.toExponential(2)} (${c.infRatio.toFixed(1)} tol, x d = ${(c.infRes * Number(d)).toFixed(2)})`);
      // eq. 11 through the ODE and in closed form agree (same theory, so only as a precondition)
      for (let n = 0; n < c.ode.b.length; n++) expect(Math.abs(c.ode.b[n] - c.pred.bInfinite[n])).toBeLessThan(1e-9);
      expect(c.corrRatio).toBeLessThanOrEqual(1);
      expect(c.infRatio).toBeGreaterThan(2);
      expect(c.corrRes).toBeLessThan(0.25 * c.infRes);
    }
    const law = (at[1000].infRes * 1000) / (at[250].infRes * 250);
    expect(law).toBeGreaterThan(0.75);
    expect(law).toBeLessThan(1.33);
  });
});
