import { edmPrecond, mlpUnet } from '@diffusion-theory/denoisers';
import { type NDArray, type SigmaDenoiser, transposeCopy } from '@diffusion-theory/kernel';
import { type BranchFits, branchPowerLawFits, emergenceTimeFromCheckpoints, sampleModeVariances } from '@diffusion-theory/metrics';
import { linePanel, type VlSpec } from '@diffusion-theory/plots';
import { edmHeunSample } from '@diffusion-theory/samplers';
import type { SpectralGaussian } from '@diffusion-theory/targets';
import { trainEdm } from '@diffusion-theory/trainers';
import type { ExperimentContext } from '../experiment.js';
import type { Series } from '../result.js';

/** Glue shared by the two MLP-UNet experiments of wang25 (Exp 1 Gaussian, Exp 2 MNIST). */
export interface MlpRunSetup {
  /** Training set, rows of length dim. */
  data: Float64Array;
  dim: number;
  /** Evaluation basis (d x d, column k = u_k) and its variances lambda_k (descending). */
  basis: NDArray;
  lambdas: Float64Array;
  nlayers: number;
  nhidden: number;
  temb: number;
  steps: number;
  batch: number;
  lr: number;
  /** Checkpoint steps (ascending; 0 = initialisation). */
  checkpoints: number[];
  /** Generated samples per checkpoint (fixed noise). */
  nGen: number;
  heunSteps: number;
}

export interface MlpRun {
  checkpoints: number[];
  /** Per checkpoint: generated variance along each basis direction. */
  modeVars: Float64Array[];
  losses: Float64Array;
  trainMs: number;
  sampleMs: number;
}

/** Log-spaced integer checkpoints 0, first, ..., steps (distinct). */
export function logCheckpoints(steps: number, count: number, first = 1): number[] {
  const out = new Set<number>([0]);
  for (let i = 0; i < count; i++) out.add(Math.round(first * (steps / first) ** (i / (count - 1))));
  return [...out].sort((a, b) => a - b);
}

/** Train an MLP-UNet with the EDM loss and track the Heun-sampled per-mode variances at the checkpoints. */
export function trainAndTrack(ctx: ExperimentContext<unknown>, s: MlpRunSetup): MlpRun {
  const D = edmPrecond(mlpUnet({ ndim: s.dim, nlayers: s.nlayers, nhidden: s.nhidden, temb: s.temb, rng: ctx.rng.named('init') }));
  const noise = ctx.rng.named('gen-noise').normals(s.nGen * s.dim);
  const modeVars: Float64Array[] = [];
  let sampleMs = 0;
  const phase = ctx.progress.phase('train', s.steps);
  const t0 = performance.now();
  const res = trainEdm({
    model: D,
    data: s.data,
    steps: s.steps,
    batchSize: s.batch,
    rng: ctx.rng.named('train'),
    optimizer: { lr: s.lr },
    progressEvery: 1,
    onProgress: () => phase.tick(),
    checkpoints: s.checkpoints,
    onCheckpoint: () => {
      const t = performance.now();
      modeVars.push(generatedModeVariances(D, noise, s.basis, s.heunSteps));
      sampleMs += performance.now() - t;
    },
  });
  phase.done();
  return { checkpoints: s.checkpoints, modeVars, losses: res.losses, trainMs: performance.now() - t0 - sampleMs, sampleMs };
}

/** Heun-sample from fixed noise and project onto the basis: the generated variance per mode. */
export function generatedModeVariances(D: SigmaDenoiser, noise: Float64Array, basis: NDArray, heunSteps: number): Float64Array {
  return sampleModeVariances(edmHeunSample(D, { noise, steps: heunSteps }), basis);
}

/** Emergence time per mode (geometric criterion, v0 = value at initialisation, vInf = lambda_k) and branch fits. */
export function emergence(run: MlpRun, lambdas: Float64Array) {
  const d = lambdas.length;
  const times = run.checkpoints.map((c) => Math.max(c, 0.5)); // step 0 drawn at 0.5 on a log axis
  const v0 = Float64Array.from({ length: d }, (_, k) => run.modeVars[0][k]);
  const taus = Float64Array.from({ length: d }, (_, k) =>
    emergenceTimeFromCheckpoints(
      times,
      run.modeVars.map((v) => v[k]),
      { vInf: lambdas[k], v0: v0[k] },
    ),
  );
  const fits = branchPowerLawFits({ lambdas, taus, v0, vInf: lambdas });
  return { taus, v0, fits };
}

/**
 * Per-mode variance of the Heun sampler run on the exact (linear, Bayes-optimal) denoiser of a zero-mean
 * Gaussian: the sampler is then a linear map A = U diag(a) U^T of the noise, so feeding z = u_k gives
 * A u_k and the variance along u_k is ||A u_k||^2 (exact, no Monte Carlo).
 */
export function heunOptimalModeVariances(g: SpectralGaussian, heunSteps: number): Float64Array {
  const d = g.dim;
  const out = edmHeunSample(g.target.sigmaDenoiser(), { noise: transposeCopy(g.basis).data, steps: heunSteps }).data;
  return Float64Array.from({ length: d }, (_, k) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += out[k * d + j] ** 2;
    return s;
  });
}

/** Emergence step vs lambda: one marker per mode (coloured by branch), per-branch OLS fits, and the paper's slope for reference. */
export function emergencePanel(lambdas: Float64Array, taus: Float64Array, fits: BranchFits, paperAlpha: number): { series: Series[]; panel: VlSpec } {
  const series: Series[] = [];
  const labels = { x: 'lambda', y: 'emergence step' };
  const names = { inc: 'rising modes', dec: 'falling modes' } as const;
  fits.branch.forEach((b, k) => {
    if (b !== 'inc' && b !== 'dec') return;
    series.push({ name: `mode ${k + 1}`, kind: 'simulation', group: names[b], x: [lambdas[k]], y: [taus[k]], labels, meta: { panel: 'emergence' } });
  });
  const fitted = [['inc', fits.increasing], ['dec', fits.decreasing]] as const;
  const largest = Math.max(...fitted.map(([, f]) => f?.n ?? 0));
  for (const [key, f] of fitted) {
    if (!f || f.n < 3) continue;
    const ls = lambdas.filter((_, k) => fits.branch[k] === key);
    const lo = Math.min(...ls);
    const hi = Math.max(...ls);
    const line = (a: number, c: number) => [lo, hi].map((l) => 10 ** c * l ** -a);
    const group = names[key];
    series.push({ name: `${group} OLS fit`, kind: 'target', group, x: [lo, hi], y: line(f.alpha, f.intercept), labels, meta: { panel: 'emergence', fit: f } });
    if (f.n !== largest || !Number.isFinite(paperAlpha)) continue;
    // the paper's reported slope through the centre of the larger branch's fit (a reference, not computed here)
    const mid = (Math.log10(lo) + Math.log10(hi)) / 2;
    const c = f.intercept - f.alpha * mid + paperAlpha * mid;
    series.push({ name: `${group}: paper's alpha`, kind: 'theory', group, x: [lo, hi], y: line(paperAlpha, c), labels, meta: { panel: 'emergence' } });
  }
  const panel = linePanel({ series, xTitle: 'target variance λ_k', yTitle: 'emergence step τ*_k', xScale: 'log', yScale: 'log', title: 'emergence step vs λ', colorTitle: 'branch', legendOrient: 'bottom' });
  return { series, panel };
}
