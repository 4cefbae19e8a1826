import { fromData, gemm, linearInterpolant, type NDArray } from '@diffusion-theory/kernel';
import { symmetricMeanErrorPerDim } from '@diffusion-theory/metrics';
import { type IclrSummary, iclrAlignedSummaryLinear, iclrMeanErrorFromSummary, iclrSummaryLinear } from '@diffusion-theory/ode-theory';
import { linePanel, type Series as PlotSeries, withTitle } from '@diffusion-theory/plots';
import { paperGrid, sampleInterpolant } from '@diffusion-theory/samplers';
import { binaryIsotropicGmm } from '@diffusion-theory/targets';
import { fitIclrSignAe } from '@diffusion-theory/trainers';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { agreement, type Check, type Series } from '../result.js';

const params = z.object({
  d: z.number().int().min(50).max(20000).describe('dimension d (|mu|^2 = d; the slides use d ~ 2000)'),
  n: z.number().int().min(2).max(20).describe('training pairs n of the summary-statistic panel (slides: 8)'),
  sigma: z.number().positive().max(3).describe('cluster standard deviation sigma (data units)'),
  lambda: z.number().min(0).max(100).describe('ridge penalty lambda on u (dimensionless)'),
  N: z.number().int().min(10).max(5000).describe('time grid t_k = k/N of the per-time fits and of the flow (Heun steps), k <= round(tf N)'),
  tf: z.number().min(0.5).max(0.999).describe('final time t_f of the probability-flow ODE (the drift has 1/(1 - t))'),
  nSamples: z.number().int().min(10).max(20000).describe('generated trajectories per fitted model (count)'),
  nList: z.array(z.number().int().min(2).max(20)).min(2).max(10).describe('training-set sizes n of the mean-error panel (the exact-sign fit needs n <= 20)'),
  replicates: z.number().int().min(3).max(200).describe('independent training sets (and flows) per n; checks compare their mean with the theory (count)'),
  k: z.number().min(1).max(10).describe('tolerance in standard errors of the replicate mean (dimensionless)'),
});
type Params = z.output<typeof params>;
const SCHEDULE = linearInterpolant();
const STATS = [['M', 'M_t = Xᵀμ/d'], ['Qxi', 'Q^ξ_t = Xᵀξ/(nd)'], ['Qeta', 'Q^η_t = Xᵀη/(nσ²d)']] as const;
const meanSe = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean: m, se: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / ((v.length - 1) * v.length)) };
};
const fmt = (v: number) => v.toPrecision(3);

export default defineExperiment({
  id: 'cui24-binary-gmm',
  title: 'ICLR-2024 model: closed-form summary statistics of a generated sample and the 1/n mean error',
  paper: 'Cui, Krzakala, Vanden-Eijnden, Zdeborova, ICLR 2024 (as on the PIRSA 2025 slides; spec dae-asymptotics §8)',
  description:
    'Binary isotropic GMM (1/2) N(+-mu, sigma^2 I_d) with |mu|^2 = d and n = O(1) training pairs. One sign auto-encoder f_t(x) = b_t x + u_t sign(u_t^T x) per grid time, ' +
    'fitted exactly (trainers fitIclrSignAe); samples from the probability-flow ODE (Heun, grid k/N to t_f), over independent training sets. ' +
    'Theory (spec §8, alpha = 1 - t): M_t = n t/(lambda + n), Q^eta_t = t/(lambda + n), Q^xi_t = -(sqrt(D_t/B) - (1 - t))/(lambda + n), and the mean error ' +
    '||m_hat - mu||^2/d = (M - 1)^2 + n (Q^xi)^2 + n sigma^2 (Q^eta)^2 (2 sigma^2/n at t = 1, lambda = 0). ' +
    'Left: M_t, Q^xi_t, Q^eta_t of the generated samples (aligned by s = sign(u^T X)) vs t. Right: n times the mean error vs n.',
  params,
  defaults: {
    quick: { d: 500, n: 8, sigma: 1, lambda: 0, N: 100, tf: 0.99, nSamples: 50, nList: [2, 4, 8, 16], replicates: 10, k: 5 },
    paper: { d: 2000, n: 8, sigma: 1, lambda: 0, N: 200, tf: 0.995, nSamples: 400, nList: [2, 3, 4, 6, 8, 12, 16, 20], replicates: 12, k: 5 },
  },
  default: true,
  validate: (p) =>
    Math.round(p.tf * p.N) >= p.N
      ? [`N = ${p.N} with tf = ${p.tf}: the last grid time round(tf N)/N = 1 has alpha_t = 0 (the flow drift has 1/(1 - t)); use N > 0.5/(1 - tf) = ${Math.ceil(0.5 / (1 - p.tf))} or a smaller tf`]
      : [],
  memoryBytes: (p) => 8 * p.nSamples * p.d * 48,
  perturbations: {
    M: 'the closed-form overlap M_t = n t/(lambda + n) of a generated sample with mu (summary panel and mean error)',
    sigma: 'the cluster standard deviation sigma inside the closed forms (the mean error ~ 2 sigma^2/n)',
  },
  async run(ctx) {
    const p: Params = ctx.params;
    const { d, sigma, lambda, replicates: R } = p;
    const target = binaryIsotropicGmm({ d, sigma });
    const grid = paperGrid(p.N, p.tf);
    const tf = grid[grid.length - 1];
    const stride = Math.max(1, Math.round((grid.length - 1) / 40));
    const saveAt = Array.from(grid).filter((_, i) => i % stride === 0 || i === grid.length - 1);
    const sigmaTh = ctx.perturb('sigma', sigma);
    /** The closed forms (spec §8) of a sample aligned by s = sign(u^T X), with the finite-d alignment offset (ode-theory). */
    const theory = (n: number, t: number): IclrSummary => {
      const s = iclrAlignedSummaryLinear({ n, lambda, sigma: sigmaTh, t, d });
      return { ...s, M: ctx.perturb('M', s.M) };
    };
    /** One training set of n pairs, the per-time fits, nSamples flow trajectories; the aligned statistics at the saved times and the error of the aligned mean. */
    const replicate = (n: number, r: number) => {
      const ts = target.trainingSet(n, ctx.rng.named('training', n, r));
      const fit = fitIclrSignAe({ x0: ts.x0, x1: ts.x1, s: ts.s, schedule: SCHEDULE, times: grid, lambda });
      const out = sampleInterpolant({ denoiser: fit.denoiser, schedule: SCHEDULE, n: p.nSamples, rng: ctx.rng.named('flow', n, r), grid, method: 'heun', saveAt });
      const s = gemm(out.samples, fromData(fit.denoiser.paramsAt(tf).u, [1, d]), { transB: true }).data.map((h) => (h >= 0 ? 1 : -1));
      const sRow = fromData(s, [1, p.nSamples]);
      const V = new Float64Array(3 * d);
      for (const [j, v] of [target.mu(), ts.xi, ts.eta].entries()) V.set(v, j * d);
      const scale = [d, n * d, n * sigma * sigma * d];
      const aligned = (X: NDArray) => gemm(sRow, gemm(X, fromData(V, [3, d]), { transB: true }), { alpha: 1 / p.nSamples }).data.map((v, j) => v / scale[j]);
      const mHat = gemm(sRow, out.samples, { alpha: 1 / p.nSamples }).data;
      // The aligned mean of nSamples trajectories carries their spread perp = D_tf/B per coordinate: subtract its bias perp/nSamples.
      const error = symmetricMeanErrorPerDim(mHat, target.mu()) - iclrSummaryLinear({ n, lambda, sigma, t: tf }).perp / p.nSamples;
      return { stats: (out.snapshots ?? []).map((sn) => aligned(sn.samples)), error };
    };

    const series: Series[] = [];
    const checks: Check[] = [];
    const nList = [...new Set([p.n, ...p.nList])].sort((a, b) => a - b);
    const runs = new Map<number, ReturnType<typeof replicate>[]>();
    const phase = ctx.progress.phase('fits and flows', nList.length * R);
    for (const n of nList) {
      runs.set(n, Array.from({ length: R }, (_, r) => {
        const out = replicate(n, r);
        phase.tick();
        return out;
      }));
    }
    phase.done();

    // Summary statistics along the flow at n = p.n: replicate mean vs closed form, checked at the time of the largest |dev|/se.
    const main = runs.get(p.n) ?? [];
    const lines: PlotSeries[] = [];
    const errNote = `mean over R = ${R} independent training sets and flows (${p.nSamples} trajectories each); tolerance k se of that mean, k = ${p.k}`;
    STATS.forEach(([key, label], j) => {
      const sim = saveAt.map((_, i) => meanSe(main.map((m) => m.stats[i][j])));
      const th = saveAt.map((t) => theory(p.n, t)[key]);
      lines.push({ name: `${label} closed form + alignment offset`, kind: 'theory', group: label, x: saveAt, y: th }, { name: `${label} flow, d = ${d}`, kind: 'simulation', group: label, x: saveAt, y: sim.map((v) => v.mean), yErr: sim.map((v) => v.se) });
      let w = 1;
      for (let i = 1; i < saveAt.length; i++) if (Math.abs(sim[i].mean - th[i]) / sim[i].se > Math.abs(sim[w].mean - th[w]) / sim[w].se) w = i;
      checks.push(agreement(`${key}: flow vs closed form at the saved time of largest deviation (n = ${p.n})`, sim[w].mean, th[w], p.k * sim[w].se,
        `At t = ${fmt(saveAt[w])}, the largest |flow - theory| / se over the ${saveAt.length} saved times. Theory: spec §8 closed form plus the finite-d alignment offset sqrt(D_t/B) sqrt(2/(pi d (1 + sigma^2/n))) (M; / n for Q^eta). ${errNote}. Training-set fluctuations of the overlaps are O(d^-1/2) with mean zero, so they enter the standard error.`));
    });

    // Mean error of the generated mixture vs n.
    const errSim = nList.map((n) => meanSe((runs.get(n) ?? []).map((m) => m.error)));
    const errTh = nList.map((n) => iclrMeanErrorFromSummary({ n, lambda, sigma: sigmaTh, summary: theory(n, tf) }));
    const errTh1 = nList.map((n) => iclrMeanErrorFromSummary({ n, lambda, sigma: sigmaTh, summary: iclrSummaryLinear({ n, lambda, sigma: sigmaTh, t: 1 }) }));
    nList.forEach((n, i) => {
      checks.push(agreement(`mean error ||m_hat - mu||^2/d at n = ${n}`, errSim[i].mean, errTh[i], p.k * errSim[i].se,
        `Theory: (M - 1)^2 + n (Q^xi)^2 + n sigma^2 (Q^eta)^2 at t_f = ${fmt(tf)} with the aligned summary (alignment offset included). Simulation: ||mean_i s_i X_i - mu||^2/d minus the sampling bias perp/nSamples; ${errNote}.`));
    });
    // Drawn as n x error, which the closed form at t = 1 and lambda = 0 puts at exactly 2 sigma^2.
    const times = (v: number[]) => v.map((e, i) => nList[i] * e);
    const errLines: PlotSeries[] = [
      { name: 'closed form, t = t_f', kind: 'theory', x: nList, y: times(errTh) },
      { name: 'closed form, t = 1', kind: 'theory', x: nList, y: times(errTh1) },
      { name: '2σ² (t = 1, λ = 0)', kind: 'target', x: nList, y: nList.map(() => 2 * sigma * sigma) },
      { name: `flow, d = ${d}`, kind: 'simulation', x: nList, y: times(errSim.map((e) => e.mean)), yErr: times(errSim.map((e) => e.se)) },
    ];
    series.push(...(lines as Series[]), ...(errLines as Series[]));
    ctx.log(`mean errors: flow ${errSim.map((e) => fmt(e.mean)).join(' ')}; theory ${errTh.map(fmt).join(' ')}`);

    const cap = ctx.caption(
      `Left: summary statistics of generated trajectories (each multiplied by its sign s = sign(u_tfᵀX_tf)) along the probability-flow ODE (Heun, grid k/${p.N} to t_f = ${fmt(tf)}), ` +
        `d = ${d}, n = ${p.n} training pairs, per-time exact sign-AE fits; solid: mean over ${R} training sets (bars: one standard error), dashed: closed forms of spec §8 with the finite-d alignment offset. ` +
        `Right: n times the mean error of the generated mixture vs n (log n); dashed: closed form at t_f and at t = 1; dotted: 2 sigma^2 (t = 1, lambda = 0); markers: flow (sampling bias removed; bars: one standard error).`,
    );
    const panels = [
      linePanel({ series: lines, xTitle: 'sampling time t', yTitle: 'summary statistic', title: `summary statistics along the flow (n = ${p.n})`, legendOrient: 'bottom', colorTitle: 'statistic', markerEvery: 2 }),
      linePanel({ series: errLines, xTitle: 'training pairs n', yTitle: 'n ‖m̂ − μ‖²/d', title: 'mean error of the generated mixture, times n', xScale: 'log', legendOrient: 'bottom', colorTitle: 'curve' }),
    ];
    const title = 'ICLR-2024 model: binary GMM with n training pairs, one sign auto-encoder per time';
    await ctx.figure('iclr-binary-gmm', withTitle({ hconcat: panels, resolve: { scale: { color: 'independent', strokeDash: 'independent' } } }, title, cap, 150), cap);
    return { series, checks };
  },
});
