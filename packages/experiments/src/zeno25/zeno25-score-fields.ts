import { equilateralMinCost, obtuseSimplexMinCost, shallowReluCost, shallowReluForward } from '@diffusion-theory/denoisers';
import { fixedPointStability } from '@diffusion-theory/metrics';
import { obtuseVertexSumStable } from '@diffusion-theory/ode-theory';
import { vectorFieldPanel, withTitle } from '@diffusion-theory/plots';
import { veScoreFlow } from '@diffusion-theory/samplers';
import { equilateralTriangle, obtuseTriangle } from '@diffusion-theory/targets';
import { z } from 'zod';
import { defineExperiment } from '../experiment.js';
import { agreement, type Check, property, type Series } from '../result.js';
import { type Box, pointRows, reluBoundaries, scoreArrows } from './glue.js';

const params = z.object({
  angleDeg: z.number().gt(90).lt(180).describe('angle of the obtuse triangle at its obtuse vertex (degrees); edges of unit length'),
  R: z.number().positive().max(10).describe('circumradius of the equilateral triangle'),
  rho: z.number().positive().max(0.45).describe('interpolation radius rho (< half the shortest edge / R/2)'),
  sigma: z.number().positive().max(1).describe('noise level sigma of the score (h - y)/sigma^2 (only scales |s|)'),
  grid: z.number().int().min(8).max(60).describe('arrows per axis'),
  sfSteps: z.number().int().min(50).max(5000).describe('score-flow steps (eq 22, gamma = 0.5 sigma^2) from the Prop 2 region starts'),
});

export default defineExperiment({
  id: 'zeno25-score-fields',
  title: 'Score fields of min-cost shallow ReLU denoisers: obtuse and equilateral triangles',
  paper: 'Zeno, Ongie, Soudry, Michaeli et al. 2025, min-norm shallow diffusion models (seed 004), Fig 1',
  description:
    'The closed-form min-cost interpolating denoisers of an obtuse triangle (Prop 3) and an equilateral triangle (Prop 4) at radius rho; their score ' +
    's = (h(y) - y)/sigma^2 drawn as a direction field coloured by log10|s|, with the training points and the ReLU boundaries (kinks of h). Checks: ' +
    'the explicit eq-4 networks reproduce the closed forms (outputs and cost 2 sum_k s_k); Prop 2 eigenvalues of the score Jacobian in the ' +
    'two-band region; SF from that region ends at the vertex Prop 2 predicts; Thm 4 stability of the obtuse virtual point x_2 + x_3.',
  params,
  defaults: {
    quick: { angleDeg: 120, R: 1, rho: 0.2, sigma: 0.1, grid: 24, sfSteps: 400 },
    paper: { angleDeg: 120, R: 1, rho: 0.2, sigma: 0.1, grid: 36, sfSteps: 2000 },
  },
  default: true,
  validate: (p) => (p.rho < Math.min(0.5, p.R / 2) ? [] : [`rho: expected < min(1/2, R/2) = ${Math.min(0.5, p.R / 2)} (disjoint interpolation balls)`]),
  perturbations: {
    lambda: 'the Prop 2 eigenvalues lambda_1, lambda_2 (eqs 155-158) of the score Jacobian',
    cost: 'the closed-form representation cost 2 sum_k s_k of both triangles',
  },
  async run(ctx) {
    const p = ctx.params;
    const { rho, sigma, R } = p;
    const obt = obtuseTriangle({ angleDeg: p.angleDeg });
    const eqt = equilateralTriangle({ R });
    const hO = obtuseSimplexMinCost(obt, { rho });
    const hE = equilateralMinCost(eqt, { rho });
    const checks: Check[] = [];
    const series: Series[] = [];

    // eq-4 networks = closed forms (outputs, cost)
    const probe = ctx.rng.named('probe').normals(2 * 500);
    for (const [name, h, costTheory] of [
      ['obtuse', hO, 2 / (1 - 2 * rho) + 2 / (1 - 2 * rho)],
      ['equilateral', hE, (6 * R) / (1.5 * R - 2 * rho)],
    ] as const) {
      const net = h.network();
      const a = h.denoise(probe, 500);
      const b = shallowReluForward(net, probe, 500);
      const err = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      checks.push(property(`${name}: eq-4 network = closed form (500 Gaussian inputs)`, err < 1e-12, 'max |network - formula| below 1e-12 (floating point only).', err));
      checks.push(agreement(`${name}: eq-5 cost of the network vs 2 sum_k s_k`, shallowReluCost(net), ctx.perturb('cost', costTheory), 1e-9, 'Exact identity (balanced units |a_k| = |w_k| = sqrt(s_k)); tolerance is rounding.'));
    }

    // Prop 2: eigenvalues of A = J_h - I at a point of the two-band region (eqs 155-158)
    const y = Float64Array.of(0.4 * R, 0.1 * R);
    const J = hE.jacobian(y);
    const [a, b, c] = [J[0] - 1, J[1], J[3] - 1];
    const mid = (a + c) / 2;
    const rad = Math.hypot((a - c) / 2, b);
    const l1 = ctx.perturb('lambda', (1.5 * R) / (1.5 * R - 2 * rho) - 1);
    const l2 = ctx.perturb('lambda', (0.5 * R) / (1.5 * R - 2 * rho) - 1);
    checks.push(agreement('equilateral: lambda_1 of sigma^2 J_score (Prop 2, eq 157)', mid + rad, l1, 1e-9, 'Exact: the Jacobian of eq 37 vs the closed-form eigenvalue; tolerance is rounding.'));
    checks.push(agreement('equilateral: lambda_2 of sigma^2 J_score (Prop 2, eq 158)', mid - rad, l2, 1e-9, 'Exact, as lambda_1.'));

    // Prop 2: SF from region starts ends at x_1 or x_2 by the sign of (u_1 - u_2)^T y_0
    const u1 = [0, 1];
    const u2 = [Math.sqrt(3) / 2, -0.5];
    const u3 = [-Math.sqrt(3) / 2, -0.5];
    const starts: number[] = [];
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 40; j++) {
        const q = [R * (-1 + (2 * (j + 0.5)) / 40), R * (-1 + (2 * (i + 0.5)) / 40)];
        const dot = (u: number[]) => u[0] * q[0] + u[1] * q[1];
        const inBand = (v: number) => v > -R / 2 + rho && v < R - rho;
        if (inBand(dot(u1)) && inBand(dot(u2)) && dot(u3) < -R / 2 + rho && Math.abs(dot(u1) - dot(u2)) > 1e-9) starts.push(q[0], q[1]);
      }
    }
    const ns = starts.length / 2;
    const fam = { dim: 2, denoise: (x: Float64Array, n: number, _s: number, out?: Float64Array) => hE.denoise(x, n, out) };
    const { y: ends } = veScoreFlow({ denoiser: fam, sigma, gamma: 0.5 * sigma * sigma, steps: p.sfSteps, y0: Float64Array.from(starts), n: ns });
    let hits = 0;
    for (let r = 0; r < ns; r++) {
      const s0 = [starts[2 * r], starts[2 * r + 1]];
      const k = u1[0] * s0[0] + u1[1] * s0[1] > u2[0] * s0[0] + u2[1] * s0[1] ? 0 : 1;
      if (Math.hypot(ends[2 * r] - eqt.points[2 * k], ends[2 * r + 1] - eqt.points[2 * k + 1]) < 1e-6) hits++;
    }
    checks.push(property(`equilateral: SF from ${ns} Prop 2 region starts ends at the predicted vertex (1e-6)`, hits === ns, `Prop 2: x_1 if (u_1 - u_2)^T y_0 > 0, else x_2; ${p.sfSteps} steps of eq 22 with gamma/sigma^2 = 0.5.`, hits / ns));

    // Thm 4: x_2 + x_3 of the obtuse triangle
    const edges = obt.points.slice(2);
    const th4 = obtuseVertexSumStable({ points: edges, d: 2, I: [0, 1], rho });
    const v = Float64Array.of(edges[0] + edges[2], edges[1] + edges[3]);
    const fp = fixedPointStability({ map: (x, n, out) => hO.denoise(x, n, out), starts: v, rows: 1, d: 2, iterations: 10, tol: 1e-9 });
    checks.push(property('obtuse: x_2 + x_3 fixed under y <- h(y) iff Thm 4 (eq 103) says stable', (fp.count === 1) === th4.stable, `eq 103 margin ${th4.margin.toFixed(4)} vs -rho = ${-rho}: predicted ${th4.stable ? 'stable' : 'not stationary'}.`));

    const box: Box = { x: [-1.2, 1.2], y: [-0.4, 1.2] };
    const boxE: Box = { x: [-1.3 * R, 1.3 * R], y: [-0.9 * R, 1.3 * R] };
    const panel = (h: typeof hO, pts: Float64Array, bx: Box, title: string) => {
      const { arrows } = scoreArrows(h, sigma, bx, p.grid);
      series.push({ name: `${title}: score arrows`, kind: 'theory', points: arrows.map((q) => [q.x, q.y, q.dx, q.dy, q.value]) });
      return vectorFieldPanel({ arrows, valueTitle: 'log₁₀ |score|', points: pointRows(pts, 3, 'training point'), segments: reluBoundaries(h, bx, 'ReLU boundary'), domain: bx, xTitle: 'y₁', yTitle: 'y₂', title, width: 330, height: Math.round((330 * (bx.y[1] - bx.y[0])) / (bx.x[1] - bx.x[0])) });
    };
    const caption = ctx.caption(`Arrows: direction of the score (h*_rho(y) - y)/sigma^2 of the closed-form min-cost denoiser, colour log10|score|; no arrow where h(y) = y (centres of the interpolation balls). Black dots: training points. Red dashed: ReLU kinks u_k^T(y - o) = a_k, b_k. Obtuse vertex at the origin (Prop 3), equilateral centroid at the origin (Prop 4).`);
    await ctx.figure(
      'score-fields',
      withTitle({ hconcat: [panel(hO, obt.points, box, `obtuse triangle (${p.angleDeg}°), ρ = ${rho}`), panel(hE, eqt.points, boxE, `equilateral triangle, R = ${R}, ρ = ${rho}`)], resolve: { scale: { color: 'independent' } } }, 'Normalised score fields of min-cost shallow ReLU denoisers (Fig 1)', caption),
      caption,
    );
    return { series, checks };
  },
});
