import { convergedVariance, oneLayerModeGain, prop42Variance, prop51Variance, twoLayerModeGain } from '@diffusion-theory/ode-theory';
import { linePanel, withTitle } from '@diffusion-theory/plots';
import { quantileLogNormalSpectrum, rotatedLogNormalGaussian } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { agreement, bound, type Check, property, type Series } from '../result.js';
import { checkpointEmergence, finitePairs, logGrid, S0, ST, simulateModes, theoryEmergence } from './linear-glue.js';

const params = z.object({
  d: z.number().int().min(8).max(1024).describe('data dimension d (number of modes)'),
  spectrum: z.enum(['quantile', 'random']).describe("log-normal spectrum: deterministic quantiles or exp(randn) (seeded), mean 1 (spec §13.1)"),
  Q: z.number().min(0).max(0.45).describe('aligned initial gain Q (same for every mode and sigma; < 0.5 keeps every mode on the rising branch)'),
  eta: z.number().positive().max(10).describe('learning rate eta (closed forms depend on eta tau only)'),
  simModes: z.number().int().min(4).max(64).describe('modes simulated numerically (evenly spaced in the spectrum)'),
  checkpoints: z.number().int().min(10).max(200).describe('log-spaced checkpoints of training time tau in [tauMin, tauMax]'),
  tauMin: z.number().positive().describe('first checkpoint'),
  tauMax: z.number().positive().max(1000).describe('last checkpoint'),
  odeSteps: z.number().int().min(20).max(3000).describe('RK4 steps in ln sigma of the simulated PF-ODE over [0.002, 80]'),
});

export default defineExperiment({
  id: 'wang25-linear-modes',
  title: 'Spectral bias of linear denoisers: weight and generated-variance trajectories, emergence time vs lambda',
  paper: 'Wang & Pehlevan 2025, "An analytical theory of spectral bias in the learning dynamics of diffusion models", Fig. 2 A-F',
  description:
    'Zero-mean Gaussian with a log-normal spectrum (d modes). One-layer W_sigma and symmetric two-layer W_sigma = P P^T, aligned init Q, one set of ' +
    'weights per noise level, full-batch gradient flow on the exact denoising loss; generated distribution by the exact PF-ODE over [0.002, 80]. ' +
    'Theory: per-mode closed forms (eq. 7, logistic), Prop 4.2 (E1) and Prop 5.1. Simulation: RK4 gradient flow of the moment loss at every sigma ' +
    'visited by an RK4 PF-ODE integration in ln sigma (data eigenbasis; Gaussian equivalence). Checks: closed-form weights vs gradient flow, ' +
    'Prop 4.2 / 5.1 vs the integrated PF-ODE, the sign of Lemma 4.1, two-layer weight emergence at ln 2 / (8 eta lambda), and the emergence ' +
    'exponent (spec §15 items 4-7, 13).',
  params,
  defaults: {
    quick: { d: 256, spectrum: 'quantile', Q: 0.1, eta: 1, simModes: 12, checkpoints: 60, tauMin: 1e-3, tauMax: 60, odeSteps: 120 },
    paper: { d: 256, spectrum: 'random', Q: 0.1, eta: 1, simModes: 32, checkpoints: 120, tauMin: 1e-4, tauMax: 200, odeSteps: 400 },
  },
  default: true,
  validate: (p) => (p.tauMax > p.tauMin ? [] : ['tauMax: expected > tauMin']),
  perturbations: {
    eta: 'the learning rate in the closed forms (the rate 2 eta (sigma^2 + lambda) of eq. 7 and 8 eta lambda of the logistic)',
    Q: 'the initial gain Q in the closed forms',
  },
  async run(ctx) {
    const p = ctx.params;
    const lam = p.spectrum === 'quantile' ? quantileLogNormalSpectrum(p.d) : rotatedLogNormalGaussian({ dim: p.d, rng: ctx.rng.named('data'), rotation: 'identity' }).spectrum;
    const etaT = ctx.perturb('eta', p.eta);
    const QT = ctx.perturb('Q', p.Q);
    const idx = Array.from({ length: p.simModes }, (_, i) => Math.round((i * (p.d - 1)) / (p.simModes - 1)));
    const simLam = idx.map((k) => lam[k]);
    const times = logGrid(p.tauMin, p.tauMax, p.checkpoints);
    const checks: Check[] = [];
    const series: Series[] = [];
    const models = [
      { key: 'one-layer' as const, gain: oneLayerModeGain, gen: (l: number, tau: number) => prop42Variance({ lambda: l, Q: QT, tau, eta: etaT }) },
      { key: 'two-layer' as const, gain: twoLayerModeGain, gen: (l: number, tau: number) => prop51Variance({ lambda: l, Q: QT, tau, eta: etaT }) },
    ];
    const panels = [];
    for (const m of models) {
      const ph = ctx.progress.phase(`simulate ${m.key}`, 1);
      const sim = simulateModes({ lambdas: simLam, model: m.key, Q: p.Q, eta: p.eta, times, odeSteps: p.odeSteps, dtMax: 0.01 });
      ph.done();
      // item 4 / 7: closed-form weights vs numerical gradient flow, at sigma = 1 (node nearest 1)
      const j1 = Math.round((2 * p.odeSteps * Math.log(ST)) / (Math.log(ST) - Math.log(S0)));
      const s1 = sim.sigmaAt(j1);
      let wErr = 0;
      for (let r = 0; r < times.length; r++) for (const [i, l] of simLam.entries()) wErr = Math.max(wErr, Math.abs(sim.gains[r][j1][i] - m.gain({ lambda: l, sigma: s1, Q: QT, tau: times[r], eta: etaT })));
      checks.push(agreement(`${m.key}: max |closed-form weight - gradient flow| at sigma = ${s1.toFixed(3)}`, wErr, 0, 1e-6, 'RK4 in tau, adaptive per mode with (local rate) x dt <= 0.03: global truncation error ~ (rate dt)^4 / 120 ~ 1e-8 (measured 1e-8 one-layer, 3e-7 two-layer); a wrong rate moves the weights by O(0.1).'));
      // item 5: closed-form generated variance vs integrated PF-ODE
      let vErr = 0;
      for (let r = 0; r < times.length; r++) for (const [i, l] of simLam.entries()) vErr = Math.max(vErr, Math.abs(Math.log(sim.variances[r][i] / m.gen(l, times[r]))));
      checks.push(agreement(`${m.key}: max |log(closed-form / PF-ODE) generated variance|`, vErr, 0, 2e-4, `RK4 with ${p.odeSteps} steps in ln sigma: error ~ h^4 (measured 8e-6 at 120 steps, 1e-4 at 60); the gradient-flow error adds < 1e-6; a factor 2 in eta gives O(1).`));
      // emergence: theory over all d modes, simulation over the simulated modes
      const vInf = (k: number) => convergedVariance(lam[k]);
      const geo = theoryEmergence(lam, (k, t) => m.gen(lam[k], t), vInf, 'geometric');
      const har = theoryEmergence(lam, (k, t) => m.gen(lam[k], t), vInf, 'harmonic');
      const sEm = checkpointEmergence(times, sim.variances, simLam.map((l) => m.gen(l, 0)), simLam.map((l) => convergedVariance(l)), simLam, 'geometric');
      const alphaSim = sEm.fit?.alpha ?? Number.NaN;
      const sub = theoryEmergence(simLam, (k, t) => m.gen(simLam[k], t), (k) => convergedVariance(simLam[k]), 'geometric').fits.increasing?.alpha ?? Number.NaN;
      checks.push(agreement(`${m.key}: emergence exponent of the simulation vs theory (same ${p.simModes} modes, geometric)`, alphaSim, sub, 0.01, 'Checkpoint log-log interpolation: 60 checkpoints over 4.8 decades move alpha by < 2e-3 (spec §12: 1.3e-4 for 60 over 7); a wrong eta shifts tau* but keeps alpha, caught by the variance check.'));
      const aG = geo.fits.increasing?.alpha ?? Number.NaN;
      const aH = har.fits.increasing?.alpha ?? Number.NaN;
      if (m.key === 'one-layer' && p.d === 256 && Math.abs(p.Q - 0.1) < 1e-12) {
        checks.push(bound('one-layer theory exponent, geometric (spec §15 item 13: 1.014 +- 0.005)', aG, { lower: 1.009, upper: 1.019 }, `R^2 = ${geo.fits.increasing?.r2.toFixed(6)}, N = ${geo.fits.increasing?.n}; spec reports 1.0137-1.0143 for d in {128, 256, 512}.`));
        checks.push(bound('one-layer theory exponent, harmonic (spec: 1.170 +- 0.005)', aH, { lower: 1.165, upper: 1.175 }, `N = ${har.fits.increasing?.n}.`));
      }
      ctx.log(`${m.key}: alpha geometric ${aG.toFixed(4)} (R2 ${geo.fits.increasing?.r2.toFixed(6)}), harmonic ${aH.toFixed(4)}, simulated ${alphaSim.toFixed(4)}`);
      if (m.key === 'two-layer') {
        // item 7: weight emergence at ln 2 / (8 eta lambda) from the simulated weight trajectory (harmonic criterion)
        const K = simLam.map((l) => l / (l + s1 * s1));
        const wEm = checkpointEmergence(times, sim.gains.map((g) => Array.from(g[j1])), simLam.map(() => p.Q), K, simLam, 'harmonic');
        const ratio = Math.max(...wEm.taus.map((t, i) => Math.abs(Math.log((t * 8 * etaT * simLam[i]) / Math.LN2))).filter(Number.isFinite));
        checks.push(agreement('two-layer: max |log(simulated weight emergence x 8 eta lambda / ln 2)|', ratio, 0, 0.02, 'Harmonic criterion on the simulated h(tau) at sigma ~ 1; log-log checkpoint interpolation error ~ (grid spacing)^2 ~ 1e-2.'));
      }
      // Lemma 4.1 sign (item 6): the opposite sign of the exponent is off by orders of magnitude
      if (m.key === 'one-layer') {
        const l = simLam[0];
        const r = Math.min(times.length - 1, Math.floor(times.length / 2));
        const right = sim.variances[r][0];
        const wrong = (ST * ST) ** 2 / right; // exponent +int -> -int
        checks.push(property('Lemma 4.1 sign: the opposite sign disagrees with the PF-ODE by > 3 decades', Math.abs(Math.log10(wrong / m.gen(l, times[r]))) > 3, 'spec §16 item 1'));
      }
      // series and panels
      const show = [0, Math.floor(p.simModes / 3), Math.floor((2 * p.simModes) / 3), p.simModes - 1];
      const wS: Series[] = [];
      const vS: Series[] = [];
      for (const i of show) {
        const g = `λ = ${simLam[i].toPrecision(3)}`;
        wS.push({ name: `${g} closed form`, kind: 'theory', group: g, x: times, y: times.map((t) => m.gain({ lambda: simLam[i], sigma: s1, Q: QT, tau: t, eta: etaT })) });
        wS.push({ name: `${g} gradient flow`, kind: 'simulation', group: g, x: times, y: sim.gains.map((row) => row[j1][i]) });
        vS.push({ name: `${g} Prop ${m.key === 'one-layer' ? '4.2' : '5.1'}`, kind: 'theory', group: g, x: times, y: times.map((t) => m.gen(simLam[i], t) / simLam[i]) });
        vS.push({ name: `${g} PF-ODE`, kind: 'simulation', group: g, x: times, y: sim.variances.map((row) => row[i] / simLam[i]) });
      }
      const fit = geo.fits.increasing;
      const eS: Series[] = [
        { name: 'theory τ* (all modes)', kind: 'theory', group: 'τ*', ...finitePairs(lam, geo.taus) },
        { name: 'simulated τ*', kind: 'simulation', group: 'τ* sim', ...finitePairs(simLam, sEm.taus) },
        ...(fit ? [{ name: `fit α = ${fit.alpha.toFixed(3)}`, kind: 'target' as const, group: 'fit', x: [lam[p.d - 1], lam[0]], y: [lam[p.d - 1], lam[0]].map((l) => 10 ** fit.intercept * l ** -fit.alpha) }] : []),
      ];
      series.push(...wS, ...vS, ...eS);
      panels.push({
        hconcat: [
          linePanel({ series: wS, xTitle: 'training time τ', yTitle: `weight u_kᵀW u_k at σ = ${s1.toFixed(2)}`, title: `${m.key}: weights`, xScale: 'log', markerEvery: 3 }),
          linePanel({ series: vS, xTitle: 'training time τ', yTitle: 'generated variance / λ_k', title: `${m.key}: generated variance`, xScale: 'log', yScale: 'log', markerEvery: 3 }),
          linePanel({ series: eS, xTitle: 'mode variance λ', yTitle: 'emergence time τ* (geometric)', title: `${m.key}: τ* vs λ`, xScale: 'log', yScale: 'log' }),
        ],
      });
    }
    const caption = ctx.caption(`Dashed: closed forms (eq. 7 / logistic; Prop 4.2 / 5.1; emergence roots). Solid + markers: RK4 gradient flow of the moment loss at each sigma, then RK4 PF-ODE with ${p.odeSteps} steps in ln sigma, ${p.simModes} of ${p.d} modes. Dotted: power-law fit of the theory τ*.`);
    await ctx.figure('linear-modes', withTitle({ vconcat: panels, resolve: { scale: { color: 'independent' } } }, 'Spectral bias of linear denoisers (Fig. 2)', caption), caption);
    return { series, checks };
  },
});
