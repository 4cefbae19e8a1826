import { NDArray, type Rng, gaussianKde1d } from '@diffusion-theory/kernel';
import { hellingerProjected } from '@diffusion-theory/metrics';
import { projectedGenerated } from '@diffusion-theory/ode-theory';
import { bimodalGmm } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { evalGrid } from '@diffusion-theory/plots';
import { withTitle } from '@diffusion-theory/plots';
import { type Check, agreement, bound, type Series } from '../result.js';
import { upperBound } from '../checks-compat.js';
import {
  SCHEDULE,
  type StatCurve,
  densityPanel,
  fmt,
  kdeGrid,
  makeDae,
  mixtureMarginalX,
  projectRows,
  recordIndex,
  sampleDae,
  solveTheory,
  statPanel,
  targetPlane,
  trainDae,
  warmStartWeights,
  type TrainResult,
} from './dae-common.js';
import { mixture2DDensity } from './mixture-tools.js';

const params = z.object({
  d: z.number().int().min(20).max(5000).describe('dimension d of the data'),
  tauMax: z.number().positive().max(30).describe('final training time tau = 2 eta n / d'),
  eta: z.number().positive().max(1).describe('SGD learning rate eta'),
  lambda: z.number().min(0).max(10).describe('weight decay lambda (spec reading of Fig. 2: 1.5)'),
  gridTime: z.number().min(0.05).max(0.95).describe('loss time grid G = {t}'),
  norm: z.number().positive().max(5).describe('centroid norm |mu| of the bimodal target (1/2) N(+-mu, sigma^2 I)'),
  sigma: z.number().positive().max(3).describe('cluster standard deviation sigma'),
  initScale: z.number().min(0).max(1).describe('warm start w = initScale sqrt(d) mu (r = 1)'),
  N: z.number().int().min(10).max(2000).describe('sampler grid t_k = k/N (Euler steps of size 1/N)'),
  tf: z.number().min(0.5).max(0.99).describe('final sampling time t_f'),
  nSamples: z.number().int().min(200).max(50000).describe('generated samples per density / Hellinger estimate (spec §7: 5000), theory and simulation alike'),
  panelTaus: z.array(z.number().min(0).max(30)).min(1).max(6).describe('training times of the density panels'),
  hellingerTaus: z.array(z.number().min(0).max(30)).min(2).max(12).describe('training times of the simulated Hellinger markers (d-dimensional sampling)'),
  recordEvery: z.number().positive().max(1).describe('training time between ODE / SGD records (theory H^2 curve resolution)'),
  replicates: z.number().int().min(2).max(16).describe('independent SGD runs; their spread (through Cor. 2.3) gives the O(d^{-1/2}) part of the theory-vs-simulation tolerance'),
  k: z.number().min(0.5).max(10).describe('tolerance multiplier on standard deviations'),
});

export default defineExperiment({
  id: 'cui25-bimodal',
  title: 'Bimodal GMM: generated density over training time and its Hellinger distance to the target',
  paper: 'Cui, Pehlevan, Lu 2025 (arXiv:2501.03937), Fig. 2',
  description:
    'Target T2 = (1/2) N(mu, sigma^2 I) + (1/2) N(-mu, sigma^2 I), |mu| = 2, sigma = 1; tied DAE with r = 1 tanh unit, eta = 0.2, lambda = 1.5, G = {0.5}, ' +
    'warm start w = 0.1 sqrt(d) mu, b0 = 0, trained by online SGD. Sampling: probability-flow ODE (epsilon = 0) on the grid k/N up to t_f = 0.9. ' +
    'Theory: Result 2.1 ODE for (Q, G, b) then Corollary 2.3 samples of the projection E^T X_tf (E = (e1, e2), the plane containing mu) + KDE. ' +
    'Simulation: the d-dimensional sampler with the SGD-trained DAE. Left: projected densities at several tau (theory contours, simulation colour map, ' +
    'target contours). Right: squared Hellinger distance H^2 on span(mu) (spec §7: KDE with Scott bandwidth on 4000 points of [-10, 10]).',
  params,
  defaults: {
    quick: { d: 300, tauMax: 6, eta: 0.2, lambda: 1.5, gridTime: 0.5, norm: 2, sigma: 1, initScale: 0.1, N: 100, tf: 0.9, nSamples: 2000, panelTaus: [0.5, 1.5, 3, 6], hellingerTaus: [0.5, 1, 1.5, 2, 3, 4.5, 6], recordEvery: 0.1, replicates: 3, k: 3 },
    paper: { d: 1000, tauMax: 6, eta: 0.2, lambda: 1.5, gridTime: 0.5, norm: 2, sigma: 1, initScale: 0.1, N: 100, tf: 0.9, nSamples: 5000, panelTaus: [0.5, 1.5, 3, 6], hellingerTaus: [0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6], recordEvery: 0.05, replicates: 4, k: 3 },
  },
  default: true,
  async run(ctx) {
    const p = ctx.params;
    const { d } = p;
    const r = 1;
    const target = bimodalGmm(d, { norm: p.norm, sigma: p.sigma });
    const E = target.reference();
    const recordSteps = Math.max(1, Math.round((p.recordEvery * d) / (2 * p.eta)));
    const spacing = (2 * p.eta * recordSteps) / d;
    const nRecords = Math.max(1, Math.round(p.tauMax / spacing));
    const hTaus = [...new Set(p.hellingerTaus.map((t) => recordIndex(t, spacing, nRecords)))].sort((a, b) => a - b);
    const panelIdx = p.panelTaus.map((t) => recordIndex(t, spacing, nRecords));
    const snapIdx = [...new Set([...hTaus, ...panelIdx])].sort((a, b) => a - b);
    const w0 = warmStartWeights(target, r, p.initScale, 0, ctx.rng.stream(999));

    // --- SGD: replicate 0 is sampled in d dimensions, all replicates give the fluctuation scale ---
    const sgd = ctx.progress.phase('online SGD (all replicates)', p.replicates * nRecords);
    const runs: TrainResult[] = [];
    for (let j = 0; j < p.replicates; j++) {
      const model = makeDae(d, r, 'tanh', w0);
      runs.push(trainDae({ target, model, eta: p.eta, lambda: p.lambda, gridTime: p.gridTime, recordSteps, nRecords, snapshotAt: j === 0 ? snapIdx : [], rng: ctx.rng.stream(j), onTick: () => sgd.tick() }));
    }
    sgd.done();
    const tau = runs[0].tau;

    const ode = ctx.progress.phase('Result 2.1 ODE', 1);
    const th = solveTheory({ target, init: runs[0].stats[0], r, activation: 'tanh', eta: p.eta, lambda: p.lambda, gridTime: p.gridTime, spacing, nSave: nRecords });
    ode.done();

    // --- Hellinger machinery (spec §7) ---
    const plane = targetPlane(target);
    const hGrid = { lo: -10, hi: 10, points: 4000 };
    const marginal = (pts: Float64Array) => mixtureMarginalX(plane, pts);
    const e1 = new NDArray(Float64Array.of(1, 0), [2, 1]);
    const muDir = new Float64Array(d);
    const mus = target.means().contiguous().data;
    for (let i = 0; i < d; i++) muDir[i] = mus[i] / p.norm;
    const muBasis = new NDArray(muDir, [d, 1]);
    const gen = (Q: Float64Array, G: Float64Array, b: number, seed: number, n = p.nSamples) =>
      projectedGenerated({ schedule: SCHEDULE, b, N: p.N, tf: p.tf, Q: new NDArray(Q, [r, r]), G: new NDArray(G, [r, 2]), activation: 'tanh', n, rng: ctx.rng.stream(seed) });
    const h2Of = (X: NDArray) => hellingerProjected({ samples: X, density: marginal, basis: e1, grid: hGrid });

    // theory curve (common random numbers: the same seed at every tau)
    const thStride = Math.max(1, Math.round(0.1 / spacing));
    const thIdx: number[] = [];
    for (let i = 0; i <= nRecords; i += thStride) thIdx.push(i);
    if (thIdx[thIdx.length - 1] !== nRecords) thIdx.push(nRecords);
    const ph = ctx.progress.phase('theory H^2(tau) (Cor. 2.3 + KDE)', thIdx.length);
    const h2Theory = thIdx.map((i) => {
      const v = h2Of(gen(th.Q[i], th.G[i], th.b[i], 500).X).h2;
      ph.tick();
      return v;
    });
    ph.done();
    // Monte-Carlo spread of the H^2 estimator at n = nSamples: fresh seeds at every simulated tau (it grows with H^2)
    const nCal = 8;
    const cal = ctx.progress.phase('H^2 estimator spread (fresh seeds)', hTaus.length);
    const sdMcAt = hTaus.map((idx) => {
      const v: number[] = [];
      for (let s = 0; s < nCal; s++) v.push(h2Of(gen(th.Q[idx], th.G[idx], th.b[idx], 600 + s).X).h2);
      cal.tick();
      return sd(v);
    });
    cal.done();
    // upper 90% confidence bound of a standard deviation estimated from nCal = 8 values: sqrt(7 / chi2_{0.10; 7}), chi2_{0.10; 7} = 2.833
    const sdUp = Math.sqrt((nCal - 1) / 2.833);
    for (let j = 0; j < sdMcAt.length; j++) sdMcAt[j] *= sdUp;
    const sdMc = Math.max(...sdMcAt);

    // simulation at the snapshot taus
    const simH2: number[] = [];
    const corH2: number[] = [];
    const fluctSd: number[] = [];
    const simPts = new Map<number, Float64Array>();
    const samp = ctx.progress.phase(`d-dimensional sampling (${snapIdx.length} snapshots)`, snapIdx.length);
    for (const [si, idx] of snapIdx.entries()) {
      const model = runs[0].snapshots[si];
      const x = sampleDae(model, p.nSamples, p.N, p.tf, ctx.rng.stream(700 + idx));
      simPts.set(idx, projectRows(x, p.nSamples, d, E));
      if (hTaus.includes(idx)) {
        simH2.push(hellingerProjected({ samples: new NDArray(x, [p.nSamples, d]), density: marginal, basis: muBasis, grid: hGrid }).h2);
        // Cor. 2.3 with the statistics of the actual weights of every replicate (common random numbers)
        const perRun = runs.map((run) => {
          const s = run.stats[idx];
          return h2Of(gen(s.Q, s.G as Float64Array, s.b, 800).X).h2;
        });
        corH2.push(perRun[0]);
        fluctSd.push(sd(perRun));
      }
      samp.tick();
    }
    samp.done();

    const series: Series[] = [];
    const checks: Check[] = [];
    const thTau = thIdx.map((i) => tau[i]);
    const hTau = hTaus.map((i) => tau[i]);
    series.push(
      { name: 'H^2 theory (ODE + Cor. 2.3 + KDE)', kind: 'theory', x: thTau, y: h2Theory, labels: { x: 'tau', y: 'H^2 on span(mu)' } },
      { name: `H^2 simulation (d = ${d} sampler, SGD weights)`, kind: 'simulation', x: hTau, y: simH2, labels: { x: 'tau', y: 'H^2 on span(mu)' } },
      { name: 'H^2 Cor. 2.3 with the actual SGD weights', kind: 'simulation', x: hTau, y: corH2, yErr: fluctSd, labels: { x: 'tau', y: 'H^2 on span(mu)' }, meta: { note: 'yErr: spread over SGD replicates (O(d^{-1/2}))' } },
      { name: 'b ODE', kind: 'theory', x: tau, y: th.b, meta: { statistic: 'b' } },
      { name: 'Q ODE', kind: 'theory', x: tau, y: th.Q.map((q) => q[0]), meta: { statistic: 'Q' } },
      { name: 'M ODE', kind: 'theory', x: tau, y: th.M.map((m) => m[0]), meta: { statistic: 'M^+' } },
      { name: `Q SGD d = ${d}`, kind: 'simulation', x: tau, y: runs[0].stats.map((s) => s.Q[0]), meta: { statistic: 'Q' } },
      { name: `M SGD d = ${d}`, kind: 'simulation', x: tau, y: runs[0].stats.map((s) => (s.M as Float64Array)[0]), meta: { statistic: 'M^+' } },
    );

    // checks
    let rise = 0;
    for (let i = 1; i < h2Theory.length; i++) rise = Math.max(rise, h2Theory[i] - h2Theory[i - 1]);
    checks.push(
      upperBound(
        'theory H^2(tau) decreasing: max increase between consecutive taus',
        Math.max(0, rise),
        p.k * sdMc,
        `Spec §9 (Fig. 2): H decreases monotonically in tau for lambda = 1.5. Common random numbers across tau; tolerance k x the Monte-Carlo sd of the ` +
          `H^2 estimator at n = ${p.nSamples} (largest over the simulated taus, ${nCal} fresh seeds each: ${fmt(sdMc)}), k = ${p.k}.`,
      ),
    );
    let devCor = 0;
    let tolCor = 0;
    let ratioCor = 0;
    let devTh = 0;
    let ratioTh = 0;
    let worstTh = 0;
    hTaus.forEach((idx, j) => {
      const thH = h2Of(gen(th.Q[idx], th.G[idx], th.b[idx], 500).X).h2;
      const tolTh = p.k * Math.sqrt(fluctSd[j] ** 2 + 2 * sdMcAt[j] ** 2);
      const dev = Math.abs(simH2[j] - thH);
      const devC = Math.abs(simH2[j] - corH2[j]);
      const tolC = p.k * Math.SQRT2 * sdMcAt[j];
      if (devC / tolC > ratioCor) {
        ratioCor = devC / tolC;
        devCor = devC;
        tolCor = tolC;
      }
      if (dev / tolTh > ratioTh) {
        ratioTh = dev / tolTh;
        devTh = dev;
        worstTh = tolTh;
      }
    });
    checks.push(
      agreement(
        'H^2: d-dim sampling vs Cor. 2.3 with the same trained weights (worst tau relative to its tolerance)',
        devCor,
        0,
        tolCor,
        `Result 2.2 / Cor. 2.3 is exact at finite d given w (discrete sampler of spec §1.3), so only Monte-Carlo error remains: tolerance k sqrt(2) sd_MC(tau), ` +
          `sd_MC the upper 90% confidence bound (factor ${fmt(sdUp, 2)}) of the spread of the H^2 estimator over ${nCal} fresh seeds at n = ${p.nSamples} (${sdMcAt.map((v) => fmt(v)).join(', ')}), k = ${p.k}; ` +
          `value at the tau where |difference| / tolerance is largest (${fmt(ratioCor)}).`,
      ),
      agreement(
        'H^2: simulation vs ODE theory (worst tau relative to its tolerance)',
        devTh,
        0,
        worstTh,
        `Tolerance at each tau: k sqrt(sd_fluct^2 + 2 sd_MC^2), sd_fluct the spread of Cor. 2.3 H^2 over ${p.replicates} SGD replicates (O(d^{-1/2}) fluctuations of Q, G, b, ` +
          `amplified by the sampler: spec §5.3), k = ${p.k}; the value reported is at the tau where |sim - theory| / tolerance is largest (${fmt(ratioTh)}).`,
      ),
    );
    // bimodality at the last tau: density at 0 relative to the peak, on span(mu) (Scott KDE; the spread of the
    // estimate is measured by a bootstrap over the samples, so the comparisons below are at k bootstrap sd)
    const lastIdx = nRecords;
    // the theory law is cheap to sample (r-dimensional Z process): 10x the simulated count, so its dip is sharp
    const thX = gen(th.Q[lastIdx], th.G[lastIdx], th.b[lastIdx], 500, 10 * p.nSamples).X;
    const thXs = new Float64Array(thX.shape[0]);
    for (let i = 0; i < thXs.length; i++) thXs[i] = thX.data[i * thX.shape[1]];
    const dipTh = dipWithSd(thXs, ctx.rng.stream(901));
    const simLastPos = hTaus.indexOf(lastIdx);
    const simLastPts = simPts.get(lastIdx);
    checks.push(
      upperBound(
        `bimodality at tau = ${fmt(tau[lastIdx], 2)} (theory): density at 0 / peak density on span(mu)`,
        dipTh.dip + p.k * dipTh.sd,
        1,
        `Two modes: the density at the origin is below the peaks by more than k = ${p.k} bootstrap sd (value reported: dip + k sd; dip = ${fmt(dipTh.dip)}, sd = ${fmt(dipTh.sd)}; target: 2e^{-2}/(1 + e^{-8}) = 0.27 for |mu| = 2, sigma = 1).`,
      ),
    );
    if (simLastPts && simLastPos >= 0) {
      const xs = new Float64Array(p.nSamples);
      for (let i = 0; i < p.nSamples; i++) xs[i] = simLastPts[2 * i];
      const dipSim = dipWithSd(xs, ctx.rng.stream(902));
      checks.push(
        agreement(
          `bimodality at tau = ${fmt(tau[lastIdx], 2)}: dip ratio, simulation vs theory`,
          dipSim.dip,
          dipTh.dip,
          p.k * Math.hypot(dipSim.sd, dipTh.sd),
          `Density at 0 / peak density on span(mu), Scott KDE of ${p.nSamples} d-dimensional samples vs the same of Corollary 2.3 samples; tolerance k = ${p.k} combined bootstrap sd.`,
        ),
      );
    }
    ctx.log(`H^2 theory ${h2Theory.map((v) => fmt(v)).join(' ')}; sim ${simH2.map((v) => fmt(v)).join(' ')}; Cor2.3(actual) ${corH2.map((v) => fmt(v)).join(' ')}; sd_MC ${fmt(sdMc)}; fluct ${fluctSd.map((v) => fmt(v)).join(' ')}`);

    // --- figure: density panels + Hellinger curve ---
    const box = { x0: -5.5, x1: 5.5, y0: -4, y1: 4 };
    const targetGrid = evalGrid((xy, m) => mixture2DDensity(plane, xy, m), box, 90, 70);
    const panels = [];
    for (const [j, idx] of panelIdx.entries()) {
      const X = gen(th.Q[idx], th.G[idx], th.b[idx], 900 + j).X.contiguous().data;
      const theoryGrid = kdeGrid(X, p.nSamples, box, 90, 70);
      panels.push(
        densityPanel({
          simPoints: simPts.get(idx) as Float64Array,
          nSim: p.nSamples,
          theory: theoryGrid,
          target: targetGrid,
          box,
          title: `τ = ${fmt(tau[idx], 2)}: Q = ${fmt(th.Q[idx][0], 2)}, b = ${fmt(th.b[idx], 2)}`,
          xTitle: 'e1 (direction of μ)',
          yTitle: 'e2',
          size: 210,
        }),
      );
    }
    const hCurves: StatCurve[] = [
      { stat: 'ODE + Cor. 2.3 (theory)', kind: 'theory', x: thTau, y: h2Theory },
      { stat: `d = ${d} sampler, SGD weights`, kind: 'simulation', x: hTau, y: simH2 },
    ];
    const hPanel = statPanel({ curves: hCurves, xTitle: 'training time τ', yTitle: 'H² on span(μ)', title: 'squared Hellinger distance to the target', colorTitle: 'curve', legendOrient: 'bottom', width: 300, height: 230 });
    const spec = withTitle(
      { vconcat: [{ hconcat: panels, resolve: { scale: { color: 'shared', fill: 'shared' } } }, hPanel], resolve: { scale: { color: 'independent', strokeDash: 'independent', fill: 'independent' } } },
      'Bimodal GMM, tanh DAE (r = 1): projected generated density and Hellinger distance vs training time',
    );
    await ctx.figure(
      'density-hellinger',
      spec,
      ctx.caption(
        `Panels: density of E^T X_tf on the plane (e1, e2) containing mu, t_f = ${p.tf}, N = ${p.N}, epsilon = 0. Grey colour map: ${p.nSamples} samples of the d = ${d} ` +
          `sampler with the SGD-trained DAE (one run; relative to its maximum). Blue: 50/90/99% HDR contours of the theory (Result 2.1 ODE -> Cor. 2.3, ${p.nSamples} samples, Gaussian KDE). ` +
          `Green: target. Bottom: H^2 on span(mu) (KDE, 4000-point grid on [-10, 10]); dashed theory, markers simulation.` +
          (ctx.scale === 'quick' ? ` Quick scale: d = ${d} and ${p.nSamples} samples (paper: d = 1000, 5000).` : ''),
      ),
    );
    return { series, checks };
  },
});

function sd(v: number[]): number {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
}

/**
 * Density at z = 0 over the largest density on [-4 |mu|-ish, ...] (a bimodality measure: < 1 when the origin
 * is a dip), from a Scott-bandwidth Gaussian KDE, with its bootstrap standard deviation (40 resamples).
 */
function dipWithSd(xs: Float64Array, rng: Rng, resamples = 40): { dip: number; sd: number } {
  const pts = new Float64Array(161);
  for (let i = 0; i < pts.length; i++) pts[i] = -8 + (16 * i) / (pts.length - 1);
  const dipOf = (v: Float64Array) => {
    const est = gaussianKde1d(v).evaluate(pts);
    let mx = 0;
    for (const e of est) mx = Math.max(mx, e);
    return est[80] / mx;
  };
  const dip = dipOf(xs);
  const boot: number[] = [];
  const v = new Float64Array(xs.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < v.length; i++) v[i] = xs[rng.int(xs.length)];
    boot.push(dipOf(v));
  }
  return { dip, sd: sd(boot) };
}
