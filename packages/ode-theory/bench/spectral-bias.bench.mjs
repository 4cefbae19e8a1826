// Benchmark of the spectral-bias closed forms (spec spectral-bias §5.4, §6, §9), picked up by tooling/bench:
// the generated variance of every mode of a d = 256 quantile log-normal spectrum over a 200-point training-time grid
// (51,200 evaluations of Prop 4.2, each four E1 values), and the same grid for Prop 5.1 and the flow-matching closed form.
import { quantileLogNormalSpectrum } from '@diffusion-theory/targets';
import { fmOneLayerVariance, oneLayerGeneratedVariances, prop51Variance } from '../dist/index.js';

const d = 256;
const nTau = 200;
let lam;
let taus;
function setup() {
  lam = quantileLogNormalSpectrum(d);
  taus = Array.from({ length: nTau }, (_, i) => 1e-3 * 1e6 ** (i / (nTau - 1)));
}

export const workloads = [
  {
    name: 'Prop 4.2 generated variance, d = 256 modes x 200 training times',
    params: { d, nTau },
    setup,
    run() {
      let s = 0;
      for (const tau of taus) s += oneLayerGeneratedVariances(lam, { tau, Q: 0.1 })[0];
      if (!Number.isFinite(s)) throw new Error('non-finite');
    },
  },
  {
    name: 'Prop 5.1 (two-layer) generated variance, d = 256 x 200 training times',
    params: { d, nTau },
    setup,
    run() {
      let s = 0;
      for (const tau of taus) for (let k = 0; k < d; k++) s += prop51Variance({ lambda: lam[k], Q: 0.1, tau });
      if (!Number.isFinite(s)) throw new Error('non-finite');
    },
  },
  {
    name: 'flow-matching one-layer closed form, d = 256 x 200 training times',
    params: { d, nTau },
    setup,
    run() {
      let s = 0;
      for (const tau of taus) for (let k = 0; k < d; k++) s += fmOneLayerVariance({ lambda: lam[k], Q: 0.1, tau });
      if (!Number.isFinite(s)) throw new Error('non-finite');
    },
  },
];
