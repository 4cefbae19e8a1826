/**
 * Shared glue of the DAE-asymptotics experiments (Cui, Pehlevan, Lu 2025; spec dae-asymptotics.md):
 * segmented online SGD with snapshots (and an optional frozen skip connection), the Result 2.1 ODE
 * sampled on the SGD record times, d-dimensional sampling with a trained DAE, projections onto the
 * reference plane E, and the figure panels (theory dashed, simulation solid / colour map).
 * Everything heavy lives in the domain packages; this file only wires them together.
 */
import { type TiedDae, tiedDae } from '@diffusion-theory/denoisers';
import {
  type InterpolantSchedule,
  integrateFixed,
  linearInterpolant,
  type NDArray,
  type Rng,
  gaussianKde2d,
} from '@diffusion-theory/kernel';
import {
  type DaeState,
  type DaeQuadratureOptions,
  daeOdeRhs,
  packState,
  solveDaeOde,
  stateG,
  stateM,
  stateQ,
} from '@diffusion-theory/ode-theory';
import { paperGrid, sampleInterpolant } from '@diffusion-theory/samplers';
import type { SpectralGroupMixture } from '@diffusion-theory/targets';
import { type SgdStats, onlineSgd, summaryStatistics } from '@diffusion-theory/trainers';
import { type Grid2D, hdrLevels, isoSegments } from '@diffusion-theory/plots';
import type { VlSpec } from '@diffusion-theory/plots';
import type { Mixture2D } from './mixture-tools.js';

/** alpha_t = 1 - t, beta_t = t, epsilon = 0 (the probability-flow ODE; every figure of the paper). */
export const SCHEDULE: InterpolantSchedule = linearInterpolant();

export type ActivationName = 'linear' | 'tanh' | 'relu';

// ---------------------------------------------------------------------------------------------
// Training: online SGD in segments, statistics on a regular tau grid, snapshots of the model
// ---------------------------------------------------------------------------------------------

export interface TrainOptions {
  target: SpectralGroupMixture;
  /** The model to train (updated in place). */
  model: TiedDae;
  eta: number;
  lambda: number;
  /** Loss grid G (one time, weight 1, in every experiment here). */
  gridTime: number;
  /** Record the statistics every `recordSteps` SGD steps (tau spacing 2 eta recordSteps / d). */
  recordSteps: number;
  /** Number of records after the initial one: steps = recordSteps * nRecords. */
  nRecords: number;
  /** Record indices (1..nRecords) at which to keep a clone of the model. */
  snapshotAt?: readonly number[];
  /** Keep b frozen at this value (not trained; App. D remedy; onlineSgd's `trainB: false`). */
  fixedB?: number;
  rng: Rng;
  onTick?: () => void;
}

export interface TrainResult {
  /** tau of each record (length nRecords + 1). */
  tau: number[];
  /** Statistics (Q, M, G, q, m, g, b) of each record. */
  stats: SgdStats[];
  /** Clones of the model at the snapshot records, in the order of `snapshotAt`. */
  snapshots: TiedDae[];
  steps: number;
}

/**
 * Online SGD (trainers' onlineSgd, spec §2.4) run segment by segment so that statistics are taken
 * at exactly tau_k = k * 2 eta recordSteps / d and the model can be cloned at chosen records.
 * Segment j draws its pairs from rng.stream(j).
 */
export function trainDae(o: TrainOptions): TrainResult {
  const { target, model } = o;
  const d = model.d;
  const ref = { mus: target.means(), E: target.reference(), groups: target.groups };
  const tau: number[] = [0];
  if (o.fixedB !== undefined) model.b = o.fixedB;
  const stats: SgdStats[] = [summaryStatistics(model.weights(), { ...ref, b: model.b, v: model.v })];
  const snaps = new Map<number, TiedDae>();
  const snapIdx = o.snapshotAt ?? [];
  if (snapIdx.includes(0)) snaps.set(0, model.clone());
  const grid = { times: [o.gridTime], weights: [1] };
  let seg = 0;
  for (let k = 1; k <= o.nRecords; k++) {
    onlineSgd({
      model,
      target,
      schedule: SCHEDULE,
      grid,
      eta: o.eta,
      lambda: o.lambda,
      steps: o.recordSteps,
      rng: o.rng.stream(seg++),
      block: Math.min(256, o.recordSteps),
      record: { every: o.recordSteps },
      trainB: o.fixedB === undefined,
    });
    tau.push((2 * o.eta * o.recordSteps * k) / d);
    stats.push(summaryStatistics(model.weights(), { ...ref, b: model.b, v: model.v }));
    if (snapIdx.includes(k)) snaps.set(k, model.clone());
    o.onTick?.();
  }
  const snapshots = snapIdx.map((s) => {
    const m = snaps.get(s);
    if (!m) throw new Error(`trainDae: snapshot record ${s} is outside 0..${o.nRecords}`);
    return m;
  });
  return { tau, stats, snapshots, steps: o.recordSteps * o.nRecords };
}

/** Warm start of spec §2.4 (i) plus optional i.i.d. N(0, noise^2) entries: w_{:,k} = scale sqrt(d) mu_k (k < min(r, K)). */
export function warmStartWeights(target: SpectralGroupMixture, r: number, scale: number, noise: number, rng: Rng): Float64Array {
  const d = target.dim;
  const mus = target.means().contiguous().data;
  const w = new Float64Array(d * r);
  const c = scale * Math.sqrt(d);
  for (let k = 0; k < Math.min(r, target.K); k++) for (let i = 0; i < d; i++) w[i * r + k] = c * mus[k * d + i];
  if (noise > 0) {
    const z = rng.normals(d * r);
    for (let i = 0; i < d * r; i++) w[i] += noise * z[i];
  }
  return w;
}

export function makeDae(d: number, r: number, activation: ActivationName, w: Float64Array, b = 0): TiedDae {
  const model = tiedDae({ d, r, activation, b });
  model.w.set(w);
  return model;
}

// ---------------------------------------------------------------------------------------------
// Theory: Result 2.1 on the same tau grid
// ---------------------------------------------------------------------------------------------

export interface TheoryOptions {
  target: SpectralGroupMixture;
  /** Initial statistics (the actual initial weights, spec §4.8). */
  init: SgdStats;
  r: number;
  activation: ActivationName;
  form?: 'stein' | 'regression' | 'linear-closed';
  eta: number;
  lambda: number;
  gridTime: number;
  /** Save every `spacing` in tau, nSave times after tau = 0. */
  spacing: number;
  nSave: number;
  /** Frozen skip connection (db/dtau = 0). */
  fixedB?: number;
  /** Largest RK4 step (default 0.02, spec §4.8); the step divides `spacing` exactly. */
  maxStep?: number;
  quadrature?: DaeQuadratureOptions;
}

/** The ODE trajectory at tau_k = k spacing: b, Q (r x r), M (K x r), G (r x R) per save, and the packed states. */
export interface TheoryRecord {
  tau: number[];
  b: number[];
  Q: Float64Array[];
  M: Float64Array[];
  G: Float64Array[];
  states: Float64Array[];
}

export function solveTheory(o: TheoryOptions): TheoryRecord {
  const spec = o.target.constants();
  const m = Math.max(1, Math.ceil(o.spacing / (o.maxStep ?? 0.02) - 1e-9));
  const dtau = o.spacing / m;
  const tauMax = o.spacing * o.nSave;
  const odeOpts = {
    r: o.r,
    activation: o.activation,
    form: o.form,
    grid: { times: [o.gridTime], weights: [1] },
    schedule: SCHEDULE,
    eta: o.eta,
    lambda: o.lambda,
    quadrature: o.quadrature,
  };
  const init: DaeState = {
    q: o.init.q as Float64Array,
    m: o.init.m as Float64Array,
    g: o.init.g as Float64Array,
    v: o.init.v,
    b: o.fixedB ?? o.init.b,
  };
  const rhs = daeOdeRhs(spec, odeOpts);
  const L = rhs.layout;
  let states: Float64Array[];
  if (o.fixedB === undefined) {
    const rec = solveDaeOde({ ...odeOpts, spec, init, tauMax, dtau, saveEvery: m });
    states = [];
    const { r, K, Ng, R } = rec;
    for (let n = 0; n < rec.tau.length; n++) {
      states.push(
        packState(L, {
          q: rec.q.subarray(n * Ng * r * r, (n + 1) * Ng * r * r),
          m: rec.m.subarray(n * K * Ng * r, (n + 1) * K * Ng * r),
          g: rec.g.subarray(n * Ng * r * R, (n + 1) * Ng * r * R),
          v: rec.v.subarray(n * r, (n + 1) * r),
          b: rec.b[n],
        }),
      );
    }
  } else {
    const f = (t: number, y: Float64Array, dy: Float64Array) => {
      rhs(t, y, dy);
      dy[L.oB] = 0;
    };
    const res = integrateFixed({ f, y0: packState(L, init), t0: 0, t1: tauMax, steps: m * o.nSave, method: 'rk4', saveEvery: m });
    if (res.status !== 'success') throw new Error(`solveTheory: the ODE with frozen b stopped (${res.status}) at tau ${res.failedAt?.t}`);
    states = res.ys;
  }
  const out: TheoryRecord = { tau: [], b: [], Q: [], M: [], G: [], states };
  states.forEach((y, n) => {
    out.tau.push(n * o.spacing);
    out.b.push(y[L.oB]);
    out.Q.push(stateQ(L, y));
    const M = new Float64Array(L.K * L.r);
    for (let c = 0; c < L.K; c++) M.set(stateM(L, y, c), c * L.r);
    out.M.push(M);
    out.G.push(stateG(L, y));
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sampling with a trained DAE and projections
// ---------------------------------------------------------------------------------------------

/** n samples of the d-dimensional discretised sampler of spec §1.3 (grid k/N, K = round(tf N) Euler steps) with a trained DAE. */
export function sampleDae(model: TiedDae, n: number, N: number, tf: number, rng: Rng, onStep?: () => void): Float64Array {
  const { samples } = sampleInterpolant({
    denoiser: model,
    schedule: SCHEDULE,
    n,
    rng,
    grid: paperGrid(N, tf),
    method: 'euler-maruyama',
    onProgress: onStep ? () => onStep() : undefined,
  });
  return samples.contiguous().data;
}

/** Rows of x (n x d) projected on the columns of E (d x R): n x R row-major. */
export function projectRows(x: Float64Array, n: number, d: number, E: NDArray): Float64Array {
  const e = E.contiguous().data;
  const R = E.shape[1];
  const out = new Float64Array(n * R);
  // E is sparse (canonical directions) in all fixtures: skip zero entries.
  const nz: Array<[number, number, number]> = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < R; j++) if (e[i * R + j] !== 0) nz.push([i, j, e[i * R + j]]);
  for (let s = 0; s < n; s++) for (const [i, j, v] of nz) out[s * R + j] += x[s * d + i] * v;
  return out;
}

/** The target projected on its reference plane E (R = 2): a 2-D Gaussian mixture (the targets are in their eigenframe). */
export function targetPlane(target: SpectralGroupMixture): Mixture2D {
  const d = target.dim;
  const E = target.reference().contiguous().data;
  const mus = target.means().contiguous().data;
  const { ell, Ng } = target.constants();
  const pi = target.weights();
  const out: Mixture2D = { weights: Array.from(pi), means: [], covs: [] };
  for (let c = 0; c < target.K; c++) {
    let mx = 0;
    let my = 0;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let i = 0; i < d; i++) {
      const e1 = E[2 * i];
      const e2 = E[2 * i + 1];
      if (e1 === 0 && e2 === 0) continue;
      const l = ell[c * Ng + target.groups[i]];
      mx += e1 * mus[c * d + i];
      my += e2 * mus[c * d + i];
      sxx += l * e1 * e1;
      sxy += l * e1 * e2;
      syy += l * e2 * e2;
    }
    out.means.push([mx, my]);
    out.covs.push([sxx, sxy, syy]);
  }
  return out;
}

/** Density of the first coordinate of a 2-D mixture (the projection on E's first column) at the points z. */
export function mixtureMarginalX(m: Mixture2D, z: Float64Array): Float64Array {
  const out = new Float64Array(z.length);
  m.weights.forEach((w, c) => {
    const mu = m.means[c][0];
    const v = m.covs[c][0];
    const norm = w / Math.sqrt(2 * Math.PI * v);
    for (let i = 0; i < z.length; i++) out[i] += norm * Math.exp((-0.5 * (z[i] - mu) ** 2) / v);
  });
  return out;
}

/** Gaussian KDE (Scott, scipy conventions) of 2-D points (n x 2) on an nx x ny grid over box. */
export function kdeGrid(points: Float64Array, n: number, box: { x0: number; x1: number; y0: number; y1: number }, nx = 70, ny = 70): Grid2D {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = points[2 * i];
    y[i] = points[2 * i + 1];
  }
  const xs = Float64Array.from({ length: nx }, (_, i) => box.x0 + ((box.x1 - box.x0) * i) / (nx - 1));
  const ys = Float64Array.from({ length: ny }, (_, j) => box.y0 + ((box.y1 - box.y0) * j) / (ny - 1));
  const values = gaussianKde2d(x, y).evaluateGrid(xs, ys);
  return { ...box, nx, ny, values };
}

/** Sample mean and covariance [sxx, sxy, syy] of 2-D points. */
export function moments2(points: Float64Array, n: number): { mean: [number, number]; cov: [number, number, number] } {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[2 * i];
    my += points[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = points[2 * i] - mx;
    const b = points[2 * i + 1] - my;
    sxx += a * a;
    sxy += a * b;
    syy += b * b;
  }
  return { mean: [mx, my], cov: [sxx / (n - 1), sxy / (n - 1), syy / (n - 1)] };
}

// ---------------------------------------------------------------------------------------------
// Small numeric helpers
// ---------------------------------------------------------------------------------------------

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(digits);
}

/** Nearest record index of a training time tau on a regular grid of spacing `spacing`. */
export function recordIndex(tau: number, spacing: number, nRecords: number): number {
  return Math.min(nRecords, Math.max(0, Math.round(tau / spacing)));
}

// ---------------------------------------------------------------------------------------------
// Figure panels
// ---------------------------------------------------------------------------------------------

export interface StatCurve {
  /** Legend label of the statistic (colour). */
  stat: string;
  kind: 'theory' | 'simulation' | 'target';
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

const KIND_LABEL = { theory: 'theory (dashed)', simulation: 'simulation (solid + markers)', target: 'target / closed form (dotted)' } as const;

/**
 * A line panel coloured by statistic, with the line style by kind: theory dashed, simulation solid
 * with markers, target / closed form dotted (as in the paper: dashed theory, solid simulation).
 */
export function statPanel(o: { curves: StatCurve[]; xTitle: string; yTitle: string; title?: string; width?: number; height?: number; markerEvery?: number; xScale?: 'linear' | 'log'; yScale?: 'linear' | 'log'; colorTitle?: string; legendOrient?: 'right' | 'bottom' }): VlSpec {
  const rows: Array<{ stat: string; kind: string; x: number; y: number; marker: boolean }> = [];
  const every = Math.max(1, o.markerEvery ?? 1);
  for (const c of o.curves) {
    for (let i = 0; i < Math.min(c.x.length, c.y.length); i++) {
      if (!Number.isFinite(c.x[i]) || !Number.isFinite(c.y[i])) continue;
      rows.push({ stat: c.stat, kind: KIND_LABEL[c.kind], x: c.x[i], y: c.y[i], marker: c.kind === 'simulation' && i % every === 0 });
    }
  }
  const kinds = (['theory', 'simulation', 'target'] as const).filter((k) => o.curves.some((c) => c.kind === k)).map((k) => KIND_LABEL[k]);
  const dashes: Record<string, number[]> = { [KIND_LABEL.theory]: [7, 4], [KIND_LABEL.simulation]: [1, 0], [KIND_LABEL.target]: [2, 3] };
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { type: o.xScale ?? 'linear', zero: false, nice: o.xScale !== 'log' } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { type: o.yScale ?? 'linear', zero: false, nice: o.yScale !== 'log' } };
  const orient = o.legendOrient ?? 'right';
  const legendLayout = orient === 'bottom' ? { orient, direction: 'vertical', columns: 2, labelLimit: 200 } : { orient };
  const statOrder = [...new Set(o.curves.map((c) => c.stat))];
  const color = { field: 'stat', type: 'nominal', title: o.colorTitle ?? 'statistic', scale: { domain: statOrder }, legend: { ...legendLayout, symbolOpacity: 1, titleLimit: 400 } };
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 12, anchor: 'middle' } } : {}),
    width: o.width ?? 330,
    height: o.height ?? 250,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.8, clip: true },
        encoding: {
          x,
          y,
          color,
          detail: { field: 'kind' },
          strokeDash: {
            field: 'kind',
            type: 'nominal',
            title: 'line style',
            scale: { domain: kinds, range: kinds.map((k) => dashes[k]) },
            legend: { ...legendLayout, columns: 1, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 320, symbolStrokeColor: '#333', labelLimit: 300 },
          },
        },
      },
      {
        transform: [{ filter: 'datum.marker' }],
        mark: { type: 'point', filled: true, size: 22, opacity: 0.9, clip: true },
        encoding: { x, y, color },
      },
    ],
  };
}

const THEORY_COLOR = '#1f4fd8';
const TARGET_COLOR = '#1a9a3a';

/**
 * The Fig. 2 / Fig. 7 panel: simulated samples as a colour map (2-D histogram), theory density
 * contours (blue, HDR levels) and target contours (green).
 */
export function densityPanel(o: {
  simPoints: Float64Array;
  nSim: number;
  theory?: Grid2D;
  target?: Grid2D;
  box: { x0: number; x1: number; y0: number; y1: number };
  title?: string;
  xTitle: string;
  yTitle: string;
  bins?: number;
  masses?: number[];
  size?: number;
  /** Colour map relative to its maximum (so panels of different spreads share one legend). Default true. */
  relative?: boolean;
}): VlSpec {
  const { box } = o;
  const nb = o.bins ?? 45;
  const counts = new Float64Array(nb * nb);
  for (let i = 0; i < o.nSim; i++) {
    const bi = Math.floor(((o.simPoints[2 * i] - box.x0) / (box.x1 - box.x0)) * nb);
    const bj = Math.floor(((o.simPoints[2 * i + 1] - box.y0) / (box.y1 - box.y0)) * nb);
    if (bi < 0 || bj < 0 || bi >= nb || bj >= nb) continue;
    counts[bj * nb + bi]++;
  }
  const area = ((box.x1 - box.x0) / nb) * ((box.y1 - box.y0) / nb);
  const relative = o.relative ?? true;
  let cmax = 0;
  for (const c of counts) cmax = Math.max(cmax, c);
  const rects = [];
  for (let j = 0; j < nb; j++) {
    for (let i = 0; i < nb; i++) {
      const c = counts[j * nb + i];
      if (c === 0) continue;
      rects.push({
        x: box.x0 + (i * (box.x1 - box.x0)) / nb,
        x2: box.x0 + ((i + 1) * (box.x1 - box.x0)) / nb,
        y: box.y0 + (j * (box.y1 - box.y0)) / nb,
        y2: box.y0 + ((j + 1) * (box.y1 - box.y0)) / nb,
        density: relative ? c / cmax : c / (o.nSim * area),
      });
    }
  }
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { domain: [box.x0, box.x1], nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { domain: [box.y0, box.y1], nice: false, zero: false } };
  const masses = o.masses ?? [0.5, 0.9, 0.99];
  const segs: Array<{ x: number; y: number; x2: number; y2: number; which: string }> = [];
  const addContours = (g: Grid2D | undefined, which: string) => {
    if (!g) return;
    for (const lv of hdrLevels(g.values, masses)) for (const s of isoSegments(g, lv)) segs.push({ ...s, which });
  };
  const theoryLabel = 'theory contours (Cor. 2.3)';
  const targetLabel = 'target contours';
  addContours(o.theory, theoryLabel);
  addContours(o.target, targetLabel);
  const domain = [...(o.theory ? [theoryLabel] : []), ...(o.target ? [targetLabel] : [])];
  const range = [...(o.theory ? [THEORY_COLOR] : []), ...(o.target ? [TARGET_COLOR] : [])];
  const size = o.size ?? 240;
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 12, anchor: 'middle' } } : {}),
    width: size,
    height: size,
    layer: [
      {
        data: { values: rects },
        mark: { type: 'rect', clip: true },
        encoding: {
          x,
          x2: { field: 'x2' },
          y,
          y2: { field: 'y2' },
          fill: {
            field: 'density',
            type: 'quantitative',
            title: relative ? 'simulated density / max' : 'simulated density',
            scale: relative ? { scheme: 'greys', domain: [0, 1] } : { scheme: 'greys' },
            legend: { gradientLength: 120 },
          },
        },
      },
      {
        data: { values: segs },
        mark: { type: 'rule', strokeWidth: 1.5, clip: true },
        encoding: {
          x,
          y,
          x2: { field: 'x2' },
          y2: { field: 'y2' },
          color: { field: 'which', type: 'nominal', title: `contours: ${masses.map((m) => `${m * 100}%`).join(', ')} HDR`, scale: { domain, range }, legend: { titleLimit: 400 } },
        },
      },
    ],
  };
}
