import { type BranchFits, tMultiplier } from '@diffusion-theory/metrics';
import { linePanel, withTitle } from '@diffusion-theory/plots';
import { rotatedLogNormalGaussian, spectralGaussianFromEigen } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { agreement, bound, type Check, property, type Series } from '../result.js';
import { emergence, emergencePanel, heunOptimalModeVariances, logCheckpoints, trainAndTrack } from './mlp-runs.js';

const params = z.object({
  d: z.number().int().min(8).max(512).describe('data dimension d'),
  nTrain: z.number().int().min(256).max(20000).describe('training-set size (samples of N(0, R D R^T))'),
  nlayers: z.number().int().min(2).max(8).describe('MLP-UNet nlayers (nlayers - 1 blocks + a linear layer)'),
  nhidden: z.number().int().min(8).max(1024).describe('MLP-UNet hidden width'),
  temb: z.number().int().min(4).max(512).describe('size of the Gaussian Fourier noise embedding (even)'),
  steps: z.number().int().min(10).max(20000).describe('Adam steps'),
  batch: z.number().int().min(8).max(2048).describe('minibatch size'),
  lr: z.number().positive().max(0.01).describe('Adam learning rate'),
  checkpoints: z.number().int().min(4).max(60).describe('number of log-spaced checkpoints (plus initialisation)'),
  nGen: z.number().int().min(64).max(8192).describe('generated samples per checkpoint (fixed noise, Heun sampler)'),
  heunSteps: z.number().int().min(4).max(200).describe('EDM Heun steps (rho = 7, sigma in [0.002, 80])'),
  topModes: z.number().int().min(4).max(128).describe('number of leading modes in the end-of-training agreement check'),
});

const ALPHA = 0.02;
/** Allowance for training not yet converged on the leading modes (measured at quick scale: mean ratio 0.90-0.93 over seeds 1-5, plus a margin). */
export const C_TRAIN = 0.12;
const PAPER_ALPHA = 1.08;

const fitText = (f: BranchFits): string =>
  (['increasing', 'decreasing'] as const)
    .map((k) => (f[k] ? `${k === 'increasing' ? 'rising' : 'falling'}: alpha = ${f[k].alpha.toFixed(2)}, R^2 = ${f[k].r2.toFixed(2)}, N = ${f[k].n}` : ''))
    .filter(Boolean)
    .join('; ');

export default defineExperiment({
  id: 'wang25-mlp-gaussian',
  title: 'Spectral bias of an MLP-UNet trained with the EDM loss on a rotated log-normal Gaussian',
  paper: 'Wang & Pehlevan 2025, An analytical theory of spectral bias in the learning dynamics of diffusion models, Exp 1 (Sec 6, App I; Fig 9)',
  description:
    'Gaussian N(0, R diag(lambda) R^T), lambda log-normal (exp(randn), sorted, mean 1), R Haar (spec §13.1). An MLP-UNet (spec §13.2) with EDM ' +
    'preconditioning is trained with the EDM loss (ln sigma ~ N(-1.2, 1.2^2), weight lambda(sigma)) by minibatch Adam. At log-spaced checkpoints, ' +
    'samples from fixed noise (EDM Heun, 20 steps) give the generated variance along each true eigenvector u_k. Theory line: the Heun sampler on the ' +
    'exact (Bayes-optimal) denoiser, the end point training should reach. Emergence times (geometric criterion, gray zone excluded) are fitted per ' +
    'branch by a power law tau* ~ lambda^-alpha; the linear theory gives alpha ~ 1, the paper reports alpha = 1.08 for the MLP at d = 256.',
  params,
  defaults: {
    quick: { d: 64, nTrain: 4096, nlayers: 3, nhidden: 64, temb: 32, steps: 1000, batch: 128, lr: 2e-3, checkpoints: 14, nGen: 512, heunSteps: 20, topModes: 16 },
    paper: { d: 256, nTrain: 10000, nlayers: 5, nhidden: 256, temb: 256, steps: 5000, batch: 1024, lr: 1e-4, checkpoints: 20, nGen: 1024, heunSteps: 20, topModes: 32 },
  },
  default: true,
  validate: (p) => [
    ...(p.temb % 2 !== 0 ? [`temb: expected an even number, got ${p.temb}`] : []),
    ...(p.batch > p.nTrain ? [`batch (${p.batch}) must not exceed nTrain (${p.nTrain})`] : []),
    ...(p.topModes > p.d ? [`topModes (${p.topModes}) must not exceed d (${p.d})`] : []),
  ],
  perturbations: { lambda: 'the target variances lambda_k behind the theory line (Heun on the exact denoiser of N(0, R diag(lambda) R^T))' },
  async run(ctx) {
    const p = ctx.params;
    const g = rotatedLogNormalGaussian({ dim: p.d, rng: ctx.rng.named('target') });
    const lambdas = g.spectrum;
    const data = g.target.sample(p.nTrain, ctx.rng.named('data')).contiguous().data;
    const run = trainAndTrack(ctx, { ...p, data, dim: p.d, basis: g.basis, lambdas, checkpoints: logCheckpoints(p.steps, p.checkpoints) });
    const theory = spectralGaussianFromEigen(g.basis, lambdas.map((v) => ctx.perturb('lambda', v)));
    const hv = heunOptimalModeVariances(theory, p.heunSteps);
    const last = run.modeVars[run.modeVars.length - 1];
    const { taus, fits } = emergence(run, lambdas);

    const m = p.topModes;
    const ratios = Array.from({ length: m }, (_, k) => last[k] / hv[k]);
    const mean = ratios.reduce((s, r) => s + r, 0) / m;
    const se = Math.sqrt(ratios.reduce((s, r) => s + (r - mean) ** 2, 0) / (m - 1) / m);
    const q = tMultiplier(ALPHA, m - 1, 1);
    const checks: Check[] = [
      agreement(
        `mean over the ${m} leading modes of generated variance / Heun-on-exact-denoiser variance at step ${p.steps}`,
        mean,
        1,
        q * se + C_TRAIN,
        `Error model: the ${m} ratios scatter by sampling (relative sd sqrt(2/(nGen-1)) = ${Math.sqrt(2 / (p.nGen - 1)).toFixed(3)} each) and by per-mode training error; ` +
          `tolerance q se + c_train with se = their sd / sqrt(${m}) = ${se.toFixed(4)}, q = t_${m - 1}(1 - ${ALPHA}/2) = ${q.toFixed(2)}, and c_train = ${C_TRAIN} for training not yet ` +
          'converged on the leading modes (measured at quick scale: the mean ratio was 0.90-0.93 over seeds 1-5, a shortfall of 0.07-0.10). The MLP is not a linear denoiser: only the end point is a theory prediction.',
      ),
    ];
    const branches = [fits.increasing, fits.decreasing].map((f, i) => ({ f, name: i === 0 ? 'rising' : 'falling' }));
    const main = branches.filter((b) => b.f && b.f.n >= 5).sort((a, b) => (b.f?.n ?? 0) - (a.f?.n ?? 0))[0];
    checks.push(
      property(
        'spectral bias: in the larger branch, modes with smaller variance emerge later (fitted alpha > 0)',
        !!main && (main.f?.alpha ?? 0) > 0,
        main ? `${main.name} branch: alpha = ${main.f?.alpha.toFixed(3)}, R^2 = ${main.f?.r2.toFixed(3)}, N = ${main.f?.n} modes (gray zone 0.5 <= v0/lambda <= 2 excluded).` : 'no branch with >= 5 emerged modes',
        main?.f?.alpha,
      ),
    );
    for (const b of branches) {
      if (!b.f || b.f.n < 10) continue;
      checks.push(
        bound(`${b.name}-branch exponent alpha (tau* ~ lambda^-alpha)`, b.f.alpha, { lower: 0.2, upper: 3 }, `R^2 = ${b.f.r2.toFixed(3)}, N = ${b.f.n}. Reported value; for reference the paper reports alpha = ${PAPER_ALPHA} at d = 256 (the paper's number, not computed here); the linear theory gives ~1 (spec §12).`),
        bound(`${b.name}-branch power-law R^2`, b.f.r2, { lower: 0.3 }, `OLS of log10 tau* on log10 lambda over N = ${b.f.n} modes.`),
      );
    }
    ctx.log(`train ${(run.trainMs / 1000).toFixed(1)} s, sampling ${(run.sampleMs / 1000).toFixed(1)} s; fits: ${JSON.stringify(fits.increasing)} / ${JSON.stringify(fits.decreasing)}`);

    const shown = [0, Math.round(p.d / 8), Math.round(p.d / 4), Math.round(p.d / 2), Math.round((3 * p.d) / 4), p.d - 1];
    const steps = run.checkpoints.map((c) => Math.max(c, 0.5));
    const series: Series[] = [];
    for (const k of shown) {
      const group = `mode ${k + 1}, λ = ${lambdas[k].toPrecision(3)}`;
      const labels = { x: 'step', y: 'generated variance / λ' };
      series.push({ name: `${group} MLP`, kind: 'simulation', group, x: steps, y: run.modeVars.map((v) => v[k] / lambdas[k]), labels, meta: { panel: 'modes' } });
      series.push({ name: `${group} Heun on exact denoiser`, kind: 'theory', group, x: [steps[0], steps[steps.length - 1]], y: [hv[k] / lambdas[k], hv[k] / lambdas[k]], labels, meta: { panel: 'modes' } });
    }
    const em = emergencePanel(lambdas, taus, fits, PAPER_ALPHA);
    series.push(...em.series);
    const caption = ctx.caption(
      `Left: generated variance along u_k over ${p.steps} Adam steps (lr ${p.lr}, batch ${p.batch}; ${p.nGen} Heun-${p.heunSteps} samples from fixed noise per checkpoint), solid; ` +
        `dashed: Heun-${p.heunSteps} on the exact denoiser. Right: emergence step per mode (geometric criterion, gray zone excluded); dotted: per-branch OLS fits ` +
        `(${fitText(fits)}); dashed: the paper's reported slope alpha = ${PAPER_ALPHA} (d = 256) through the larger branch, for reference. MLP-UNet nlayers ${p.nlayers}, nhidden ${p.nhidden}, temb ${p.temb}; d = ${p.d}, n = ${p.nTrain}.`,
    );
    await ctx.figure(
      'mode-variances',
      withTitle(
        {
          hconcat: [
            linePanel({ series: series.filter((s) => s.meta?.panel === 'modes'), xTitle: 'training step (0 drawn at 0.5)', yTitle: 'generated variance / λ_k', xScale: 'log', yScale: 'log', title: 'variance along eigenvectors', colorTitle: 'mode', legendOrient: 'bottom' }),
            em.panel,
          ],
          resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent', strokeDash: 'independent' } },
        },
        `MLP-UNet on a rotated log-normal Gaussian (d = ${p.d}): spectral bias in the generated variances`,
        caption,
      ),
      caption,
    );
    return { series, checks, timings: { train: run.trainMs, sampling: run.sampleMs } };
  },
});
