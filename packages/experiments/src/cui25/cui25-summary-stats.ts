import { replicateDeviation, tMultiplier } from '@diffusion-theory/metrics';
import { bInfinity, bTau, kappa } from '@diffusion-theory/ode-theory';
import { linePanel, withTitle } from '@diffusion-theory/plots';
import { trimodalGmm } from '@diffusion-theory/targets';
import { warmStart } from '@diffusion-theory/trainers';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { type Check, type Series, agreement } from '../result.js';
import { type DaeSetup, SCHEDULE, curve, recordGrid, skipAtFiniteD, theoryOnRecords, trainReplicates } from './dae-runs.js';

const params = z.object({
  d: z.number().int().min(20).max(5000).describe('dimension d of the data'),
  tauMax: z.number().positive().max(20).describe('final training time tau = 2 eta n / d (dimensionless)'),
  tauEvery: z.number().positive().max(1).describe('training time between recorded statistics (rounded to whole SGD steps)'),
  eta: z.number().positive().max(1).describe('SGD learning rate eta'),
  lambda: z.number().min(0).max(10).describe('weight decay lambda'),
  lossTimes: z.array(z.number().min(0.05).max(0.95)).min(1).max(4).describe('loss time grid G (uniform weights; the paper: {1/2})'),
  initScale: z.number().min(0).max(1).describe('warm start w_{:,k} = initScale sqrt(d) mu_k, k = 1, 2 (spec §2.4 (i))'),
  replicates: z.number().int().min(3).max(64).describe('independent SGD runs R (named streams, same initial weights); the tolerance is the standard error of their mean'),
});

/** Family-wise false-alarm level of the checks (Bonferroni over them). */
const ALPHA = 0.02;
/** Finite-d offset of the ODE against the mean of many runs, c / d (measured; see the note). */
const C_FINITE_D = 25;

const SUB = ['₁', '₂'];
const SUP = ['¹', '²'];

export default defineExperiment({
  id: 'cui25-summary-stats',
  title: 'Summary statistics of online SGD for the tied DAE: ODE (Result 2.1) vs finite-d SGD',
  paper: 'Cui, Pehlevan, Lu 2025 (arXiv:2501.03937), Figs. 1 and 5',
  description:
    'Trimodal Gaussian mixture T1 = (1/3) sum_k N(mu_k, I_d), mu = 3e1, -3e2, -3e1; tied DAE f = b x + (w/sqrt d) tanh(w^T x/sqrt d), r = 2, ' +
    'trained by online SGD (eta, lambda, loss grid G) from the warm start w_{:,k} = 0.1 sqrt(d) mu_k, b_0 = 0. Theory: the summary-statistic ODEs of ' +
    'Result 2.1 (Stein form, spec §4.3) from the statistics of the actual initial weights, and eq. 11 for b. Simulation: R independent SGD runs at ' +
    'dimension d. Plotted: M^c_k(tau), Q and b. Checks: max over tau of |ODE - mean of R runs| per statistic within the Student-t multiple of the ' +
    'largest standard error of the mean (M^3 = -M^1 exactly, since mu_3 = -mu_1, so it is not checked twice).',
  params,
  defaults: {
    quick: { d: 500, tauMax: 4, tauEvery: 0.1, eta: 0.2, lambda: 0, lossTimes: [0.5], initScale: 0.1, replicates: 8 },
    paper: { d: 1000, tauMax: 4, tauEvery: 0.05, eta: 0.2, lambda: 0, lossTimes: [0.5], initScale: 0.1, replicates: 16 },
  },
  default: true,
  perturbations: {
    eta: 'the learning rate in the ODE, i.e. the O(eta) SGD-noise term 2 eta rho_s N of the q-equation (a factor 2 in a variance)',
    T: 'the centroid overlaps T_cc\' of the target in the ODE (the signal of the M- and Q-equations)',
    Lambda: 'the spread Lambda_d = E||x1||^2/d in the finite-d b drift (eq. 11 and its correction)',
  },
  async run(ctx) {
    const p = ctx.params;
    const { d, replicates: R } = p;
    const r = 2;
    const target = trimodalGmm(d);
    const setup: DaeSetup = { target, r, activation: 'tanh', w: warmStart(target.means(), d, r, p.initScale), eta: p.eta, lambda: p.lambda, lossTimes: p.lossTimes, tauMax: p.tauMax, tauEvery: p.tauEvery };
    const runs = trainReplicates(ctx, setup, R);
    const spec = target.constants();
    const th = theoryOnRecords(ctx, setup, runs[0].initial, { eta: ctx.perturb('eta', p.eta), spec: { ...spec, T: spec.T.map((v) => ctx.perturb('T', v)) } });
    const { spacing, odeEvery, steps } = recordGrid(setup);
    const tau = Array.from(runs[0].records.tau);
    const skip = { Lambda: target.lambda(), grid: { times: p.lossTimes }, schedule: SCHEDULE };
    const bEq11 = tau.map((t) => bTau(t, { ...skip, b0: 0 }));
    const bFinite = skipAtFiniteD(setup, th, { secondMoment: ctx.perturb('Lambda', target.secondMoment()) });

    const stats: Array<{ name: string; panel: 'M' | 'Q' | 'b'; theory: number[]; runs: number[][] }> = [];
    for (let c = 0; c < 2; c++) {
      for (let k = 0; k < r; k++) stats.push({ name: `M${SUP[c]}${SUB[k]}`, panel: 'M', theory: curve(th, 'M', c * r + k), runs: runs.map((x) => curve(x.records, 'M', c * r + k)) });
    }
    for (const [a, b] of [[0, 0], [1, 1], [0, 1]] as const) {
      stats.push({ name: `Q${SUB[a]}${SUB[b]}`, panel: 'Q', theory: curve(th, 'Q', a * r + b), runs: runs.map((x) => curve(x.records, 'Q', a * r + b)) });
    }
    stats.push({ name: 'b', panel: 'b', theory: Array.from(bFinite.b), runs: runs.map((x) => curve(x.records, 'b')) });

    const q = tMultiplier(ALPHA, R - 1, stats.length);
    const series: Series[] = [];
    const checks: Check[] = [];
    for (const st of stats) {
      const isB = st.panel === 'b';
      const bias = isB ? 0 : C_FINITE_D / d;
      const dev = replicateDeviation(st.runs, st.theory, { quantile: q, bias });
      const i = dev.maxIndex;
      const labels = { x: 'tau', y: st.name };
      series.push({ name: isB ? `b eq. 11 + finite-d correction (d = ${d})` : `${st.name} ODE (Result 2.1)`, kind: 'theory', group: st.name, x: tau, y: st.theory, labels, meta: { panel: st.panel } });
      series.push({ name: `${st.name} SGD d = ${d} (mean of ${R})`, kind: 'simulation', group: st.name, x: tau, y: Array.from(dev.mean), yErr: Array.from(dev.se), labels, meta: { panel: st.panel, runs: st.runs } });
      checks.push(
        agreement(
          `${st.name}: max over tau of |${isB ? 'eq. 11 at finite d' : 'ODE'} - mean of ${R} SGD runs|`,
          dev.mean[i],
          st.theory[i],
          q * dev.maxSe + bias,
          `Largest at tau = ${tau[i].toFixed(2)}. Error model: the mean of R = ${R} independent runs fluctuates by its standard error sd/sqrt(R); tolerance q max_tau se${isB ? '' : ' + c/d'}, ` +
            `q = t_${R - 1}(1 - ${ALPHA}/(2 x ${stats.length})) = ${q.toFixed(2)} (Student t, Bonferroni over the ${stats.length} statistics; normalising by the largest se over tau ` +
            `is conservative for the max over tau), max_tau se = ${dev.maxSe.toPrecision(3)}; ` +
            (isB
              ? `the theory is eq. 11 with its O(1/d) finite-size drift (ode-theory finiteDSkipCorrection: Lambda_d = E||x1||^2/d = ${target.secondMoment().toFixed(4)}, the network term along the ODE path, SGD's Euler step; eq. 11 alone is off by ${Math.max(...Array.from(bFinite.offset, Math.abs)).toExponential(2)}).`
              : `c/d = ${C_FINITE_D}/d: the O(1/d) offset of the ODE against the mean of 48 runs, measured once (max over tau x d: 12-25 for M¹₁, ~12 for Q₁₁ at d = 250 and 500, two seeds each).`),
        ),
      );
    }
    series.push({ name: 'b eq. 11 (d -> infinity)', kind: 'target', group: 'b', x: tau, y: bEq11, labels: { x: 'tau', y: 'b' }, meta: { panel: 'b' } });
    ctx.log(`b_inf = ${bInfinity(skip).toFixed(4)}, kappa = ${kappa(skip).toFixed(4)}; q = ${q.toFixed(2)}`);

    const every2 = Math.max(1, Math.round(0.2 / spacing));
    const panel = (key: 'M' | 'Q' | 'b', yTitle: string, title: string, colorTitle: string) =>
      linePanel({
        series: series.filter((s) => s.meta?.panel === key).map(({ yErr, ...s }) => s),
        xTitle: 'training time τ',
        yTitle,
        title,
        colorTitle,
        markerEvery: every2,
        legendOrient: 'bottom',
      });
    const caption = ctx.caption(
      `Dashed: Result 2.1 ODE (Stein form, RK4, dtau = ${(spacing / odeEvery).toPrecision(3)}) from the statistics of the actual initial weights. ` +
        `Solid with markers: online SGD at d = ${d}, mean of ${R} independent runs (${steps} steps each, tau = 2 eta n/d). Skip connection b: dashed eq. 11 with its finite-d correction (Lambda_d, network term), dotted eq. 11 (d -> infinity). ` +
        'Target T1: (1/3) sum_k N(mu_k, I), mu = 3e1, -3e2, -3e1 (M³ = -M¹); warm start w_k = 0.1 sqrt(d) mu_k, b0 = 0.' +
        (ctx.scale === 'quick' ? ` Quick scale: d = ${d} instead of the paper's 1000.` : ''),
    );
    await ctx.figure(
      'summary-statistics',
      withTitle(
        {
          hconcat: [
            panel('M', 'overlap M^c_k = w_kᵀμ_c/√d', 'centroid overlaps M^c_k', 'M^c_k (cluster c, unit k)'),
            panel('Q', 'Q_kl = w_kᵀw_l/d', 'weight norms / overlap Q', 'Q entry'),
            panel('b', 'skip connection b', 'skip connection b', 'statistic'),
          ],
          resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent', strokeDash: 'independent' } },
        },
        'Trimodal GMM, tanh DAE (r = 2): summary statistics over training time',
        caption,
      ),
      caption,
    );
    return { series, checks };
  },
});
