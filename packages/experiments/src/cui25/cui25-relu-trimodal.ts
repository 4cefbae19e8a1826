import { NDArray, gaussianKde1d } from '@diffusion-theory/kernel';
import { projectedGenerated } from '@diffusion-theory/ode-theory';
import { trimodalGmm } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { evalGrid } from '@diffusion-theory/plots';
import { withTitle } from '@diffusion-theory/plots';
import { type Check, agreement, type Series } from '../result.js';
import {
  SCHEDULE,
  type StatCurve,
  densityPanel,
  fmt,
  kdeGrid,
  makeDae,
  moments2,
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
  r: z.number().int().min(1).max(6).describe('hidden units r (Fig. 7: 4)'),
  tauMax: z.number().positive().max(20).describe('final training time tau = 2 eta n / d'),
  eta: z.number().positive().max(1).describe('SGD learning rate eta'),
  lambda: z.number().min(0).max(10).describe('weight decay lambda'),
  gridTime: z.number().min(0.05).max(0.95).describe('loss time grid G = {t}'),
  initScale: z.number().min(0).max(1).describe('warm start w_{:,k} = initScale sqrt(d) mu_k for k <= 3'),
  initNoise: z.number().min(0).max(1).describe('plus i.i.d. N(0, initNoise^2) entries on every unit (so that unit 4 is not exactly zero: ReLU units at zero never move)'),
  N: z.number().int().min(10).max(2000).describe('sampler grid t_k = k/N'),
  tf: z.number().min(0.5).max(0.99).describe('final sampling time t_f'),
  nSamples: z.number().int().min(200).max(50000).describe('simulated samples (d-dimensional sampler); the theory uses 4x as many Cor. 2.3 samples'),
  panelTaus: z.array(z.number().min(0).max(20)).min(1).max(4).describe('training times of the density panels (the last one is used for the moment checks)'),
  recordEvery: z.number().positive().max(1).describe('training time between records'),
  replicates: z.number().int().min(2).max(16).describe('independent SGD runs (their spread gives the O(d^{-1/2}) tolerances)'),
  k: z.number().min(0.5).max(10).describe('tolerance multiplier on standard deviations'),
  ghNodes: z.number().int().min(4).max(16).describe('Gauss-Hermite nodes per rotated axis of the ODE expectations (r >= 3; cost ~ ghNodes^r; 6 vs 12 changes Q by ~4e-3 at tau = 3, far below the O(d^{-1/2}) fluctuations)'),
});

export default defineExperiment({
  id: 'cui25-relu-trimodal',
  title: 'ReLU DAE (r = 4) on the trimodal GMM: regression-form ODE + Cor. 2.3 vs simulation',
  paper: 'Cui, Pehlevan, Lu 2025 (arXiv:2501.03937), Fig. 7 (App. B)',
  description:
    'Target T1 (three isotropic clusters at 3e1, -3e2, -3e1), tied DAE with r = 4 ReLU units, eta = 0.2, G = {0.5}, warm start along the centroids plus small noise. ' +
    'Theory: Result 2.1 ODE in the derivative-free regression form (spec §4.4), then Corollary 2.3 for the projected density on E = (e1, e2) at t_f = 0.95, N = 100. ' +
    'Simulation: online SGD at dimension d and the d-dimensional sampler. Unlike odd activations (claim 3 of spec §9), ReLU can generate a density that is not ' +
    'symmetric under X -> -X; the E-means of theory and simulation are compared.',
  params,
  defaults: {
    quick: { d: 300, r: 4, tauMax: 3, eta: 0.2, lambda: 0, gridTime: 0.5, initScale: 0.1, initNoise: 0.05, N: 100, tf: 0.95, nSamples: 2000, panelTaus: [1, 3], recordEvery: 0.1, replicates: 2, k: 3, ghNodes: 6 },
    paper: { d: 1000, r: 4, tauMax: 3, eta: 0.2, lambda: 0, gridTime: 0.5, initScale: 0.1, initNoise: 0.05, N: 100, tf: 0.95, nSamples: 5000, panelTaus: [1, 3], recordEvery: 0.05, replicates: 4, k: 3, ghNodes: 12 },
  },
  default: false,
  async run(ctx) {
    const p = ctx.params;
    const { d, r } = p;
    const target = trimodalGmm(d);
    const E = target.reference();
    const K = target.K;
    const recordSteps = Math.max(1, Math.round((p.recordEvery * d) / (2 * p.eta)));
    const spacing = (2 * p.eta * recordSteps) / d;
    const nRecords = Math.max(1, Math.round(p.tauMax / spacing));
    const panelIdx = [...new Set(p.panelTaus.map((t) => recordIndex(t, spacing, nRecords)))].sort((a, b) => a - b);
    const w0 = warmStartWeights(target, r, p.initScale, p.initNoise, ctx.rng.stream(999));

    const sgd = ctx.progress.phase('online SGD (all replicates)', p.replicates * nRecords);
    const runs: TrainResult[] = [];
    for (let j = 0; j < p.replicates; j++) {
      const model = makeDae(d, r, 'relu', w0);
      runs.push(trainDae({ target, model, eta: p.eta, lambda: p.lambda, gridTime: p.gridTime, recordSteps, nRecords, snapshotAt: j === 0 ? panelIdx : [], rng: ctx.rng.stream(j), onTick: () => sgd.tick() }));
    }
    sgd.done();
    const tau = runs[0].tau;
    const ode = ctx.progress.phase('Result 2.1 ODE (regression form)', 1);
    const th = solveTheory({ target, init: runs[0].stats[0], r, activation: 'relu', form: 'regression', eta: p.eta, lambda: p.lambda, gridTime: p.gridTime, spacing, nSave: nRecords, quadrature: { ghNodes: p.ghNodes } });
    ode.done();

    const series: Series[] = [];
    const checks: Check[] = [];
    const R = p.replicates;
    const curves: { M: StatCurve[]; Q: StatCurve[]; b: StatCurve[] } = { M: [], Q: [], b: [] };
    const sub = ['₁', '₂', '₃', '₄', '₅', '₆'];
    const sup = ['¹', '²', '³'];
    const statList: Array<{ name: string; panel: 'M' | 'Q' | 'b'; theory: number[]; sim: number[][] }> = [];
    for (let c = 0; c < Math.min(K, r); c++) {
      statList.push({ name: `M${sup[c]}${sub[c]}`, panel: 'M', theory: th.M.map((M) => M[c * r + c]), sim: runs.map((run) => run.stats.map((s) => (s.M as Float64Array)[c * r + c])) });
    }
    for (let kk = 0; kk < r; kk++) {
      statList.push({ name: `Q${sub[kk]}${sub[kk]}`, panel: 'Q', theory: th.Q.map((Q) => Q[kk * r + kk]), sim: runs.map((run) => run.stats.map((s) => s.Q[kk * r + kk])) });
    }
    statList.push({ name: 'b', panel: 'b', theory: th.b, sim: runs.map((run) => run.stats.map((s) => s.b)) });
    for (const st of statList) {
      const mean = tau.map((_, i) => st.sim.reduce((a, run) => a + run[i], 0) / R);
      const sdv = tau.map((_, i) => Math.sqrt(st.sim.reduce((a, run) => a + (run[i] - mean[i]) ** 2, 0) / (R - 1)));
      series.push({ name: `${st.name} ODE (regression form)`, kind: 'theory', x: tau, y: st.theory, meta: { statistic: st.name } });
      series.push({ name: `${st.name} SGD d = ${d} (mean of ${R})`, kind: 'simulation', x: tau, y: mean, yErr: sdv, meta: { statistic: st.name } });
      curves[st.panel].push({ stat: st.name, kind: 'theory', x: tau, y: st.theory }, { stat: st.name, kind: 'simulation', x: tau, y: mean });
      let dev = 0;
      let sdMax = 0;
      for (let i = 0; i < tau.length; i++) {
        dev = Math.max(dev, Math.abs(mean[i] - st.theory[i]));
        sdMax = Math.max(sdMax, sdv[i]);
      }
      const floor = st.panel === 'b' ? 10 / d : 1 / Math.sqrt(d);
      checks.push(
        agreement(
          `${st.name}: max over tau of |ODE - SGD mean|`,
          dev,
          0,
          p.k * Math.max(sdMax, floor),
          `O(d^{-1/2}) fluctuations: tolerance k max(max_tau sd_R, ${st.panel === 'b' ? '10/d' : '1/sqrt(d)'}), sd_R the run-to-run sd over ${R} runs (measured ${fmt(sdMax)}), k = ${p.k}` +
            (st.panel === 'b' ? '; b has only the O(1/d) offset of spec §4.2.' : '.'),
        ),
      );
    }

    // --- generated density in the E plane ---
    const plane = targetPlane(target);
    const nTh = 4 * p.nSamples;
    const gen = (Q: Float64Array, G: Float64Array, b: number, n: number, seed: number) =>
      projectedGenerated({ schedule: SCHEDULE, b, N: p.N, tf: p.tf, Q: new NDArray(Q, [r, r]), G: new NDArray(G, [r, 2]), activation: 'relu', n, rng: ctx.rng.stream(seed) }).X.contiguous().data;
    const panels = [];
    const samp = ctx.progress.phase('sampling (d-dimensional and Cor. 2.3)', panelIdx.length);
    let lastSim: Float64Array | null = null;
    let lastTh: Float64Array | null = null;
    for (const [j, idx] of panelIdx.entries()) {
      const x = sampleDae(runs[0].snapshots[j], p.nSamples, p.N, p.tf, ctx.rng.stream(700 + idx));
      const sim = projectRows(x, p.nSamples, d, E);
      const thX = gen(th.Q[idx], th.G[idx], th.b[idx], nTh, 800 + idx);
      lastSim = sim;
      lastTh = thX;
      const box = coverBox(thX, nTh);
      const targetGrid = evalGrid((xy, m) => mixture2DDensity(plane, xy, m), box, 100, 100);
      panels.push(
        densityPanel({
          simPoints: sim,
          nSim: p.nSamples,
          theory: kdeGrid(thX, nTh, box, 100, 100),
          target: targetGrid,
          box,
          title: `τ = ${fmt(tau[idx], 2)}, b = ${fmt(th.b[idx], 2)}`,
          xTitle: 'e1 (μ1 = 3e1, μ3 = −3e1)',
          yTitle: 'e2 (μ2 = −3e2)',
          size: 260,
          bins: 60,
        }),
      );
      const ms = moments2(sim, p.nSamples);
      const mt = moments2(thX, nTh);
      series.push(
        { name: `E-projection of simulated samples, tau = ${fmt(tau[idx], 2)}`, kind: 'simulation', points: Array.from({ length: Math.min(p.nSamples, 1500) }, (_, i) => [sim[2 * i], sim[2 * i + 1]]), meta: { tau: tau[idx], mean: ms.mean, cov: ms.cov } },
        { name: `E-projection, Cor. 2.3 theory, tau = ${fmt(tau[idx], 2)}`, kind: 'theory', points: Array.from({ length: Math.min(nTh, 1500) }, (_, i) => [thX[2 * i], thX[2 * i + 1]]), meta: { tau: tau[idx], mean: mt.mean, cov: mt.cov } },
      );
      samp.tick();
    }
    samp.done();

    // distribution checks at the last panel tau: quantiles of each E-coordinate, theory (ODE + Cor. 2.3) vs d-dim sampling.
    // (ReLU units are unbounded, so the generated projections are stretched and heavy-tailed; quantiles are robust where moments are not.)
    const idx = panelIdx[panelIdx.length - 1];
    const sim = lastSim as Float64Array;
    const thX = lastTh as Float64Array;
    const perRun = runs.map((run) => gen(run.stats[idx].Q, run.stats[idx].G as Float64Array, run.stats[idx].b, nTh, 900));
    const probs = [0.1, 0.5, 0.9];
    for (const [a, label] of [[0, 'e1'], [1, 'e2']] as const) {
      const colSim = column(sim, p.nSamples, a);
      const colTh = column(thX, nTh, a);
      const dens = gaussianKde1d(colTh);
      for (const q of probs) {
        const qs = quantile(colSim, q);
        const qt = quantile(colTh, q);
        const f = dens.evaluate(Float64Array.of(qt))[0];
        const se = Math.sqrt((q * (1 - q)) * (1 / p.nSamples + 1 / nTh)) / f;
        const v = perRun.map((X) => quantile(column(X, nTh, a), q));
        const m = v.reduce((x, y) => x + y, 0) / v.length;
        const fl = Math.sqrt(v.reduce((x, y) => x + (y - m) ** 2, 0) / Math.max(1, v.length - 1));
        checks.push(
          agreement(
            `generated ${q * 100}% quantile along ${label} at tau = ${fmt(tau[idx], 2)}: simulation vs theory`,
            qs,
            qt,
            p.k * Math.hypot(se, fl),
            `Tolerance k sqrt(se^2 + fluct^2): se = sqrt(p(1-p)(1/n_sim + 1/n_th))/f(q) = ${fmt(se)} (order-statistic standard error, f the KDE density of the theory samples at q, ` +
              `n_sim = ${p.nSamples}, n_th = ${nTh}); fluct = ${fmt(fl)} = spread of the Cor. 2.3 quantile over the ${R} SGD replicates (O(d^{-1/2})); k = ${p.k}.`,
          ),
        );
      }
    }
    const ms = moments2(sim, p.nSamples);
    const mt = moments2(thX, nTh);
    ctx.log(`E-mean theory (${fmt(mt.mean[0])}, ${fmt(mt.mean[1])}) sim (${fmt(ms.mean[0])}, ${fmt(ms.mean[1])}); target (0, -1). cov theory ${mt.cov.map((v) => fmt(v)).join(' ')} sim ${ms.cov.map((v) => fmt(v)).join(' ')}`);

    const capTail = ctx.scale === 'quick' ? ` Quick scale: d = ${d}, ${p.nSamples} simulated samples (paper: d = 1000, 5000).` : '';
    const denCap = ctx.caption(
      `Projection of the generated X_tf on E = (e1, e2), t_f = ${p.tf}, N = ${p.N}, epsilon = 0. Grey colour map: ${p.nSamples} samples of the d = ${d} sampler with the SGD-trained ReLU DAE (r = ${r}). ` +
        `Blue: 50/90/99% HDR contours of the theory (regression-form ODE -> Cor. 2.3, ${nTh} samples + KDE). Green: target T1 (E-mean (0, -1)). ` +
        `Generated E-mean at tau = ${fmt(tau[idx], 2)}: theory (${fmt(mt.mean[0], 2)}, ${fmt(mt.mean[1], 2)}), simulation (${fmt(ms.mean[0], 2)}, ${fmt(ms.mean[1], 2)}).${capTail}`,
    );
    await ctx.figure(
      'density',
      withTitle({ hconcat: panels, resolve: { scale: { color: 'shared', fill: 'shared' } } }, 'ReLU DAE on the trimodal GMM: generated density in the plane of the centroids', denCap, 150),
      denCap,
    );
    const every = Math.max(1, Math.round(0.2 / spacing));
    const statCap = ctx.caption(
      `Dashed: Result 2.1 ODE in regression form (spec §4.4; rotated Gauss-Hermite quadrature, ${p.ghNodes} nodes per axis, r = ${r}) from the statistics of the actual initial weights. ` +
        `Solid with markers: online SGD at d = ${d}, mean of ${R} runs. M^c_c: overlap of unit c with centroid c.${capTail}`,
    );
    await ctx.figure(
      'summary-statistics',
      withTitle(
        {
          hconcat: [
            statPanel({ curves: curves.M, xTitle: 'training time τ', yTitle: 'M^c_c = w_cᵀμ_c/√d', title: 'centroid overlaps', markerEvery: every, legendOrient: 'bottom', colorTitle: 'statistic' }),
            statPanel({ curves: curves.Q, xTitle: 'training time τ', yTitle: 'Q_kk = |w_k|²/d', title: 'unit norms', markerEvery: every, legendOrient: 'bottom', colorTitle: 'statistic' }),
            statPanel({ curves: curves.b, xTitle: 'training time τ', yTitle: 'skip connection b', title: 'skip connection', markerEvery: every, legendOrient: 'bottom', colorTitle: 'statistic' }),
          ],
          resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
        },
        'ReLU DAE (r = 4) on the trimodal GMM: summary statistics',
        statCap,
        170,
      ),
      statCap,
    );
    return { series, checks };
  },
});

function column(x: Float64Array, n: number, a: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = x[2 * i + a];
  return out;
}

/** Empirical quantile (linear interpolation between order statistics). */
function quantile(v: Float64Array, q: number): number {
  const s = Float64Array.from(v).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

/** A square-ish box covering the central `mass` of the points on each axis and the target's +-6 box. */
function coverBox(pts: Float64Array, n: number): { x0: number; x1: number; y0: number; y1: number } {
  const xs = column(pts, n, 0);
  const ys = column(pts, n, 1);
  const x0 = Math.min(-6, quantile(xs, 0.02));
  const x1 = Math.max(6, quantile(xs, 0.98));
  const y0 = Math.min(-6, quantile(ys, 0.02));
  const y1 = Math.max(6, quantile(ys, 0.98));
  return { x0, x1, y0, y1 };
}
