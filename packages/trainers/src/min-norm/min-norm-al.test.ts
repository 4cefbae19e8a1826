import { orthogonalMinCost, shallowReluForward, shallowReluPathNorm } from '@diffusion-theory/denoisers';
import { DomainError, Rng, ShapeError } from '@diffusion-theory/kernel';
import { noisyTrainingSet, orthogonalDataset } from '@diffusion-theory/targets';
import { describe, expect, it } from 'vitest';
import { minNormAugmentedLagrangian, weightDecayTraining } from './min-norm-al.js';

// 3 orthonormal points + origin in R^3, 20 noisy copies each at sigma = 0.05.
const ds = orthogonalDataset({ n: 3, d: 3 });
const set = noisyTrainingSet(ds, { M: 20, sigma: 0.05, rng: new Rng(1) });
// eq 17 maps the whole box {|c_j - x_kj| <= rho for all j} to x_k, so at rho_inf = the largest coordinate deviation
// of a noisy copy it interpolates every sample: its cost is that of a feasible interpolant (an upper bound of the min).
let rhoInf = 0;
for (let i = 0; i < set.inputs.length; i++) rhoInf = Math.max(rhoInf, Math.abs(set.inputs[i] - set.targets[i]));
const closed = orthogonalMinCost(ds, { rho: rhoInf });

describe('min-norm training (spec §9)', () => {
  it('augmented Lagrangian interpolates to 1e-3 with a cost within 15 % of the closed form at rho_inf', () => {
    const r = minNormAugmentedLagrangian({ set, K: 32, rng: new Rng(2), innerSteps: 1500, lr: (j) => 1e-2 * 2 ** -j });
    expect(r.history).toHaveLength(8);
    const last = r.history[7];
    expect(last.maxResidual).toBeLessThan(1e-3);
    // the constraint violation shrinks across outer steps
    expect(last.maxResidual).toBeLessThan(r.history[3].maxResidual);
    const ratio = shallowReluPathNorm(r.params) / closed.cost;
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
    // the eq-4 export reproduces the net
    const a = shallowReluForward(r.params, set.inputs, set.size);
    const b = r.net.forward(set.inputs, set.size);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-12);
  }, 30_000);

  it('weight decay fits to within the noise and has a path norm below the closed form', () => {
    const w = weightDecayTraining({ set, K: 32, rng: new Rng(2), lambda: 1e-3, steps: 4000, lr: 1e-2 });
    const last = w.history[w.history.length - 1];
    expect(last.rmsResidual).toBeLessThan(0.05);
    expect(last.pathNorm).toBeLessThan(closed.cost);
    expect(last.pathNorm).toBeGreaterThan(0.1 * closed.cost);
  }, 30_000);

  it('bad input is refused', () => {
    expect(() => minNormAugmentedLagrangian({ set: { ...set, size: 3 }, K: 4, rng: new Rng(1) })).toThrow(ShapeError);
    expect(() => minNormAugmentedLagrangian({ set, K: 4, rng: new Rng(1), eta: -1 })).toThrow(DomainError);
    expect(() => weightDecayTraining({ set, K: 4, rng: new Rng(1), lambda: -1, steps: 1 })).toThrow(DomainError);
  });
});
