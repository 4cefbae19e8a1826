import { NDArray, type Rng, type SummaryStats, gaussianKde2d, matmul, statsAt } from '@diffusion-theory/kernel';
import { bimodalityDip, hellingerProjected, meanDifference, studentTQuantile, tMultiplier } from '@diffusion-theory/metrics';
import { projectedGenerated } from '@diffusion-theory/ode-theory';
import { densityPanel, evalGrid, linePanel, withTitle } from '@diffusion-theory/plots';
import { bimodalGmm, projectMixture, projectedDensity, projectedMarginal } from '@diffusion-theory/targets';
import { warmStart } from '@diffusion-theory/trainers';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { type Check, type Series, agreement, bound } from '../result.js';
import { type DaeSetup, SCHEDULE, column, generate, recordGrid, recordIndex, samplerGridProblems, theoryOnRecords, trainReplicates } from './dae-runs.js';

const params = z.object({
  d: z.number().int().min(20).max(5000).describe('dimension d of the data'),
  tauMax: z.number().positive().max(30).describe('final training time tau = 2 eta n / d'),
  tauEvery: z.number().positive().max(1).describe('training time between ODE / SGD records'),
  eta: z.number().positive().max(1).describe('SGD learning rate eta'),
  lambda: z.number().min(0).max(10).describe('weight decay lambda (spec reading of Fig. 2: 1.5)'),
  lossTimes: z.array(z.number().min(0.05).max(0.95)).min(1).max(4).describe('loss time grid G (uniform weights)'),
  norm: z.number().positive().max(5).describe('centroid norm |mu| of the bimodal target (1/2) N(+-mu, sigma^2 I)'),
  sigma: z.number().positive().max(3).describe('cluster standard deviation sigma'),
  initScale: z.number().min(0).max(1).describe('warm start w = initScale sqrt(d) mu (r = 1)'),
  N: z.number().int().min(2).max(2000).describe('sampler grid t_k = k/N (Euler steps of size 1/N)'),
  tf: z.number().min(0.5).max(0.99).describe('final sampling time t_f (round(t_f N) Euler steps)'),
  nSamples: z.number().int().min(200).max(50000).describe('generated samples per density / Hellinger estimate (spec §7: 5000), theory and simulation alike'),
  panelTaus: z.array(z.number().min(0).max(30)).min(1).max(6).describe('training times of the density panels'),
  hellingerTaus: z.array(z.number().min(0).max(30)).min(2).max(12).describe('training times of the simulated Hellinger markers (d-dimensional sampling) and of the checks'),
  dipTau: z.number().min(0).max(30).describe('training time of the bimodality checks (Fig. 2: the modes are clearest at intermediate tau)'),
  replicates: z.number().int().min(3).max(32).describe('independent SGD runs R (and R fresh Monte-Carlo evaluations of the theory); the tolerances are standard errors of their means'),
});

const ALPHA = 0.02;
/** Finite-d allowance of H^2 (trained models vs the d -> infinity ODE), c / sqrt(d) (measured; see the note). */
const C_H2 = 0.06;

export default defineExperiment({
  id: 'cui25-bimodal',
  title: 'Bimodal GMM: generated density over training time and its Hellinger distance to the target',
  paper: 'Cui, Pehlevan, Lu 2025 (arXiv:2501.03937), Fig. 2',
  description:
    'Target T2 = (1/2) N(mu, sigma^2 I) + (1/2) N(-mu, sigma^2 I), |mu| = 2, sigma = 1; tied DAE with r = 1 tanh unit, eta = 0.2, lambda = 1.5, G = {0.5}, ' +
    'warm start w = 0.1 sqrt(d) mu, b0 = 0, trained by online SGD. Sampling: probability-flow ODE (epsilon = 0) on the grid k/N up to t_f = 0.9. ' +
    'Theory: Result 2.1 ODE for (Q, G, b), then Corollary 2.3 samples of E^T X_tf (E = (e1, e2), the plane containing mu). Simulation: SGD-trained ' +
    'weights, through Cor. 2.3 (exact at finite d given w) and through the d-dimensional sampler. Left: projected densities at several tau. ' +
    'Right: squared Hellinger distance H^2 on span(mu) (spec §7: Scott KDE on 4000 points of [-10, 10]). Checks: H^2 of the ODE theory vs the mean ' +
    'over R trained models, the d-dimensional sampler vs Cor. 2.3 with the same weights, H^2 decreasing, and a bimodality dip.',
  params,
  defaults: {
    quick: { d: 300, tauMax: 6, tauEvery: 0.1, eta: 0.2, lambda: 1.5, lossTimes: [0.5], norm: 2, sigma: 1, initScale: 0.1, N: 100, tf: 0.9, nSamples: 2000, panelTaus: [0.5, 1.5, 3, 6], hellingerTaus: [0.5, 1, 1.5, 2, 3, 4.5, 6], dipTau: 3, replicates: 8 },
    paper: { d: 1000, tauMax: 6, tauEvery: 0.05, eta: 0.2, lambda: 1.5, lossTimes: [0.5], norm: 2, sigma: 1, initScale: 0.1, N: 100, tf: 0.9, nSamples: 5000, panelTaus: [0.5, 1.5, 3, 6], hellingerTaus: [0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6], dipTau: 3, replicates: 12 },
  },
  default: true,
  validate: (p) => [
    ...samplerGridProblems(p),
    ...[...p.panelTaus, ...p.hellingerTaus, p.dipTau].filter((t) => t > p.tauMax).map((t) => `panelTaus / hellingerTaus / dipTau: ${t} is beyond tauMax = ${p.tauMax}`),
  ],
  perturbations: {
    lambda: 'the weight decay lambda in the ODE (sets the plateau of Q and so the generated spread)',
    b: 'the skip connection b handed to Corollary 2.3 (Delta_t = b Gamma_t + alpha\'/alpha)',
  },
  async run(ctx) {
    const p = ctx.params;
    const { d, replicates: R, nSamples: n } = p;
    const r = 1;
    const target = bimodalGmm(d, { norm: p.norm, sigma: p.sigma });
    const setup: DaeSetup = { target, r, activation: 'tanh', w: warmStart(target.means(), d, r, p.initScale), eta: p.eta, lambda: p.lambda, lossTimes: p.lossTimes, tauMax: p.tauMax, tauEvery: p.tauEvery };
    const hIdx = [...new Set(recordIndex(setup, p.hellingerTaus))].sort((a, b) => a - b);
    const panelIdx = recordIndex(setup, p.panelTaus);
    const [dipIdx] = recordIndex(setup, [p.dipTau]);
    const snapIdx = [...new Set([...hIdx, ...panelIdx, dipIdx])].sort((a, b) => a - b);
    const runs = trainReplicates(ctx, setup, R, { checkpoints: snapIdx });
    const th = theoryOnRecords(ctx, { ...setup, lambda: ctx.perturb('lambda', p.lambda) }, runs[0].initial);
    const tau = Array.from(th.tau);
    const { spacing, records } = recordGrid(setup);

    // the exact projected target and its marginal on span(mu); Cor. 2.3 from statistics; H^2 on span(mu) (spec §7)
    const E = target.reference();
    const plane = projectMixture(target, E);
    const line = projectedMarginal(plane, [0]);
    const e1 = new NDArray(Float64Array.of(1, 0), [2, 1]);
    const cor23 = (st: SummaryStats, rng: Rng, m = n) =>
      projectedGenerated({ schedule: SCHEDULE, b: ctx.perturb('b', st.b), N: p.N, tf: p.tf, Q: new NDArray(st.Q, [r, r]), G: new NDArray(st.G!, [r, 2]), activation: 'tanh', n: m, rng }).X;
    const h2 = (X: NDArray) => hellingerProjected({ samples: X, density: (z) => projectedDensity(line, z), basis: e1, grid: { lo: -10, hi: 10, points: 4000 } }).h2;

    // theory curve with common random numbers (the same stream at every tau)
    const stride = Math.max(1, Math.round(0.25 / spacing));
    const curveIdx = [...new Set([...Array.from({ length: Math.floor(records / stride) + 1 }, (_, k) => k * stride), records])];
    const pc = ctx.progress.phase('theory H^2(tau) (Cor. 2.3 + KDE)', curveIdx.length);
    const h2Curve = curveIdx.map((i) => {
      const v = h2(cor23(statsAt(th, i), ctx.rng.named('theory-curve')));
      pc.tick();
      return v;
    });
    pc.done();

    // at each check tau: H^2 of the R trained models (Cor. 2.3) and R fresh evaluations of the ODE theory; the d-dim sampler of replicate 0
    const ps = ctx.progress.phase('H^2: replicates, theory, d-dimensional sampler', hIdx.length);
    const simPts = new Map<number, NDArray>();
    const rows = hIdx.map((i, k) => {
      const sim = runs.map((run, j) => h2(cor23(statsAt(run.records, i), ctx.rng.named('cor23-replicate', j, k))));
      const thv = Array.from({ length: R }, (_, j) => h2(cor23(statsAt(th, i), ctx.rng.named('cor23-theory', j, k))));
      const model = runs[0].checkpoints[snapIdx.indexOf(i)].model;
      simPts.set(i, matmul(generate(model, { n, N: p.N, tf: p.tf, rng: ctx.rng.named('sampler', i) }), E));
      ps.tick();
      return { i, sim, thv, dDim: h2(simPts.get(i)!), diff: meanDifference(sim, thv) };
    });
    for (const i of [...panelIdx, dipIdx]) {
      if (simPts.has(i)) continue;
      const model = runs[0].checkpoints[snapIdx.indexOf(i)].model;
      simPts.set(i, matmul(generate(model, { n, N: p.N, tf: p.tf, rng: ctx.rng.named('sampler', i) }), E));
    }
    ps.done();

    const checks: Check[] = [];
    const nChecks = 5;
    // (1) ODE theory vs the mean over R trained models (Welch, Bonferroni over taus and checks)
    const worst1 = rows
      .map((row) => ({ ...row, tol: tMultiplier(ALPHA, row.diff.dof, nChecks * hIdx.length) * row.diff.se + C_H2 / Math.sqrt(d) }))
      .reduce((a, b) => (Math.abs(b.diff.difference) / b.tol > Math.abs(a.diff.difference) / a.tol ? b : a));
    checks.push(
      agreement(
        `H^2 on span(mu): mean of ${R} SGD-trained models vs ODE theory (worst tau)`,
        worst1.diff.a.mean,
        worst1.diff.b.mean,
        worst1.tol,
        `Worst at tau = ${tau[worst1.i].toFixed(2)} of ${hIdx.length} taus. Both sides through Cor. 2.3 + KDE at n = ${n}: the simulation is the mean over R = ${R} SGD runs (their weights' O(d^{-1/2}) spread plus Monte-Carlo), the theory the mean ` +
          `of R fresh Monte-Carlo evaluations at the ODE state. Tolerance t_dof(1 - ${ALPHA}/(2 x ${nChecks} x ${hIdx.length})) x sqrt(se_sim^2 + se_th^2) (Welch dof ${worst1.diff.dof.toFixed(1)}, ` +
          `Bonferroni over taus and checks) + c/sqrt(d), c = ${C_H2}: the finite-d offset, measured once as |mean of 24 runs - theory| <= 0.005 at d = 300 and 600 (within their se ~0.003).`,
      ),
    );
    // (2) d-dimensional sampler vs Cor. 2.3 with the same weights (replicate 0): Monte-Carlo only, sd from the theory's fresh evaluations
    const worst2 = rows
      .map((row) => ({ ...row, tol: studentTQuantile(1 - ALPHA / (2 * nChecks * hIdx.length), R - 1) * Math.SQRT2 * row.diff.b.sd }))
      .reduce((a, b) => (Math.abs(b.dDim - b.sim[0]) / b.tol > Math.abs(a.dDim - a.sim[0]) / a.tol ? b : a));
    checks.push(
      agreement(
        'H^2: d-dimensional sampler vs Cor. 2.3 with the same weights (worst tau)',
        worst2.dDim,
        worst2.sim[0],
        worst2.tol,
        `Worst at tau = ${tau[worst2.i].toFixed(2)}. Cor. 2.3 is exact at finite d given w, so only Monte-Carlo error remains: two independent H^2 estimates at n = ${n}, each with the sd of the estimator measured ` +
          `by the R = ${R} fresh theory evaluations at that tau; tolerance t_${R - 1}(1 - ${ALPHA}/(2 x ${nChecks} x ${hIdx.length})) sqrt(2) sd_MC.`,
      ),
    );
    // (3) H^2 decreasing in tau (spec §9, Fig. 2, lambda = 1.5): the theory curve, common random numbers
    let rise = 0;
    for (let k = 1; k < h2Curve.length; k++) rise = Math.max(rise, h2Curve[k] - h2Curve[k - 1]);
    const sdMc = Math.max(...rows.map((row) => row.diff.b.sd));
    const qMc = studentTQuantile(1 - ALPHA / (2 * nChecks), R - 1);
    checks.push(bound('theory H^2(tau) decreasing: largest increase between consecutive taus', rise, { upper: qMc * sdMc }, `Spec §9 (Fig. 2): H decreases monotonically in tau for lambda = 1.5. One stream for every tau (common random numbers), so a rise beyond the Monte-Carlo sd of the H^2 estimator (largest over the check taus, ${sdMc.toPrecision(2)}) times t_${R - 1} = ${qMc.toFixed(2)} is a real increase.`));
    // (4) bimodality at dipTau: a KDE dip that can exceed 1, d-dim sampler vs Cor. 2.3 with the same weights, at one bandwidth
    const last = dipIdx;
    const qN = tMultiplier(ALPHA, 1e6, nChecks);
    const simLine = column(simPts.get(last)!, 0);
    const dipAt = { centre: 0, modes: [-p.tf * p.norm, p.tf * p.norm] as [number, number] }; // the modes of x_tf = alpha x0 + beta x1: -+beta_tf |mu|
    const dipSim = bimodalityDip(simLine, dipAt);
    const thX = cor23(statsAt(runs[0].records, last), ctx.rng.named('dip-theory'), 10 * n);
    const dipTh = bimodalityDip(column(thX, 0), { ...dipAt, bandwidth: dipSim.bandwidth });
    const odeX = cor23(statsAt(th, last), ctx.rng.named('dip-ode'), 10 * n);
    const dipOde = bimodalityDip(column(odeX, 0), { ...dipAt, bandwidth: dipSim.bandwidth });
    checks.push(
      agreement(
        'bimodality dip f(0) / mean f(+-t_f |mu|) at dipTau: d-dimensional sampler vs Cor. 2.3 with the same weights',
        dipSim.dip,
        dipTh.dip,
        qN * Math.hypot(dipSim.se, dipTh.se),
        `Kernel density at 0 over its mean at -+t_f |mu| = -+${(p.tf * p.norm).toFixed(2)}, the modes of the target's x_tf (bandwidth ${dipSim.bandwidth.toPrecision(3)}, the simulated sample's Scott width, for both; not <= 1 by construction). ` +
          `Standard errors by the delta method on the kernel terms (${n} simulated, ${10 * n} theory samples); tolerance z(1 - ${ALPHA}/(2 x ${nChecks})) = ${qN.toFixed(2)} x their combination.`,
      ),
      bound('two modes at dipTau (ODE theory): valley depth (1 - dip) in standard errors', (1 - dipOde.dip) / dipOde.se, { lower: qN }, `Fig. 2: bimodal structure appears (tau = ${tau[last].toFixed(2)}). Dip of ${10 * n} Cor. 2.3 samples at the ODE state ${dipOde.dip.toFixed(3)} +- ${dipOde.se.toFixed(3)}; a unimodal density centred at 0 gives a dip above 1.`),
    );

    const series: Series[] = [
      { name: 'H^2 theory (ODE + Cor. 2.3 + KDE)', kind: 'theory', group: 'ODE + Cor. 2.3', x: curveIdx.map((i) => tau[i]), y: h2Curve, labels: { x: 'tau', y: 'H^2 on span(mu)' } },
      { name: `H^2 d = ${d} sampler (SGD run 1)`, kind: 'simulation', group: 'd-dim sampler, run 1', x: hIdx.map((i) => tau[i]), y: rows.map((row) => row.dDim), labels: { x: 'tau', y: 'H^2 on span(mu)' } },
      { name: `H^2 Cor. 2.3, mean of ${R} SGD runs`, kind: 'simulation', group: `Cor. 2.3, ${R}-run mean`, x: hIdx.map((i) => tau[i]), y: rows.map((row) => row.diff.a.mean), yErr: rows.map((row) => row.diff.a.se), labels: { x: 'tau', y: 'H^2 on span(mu)' } },
    ];
    ctx.log(`H^2 check taus ${hIdx.map((i) => tau[i].toFixed(2)).join(' ')}: sim ${rows.map((x) => x.diff.a.mean.toFixed(4)).join(' ')} theory ${rows.map((x) => x.diff.b.mean.toFixed(4)).join(' ')}`);

    // figure: density panels + Hellinger curve
    const box = { x0: -5.5, x1: 5.5, y0: -4, y1: 4 };
    const targetGrid = evalGrid((xy) => projectedDensity(plane, xy), box, 90, 70);
    const panels = panelIdx.map((i, j) => {
      const X = cor23(statsAt(th, i), ctx.rng.named('panel-theory', j));
      const kde = gaussianKde2d(column(X, 0), column(X, 1));
      return densityPanel({
        points: simPts.get(i)!.data,
        theory: evalGrid((xy, m) => kde.evaluate(Float64Array.from({ length: m }, (_, k) => xy[2 * k]), Float64Array.from({ length: m }, (_, k) => xy[2 * k + 1])), box, 90, 70),
        target: targetGrid,
        box,
        title: `τ = ${tau[i].toFixed(2)}: Q = ${th.Q[i].toFixed(2)}, b = ${th.b[i].toFixed(2)}`,
        xTitle: 'e1 (direction of μ)',
        yTitle: 'e2',
        size: 210,
        masses: [0.5, 0.9, 0.99],
      });
    });
    const hPanel = linePanel({ series: series.map(({ yErr, ...s }) => s), xTitle: 'training time τ', yTitle: 'H² on span(μ)', title: 'squared Hellinger distance to the target', colorTitle: 'curve', legendOrient: 'bottom', width: 300, height: 230 });
    const caption = ctx.caption(
      `Panels: density of E^T X_tf on the plane (e1, e2) containing mu, t_f = ${p.tf}, N = ${p.N}, epsilon = 0. Colour map: ${n} samples of the d = ${d} ` +
        `sampler with the SGD-trained DAE (run 1). Dashed red: 50/90/99% HDR contours of the theory (Result 2.1 ODE -> Cor. 2.3, ${n} samples, Gaussian KDE). ` +
        `Black: target. Bottom: H^2 on span(mu) (KDE, 4000-point grid on [-10, 10]); dashed theory, markers simulation (the d-dimensional sampler, and Cor. 2.3 averaged over ${R} SGD runs).` +
        (ctx.scale === 'quick' ? ` Quick scale: d = ${d} and ${n} samples (paper: d = 1000, 5000).` : ''),
    );
    await ctx.figure(
      'density-hellinger',
      withTitle({ vconcat: [{ hconcat: panels }, hPanel], resolve: { scale: { color: 'independent', strokeDash: 'independent', fill: 'independent' } } }, 'Bimodal GMM, tanh DAE (r = 1): projected generated density and Hellinger distance vs training time', caption),
      caption,
    );
    return { series, checks };
  },
});
