import { type InterpolantSchedule, fromData, linearInterpolant } from '@diffusion-theory/kernel';
import { ROW_BLOCK, sampleInterpolant } from '@diffusion-theory/samplers';
import { covarianceError, hellingerProjected, meanError } from '@diffusion-theory/metrics';
import { gaussianMixture } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { evalGrid } from '@diffusion-theory/plots';
import { type ScatterPanelOptions, scatterWithContours } from '@diffusion-theory/plots';
import { type Check, agreement, type Series } from '../result.js';
import {
  type EigenComponent,
  mixture2DDensity,
  mixtureBox,
  orthonormalFrame,
  project2D,
  projectMixture,
} from './mixture-tools.js';

const params = z.object({
  d: z.number().int().min(2).max(1000).describe('ambient dimension d'),
  n: z.number().int().min(200).max(1_000_000).describe('generated samples per mixture and process (count)'),
  steps: z.number().int().min(10).max(10_000).describe('integration steps K from t = 0 to tEnd'),
  tEnd: z.number().min(0.5).max(0.999).describe('final time t_f of the sampler (dimensionless); samples are compared with the exact law of x_tf = alpha x0 + beta x1 (alpha = 1 - t_f)'),
  epsilon: z.number().min(0).max(10).describe('SDE diffusion strength: epsilon_t = epsilon (1 - t) (dimensionless); the ODE has epsilon_t = 0'),
  method: z.enum(['euler-maruyama', 'heun']).describe('integrator of the SDE / ODE'),
  grid: z.enum(['uniform', 'quadratic']).describe("time grid: uniform t_k = t_f k/K, or quadratic t_k = t_f (1 - (1 - k/K)^2), finer near t_f where the drift ~ 1/alpha_t is stiff"),
  meanScale: z.number().min(0.25).max(4).describe('scale of the mixture means (at 1 their norms are 1.8 to 3, in units of the data)'),
  bins: z.number().int().min(10).max(200).describe('grid points per axis of the projected Hellinger distance (KDE evaluation grid or histogram cells)'),
  hellinger: z.enum(['kde', 'histogram']).describe('density estimate of the projected samples in the Hellinger distance (metrics.hellingerProjected): a histogram (lower finite-n floor, default) or a Gaussian KDE with Scott bandwidth (the procedure of the paper; it over-smooths narrow modes)'),
  replicates: z.number().int().min(2).max(100).describe('i.i.d. exact samples of x_tf of size n that calibrate the covariance and Hellinger checks (count)'),
  k: z.number().min(1).max(10).describe('tolerance multiplier on Monte-Carlo standard errors (dimensionless); 4 with 16 replicates keeps the family-wise false-alarm rate of the 12 checks near 1 % (Student t, 15 dof)'),
});

type Params = z.output<typeof params>;

interface MixtureSpec {
  name: string;
  weights: number[];
  /** Means in the (u1, u2) plane, before meanScale. */
  planeMeans: Array<[number, number]>;
  /** In-plane covariance: major and minor variances and the angle (radians) of the major axis. */
  inPlane: Array<[number, number, number]>;
  /** Out-of-plane spectrum: linearly spaced from hi to lo over the d - 2 complement directions. */
  bulk: Array<[number, number]>;
}

const MIXTURES: MixtureSpec[] = [
  {
    name: '2-mode',
    weights: [0.4, 0.6],
    planeMeans: [[2.0, 0.8], [-1.5, -1.0]],
    inPlane: [[0.5, 0.06, 0.6], [0.35, 0.08, -0.9]],
    bulk: [[0.5, 0.05], [0.3, 0.1]],
  },
  {
    name: '3-mode',
    weights: [0.3, 0.3, 0.4],
    planeMeans: [[0, 2.5], [-1.73, -1.0], [2.6, -1.5]],
    inPlane: [[0.4, 0.05, 0.0], [0.3, 0.1, 1.0], [0.5, 0.07, 2.2]],
    bulk: [[0.4, 0.05], [0.2, 0.2], [0.5, 0.02]],
  },
];

function timeGrid(p: Params): Float64Array {
  const g = new Float64Array(p.steps + 1);
  for (let k = 0; k <= p.steps; k++) {
    const s = k / p.steps;
    g[k] = p.grid === 'uniform' ? p.tEnd * s : p.tEnd * (1 - (1 - s) ** 2);
  }
  return g;
}

export default defineExperiment({
  id: 'exact-score-sampling',
  title: 'Sampling Gaussian mixtures with the exact denoiser (SDE and ODE)',
  paper: 'Cui et al. 2025 (stochastic interpolants, spec dae-asymptotics section 1.2): with the exact denoiser, Law(X_t) = Law(x_t)',
  description:
    'A 2-mode and a 3-mode Gaussian mixture in d dimensions (anisotropic covariances, means of norm ~2-3 in a 2-D plane) are sampled ' +
    'with their exact (Bayes) denoiser through the interpolant SDE (epsilon_t = epsilon (1 - t)) and the probability-flow ODE, ' +
    'alpha_t = 1 - t, beta_t = t, from t = 0 to t_f. Theory: the samples have the law of x_tf = alpha x0 + beta x1 exactly ' +
    '(up to time discretisation). Checks: mean and covariance errors and the Hellinger distance of the 2-D projection onto the ' +
    'plane of the means, each within Monte-Carlo error. Figure: target contours over generated samples in the plane of the means.',
  params,
  defaults: {
    quick: { d: 100, n: 4000, steps: 50, tEnd: 0.99, epsilon: 1, method: 'heun', grid: 'quadratic', meanScale: 1, bins: 40, hellinger: 'histogram', replicates: 16, k: 4 },
    paper: { d: 100, n: 20000, steps: 200, tEnd: 0.99, epsilon: 1, method: 'heun', grid: 'quadratic', meanScale: 1, bins: 60, hellinger: 'histogram', replicates: 16, k: 4 },
  },
  default: true,
  async run(ctx) {
    const p = ctx.params;
    const { d, n } = p;
    const alpha = 1 - p.tEnd;
    const beta = p.tEnd;
    const grid = timeGrid(p);
    const series: Series[] = [];
    const checks: Check[] = [];
    const panels: ScatterPanelOptions[] = [];
    const caption: string[] = [];

    for (const [mi, spec] of MIXTURES.entries()) {
      const rng = ctx.rng.stream(mi);
      // Build the mixture: means in the plane span(u1, u2); component covariances in eigen form.
      const setup = ctx.progress.phase(`${spec.name}: build target`, 1);
      const frame = orthonormalFrame(d, 2, rng.stream(0));
      const u1 = new Float64Array(d);
      const u2 = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        u1[i] = frame[2 * i];
        u2[i] = frame[2 * i + 1];
      }
      const K = spec.weights.length;
      const M = new Float64Array(K * d);
      const comps: EigenComponent[] = [];
      for (let c = 0; c < K; c++) {
        const [a, b] = spec.planeMeans[c];
        for (let i = 0; i < d; i++) M[c * d + i] = p.meanScale * (a * u1[i] + b * u2[i]);
        const [major, minor, th] = spec.inPlane[c];
        const v1 = new Float64Array(d);
        const v2 = new Float64Array(d);
        for (let i = 0; i < d; i++) {
          v1[i] = Math.cos(th) * u1[i] + Math.sin(th) * u2[i];
          v2[i] = -Math.sin(th) * u1[i] + Math.cos(th) * u2[i];
        }
        const U = orthonormalFrame(d, d, rng.stream(1 + c), [v1, v2]);
        const s = new Float64Array(d);
        s[0] = major;
        s[1] = minor;
        const [hi, lo] = spec.bulk[c];
        for (let j = 2; j < d; j++) s[j] = d > 3 ? hi + ((lo - hi) * (j - 2)) / (d - 3) : hi;
        comps.push({ mean: M.slice(c * d, (c + 1) * d), U, k: d, spectrum: s });
      }
      const target = gaussianMixture({
        weights: spec.weights,
        means: fromData(M, [K, d]),
        covariances: comps.map((c) => ({ basis: fromData(c.U, [d, d]), spectrum: c.spectrum })),
      });
      // Exact law at t_f: x_tf = alpha x0 + beta x1, a mixture with means beta m_c and covariances alpha^2 I + beta^2 C_c.
      const meanEnd = target.mean().map((v) => beta * v);
      const Sigma = target.covariance().data;
      const Cend = new Float64Array(d * d);
      for (let i = 0; i < d * d; i++) Cend[i] = beta * beta * Sigma[i];
      for (let i = 0; i < d; i++) Cend[i * d + i] += alpha * alpha;
      let tr = 0;
      let frob2 = 0;
      for (let i = 0; i < d; i++) tr += Cend[i * d + i];
      for (let i = 0; i < d * d; i++) frob2 += Cend[i] * Cend[i];
      const compsEnd = comps.map((c) => ({ ...c, mean: c.mean.map((v) => beta * v), spectrum: c.spectrum.map((s) => alpha * alpha + beta * beta * s) }));
      const proj = projectMixture(spec.weights, compsEnd, u1, u2);
      const box = mixtureBox(proj, 3.5);
      const basis = fromData(Float64Array.from({ length: 2 * d }, (_, j) => (j % 2 === 0 ? u1[j >> 1] : u2[j >> 1])), [d, 2]);
      const hGrid = [{ lo: box.x0, hi: box.x1, points: p.bins }, { lo: box.y0, hi: box.y1, points: p.bins }] as const;
      const exactDensity = (pts: Float64Array) => mixture2DDensity(proj, pts, pts.length / 2);
      const density = evalGrid((xy, m) => mixture2DDensity(proj, xy, m), box, 90, 90);
      setup.done();

      // Calibration: the same three estimators on i.i.d. exact samples of x_tf of the same size n
      // give the Monte-Carlo level (mean) and spread (sd) that the generated samples must match.
      const cal = ctx.progress.phase(`${spec.name}: Monte-Carlo calibration`, p.replicates);
      const CendArr = fromData(Cend, [d, d]);
      const metrics = (x: Float64Array) => {
        const X = fromData(x, [n, d]);
        const h2 = hellingerProjected({ samples: X, density: exactDensity, basis, method: p.hellinger, grid: [...hGrid] }).h2;
        return { mean: meanError(X, meanEnd).norm / Math.sqrt(d), cov: covarianceError(X, CendArr).frobenius, h2, pts: project2D(x, n, d, u1, u2) };
      };
      const refs: Array<{ mean: number; cov: number; h2: number }> = [];
      for (let r = 0; r < p.replicates; r++) {
        const rr = rng.stream(100 + r);
        const x1 = target.sample(n, rr).data;
        const z = rr.normals(n * d);
        const xt = new Float64Array(n * d);
        for (let i = 0; i < n * d; i++) xt[i] = alpha * z[i] + beta * x1[i];
        const { mean, cov, h2 } = metrics(xt);
        refs.push({ mean, cov, h2 });
        cal.tick();
      }
      cal.done();
      const stat = (key: 'mean' | 'cov' | 'h2') => {
        const v = refs.map((r) => r[key]);
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        return { mean: m, sd: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) };
      };
      const ref = { mean: stat('mean'), cov: stat('cov'), h2: stat('h2') };
      const refMean = ref.h2.mean;
      const refSd = ref.h2.sd;
      const widen = Math.sqrt(1 + 1 / p.replicates);

      series.push({
        name: `${spec.name} target (projected, t = ${p.tEnd})`,
        kind: 'target',
        points: proj.means.map((m) => [m[0], m[1]]),
        meta: { mixture: spec.name, weights: proj.weights, means2D: proj.means, covariances2D: proj.covs, box, exactSampleReference: ref },
      });

      for (const process of ['SDE', 'ODE'] as const) {
        const eps = process === 'SDE' ? p.epsilon : 0;
        const schedule: InterpolantSchedule = linearInterpolant({ epsilon: (t: number) => eps * (1 - t) });
        const phase = ctx.progress.phase(`${spec.name} ${process}: sample`, Math.ceil(n / ROW_BLOCK));
        const { samples } = sampleInterpolant({
          denoiser: target.denoiser(schedule),
          schedule,
          n,
          rng: rng.stream(process === 'SDE' ? 10 : 11),
          grid,
          method: p.method,
          onProgress: () => phase.tick(), // once per block of ROW_BLOCK rows
        });
        phase.done();
        const mt = ctx.progress.phase(`${spec.name} ${process}: metrics`, 1);
        const x = samples.contiguous().data;
        const { mean: eMean, cov: eCov, h2, pts } = metrics(x);
        mt.done();

        const label = `${spec.name} ${process}`;
        const R = p.replicates;
        const calib = `expected = mean over R = ${R} i.i.d. exact samples of x_tf of the same size n; tolerance = k sd_R sqrt(1 + 1/R), k = ${p.k}`;
        checks.push(
          agreement(`${label}: mean error per coordinate ||m_hat - m||/sqrt(d)`, eMean, Math.sqrt(tr / (n * d)), p.k * Math.sqrt(frob2 / (2 * n * d * tr)),
            `Monte-Carlo theory: E||m_hat - m||^2 = tr C / n, so the RMS error per coordinate is ~ sqrt(tr C / (n d)) with sd ~ sqrt(tr C^2 / (2 n d tr C)) (delta method); tolerance k sd, k = ${p.k}; tr C = ${tr.toFixed(2)}, tr C^2 = ${frob2.toFixed(2)}, n = ${n}, d = ${d}, C = Cov(x_tf). Exact-sample reference over R = ${R}: ${ref.mean.mean.toExponential(3)} +- ${ref.mean.sd.toExponential(1)}`),
          agreement(`${label}: covariance error ||C_hat - C||_F`, eCov, ref.cov.mean, p.k * ref.cov.sd * widen,
            `${calib}. Monte-Carlo theory (Gaussian fourth moments): E||C_hat - C||_F^2 ~ ((tr C)^2 + ||C||_F^2) / n, i.e. ~ ${Math.sqrt((tr * tr + frob2) / n).toFixed(3)}`),
          agreement(`${label}: projected Hellinger H^2 (plane of the means)`, h2, ref.h2.mean, p.k * ref.h2.sd * widen,
            `${calib}. Estimator: metrics.hellingerProjected (${p.hellinger === 'kde' ? 'Gaussian KDE, Scott bandwidth' : 'histogram'}) of the projection onto the plane of the means vs the exact projected density on a ${p.bins}x${p.bins} grid; it has a positive finite-n floor even for exact samples, hence the calibration`),
        );
        const keep = Math.min(n, 2000);
        const stride = Math.max(1, Math.floor(n / keep));
        const pointList: number[][] = [];
        for (let r = 0; r < n && pointList.length < keep; r += stride) pointList.push([pts[2 * r], pts[2 * r + 1]]);
        series.push({
          name: `${label} samples (projected)`,
          kind: 'simulation',
          points: pointList,
          meta: { mixture: spec.name, process, epsilon: eps, meanErrorPerCoordinate: eMean, covarianceErrorFrobenius: eCov, hellingerSquared: h2 },
        });
        panels.push({
          points: Array.from({ length: n }, (_, r) => [pts[2 * r], pts[2 * r + 1]]),
          density,
          title: `${label}: H² = ${h2.toFixed(4)} (exact-sample ref. ${refMean.toFixed(4)})`,
          pointsLabel: 'generated samples',
          densityLabel: 'target',
          xTitle: 'coordinate along u1 (plane of the means)',
          yTitle: 'coordinate along u2',
          maxPoints: 3000,
          width: 320,
          height: 320,
        });
        ctx.log(`${label}: mean err/coord ${eMean.toExponential(2)} (exact ${ref.mean.mean.toExponential(2)} +- ${ref.mean.sd.toExponential(1)}), cov err ${eCov.toFixed(3)} (exact ${ref.cov.mean.toFixed(3)} +- ${ref.cov.sd.toFixed(3)}), H^2 ${h2.toFixed(4)} (exact ${refMean.toFixed(4)} +- ${refSd.toFixed(4)})`);
      }
      caption.push(`${spec.name}: weights ${spec.weights.join('/')}, |means| ${proj.means.map((m) => Math.hypot(m[0], m[1]).toFixed(1)).join(', ')}`);
    }

    await ctx.figure(
      'samples-vs-target',
      scatterWithContours({ title: 'Exact-denoiser sampling: generated samples vs target (plane of the means)', panels, columns: 2 }),
      ctx.caption(
        `Points: ${Math.min(n, 3000)} of n = ${n} samples generated in d = ${d} with the exact denoiser (${p.method}, ${p.steps} steps on a ${p.grid} grid to t_f = ${p.tEnd}; SDE epsilon_t = ${p.epsilon}(1 - t), ODE epsilon = 0), projected onto the plane of the means. ` +
          `Lines: contours of the exact projected density of x_tf enclosing 50/90/99% of its mass. ${caption.join('; ')}.`,
      ),
    );
    return { series, checks };
  },
});
