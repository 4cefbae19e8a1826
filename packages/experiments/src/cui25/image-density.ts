/**
 * Figs. 3, 6 and 10 of Cui, Pehlevan, Lu 2025 (spec dae-asymptotics §9) on an image set: the run shared by
 * cui25-mnist7 (Gaussian surrogate of the MNIST sevens) and cui25-fashion (raw FashionMNIST images), and the
 * plane-density glue of cui25-model-collapse. Wiring only: every computation is a package call.
 */
import { NDArray, type SampleSource, gaussianKde2d, summaryStatsOf } from '@diffusion-theory/kernel';
import { meanWithError, normalQuantile, offSubspaceEmpirical, perGroupVariance, projectedSampleMoments, replicateDeviation, tMultiplier } from '@diffusion-theory/metrics';
import { daeStateLayout, finiteDSkipCorrection, projectedGenerated, stateS } from '@diffusion-theory/ode-theory';
import { type Box, type Grid2D, type Series as PlotSeries, type VlSpec, boxAround, densityPanel, evalGrid, heatmapGrid, linePanel, smallMultiples, withTitle } from '@diffusion-theory/plots';
import { type ImageSetGaussian, gaussian } from '@diffusion-theory/targets';
import { gaussianInit } from '@diffusion-theory/trainers';
import { z } from 'zod';
import type { ExperimentContext, ExperimentOutput } from '../experiment.js';
import { type Check, type Series, agreement, bound } from '../result.js';
import { type DaeSetup, SCHEDULE, column, curve, generate, recordIndex, samplerGridProblems, theoryOnRecords, trainReplicates } from './dae-runs.js';

/** Parameters shared by the Fig. 3 / 6 / 10 experiments (cui25-mnist7, cui25-fashion). */
export const imageDensityShape = {
  r: z.number().int().min(1).max(4).describe('hidden units r of the tied DAE (count)'),
  eta: z.number().positive().max(2).describe('SGD learning rate eta (dimensionless)'),
  lambda: z.number().min(0).max(10).describe("weight decay lambda (dimensionless; the paper's 0.784 = 1e-3 d)"),
  lossTimes: z.array(z.number().gt(0).lt(1)).min(1).max(4).describe('loss time grid G (times in (0, 1), uniform weights); the paper: [0.5]'),
  N: z.number().int().min(10).max(1000).describe('sampler grid intervals N (step 1/N, spec §1.3)'),
  tf: z.number().gt(0.5).lt(1).describe('final sampling time t_f (dimensionless)'),
  tauMax: z.number().positive().max(50).describe('final training time tau = 2 eta n / d (dimensionless); the end-of-training checks are made there'),
  snapshots: z.array(z.number().positive().max(50)).min(1).max(8).describe('training times tau at which the generated density and images are drawn (ascending, <= tauMax; snapped to the record grid)'),
  tauEvery: z.number().positive().max(1).describe('training time between recorded statistics (rounded to whole SGD steps)'),
  replicates: z.number().int().min(3).max(64).describe('independent SGD runs from the same initial weights (count); their mean is compared with the ODE'),
  nSamples: z.number().int().min(200).max(100000).describe('generated samples per snapshot, theory and simulation (count)'),
  replicateSamples: z.number().int().min(100).max(20000).describe('generated samples of each replicate at tauMax for the end-to-end variance check (count)'),
  spikes: z.number().int().min(0).max(100).describe('top eigenvalues kept as microscopic one-coordinate groups (rho = 0, spec §4.8)'),
  bulkBins: z.number().int().min(1).max(200).describe('macroscopic groups the remaining eigenvalues are binned into (count)'),
  imageRows: z.number().int().min(1).max(8).describe('rows of generated images (one common starting noise X_0 per row)'),
};
export type ImageDensityParams = { [K in keyof typeof imageDensityShape]: z.output<(typeof imageDensityShape)[K]> };

/** Cross-parameter constraints of the Fig. 3 / 6 / 10 run (messages name the parameters). */
export function validateImageDensity(p: ImageDensityParams): string[] {
  const ok = p.snapshots.every((t, i) => t <= p.tauMax && (i === 0 || t > p.snapshots[i - 1]));
  return [...(ok ? [] : [`snapshots: expected ascending training times <= tauMax = ${p.tauMax}, got [${p.snapshots.join(', ')}]`]), ...samplerGridProblems(p)];
}

/** The allowances of the checks beyond the standard error of the mean, measured once per data set (relative to the theory; b absolute). */
export interface ErrorModel {
  stats: number;
  b: number;
  generated: number;
  /** What the allowances cover and how they were measured. */
  note: string;
}

export interface ImageData {
  label: string;
  target: ImageSetGaussian;
  /** What SGD trains on (eigenframe rows) and its label. */
  source: SampleSource;
  sourceLabel: string;
  /** One more SGD run from the same initial weights on other data, drawn in the statistics figure only (Fig. 6 dotted). */
  extra?: { label: string; source: SampleSource };
  /** Data projected on the top-2 PCs (KDE target contours); absent: the Gaussian N(0, diag(l1, l2)). */
  dataPlane?: NDArray;
  errors: ErrorModel;
  note: string;
}

/** Gaussian KDE (kernel, Scott) of n x 2 points on a 70 x 70 grid over box. */
export const kdeGrid = (P: NDArray, box: Box): Grid2D => {
  const kde = gaussianKde2d(column(P, 0), column(P, 1));
  return evalGrid((xy, n) => kde.evaluate(column(new NDArray(xy, [n, 2]), 0), column(new NDArray(xy, [n, 2]), 1)), box, 70, 70);
};
/** The density of N(0, diag(l1, l2)) (a target in its top-2 PC plane) on a 70 x 70 grid over box. */
export const planeGaussianGrid = (l1: number, l2: number, box: Box): Grid2D =>
  evalGrid((xy, n) => gaussian({ mean: [0, 0], covariance: new NDArray(Float64Array.of(l1, 0, 0, l2), [2, 2]) }).logDensity(xy, n).map(Math.exp), box, 70, 70);
/** Variance of n x 2 points summed over both axes (Tr Cov) with its standard error. */
export const planeVariance = (P: NDArray) => {
  const v = perGroupVariance(P, [0, 0], { centre: true });
  return { value: 2 * v.variance[0], se: 2 * v.standardError[0] };
};
export const fmt = (v: number, k = 3) => (Math.abs(v) >= 1e-2 || v === 0 ? v.toFixed(k) : v.toExponential(2));
const ALPHA = 0.002; // per agreement check: 6 checks, family-wise <= 1.2 % before the allowances

/**
 * R online-SGD runs of the tied tanh DAE from one set of N(0, 1) weights on `data.source`, the Result 2.1 ODE from
 * those weights' statistics, and the generated law (Corollary 2.3 with the ODE weights, the d-dimensional sampler
 * with the SGD weights) at the snapshot times; checks, series and the three figures.
 */
export async function runImageDensity(ctx: ExperimentContext<ImageDensityParams>, data: ImageData): Promise<ExperimentOutput> {
  const p = ctx.params;
  const { r, replicates: R } = p;
  const tg = data.target.eigenFrame();
  const d = tg.dim;
  const E = tg.reference();
  const setup: DaeSetup = { target: tg, r, activation: 'tanh', w: gaussianInit(d, r, ctx.rng.named('init')), eta: p.eta, lambda: p.lambda, lossTimes: p.lossTimes, tauMax: p.tauMax, tauEvery: p.tauEvery };
  const snap = recordIndex(setup, p.snapshots);
  const runs = trainReplicates(ctx, setup, R, { checkpoints: snap, source: data.source });
  const extra = data.extra && trainReplicates(ctx, setup, 1, { source: data.extra.source, stream: 'sgd-extra', label: `online SGD on ${data.extra.label}` })[0];
  const consts = tg.constants();
  const fEll = ctx.perturb('ell', 1);
  const spec = { ...consts, ell: consts.ell.map((l) => l * fEll), Lambda: tg.lambdaFinite() * fEll };
  const ode = theoryOnRecords(ctx, setup, runs[0].initial, { spec });
  // b at finite d (spec §4.2): eq. 11 with Lambda_d = E|x|^2 / d and the network term along the ODE path
  const bTheory = finiteDSkipCorrection({ record: ode, spec, d, activation: 'tanh', grid: { times: p.lossTimes }, schedule: SCHEDULE, eta: p.eta }).b;
  const rec = runs[0].records;
  const nEnd = rec.tau.length - 1;
  const layout = daeStateLayout({ r, K: 1, Ng: tg.Ng, R: 0 });
  // S = w^T Sigma w / d = sum_s ell_s q_s (ode-theory stateS reads the q block), entry e of record n
  const stat = (name: 'Q' | 'S', x: { Q: Float64Array; q?: Float64Array }, n: number, e: number, ell: ArrayLike<number> = consts.ell) =>
    name === 'Q' ? x.Q[n * r * r + e] : stateS(layout, (x.q as Float64Array).subarray(n * tg.Ng * r * r), ell, 0)[e];
  const curves = (name: 'Q' | 'S', x: { Q: Float64Array; q?: Float64Array; tau: Float64Array }, e: number, ell?: ArrayLike<number>) => Array.from(x.tau, (_, n) => stat(name, x, n, e, ell));

  // --- Fig. 6: the entries of Q and S and b, ODE vs the mean of the runs (+- standard error) and one run on other data
  const series: Series[] = [];
  const main: VlSpec[] = [];
  const other: VlSpec[] = [];
  const entries = [[0, 0], [0, 1], [1, 1]].filter(([k, l]) => k < r && l < r);
  const panel = (lines: PlotSeries[], name: string, title: string) => linePanel({ series: lines, xTitle: 'training time τ', yTitle: name === 'Q' ? 'Q = wᵀw/d' : name === 'S' ? 'S = wᵀΣw/d' : 'skip connection b', title, markerEvery: 4, width: 300, height: 230 });
  for (const name of ['Q', 'S'] as const) {
    const lines: PlotSeries[] = [];
    const lines2: PlotSeries[] = [];
    for (const [k, l] of entries) {
      const group = `${name}${k + 1}${l + 1}`;
      const th: PlotSeries = { name: `${group} ODE`, kind: 'theory', group, x: Array.from(ode.tau), y: curves(name, ode, k * r + l, spec.ell) };
      const dev = replicateDeviation(runs.map((x) => curves(name, x.records, k * r + l)), th.y as number[]);
      lines.push(th, { name: `${group} SGD mean`, kind: 'simulation', group, x: Array.from(rec.tau), y: Array.from(dev.mean), yErr: Array.from(dev.se) });
      if (extra) lines2.push(th, { name: `${group} SGD ${data.extra?.label}`, kind: 'simulation', group, x: Array.from(extra.records.tau), y: curves(name, extra.records, k * r + l) });
    }
    main.push(panel(lines, name, `${name}: ODE vs SGD on ${data.sourceLabel}`));
    if (extra) other.push(panel(lines2, name, `${name}: ODE vs one SGD run on ${data.extra?.label}`));
    series.push(...[...lines, ...lines2.filter((s) => s.kind === 'simulation')].map((s) => ({ ...s, labels: { x: 'tau', y: name }, meta: { panel: name } })));
  }
  const bDev = replicateDeviation(runs.map((x) => curve(x.records, 'b')), bTheory);
  const bLines: PlotSeries[] = [
    { name: 'b eq. 11 (d = infinity)', kind: 'theory', group: 'b eq. 11', x: Array.from(ode.tau), y: Array.from(ode.b) },
    { name: 'b eq. 11 at finite d', kind: 'theory', group: 'b', x: Array.from(ode.tau), y: Array.from(bTheory) },
    { name: 'b SGD mean', kind: 'simulation', group: 'b', x: Array.from(rec.tau), y: Array.from(bDev.mean), yErr: Array.from(bDev.se) },
  ];
  series.push(...bLines.map((s) => ({ ...s, labels: { x: 'tau', y: 'b' }, meta: { panel: 'b' } })));

  // --- Fig. 3: the generated law at the snapshots (replicate 0, one common starting noise) and at tauMax (every replicate)
  const pg = ctx.progress.phase('generated densities', snap.length + R);
  const gen = { N: p.N, tf: p.tf };
  const [l1, l2] = data.target.spectrum;
  const box = boxAround(l1, l2, 3);
  const targetGrid = data.dataPlane ? kdeGrid(data.dataPlane, box) : planeGaussianGrid(l1, l2, box);
  const theoryAt = (n: number, count: number, name: string) =>
    projectedGenerated({ ...gen, schedule: SCHEDULE, b: bTheory[n], Q: new NDArray(ode.Q.slice(n * r * r, (n + 1) * r * r), [r, r]), G: new NDArray(ode.G.slice(n * r * 2, (n + 1) * r * 2), [r, 2]), activation: 'tanh', n: count, rng: ctx.rng.named(name, n) }).X;
  const panels: VlSpec[] = [];
  const images: Array<{ tau: number; pixels: NDArray }> = [];
  const keep = Math.min(p.nSamples, 2000);
  const pts = (P: NDArray) => Array.from({ length: keep }, (_, i) => [P.data[2 * i], P.data[2 * i + 1]]);
  let X = new NDArray(new Float64Array(0), [0, d]);
  let P = new NDArray(new Float64Array(0), [0, 2]);
  for (const [i, cp] of runs[0].checkpoints.entries()) {
    X = generate(cp.model, { ...gen, n: p.nSamples, rng: ctx.rng.named('x0') });
    P = projectedSampleMoments(X, E).projections;
    const th = theoryAt(snap[i], p.nSamples, 'theory');
    const [vs, vt] = [P, th].map((A) => perGroupVariance(A, [0, 1], { centre: true }).variance);
    series.push(
      { name: `theory (ODE + Cor. 2.3) tau = ${fmt(cp.tau, 2)}`, kind: 'theory', points: pts(th), labels: { x: 'PC1', y: 'PC2' }, meta: { panel: 'density', tau: cp.tau, variance: Array.from(vt) } },
      { name: `SGD + d-dim sampler tau = ${fmt(cp.tau, 2)}`, kind: 'simulation', points: pts(P), labels: { x: 'PC1', y: 'PC2' }, meta: { panel: 'density', tau: cp.tau, variance: Array.from(vs) } },
    );
    panels.push(densityPanel({ points: P.data, theory: kdeGrid(th, box), target: targetGrid, theoryLabel: 'theory (ODE + Cor. 2.3)', targetLabel: data.dataPlane ? 'data (KDE)' : 'target N(0, Σ)', box, xTitle: 'PC1', yTitle: 'PC2', title: [`τ = ${cp.tau.toFixed(2)}`, `var PC1, PC2: sim ${fmt(vs[0], 2)}, ${fmt(vs[1], 2)}; theory ${fmt(vt[0], 2)}, ${fmt(vt[1], 2)}`] }));
    images.push({ tau: cp.tau, pixels: data.target.toPixels(new NDArray(X.data.slice(0, p.imageRows * d), [p.imageRows, d])) });
    pg.tick();
  }
  const simPlane = runs.map((x, j) => {
    pg.tick();
    return planeVariance(projectedSampleMoments(generate(x.model, { ...gen, n: p.replicateSamples, rng: ctx.rng.named('replicate-samples', j) }), E).projections).value;
  });
  pg.done();

  // --- checks: ODE vs the mean of the runs at the snapshots, b, the generated variance end to end, Cor. 2.3 at finite d
  const checks: Check[] = [];
  const tq = tMultiplier(ALPHA, R - 1, snap.length);
  const allow = (c: number, what: string) => `${data.errors.note.replace('{c}', `${what} ${fmt(c, 3)}`)}`;
  for (const name of ['Q', 'S'] as const) {
    const tr = (x: { Q: Float64Array; q?: Float64Array }, n: number, ell?: ArrayLike<number>) => entries.filter(([k, l]) => k === l).reduce((a, [k]) => a + stat(name, x, n, k * r + k, ell), 0);
    const th = snap.map((n) => tr(ode, n, spec.ell));
    const bias = data.errors.stats * Math.max(...th.map(Math.abs));
    const w = replicateDeviation(runs.map((x) => snap.map((n) => tr(x.records, n))), th, { quantile: tq, bias }).worst;
    checks.push(agreement(`tr ${name} at the snapshot times (the worst): mean of ${R} SGD runs vs Result 2.1 ODE`, w.mean, w.theory, w.tolerance,
      `worst at tau = ${fmt(rec.tau[snap[w.index]], 2)}; t_${R - 1} = ${fmt(tq, 2)} (two-sided ${ALPHA}, Bonferroni over ${snap.length} times) x standard error of the mean of ${R} runs from the same weights (${fmt(w.se)}) + ${allow(data.errors.stats, 'c =')} x max |theory| = ${fmt(bias)}`));
  }
  const bRuns = meanWithError(runs.map((x) => x.records.b[nEnd]));
  const t1 = tMultiplier(ALPHA, R - 1);
  checks.push(agreement(`b at tau = ${fmt(rec.tau[nEnd], 2)}: mean of ${R} SGD runs vs eq. 11 at finite d (Lambda_d = Tr Sigma / d = ${fmt(spec.Lambda, 4)}, network term along the ODE)`, bRuns.mean, bTheory[nEnd], t1 * bRuns.se + data.errors.b,
    `t_${R - 1} = ${fmt(t1, 2)} x standard error of the mean (${fmt(bRuns.se)}) + ${allow(data.errors.b, 'absolute')}`));
  const thEnd = planeVariance(theoryAt(nEnd, Math.max(4 * p.replicateSamples, 8000), 'theory-end'));
  const sim = meanWithError(simPlane);
  checks.push(agreement(`generated variance in the PC1-PC2 plane at tau = ${fmt(rec.tau[nEnd], 2)}: mean of ${R} SGD models (d-dim sampler) vs ODE + Cor. 2.3`, sim.mean, thEnd.value,
    t1 * Math.hypot(sim.se, thEnd.se) + data.errors.generated * thEnd.value,
    `t_${R - 1} x standard error of the mean of ${R} models (${p.replicateSamples} samples each: weight and Monte-Carlo spread) and of the theory samples + ${allow(data.errors.generated, 'relative')} x theory`));
  // Corollary 2.3 is exact at finite d given the weights: the last SGD weights' statistics through it vs their d-dim samples
  const last = runs[0].checkpoints[runs[0].checkpoints.length - 1].model;
  const st = summaryStatsOf(last.w, d, r, { E });
  const cor = projectedGenerated({ ...gen, schedule: SCHEDULE, b: last.b, Q: new NDArray(st.Q, [r, r]), G: new NDArray(st.G as Float64Array, [r, 2]), activation: 'tanh', n: p.nSamples, rng: ctx.rng.named('corollary') }).X;
  const [vs, vc] = [P, cor].map((A) => perGroupVariance(A, [0, 1], { centre: true }));
  const z = normalQuantile(1 - ALPHA / 2);
  for (const j of [0, 1]) {
    checks.push(agreement(`Cor. 2.3 exact at finite d: PC${j + 1} variance of the d-dim samples vs Cor. 2.3 with the same SGD weights (tau = ${fmt(p.snapshots[p.snapshots.length - 1], 2)})`, vs.variance[j], vc.variance[j], z * Math.hypot(vs.standardError[j], vc.standardError[j]),
      `Monte-Carlo only: two independent sets of ${p.nSamples} samples, standard errors from their spread; z = ${fmt(z, 2)} (two-sided ${ALPHA})`));
  }
  const off = offSubspaceEmpirical(X, last.weights());
  const bulk = (tg.lambdaFinite() * d - data.target.spectrum.slice(0, p.spikes).reduce((a, b) => a + b, 0)) / (d - p.spikes);
  checks.push(
    bound(`mode collapse: generated PC1-PC2 variance / target l1 + l2 = ${fmt(l1 + l2)} (SGD models)`, sim.mean / (l1 + l2), { upper: 0.8 }, 'spec §9 Fig. 3 / claim 4: the generated variance stays markedly below the target (a deficit of at least 20 %)'),
    bound(`mode collapse off span(w): variance per direction of the d-dim samples / mean bulk eigenvalue ${fmt(bulk)}`, off.variance / bulk, { upper: 0.1 }, 'spec §9 claims 1 and 4: small Lambda => small b => v_tf an order of magnitude below the bulk'),
  );

  // --- figures
  const common = `${data.label}, d = ${d}, r = ${r}, tanh, eta = ${p.eta}, lambda = ${p.lambda}, G = {${p.lossTimes.join(', ')}}, epsilon = 0, N = ${p.N}, t_f = ${p.tf}, N(0, 1) initial weights. ${data.note}`;
  await ctx.figure('projected-density', withTitle({ columns: Math.min(3, panels.length), concat: panels, resolve: { scale: { color: 'shared', strokeDash: 'shared', fill: 'shared', x: 'independent', y: 'independent' } } }, `Generated density in the top-2 principal plane over training (${data.label})`),
    ctx.caption(`Colour map: ${p.nSamples} samples generated in d = ${d} by the SGD-trained DAE (run 0, trained on ${data.sourceLabel}; one common X_0), projected on PC1, PC2. Red dashed: 50/90 % HDR contours of the theory (Result 2.1 ODE weights through Corollary 2.3, KDE of ${p.nSamples} samples). Black: ${data.dataPlane ? 'KDE of the data projections' : 'the target N(0, diag(l1, l2))'}. ${common}`));
  await ctx.figure('summary-statistics', smallMultiples({ panels: [...main, panel(bLines, 'b', 'b'), ...other], columns: 3, title: `Summary statistics: Result 2.1 ODE (dashed) vs the mean of ${R} SGD runs (solid, ± standard error), ${data.label}` }),
    ctx.caption(`Dashed: ODE of Result 2.1 from the statistics of the common N(0, 1) initial weights, spectrum coarse-grained into ${p.spikes} microscopic spikes + ${p.bulkBins} bulk bins; b from eq. 11 (d = infinity) and at finite d (Lambda_d = Tr Sigma / d and the O(r/d) network term, ode-theory finiteDSkipCorrection). Solid: mean of ${R} online-SGD runs on ${data.sourceLabel} with standard-error bars${data.extra ? `; last row: one run on ${data.extra.label} from the same weights` : ''}. ${common}`));
  const cells = Array.from({ length: p.imageRows }, (_, row) => images.map((im) => ({ values: im.pixels.data.subarray(row * d, (row + 1) * d).map((v) => Math.min(1, Math.max(0, v))), rows: 28, cols: 28, title: row === 0 ? `τ = ${im.tau.toFixed(2)}` : undefined }))).flat();
  await ctx.figure('generated-images', heatmapGrid({ panels: cells, columns: images.length, title: `Images generated from one common starting noise per row over training (${data.label})`, colorScheme: 'greys', colorTitle: 'pixel', panelSize: 90 }),
    ctx.caption(`Each row: one X_0 ~ N(0, I_${d}) pushed through the sampler (N = ${p.N}, t_f = ${p.tf}) of the SGD-trained DAE at each tau; eigenframe samples mapped back to pixels (x = U y + mean), clamped to [0, 1]. ${common}`));
  ctx.log(`tau = ${fmt(rec.tau[nEnd], 2)}: generated PC-plane variance sim ${fmt(sim.mean)} theory ${fmt(thEnd.value)}; b sim ${fmt(bRuns.mean, 5)} theory ${fmt(bTheory[nEnd], 5)}; off-span variance ${fmt(off.variance)}`);
  return { series, checks };
}
