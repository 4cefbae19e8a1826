/**
 * Shared glue of the MNIST / model-collapse / FashionMNIST experiments (Cui, Pehlevan, Lu 2025,
 * Figs. 3, 4, 6, 10; spec dae-asymptotics §3.3 T3/T4/T6, §4, §5, §6, §9).
 *
 * Everything runs in the eigenframe of the data covariance (spec §3.2: rotating data, E and the
 * initial weights by the same orthogonal matrix leaves the dynamics unchanged), so the spectral
 * groups are coordinate blocks, E = the top-R principal components = the first R coordinates, and
 * generated samples are mapped back to pixels by x_pixel = U y + pixel mean.
 */
import {
  NDArray,
  type InterpolantSchedule,
  type Rng,
  eigh,
  gaussianKde2d,
  linearInterpolant,
  sampleCovariance,
  sampleMean,
} from '@diffusion-theory/kernel';
import { tiedDae } from '@diffusion-theory/denoisers';
import { paperGrid, sampleInterpolant } from '@diffusion-theory/samplers';
import {
  type DaeInit,
  type DaeOdeRecord,
  type SpectralMixtureSpec,
  initialStateFromWeights,
  offSubspaceVariance,
  projectedGenerated,
  solveDaeOde,
} from '@diffusion-theory/ode-theory';
import { type SpectralGroupMixture, spectralGroupMixture } from '@diffusion-theory/targets';
import { type SampleSource, gaussianInit, onlineSgd } from '@diffusion-theory/trainers';
import { z } from 'zod';
import type { ExperimentContext } from '../experiment.js';
import { type Grid2D, hdrLevels, isoSegments } from '@diffusion-theory/plots';
import { type HeatmapPanel, heatmapGrid } from '@diffusion-theory/plots';
import { linePanel, smallMultiples } from '@diffusion-theory/plots';
import { type VlSpec, withTitle } from '@diffusion-theory/plots';
import { type Check, type Series, agreement, bound } from '../result.js';
import { upperBound } from '../checks-compat.js';

export const IMAGE_SIDE = 28;
export const IMAGE_DIM = IMAGE_SIDE * IMAGE_SIDE;

/* ------------------------------------------------------------------------------------------ */
/* Data in the eigenframe                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** A data set (or its Gaussian surrogate) expressed in the eigenframe of its covariance. */
export interface EigenData {
  d: number;
  /** Eigenvalues of the empirical covariance, descending (length d). */
  spectrum: Float64Array;
  /** The spectral-group target in the eigenframe (basis = identity): groups, constants, E = top-R PCs. */
  target: SpectralGroupMixture;
  /** Eigenvectors as columns, pixel frame (d x d row-major): x_pixel = U y + pixelMean. */
  U: Float64Array;
  pixelMean: Float64Array;
  /** Centred data rows in the eigenframe (n x d), when the raw data are kept. */
  rows?: Float64Array;
  n: number;
}

/**
 * Gaussian surrogate of an image set (n x 784, pixels in [0, 1]), with the same grouping rule as
 * targets' `mnistSevensGaussian`: the top `spikes` eigenvalues are microscopic one-coordinate groups
 * (rho = 0, spec §4.8), the rest is cut into `bulkBins` consecutive bins of nearly equal count whose ell
 * is the bin mean (Tr Sigma preserved). Glue for FashionMNIST: targets ships the surrogate only for MNIST.
 */
export function gaussianSurrogate(X: NDArray, o: { spikes: number; bulkBins: number; referencePcs?: number; keepRows?: boolean }): EigenData {
  const d = X.shape[1];
  const n = X.shape[0];
  const R = o.referencePcs ?? 2;
  const mean = sampleMean(X);
  const cov = sampleCovariance(X, { mean, ddof: 1 });
  const { values, vectors } = eigh(cov, 'covariance');
  const V = vectors.contiguous().data;
  const spectrum = new Float64Array(d);
  const U = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const src = d - 1 - j;
    spectrum[j] = Math.max(0, values[src]);
    for (let i = 0; i < d; i++) U[i * d + j] = V[i * d + src];
  }
  const k = o.spikes;
  const bins = o.bulkBins;
  const rest = d - k;
  const groups = new Int32Array(d);
  const ell = new Float64Array(k + bins);
  const counts = new Float64Array(k + bins);
  for (let j = 0; j < d; j++) {
    const g = j < k ? j : k + Math.min(bins - 1, Math.floor(((j - k) * bins) / rest));
    groups[j] = g;
    ell[g] += spectrum[j];
    counts[g]++;
  }
  for (let g = 0; g < k + bins; g++) ell[g] /= counts[g];
  const E = new Float64Array(d * R);
  for (let r = 0; r < R; r++) E[r * R + r] = 1;
  const target = spectralGroupMixture({
    dim: d,
    groups,
    ell: new NDArray(ell, [1, k + bins]),
    microscopic: Array.from({ length: k + bins }, (_, g) => g < k),
    reference: new NDArray(E, [d, R]),
  });
  let rows: Float64Array | undefined;
  if (o.keepRows) {
    // centred rows in the eigenframe: (x - m) U
    const Xc = X.contiguous().data;
    const C = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) C[i * d + j] = Xc[i * d + j] - mean[j];
    rows = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const ci = C.subarray(i * d, (i + 1) * d);
      const out = rows.subarray(i * d, (i + 1) * d);
      for (let l = 0; l < d; l++) {
        const c = ci[l];
        if (c === 0) continue;
        const ul = U.subarray(l * d, (l + 1) * d);
        for (let j = 0; j < d; j++) out[j] += c * ul[j];
      }
    }
  }
  return { d, spectrum, target, U, pixelMean: mean, rows, n };
}

/** N(0, diag(spectrum)) in the eigenframe: the Gaussian with exactly the empirical covariance (T3). */
export function spectrumSource(spectrum: Float64Array): SampleSource {
  const d = spectrum.length;
  const sd = spectrum.map((v) => Math.sqrt(Math.max(0, v)));
  const fill = (out: Float64Array, n: number, rng: Rng) => {
    const o = out.subarray(0, n * d);
    rng.fillNormal(o);
    for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) o[k * d + i] *= sd[i];
  };
  return {
    sampleInto: fill,
    sample(n, rng) {
      const out = new Float64Array(n * d);
      fill(out, n, rng);
      return new NDArray(out, [n, d]);
    },
  };
}

/** Uniform draws with replacement from data rows (n x d): the raw (non-Gaussian) data T4 / T6. */
export function empiricalSource(rows: Float64Array, n: number, d: number): SampleSource {
  const fill = (out: Float64Array, m: number, rng: Rng) => {
    for (let k = 0; k < m; k++) {
      const i = Math.min(n - 1, Math.floor(rng.uniform() * n));
      out.set(rows.subarray(i * d, (i + 1) * d), k * d);
    }
  };
  return {
    sampleInto: fill,
    sample(m, rng) {
      const out = new Float64Array(m * d);
      fill(out, m, rng);
      return new NDArray(out, [m, d]);
    },
  };
}

/** Eigenframe samples (n x d) -> pixel images (n x 784): x = U y + mean. */
export function toPixels(data: Pick<EigenData, 'U' | 'pixelMean' | 'd'>, Y: Float64Array, n: number): Float64Array {
  const { d, U, pixelMean } = data;
  const out = new Float64Array(n * d);
  for (let k = 0; k < n; k++) {
    const y = Y.subarray(k * d, (k + 1) * d);
    const o = out.subarray(k * d, (k + 1) * d);
    for (let i = 0; i < d; i++) {
      const ui = U.subarray(i * d, (i + 1) * d);
      let s = pixelMean[i];
      for (let j = 0; j < d; j++) s += ui[j] * y[j];
      o[i] = s;
    }
  }
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Training with snapshots, and the matching ODE                                               */
/* ------------------------------------------------------------------------------------------ */

export interface DaeSetup {
  d: number;
  r: number;
  eta: number;
  lambda: number;
  /** Loss grid G (single time in the paper: 1/2). */
  tGrid: number;
  schedule: InterpolantSchedule;
}

export interface TrainedRun {
  /** Record times tau and statistics (flat row-major per record). */
  tau: number[];
  b: number[];
  Q: number[][];
  /** S = w^T Sigma w / d with the given spectrum (the sim's exact Sigma), r x r flat. */
  S: number[][];
  G: number[][];
  /** Weights w (d x r, copies) and b at the snapshot times. */
  snapshots: Array<{ tau: number; w: Float64Array; b: number }>;
  steps: number;
}

/** w^T diag(spectrum) w / d for w d x r row-major. */
export function sigmaOverlap(w: Float64Array, d: number, r: number, spectrum: Float64Array): Float64Array {
  const S = new Float64Array(r * r);
  for (let i = 0; i < d; i++) {
    const l = spectrum[i];
    for (let k = 0; k < r; k++) for (let m = 0; m < r; m++) S[k * r + m] += (l * w[i * r + k] * w[i * r + m]) / d;
  }
  return S;
}

/**
 * Online SGD (trainers' onlineSgd, spec §2.4) from w0 with b0 = 0, run in segments ending at each
 * snapshot time (ascending) so that the weights there are kept; statistics recorded every `tauEvery`.
 */
export function trainWithSnapshots(o: {
  setup: DaeSetup;
  w0: NDArray;
  source: SampleSource;
  taus: readonly number[];
  tauEvery: number;
  rng: Rng;
  E: NDArray;
  spectrum?: Float64Array;
  onSegment?: () => void;
}): TrainedRun {
  const { d, r, eta, lambda, tGrid, schedule } = o.setup;
  const model = tiedDae({ d, r, activation: 'tanh', w: o.w0 });
  const out: TrainedRun = { tau: [], b: [], Q: [], S: [], G: [], snapshots: [], steps: 0 };
  const spectrum = o.spectrum;
  let prev = 0;
  o.taus.forEach((tauK, k) => {
    const res = onlineSgd({
      model,
      target: o.source,
      schedule,
      grid: { times: [tGrid], weights: [1] },
      eta,
      lambda,
      tauMax: Math.max(0, tauK - prev),
      rng: o.rng.stream(k),
      record: { tauEvery: o.tauEvery, E: o.E, ...(spectrum ? { stats: (w: NDArray) => ({ S: sigmaOverlap(w.data, d, r, spectrum) }) } : {}) },
    });
    const rec = res.records;
    const R = rec.R;
    for (let n = k === 0 ? 0 : 1; n < rec.tau.length; n++) {
      out.tau.push(prev + rec.tau[n]);
      out.b.push(rec.b[n]);
      out.Q.push(Array.from(rec.Q.subarray(n * r * r, (n + 1) * r * r)));
      out.G.push(Array.from((rec.G as Float64Array).subarray(n * r * R, (n + 1) * r * R)));
      if (spectrum) out.S.push(rec.custom.S[n]);
    }
    prev += res.tau;
    out.steps += res.steps;
    out.snapshots.push({ tau: prev, w: model.w.slice(), b: model.b });
    o.onSegment?.();
  });
  return out;
}

/** Result 2.1 ODE (ode-theory solveDaeOde, tanh, Stein form) from one run's initial statistics, saved at `saveAt`. */
export function solveTheory(o: { setup: DaeSetup; spec: SpectralMixtureSpec; init: DaeInit; tauMax: number; saveAt: number[]; dtau: number }): DaeOdeRecord {
  const { r, eta, lambda, tGrid, schedule } = o.setup;
  return solveDaeOde({
    spec: o.spec,
    init: o.init,
    tauMax: o.tauMax,
    r,
    activation: 'tanh',
    grid: { times: [tGrid], weights: [1] },
    schedule,
    eta,
    lambda,
    dtau: o.dtau,
    saveAt: o.saveAt,
  });
}

/** Index of the saved record closest to tau. */
export function nearestIndex(taus: ArrayLike<number>, tau: number): number {
  let best = 0;
  for (let i = 1; i < taus.length; i++) if (Math.abs(taus[i] - tau) < Math.abs(taus[best] - tau)) best = i;
  return best;
}

export function slice2d(a: Float64Array, n: number, size: number): Float64Array {
  return a.slice(n * size, (n + 1) * size);
}

export function asMatrix(a: ArrayLike<number>, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => a[i * cols + j]));
}

/** S = sum_s ell_s q_s from the ODE's per-group q (one cluster). */
export function odeS(rec: DaeOdeRecord, n: number, ell: Float64Array): Float64Array {
  const { r, Ng } = rec;
  const S = new Float64Array(r * r);
  for (let s = 0; s < Ng; s++) for (let k = 0; k < r * r; k++) S[k] += ell[s] * rec.q[(n * Ng + s) * r * r + k];
  return S;
}

/* ------------------------------------------------------------------------------------------ */
/* Generated samples                                                                           */
/* ------------------------------------------------------------------------------------------ */

export interface SamplerSetup {
  schedule: InterpolantSchedule;
  /** Grid intervals N (t_k = k/N) and final time t_f (spec §1.3). */
  N: number;
  tf: number;
}

/** Theory: Corollary 2.3 samples of E^T X_tf (n x R) for given (Q, G, b), tanh, p = 0. */
export function theoryProjected(s: SamplerSetup, Q: ArrayLike<number>, G: ArrayLike<number>, b: number, r: number, R: number, n: number, rng: Rng) {
  return projectedGenerated({
    schedule: s.schedule,
    b,
    N: s.N,
    tf: s.tf,
    Q: new NDArray(Float64Array.from(Q), [r, r]),
    G: new NDArray(Float64Array.from(G), [r, R]),
    activation: 'tanh',
    n,
    rng,
  });
}

/** Simulation: the trained model's discretised sampler in R^d (n x d, eigenframe). Same rng => same X_0. */
export function simulateGenerated(s: SamplerSetup, w: Float64Array, d: number, r: number, b: number, n: number, rng: Rng): { X: Float64Array; vtf: number } {
  const model = tiedDae({ d, r, activation: 'tanh', w: new NDArray(w, [d, r]), b });
  const X = sampleInterpolant({ denoiser: model, schedule: s.schedule, grid: paperGrid(s.N, s.tf), n, rng }).samples.contiguous().data;
  return { X, vtf: offSubspaceVariance({ schedule: s.schedule, b, N: s.N, tf: s.tf }) };
}

/** The first `R` coordinates of each row (the projection on E = top-R PCs in the eigenframe), as [[x, y], ...]. */
export function firstCoords(X: Float64Array, n: number, d: number, R = 2): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(Array.from(X.subarray(i * d, i * d + R)));
  return out;
}

/** Sample covariance (ddof 1) of 2-D points. */
export function cov2(points: ArrayLike<ArrayLike<number>>): { mean: [number, number]; cov: [number, number, number] } {
  const n = points.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[i][0];
    my += points[i][1];
  }
  mx /= n;
  my /= n;
  let a = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const dx = points[i][0] - mx;
    const dy = points[i][1] - my;
    a += dx * dx;
    b += dx * dy;
    c += dy * dy;
  }
  return { mean: [mx, my], cov: [a / (n - 1), b / (n - 1), c / (n - 1)] };
}

/**
 * Mean squared norm per direction of the part of each sample off span(w), divided by d - rank:
 * the empirical v_tf of Result 2.2 (exact at finite d given w).
 */
export function offSubspaceEmpirical(X: Float64Array, n: number, d: number, w: Float64Array, r: number): number {
  // orthonormal basis of span(w) by Gram-Schmidt
  const B: Float64Array[] = [];
  for (let k = 0; k < r; k++) {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = w[i * r + k];
    for (const u of B) {
      let p = 0;
      for (let i = 0; i < d; i++) p += u[i] * v[i];
      for (let i = 0; i < d; i++) v[i] -= p * u[i];
    }
    let nn = 0;
    for (let i = 0; i < d; i++) nn += v[i] * v[i];
    if (nn > 1e-20) {
      const s = 1 / Math.sqrt(nn);
      for (let i = 0; i < d; i++) v[i] *= s;
      B.push(v);
    }
  }
  let acc = 0;
  for (let k = 0; k < n; k++) {
    const x = X.subarray(k * d, (k + 1) * d);
    let nx = 0;
    for (let i = 0; i < d; i++) nx += x[i] * x[i];
    for (const u of B) {
      let p = 0;
      for (let i = 0; i < d; i++) p += u[i] * x[i];
      nx -= p * p;
    }
    acc += nx;
  }
  return acc / (n * (d - B.length));
}

/* ------------------------------------------------------------------------------------------ */
/* Densities on grids and the density panel                                                    */
/* ------------------------------------------------------------------------------------------ */

export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Gaussian KDE (scipy conventions, Scott) of 2-D points on an nx x ny grid over box. */
export function kdeGrid(points: ArrayLike<ArrayLike<number>>, box: Box, nx = 70, ny = 70): Grid2D {
  const x = Float64Array.from({ length: points.length }, (_, i) => points[i][0]);
  const y = Float64Array.from({ length: points.length }, (_, i) => points[i][1]);
  const kde = gaussianKde2d(x, y);
  const xs = Float64Array.from({ length: nx }, (_, i) => box.x0 + ((box.x1 - box.x0) * i) / (nx - 1));
  const ys = Float64Array.from({ length: ny }, (_, j) => box.y0 + ((box.y1 - box.y0) * j) / (ny - 1));
  return { ...box, nx, ny, values: kde.evaluateGrid(xs, ys) };
}

/** A centred 2-D Gaussian N(mean, [[a, b], [b, c]]) on a grid. */
export function gaussianGrid(mean: [number, number], cov: [number, number, number], box: Box, nx = 70, ny = 70): Grid2D {
  const [a, b, c] = cov;
  const det = a * c - b * b;
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = box.y0 + ((box.y1 - box.y0) * j) / (ny - 1) - mean[1];
    for (let i = 0; i < nx; i++) {
      const x = box.x0 + ((box.x1 - box.x0) * i) / (nx - 1) - mean[0];
      values[j * nx + i] = Math.exp(-0.5 * (c * x * x - 2 * b * x * y + a * y * y) / det) / (2 * Math.PI * Math.sqrt(det));
    }
  }
  return { ...box, nx, ny, values };
}

export interface DensityPanelOptions {
  /** Simulated samples [[x, y], ...] drawn as a binned colour map. */
  points: ArrayLike<ArrayLike<number>>;
  /** Contour densities: theory drawn dashed, target solid. */
  theory?: Grid2D;
  target?: Grid2D;
  theoryLabel?: string;
  targetLabel?: string;
  masses?: number[];
  box: Box;
  bins?: number;
  /** Panel title (an array gives several lines). */
  title?: string | string[];
  xTitle: string;
  yTitle: string;
  size?: number;
}

/**
 * One panel of a projected-density figure: the simulated samples as a binned colour map (blues),
 * theory HDR contours dashed (red), target HDR contours solid (black).
 */
export function densityPanel(o: DensityPanelOptions): VlSpec {
  const { box } = o;
  const nb = o.bins ?? 90;
  const masses = o.masses ?? [0.5, 0.9];
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { domain: [box.x0, box.x1], nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { domain: [box.y0, box.y1], nice: false, zero: false } };
  const counts = new Float64Array(nb * nb);
  const pts = o.points;
  for (let i = 0; i < pts.length; i++) {
    const bi = Math.floor(((pts[i][0] - box.x0) / (box.x1 - box.x0)) * nb);
    const bj = Math.floor(((pts[i][1] - box.y0) / (box.y1 - box.y0)) * nb);
    if (bi < 0 || bj < 0 || bi >= nb || bj >= nb) continue;
    counts[bj * nb + bi]++;
  }
  let mx = 0;
  for (const c of counts) mx = Math.max(mx, c);
  const cells = [];
  for (let j = 0; j < nb; j++) {
    for (let i = 0; i < nb; i++) {
      const c = counts[j * nb + i];
      if (c === 0) continue;
      cells.push({
        x: box.x0 + (i * (box.x1 - box.x0)) / nb,
        x2: box.x0 + ((i + 1) * (box.x1 - box.x0)) / nb,
        y: box.y0 + (j * (box.y1 - box.y0)) / nb,
        y2: box.y0 + ((j + 1) * (box.y1 - box.y0)) / nb,
        rel: c / mx,
      });
    }
  }
  const theoryLabel = o.theoryLabel ?? 'theory';
  const targetLabel = o.targetLabel ?? 'target';
  const segs: Array<{ x: number; y: number; x2: number; y2: number; source: string }> = [];
  const add = (g: Grid2D | undefined, label: string) => {
    if (!g) return;
    for (const lv of hdrLevels(g.values, masses)) for (const s of isoSegments(g, lv)) segs.push({ ...s, source: label });
  };
  add(o.target, targetLabel);
  add(o.theory, theoryLabel);
  const domain = [theoryLabel, targetLabel];
  const legendTitle = `contours (${masses.map((m) => `${Math.round(m * 100)}%`).join(', ')} HDR)`;
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 11, anchor: 'middle' } } : {}),
    width: o.size ?? 230,
    height: o.size ?? 230,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', clip: true },
        encoding: {
          x,
          x2: { field: 'x2' },
          y,
          y2: { field: 'y2' },
          fill: { field: 'rel', type: 'quantitative', title: 'simulated density (rel.)', scale: { scheme: 'blues', domain: [0, 1] }, legend: { titleLimit: 400 } },
        },
      },
      {
        data: { values: segs },
        mark: { type: 'rule', strokeWidth: 1.8, clip: true },
        encoding: {
          x,
          y,
          x2: { field: 'x2' },
          y2: { field: 'y2' },
          color: { field: 'source', type: 'nominal', title: legendTitle, scale: { domain, range: ['#d62728', '#111111'] }, legend: { titleLimit: 400 } },
          strokeDash: { field: 'source', type: 'nominal', title: legendTitle, scale: { domain, range: [[2.5, 2], [1, 0]] }, legend: { titleLimit: 400 } },
        },
      },
    ],
  };
}

/** A symmetric box around 0 covering +- k standard deviations of the largest of the given variances along each axis. */
export function boxFor(varX: number, varY: number, k = 3.2): Box {
  const sx = k * Math.sqrt(varX);
  const sy = k * Math.sqrt(varY);
  return { x0: -sx, x1: sx, y0: -sy, y1: sy };
}

/* ------------------------------------------------------------------------------------------ */
/* Summary-statistic series (Fig. 6)                                                           */
/* ------------------------------------------------------------------------------------------ */

const ENTRY = (k: number, l: number) => `${k + 1}${l + 1}`;

/** Series of the r x r entries (k <= l) of a matrix statistic over tau. */
export function matrixSeries(name: string, kind: Series['kind'], tau: ArrayLike<number>, mats: ArrayLike<ArrayLike<number>>, r: number, meta: Record<string, unknown>): Series[] {
  const out: Series[] = [];
  for (let k = 0; k < r; k++) {
    for (let l = k; l < r; l++) {
      out.push({
        name: `${name}${ENTRY(k, l)} ${meta.source}`,
        kind,
        x: Array.from(tau),
        y: Array.from({ length: tau.length }, (_, i) => mats[i][k * r + l]),
        labels: { x: 'tau', y: `${name}_${ENTRY(k, l)}` },
        meta: { ...meta, statistic: name, entry: ENTRY(k, l) },
      });
    }
  }
  return out;
}

/** Relabel series for plotting so that theory and simulation of the same entry share a colour (legend = entry). */
export function byEntry(series: Series[]): Series[] {
  return series.map((s) => ({ ...s, name: `${String(s.meta?.statistic ?? '')}${String(s.meta?.entry ?? '')}${s.meta?.variant ? ` ${String(s.meta.variant)}` : ''}` }));
}

/**
 * max_tau ||A_sim(tau) - A_ode(tau)||_F / max_tau ||A_ode(tau)||_F over the simulation record times,
 * the ODE interpolated linearly in tau.
 */
export function relativeDeviation(simTau: number[], sim: number[][], odeTau: ArrayLike<number>, ode: (n: number) => ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  const nOde = odeTau.length;
  for (let i = 0; i < simTau.length; i++) {
    const t = simTau[i];
    let j = 0;
    while (j < nOde - 2 && odeTau[j + 1] < t) j++;
    const t0 = odeTau[j];
    const t1 = odeTau[Math.min(j + 1, nOde - 1)];
    const a = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    const A0 = ode(j);
    const A1 = ode(Math.min(j + 1, nOde - 1));
    let dev = 0;
    let nrm = 0;
    for (let k = 0; k < A0.length; k++) {
      const v = (1 - a) * A0[k] + a * A1[k];
      dev += (sim[i][k] - v) ** 2;
      nrm += v * v;
    }
    num = Math.max(num, Math.sqrt(dev));
    den = Math.max(den, Math.sqrt(nrm));
  }
  return den > 0 ? num / den : Number.NaN;
}

/** Keep about `max` points of each simulation series (for markers that do not hide the theory lines). */
export function thin(series: Series[], max = 24): Series[] {
  return series.map((s) => {
    if (s.kind !== 'simulation' || !s.x || !s.y || s.x.length <= max) return s;
    const step = Math.ceil(s.x.length / max);
    const keep = (_: number, i: number) => i % step === 0 || i === (s.x as number[]).length - 1;
    return { ...s, x: s.x.filter(keep), y: s.y.filter(keep) };
  });
}

/** Clamp to [0, 1] for display as a grey-scale image. */
export function clampImage(v: ArrayLike<number>): Float64Array {
  return Float64Array.from(v, (x) => Math.min(1, Math.max(0, x)));
}

/** The finite-d b of spec §4.2: db/dtau = Lambda_d beta (1 - b beta) - b alpha^2 - E[tanh(h)^T h] / d along an ODE path of Omega. */
export function finiteDB(o: {
  tau: ArrayLike<number>;
  omega: (n: number) => ArrayLike<number>;
  r: number;
  d: number;
  Lambda: number;
  alpha: number;
  beta: number;
  b0?: number;
}): number[] {
  // Gauss-Hermite (probabilists') nodes for E[f(Z)], Z ~ N(0,1), 20 points
  const { x: gx, w: gw } = gaussHermite(20);
  const netTerm = (om: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < o.r; k++) {
      const sd = Math.sqrt(Math.max(0, om[k * o.r + k]));
      for (let i = 0; i < gx.length; i++) s += gw[i] * Math.tanh(sd * gx[i]) * sd * gx[i];
    }
    return s / o.d;
  };
  const out = [o.b0 ?? 0];
  let b = o.b0 ?? 0;
  const { alpha: al, beta: be } = o;
  for (let n = 1; n < o.tau.length; n++) {
    const h = o.tau[n] - o.tau[n - 1];
    const sub = Math.max(1, Math.ceil(h / 0.005));
    const dh = h / sub;
    const c0 = netTerm(o.omega(n - 1));
    const c1 = netTerm(o.omega(n));
    for (let k = 0; k < sub; k++) {
      const c = c0 + ((c1 - c0) * (k + 0.5)) / sub;
      const f = (bb: number) => o.Lambda * be * (1 - bb * be) - bb * al * al - c;
      const k1 = f(b);
      const k2 = f(b + 0.5 * dh * k1);
      const k3 = f(b + 0.5 * dh * k2);
      const k4 = f(b + dh * k3);
      b += (dh / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    out.push(b);
  }
  return out;
}

/** Probabilists' Gauss-Hermite rule (weights sum to 1) by Golub-Welsch on the Jacobi matrix. */
function gaussHermite(n: number): { x: Float64Array; w: Float64Array } {
  const J = new Float64Array(n * n);
  for (let i = 0; i < n - 1; i++) J[i * n + i + 1] = J[(i + 1) * n + i] = Math.sqrt(i + 1);
  const { values, vectors } = eigh(new NDArray(J, [n, n]), 'jacobi');
  const V = vectors.contiguous().data;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = V[i] * V[i];
  return { x: values, w };
}

/* ------------------------------------------------------------------------------------------ */
/* The Fig. 3 / 6 / 10 pipeline                                                                */
/* ------------------------------------------------------------------------------------------ */

/** Parameters shared by cui25-mnist7 and cui25-fashion (zod schema in `densityParams`). */
export interface DensityParams {
  r: number;
  eta: number;
  lambda: number;
  tGrid: number;
  N: number;
  tf: number;
  snapshots: number[];
  tauEvery: number;
  nSamples: number;
  dtau: number;
  spikes: number;
  bulkBins: number;
  imageRows: number;
}

export const densityParamShape = {
  r: z.number().int().min(1).max(4).describe('hidden units r of the tied DAE (count)'),
  eta: z.number().positive().max(2).describe('SGD learning rate eta (dimensionless)'),
  lambda: z.number().min(0).max(10).describe('weight decay lambda (dimensionless; the paper\'s 0.784 = 1e-3 d)'),
  tGrid: z.number().gt(0).lt(1).describe('the single loss time of the grid G = {t} (dimensionless)'),
  N: z.number().int().min(10).max(1000).describe('sampler grid intervals N (step 1/N, spec §1.3)'),
  tf: z.number().gt(0.5).lt(1).describe('final sampling time t_f (dimensionless)'),
  snapshots: z.array(z.number().positive().max(50)).min(1).max(10).describe('training times tau (= 2 eta n / d) at which the generated density is shown, ascending; the last is the end of training'),
  tauEvery: z.number().positive().max(1).describe('record the summary statistics every this much tau'),
  nSamples: z.number().int().min(200).max(100000).describe('generated samples per tau and per method (count)'),
  dtau: z.number().positive().max(0.1).describe('RK4 step of the Result 2.1 ODE in tau'),
  spikes: z.number().int().min(0).max(100).describe('top eigenvalues kept as microscopic one-coordinate groups (rho = 0, spec §4.8)'),
  bulkBins: z.number().int().min(1).max(200).describe('macroscopic groups the remaining eigenvalues are binned into (count)'),
  imageRows: z.number().int().min(1).max(8).describe('rows of generated images (one common starting noise X_0 per row)'),
};

export const densityParams = z.object(densityParamShape).refine((p) => p.snapshots.every((t, i) => i === 0 || t > p.snapshots[i - 1]), {
  message: 'snapshots: expected strictly ascending training times',
  path: ['snapshots'],
});

export interface PipelineConfig {
  /** Short name of the data, e.g. "MNIST 7s". */
  dataLabel: string;
  data: EigenData;
  /** What the main SGD run trains on. */
  source: SampleSource;
  sourceLabel: string;
  /** Further SGD runs (same w0) shown in the statistics figure, e.g. the raw MNIST 7s of Fig. 6. */
  extraRuns?: Array<{ label: string; source: SampleSource }>;
  /** Target contours in the PC plane: the Gaussian N(0, diag(l1, l2)) or a KDE of the data projections. */
  targetContours: 'gaussian' | 'data-kde';
  /** Caption prefix about scale. */
  scaleNote: string;
}

type PipelineCtx = Pick<ExperimentContext<unknown>, 'rng' | 'progress' | 'figure' | 'caption' | 'log'>;

const fmt = (v: number, p = 3) => (Math.abs(v) >= 1e-2 || v === 0 ? v.toFixed(p) : v.toExponential(2));

/**
 * Online SGD of the tied DAE on `source` (in the eigenframe) from N(0, 1) weights, the Result 2.1 ODE
 * from the run's initial statistics, and the generated densities (Corollary 2.3 for the ODE weights;
 * d-dimensional sampling for the SGD weights) at the snapshot times. Draws the three figures
 * (projected densities, summary statistics, images) and returns the series and checks.
 */
export async function densityPipeline(ctx: PipelineCtx, p: DensityParams, cfg: PipelineConfig): Promise<{ series: Series[]; checks: Check[] }> {
  const { data } = cfg;
  const { d, spectrum } = data;
  const r = p.r;
  const R = 2;
  const schedule = linearInterpolant();
  const setup: DaeSetup = { d, r, eta: p.eta, lambda: p.lambda, tGrid: p.tGrid, schedule };
  const sampler: SamplerSetup = { schedule, N: p.N, tf: p.tf };
  const tg = data.target;
  const E = tg.reference();
  const series: Series[] = [];
  const checks: Check[] = [];
  const tauMax = p.snapshots[p.snapshots.length - 1];

  // --- simulation: online SGD from i.i.d. N(0, 1) weights (spec §2.4 (ii))
  const w0 = gaussianInit(d, r, ctx.rng.stream(1));
  const ph = ctx.progress.phase('online SGD', p.snapshots.length + (cfg.extraRuns?.length ?? 0));
  const sim = trainWithSnapshots({ setup, w0, source: cfg.source, taus: p.snapshots, tauEvery: p.tauEvery, rng: ctx.rng.stream(2), E, spectrum, onSegment: () => ph.tick() });
  const extras = (cfg.extraRuns ?? []).map((x, i) => {
    const run = trainWithSnapshots({ setup, w0, source: x.source, taus: [tauMax], tauEvery: p.tauEvery, rng: ctx.rng.stream(10 + i), E, spectrum });
    ph.tick();
    return { ...x, run };
  });
  ph.done();

  // --- theory: one ODE from this run's initial statistics (spec §4.8); b with Lambda = Tr Sigma / d
  const po = ctx.progress.phase('Result 2.1 ODE', 1);
  const consts = tg.constants();
  const LambdaD = tg.lambdaFinite();
  const spec: SpectralMixtureSpec = { ...consts, Lambda: LambdaD };
  // microscopic groups (spikes) evolve in factor form (consts.micro): init.u = their rows of w0 / sqrt d
  const init = initialStateFromWeights(w0, { groups: tg.groups, Ng: tg.Ng, microscopic: tg.microscopic }, new NDArray(new Float64Array(d), [1, d]), E);
  const ode = solveDaeOde({
    spec,
    init,
    tauMax: sim.tau[sim.tau.length - 1],
    r,
    activation: 'tanh',
    grid: { times: [p.tGrid], weights: [1] },
    schedule,
    eta: p.eta,
    lambda: p.lambda,
    dtau: p.dtau,
  });
  po.done();
  const ell = consts.ell;
  const nOde = ode.tau.length;
  const odeQ = (n: number) => slice2d(ode.Q, n, r * r);
  const odeG = (n: number) => slice2d(ode.G, n, r * R);
  const odeSm = (n: number) => odeS(ode, n, ell);
  const al = schedule.alpha(p.tGrid);
  const be = schedule.beta(p.tGrid);
  const bFinite = finiteDB({
    tau: ode.tau,
    omega: (n) => {
      const Q = odeQ(n);
      const S = odeSm(n);
      return Q.map((q, k) => al * al * q + be * be * S[k]);
    },
    r,
    d,
    Lambda: LambdaD,
    alpha: al,
    beta: be,
  });

  // --- statistics series (Fig. 6)
  const odeTau = Array.from(ode.tau);
  const stat = (
    name: 'Q' | 'S' | 'G',
  ): { ode: number[][]; sim: number[][] } => {
    const f = name === 'Q' ? odeQ : name === 'S' ? odeSm : odeG;
    return { ode: odeTau.map((_, n) => Array.from(f(n))), sim: name === 'Q' ? sim.Q : name === 'S' ? sim.S : sim.G };
  };
  const statSeries: Series[] = [];
  for (const name of ['Q', 'S'] as const) {
    const st = stat(name);
    statSeries.push(...matrixSeries(name, 'theory', odeTau, st.ode, r, { source: 'ODE', panel: name }));
    statSeries.push(...matrixSeries(name, 'simulation', sim.tau, st.sim, r, { source: `SGD (${cfg.sourceLabel})`, panel: name }));
    for (const x of extras) {
      statSeries.push(...matrixSeries(name, 'simulation', x.run.tau, name === 'Q' ? x.run.Q : x.run.S, r, { source: `SGD (${x.label})`, panel: name, variant: x.label }));
    }
  }
  const bSeries: Series[] = [
    { name: 'b eq. 11 (ODE)', kind: 'theory', x: odeTau, y: Array.from(ode.b), labels: { x: 'tau', y: 'b' }, meta: { panel: 'b', statistic: 'b', entry: ' eq. 11', Lambda: LambdaD } },
    { name: 'b eq. 11 + finite-d network term', kind: 'theory', x: odeTau, y: bFinite, labels: { x: 'tau', y: 'b' }, meta: { panel: 'b', statistic: 'b', entry: ' eq. 11 + O(r/d) term' } },
    { name: `b SGD (${cfg.sourceLabel})`, kind: 'simulation', x: sim.tau, y: sim.b, labels: { x: 'tau', y: 'b' }, meta: { panel: 'b', statistic: 'b', entry: ' SGD' } },
    ...extras.map((x) => ({ name: `b SGD (${x.label})`, kind: 'simulation' as const, x: x.run.tau, y: x.run.b, labels: { x: 'tau', y: 'b' }, meta: { panel: 'b', statistic: 'b', entry: ` SGD ${x.label}` } })),
  ];
  series.push(...statSeries, ...bSeries);
  const sqrtD = Math.sqrt(d);
  const devBound = 4 / sqrtD;
  for (const name of ['Q', 'S'] as const) {
    const st = stat(name);
    const dev = relativeDeviation(sim.tau, st.sim, odeTau, (n) => st.ode[n]);
    checks.push(
      upperBound(`${name}: max_tau ||${name}_SGD - ${name}_ODE||_F / max_tau ||${name}_ODE||_F (${cfg.sourceLabel})`, dev, devBound,
        `finite-d fluctuations of the summary statistics are O(d^{-1/2}) (spec §4, §11); bound 4/sqrt(d) = ${fmt(devBound)} for d = ${d}. One run, its own ODE from its initial statistics (§4.8)`),
    );
  }
  // b: SGD vs finite-d corrected eq. 11 at the end of training
  const bSim = sim.b[sim.b.length - 1];
  const bTheory = bFinite[nOde - 1];
  checks.push(
    agreement(`b at tau = ${fmt(tauMax, 2)}: SGD vs eq. 11 (Lambda = Tr Sigma/d = ${fmt(LambdaD, 4)}) + finite-d network term`, bSim, bTheory, 2 / d,
      `spec §4.2: at finite d the drift of b has the extra term -E[sigma(h)^T h]/d = O(r/d) (evaluated along the ODE's Q, S); tolerance 2/d covers the O(d^{-1/2}) error of that O(1/d) term. Eq. 11 alone gives ${fmt(ode.b[nOde - 1], 4)}`),
  );

  // --- generated densities at the snapshot times
  const pg = ctx.progress.phase('generated densities', p.snapshots.length);
  const targetVar: [number, number] = [spectrum[0], spectrum[1]];
  const box = boxFor(targetVar[0], targetVar[1], 3);
  let targetGrid: Grid2D;
  if (cfg.targetContours === 'data-kde' && data.rows) {
    const pts: number[][] = [];
    for (let i = 0; i < data.n; i++) pts.push([data.rows[i * d], data.rows[i * d + 1]]);
    targetGrid = kdeGrid(pts, box);
  } else {
    targetGrid = gaussianGrid([0, 0], [targetVar[0], 0, targetVar[1]], box);
  }
  const panels: VlSpec[] = [];
  const images: Array<{ tau: number; pixels: Float64Array }> = [];
  const x0Stream = ctx.rng.stream(3);
  const nImg = p.imageRows;
  let finalTheory: ReturnType<typeof cov2> | null = null;
  let finalSim: ReturnType<typeof cov2> | null = null;
  let finalVtfTheory = Number.NaN;
  let finalVtfSim = Number.NaN;
  let finalVtfEmp = Number.NaN;
  let corOnSgd: ReturnType<typeof cov2> | null = null;
  for (const [k, snap] of sim.snapshots.entries()) {
    const n = nearestIndex(ode.tau, snap.tau);
    const th = theoryProjected(sampler, odeQ(n), odeG(n), ode.b[n], r, R, p.nSamples, ctx.rng.stream(100 + k));
    const thPts = asMatrix(th.X.data, p.nSamples, R);
    // the same starting noise X_0 at every tau: a fresh copy of one stream
    const gen = simulateGenerated(sampler, snap.w, d, r, snap.b, p.nSamples, x0Stream.stream(0));
    const simPts = firstCoords(gen.X, p.nSamples, d, R);
    images.push({ tau: snap.tau, pixels: toPixels(data, gen.X.subarray(0, nImg * d), nImg) });
    const thCov = cov2(thPts);
    const simCov = cov2(simPts);
    const keep = Math.min(p.nSamples, 2000);
    series.push(
      { name: `theory (ODE + Cor. 2.3) tau = ${fmt(snap.tau, 2)}`, kind: 'theory', points: thPts.slice(0, keep), labels: { x: 'PC1', y: 'PC2' }, meta: { panel: 'density', tau: snap.tau, odeTau: ode.tau[n], cov: thCov.cov, mean: thCov.mean, vtf: th.vtf } },
      { name: `SGD + d-dim sampler tau = ${fmt(snap.tau, 2)}`, kind: 'simulation', points: simPts.slice(0, keep), labels: { x: 'PC1', y: 'PC2' }, meta: { panel: 'density', tau: snap.tau, cov: simCov.cov, mean: simCov.mean, vtf: gen.vtf } },
    );
    panels.push(
      densityPanel({
        points: simPts,
        theory: kdeGrid(thPts, box),
        target: targetGrid,
        theoryLabel: 'theory (ODE + Cor. 2.3)',
        targetLabel: cfg.targetContours === 'data-kde' ? 'data (KDE)' : 'target N(0, Σ)',
        box,
        title: [`τ = ${snap.tau.toFixed(2)}`, `var PC1, PC2: sim ${fmt(simCov.cov[0], 2)}, ${fmt(simCov.cov[2], 2)}; theory ${fmt(thCov.cov[0], 2)}, ${fmt(thCov.cov[2], 2)}`],
        xTitle: 'PC1',
        yTitle: 'PC2',
      }),
    );
    if (k === sim.snapshots.length - 1) {
      finalTheory = thCov;
      finalSim = simCov;
      finalVtfTheory = th.vtf;
      finalVtfSim = gen.vtf;
      finalVtfEmp = offSubspaceEmpirical(gen.X, p.nSamples, d, snap.w, r);
      const last = sim.Q.length - 1;
      const cor = theoryProjected(sampler, sim.Q[last], sim.G[last], snap.b, r, R, p.nSamples, ctx.rng.stream(200));
      corOnSgd = cov2(asMatrix(cor.X.data, p.nSamples, R));
    }
    pg.tick();
  }
  pg.done();
  series.push({ name: `target: top-2 PC variances of ${cfg.dataLabel}`, kind: 'target', points: [[targetVar[0], targetVar[1]]], meta: { panel: 'density', spectrumTop: Array.from(spectrum.slice(0, 10)) } });

  // --- checks on the generated law at the end of training
  const ft = finalTheory as ReturnType<typeof cov2>;
  const fs = finalSim as ReturnType<typeof cov2>;
  const fc = corOnSgd as ReturnType<typeof cov2>;
  const nS = p.nSamples;
  for (const [axis, idx] of [['PC1', 0], ['PC2', 2]] as const) {
    const v = fc.cov[idx];
    checks.push(
      agreement(`Cor. 2.3 exact at finite d: ${axis} variance of d-dim samples vs Cor. 2.3 with the same SGD weights (tau = ${fmt(tauMax, 2)})`, fs.cov[idx], v, 4 * v * Math.sqrt(4 / nS),
        `two independent sample variances of n = ${nS}: sd ~ var sqrt(2/n) each; tolerance 4 var sqrt(4/n). Non-Gaussian tails make this approximate`),
    );
  }
  const bulkMean = tg.lambda() * d / Math.max(1, d - p.spikes);
  checks.push(
    agreement(`v_tf: off-span(w) variance per direction of the d-dim samples vs Result 2.2 (discrete recursion)`, finalVtfEmp, finalVtfSim, 4 * finalVtfSim * Math.sqrt(2 / (nS * (d - r))),
      `Result 2.2 is exact given w: the off-span part is N(0, v_tf I); Monte-Carlo sd of the mean of n (d - r) squares = v_tf sqrt(2/(n (d - r))); tolerance 4 sd`),
    upperBound(`mode collapse (theory): generated PC1 variance / target eigenvalue l1 = ${fmt(targetVar[0])}`, ft.cov[0] / targetVar[0], 0.8,
      'spec §9 Fig. 3 / claim 4: the generated variance stays markedly below the target (bound 0.8 = at least 20 % deficit)'),
    upperBound(`mode collapse (theory): generated PC2 variance / target eigenvalue l2 = ${fmt(targetVar[1])}`, ft.cov[2] / targetVar[1], 0.8, 'as above'),
    upperBound(`mode collapse (SGD): generated PC1 variance / l1`, fs.cov[0] / targetVar[0], 0.8, 'as above, d-dimensional samples of the SGD-trained model'),
    upperBound(`mode collapse (SGD): generated PC2 variance / l2`, fs.cov[2] / targetVar[1], 0.8, 'as above'),
    upperBound(`mode collapse off span(w): v_tf (theory, ${fmt(finalVtfTheory)}) / mean bulk eigenvalue (${fmt(bulkMean)})`, finalVtfTheory / bulkMean, 0.1,
      `spec §9 claim 1/4: small Lambda => small b => v_tf = (1 - t_f)^{~2(1 - b)} tiny; bound 0.1 (an order of magnitude below the bulk). SGD-weights v_tf = ${fmt(finalVtfSim)}`),
  );
  ctx.log(`final generated variances: PC1 theory ${fmt(ft.cov[0])} sim ${fmt(fs.cov[0])} target ${fmt(targetVar[0])}; PC2 theory ${fmt(ft.cov[2])} sim ${fmt(fs.cov[2])} target ${fmt(targetVar[1])}; v_tf theory ${fmt(finalVtfTheory)} sim ${fmt(finalVtfSim)} bulk ${fmt(bulkMean)}`);

  // --- figures
  const common = `${cfg.dataLabel}, d = ${d}, r = ${r}, tanh, eta = ${p.eta}, lambda = ${p.lambda}, G = {${p.tGrid}}, epsilon = 0, N = ${p.N}, t_f = ${p.tf}, N(0,1) initial weights. ${cfg.scaleNote}`;
  await ctx.figure(
    'projected-density',
    withTitle(
      { columns: Math.min(3, panels.length), concat: panels, resolve: { scale: { color: 'shared', strokeDash: 'shared', fill: 'shared', x: 'independent', y: 'independent' } } },
      `Generated density in the top-2 principal plane over training (${cfg.dataLabel})`,
    ),
    ctx.caption(
      `Colour map: ${p.nSamples} samples generated in d = ${d} by the SGD-trained DAE (trained on ${cfg.sourceLabel}), projected on PC1, PC2. Red dashed: 50/90 % HDR contours of the theory (Result 2.1 ODE weights pushed through Corollary 2.3, KDE of ${p.nSamples} samples). Black solid: ${cfg.targetContours === 'data-kde' ? 'KDE of the data projections' : 'the target N(0, diag(l1, l2))'}. Panel titles: generated variances along PC1, PC2 (simulation, theory). ${common}`,
    ),
  );
  const mainStats = statSeries.filter((s) => !s.meta?.variant);
  const linePanels = [
    linePanel({ series: thin(byEntry(mainStats.filter((s) => s.meta?.panel === 'Q'))), xTitle: 'training time τ', yTitle: 'Q = wᵀw/d', title: `Q: ODE vs SGD on ${cfg.sourceLabel}`, width: 300, height: 230 }),
    linePanel({ series: thin(byEntry(mainStats.filter((s) => s.meta?.panel === 'S'))), xTitle: 'training time τ', yTitle: 'S = wᵀΣw/d', title: `S: ODE vs SGD on ${cfg.sourceLabel}`, width: 300, height: 230 }),
    linePanel({ series: thin(bSeries.map((s) => ({ ...s, name: `b${String(s.meta?.entry ?? '')}` }))), xTitle: 'training time τ', yTitle: 'skip connection b', title: 'b', width: 300, height: 230 }),
  ];
  for (const x of extras) {
    const mine = statSeries.filter((s) => s.meta?.variant === x.label || (s.kind === 'theory' && s.meta?.panel !== 'b'));
    for (const name of ['Q', 'S'] as const) {
      linePanels.push(
        linePanel({ series: thin(byEntry(mine.filter((s) => s.meta?.panel === name)).map((s) => ({ ...s, name: s.name.replace(` ${x.label}`, '') }))), xTitle: 'training time τ', yTitle: name === 'Q' ? 'Q = wᵀw/d' : 'S = wᵀΣw/d', title: `${name}: ODE vs SGD on ${x.label}`, width: 300, height: 230 }),
      );
    }
  }
  await ctx.figure(
    'summary-statistics',
    smallMultiples({ panels: linePanels, columns: 3, title: `Summary statistics: Result 2.1 ODE (dashed) vs online SGD (solid + markers), ${cfg.dataLabel}` }),
    ctx.caption(
      `Dashed: ODE of Result 2.1 integrated (RK4, dtau = ${p.dtau}) from this run's initial statistics, spectrum coarse-grained into ${p.spikes} microscopic spikes + ${p.bulkBins} bulk bins; b from eq. 11 with Lambda = Tr Sigma / d = ${fmt(LambdaD, 4)} (the spikes carry ${(100 * (1 - tg.lambda() / LambdaD)).toFixed(0)} % of the trace, so the theory's Lambda without them, ${fmt(tg.lambda(), 4)}, would not match finite d), and with the finite-d O(r/d) network term of spec §4.2. Solid + markers: online SGD (${sim.steps} steps) on ${cfg.sourceLabel}${extras.length ? ` and on ${extras.map((x) => x.label).join(', ')} (same initial weights)` : ''}. ${common}`,
    ),
  );
  const imgPanels: HeatmapPanel[] = [];
  for (let row = 0; row < nImg; row++) {
    for (const im of images) {
      imgPanels.push({ values: clampImage(im.pixels.subarray(row * d, (row + 1) * d)), rows: IMAGE_SIDE, cols: IMAGE_SIDE, title: row === 0 ? `τ = ${im.tau.toFixed(2)}` : undefined });
    }
  }
  await ctx.figure(
    'generated-images',
    heatmapGrid({ panels: imgPanels, columns: images.length, title: `Images generated from one common starting noise per row over training (${cfg.dataLabel})`, colorScheme: 'greys', colorTitle: 'pixel', panelSize: 90 }),
    ctx.caption(
      `Each row: one starting noise X_0 ~ N(0, I_${d}) pushed through the sampler (N = ${p.N}, t_f = ${p.tf}) of the SGD-trained DAE at each tau; eigenframe samples mapped back to pixels (x = U y + mean image), clamped to [0, 1]. ${common}`,
    ),
  );
  return { series, checks };
}
