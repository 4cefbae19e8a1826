import { type Grid2D, hdrLevels, isoSegments } from './contours.js';
import { type VlSpec, withTitle } from './render.js';

export interface ScatterPanelOptions {
  /** Simulated samples as [[x, y], ...] (projected to 2-D). */
  points: ArrayLike<ArrayLike<number>>;
  /** A density (target or theory) on a grid; its contours are drawn over the samples. */
  density?: Grid2D;
  /** Probability masses enclosed by the contours (HDR levels), default [0.5, 0.9, 0.99]. */
  masses?: number[];
  /** Legend name of the samples, e.g. "SDE samples". */
  pointsLabel?: string;
  /** Legend name of the contours, e.g. "target". */
  densityLabel?: string;
  /** 'points' scatters (subsampled to maxPoints), 'binned' draws a 2-D histogram colour map. */
  mode?: 'points' | 'binned';
  maxPoints?: number;
  /** Bins per axis in 'binned' mode. */
  bins?: number;
  xTitle: string;
  yTitle: string;
  title?: string;
  /** Plot domain; default: the density grid box, else the sample range. */
  domain?: { x: [number, number]; y: [number, number] };
  width?: number;
  height?: number;
}

const CONTOUR_COLORS = ['#d62728', '#ff7f0e', '#9467bd', '#8c564b'];

/**
 * One panel: simulated samples as points or a binned colour map, with density contours
 * (highest-density-region levels) drawn as line segments over them.
 */
export function scatterPanel(o: ScatterPanelOptions): VlSpec {
  const masses = o.masses ?? [0.5, 0.9, 0.99];
  const pts = o.points;
  let dom = o.domain;
  if (!dom && o.density) dom = { x: [o.density.x0, o.density.x1], y: [o.density.y0, o.density.y1] };
  if (!dom) {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < pts.length; i++) {
      x0 = Math.min(x0, pts[i][0]); x1 = Math.max(x1, pts[i][0]);
      y0 = Math.min(y0, pts[i][1]); y1 = Math.max(y1, pts[i][1]);
    }
    dom = { x: [x0, x1], y: [y0, y1] };
  }
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { domain: dom.x, nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { domain: dom.y, nice: false, zero: false } };
  const pointsLabel = o.pointsLabel ?? 'samples';
  const densityLabel = o.densityLabel ?? 'target';
  const levelNames = masses.map((m) => `${densityLabel} ${(m * 100).toFixed(0)}% HDR`);
  // The same colour domain in every panel (points + contour levels) so small multiples share one legend.
  const colorDomain = [pointsLabel, ...(o.density ? levelNames : [])];
  const colorRange = ['#1f77b4', ...(o.density ? levelNames.map((_, i) => CONTOUR_COLORS[i % CONTOUR_COLORS.length]) : [])];
  const color = { scale: { domain: colorDomain, range: colorRange }, legend: { title: null, orient: 'right', symbolOpacity: 1 } };
  const layers: VlSpec[] = [];

  if (o.mode === 'binned') {
    const nb = o.bins ?? 60;
    const [xa, xb] = dom.x;
    const [ya, yb] = dom.y;
    const counts = new Float64Array(nb * nb);
    let inside = 0;
    for (let i = 0; i < pts.length; i++) {
      const bi = Math.floor(((pts[i][0] - xa) / (xb - xa)) * nb);
      const bj = Math.floor(((pts[i][1] - ya) / (yb - ya)) * nb);
      if (bi < 0 || bj < 0 || bi >= nb || bj >= nb) continue;
      counts[bj * nb + bi]++;
      inside++;
    }
    const area = ((xb - xa) / nb) * ((yb - ya) / nb);
    const rows = [];
    for (let j = 0; j < nb; j++) {
      for (let i = 0; i < nb; i++) {
        const c = counts[j * nb + i];
        if (c === 0) continue;
        rows.push({ x: xa + (i * (xb - xa)) / nb, x2: xa + ((i + 1) * (xb - xa)) / nb, y: ya + (j * (yb - ya)) / nb, y2: ya + ((j + 1) * (yb - ya)) / nb, density: c / (pts.length * area) });
      }
    }
    void inside;
    layers.push({
      data: { values: rows },
      mark: { type: 'rect', clip: true },
      encoding: {
        x, x2: { field: 'x2' }, y, y2: { field: 'y2' },
        fill: { field: 'density', type: 'quantitative', title: `${pointsLabel} density`, scale: { scheme: 'blues' } },
      },
    });
  } else {
    const maxP = o.maxPoints ?? 3000;
    const stride = Math.max(1, Math.ceil(pts.length / maxP));
    const rows = [];
    for (let i = 0; i < pts.length; i += stride) rows.push({ x: pts[i][0], y: pts[i][1] });
    layers.push({
      data: { values: rows },
      mark: { type: 'circle', size: 6, opacity: 0.35, clip: true },
      encoding: { x, y, color: { ...color, datum: pointsLabel } },
    });
  }

  if (o.density) {
    const levels = hdrLevels(o.density.values, masses);
    const segs: Array<{ x: number; y: number; x2: number; y2: number; level: string }> = [];
    levels.forEach((lv, k) => {
      for (const s of isoSegments(o.density as Grid2D, lv)) segs.push({ ...s, level: levelNames[k] });
    });
    layers.push({
      data: { values: segs },
      mark: { type: 'rule', strokeWidth: 1.6, clip: true },
      encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' }, color: { ...color, field: 'level', type: 'nominal' } },
    });
  }
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 12, anchor: 'middle' } } : {}),
    width: o.width ?? 300,
    height: o.height ?? 300,
    layer: layers,
  };
}

/**
 * Samples with target / theory density contours: one panel per entry of `panels`
 * (small multiples in `columns`), one shared legend, a title and a caption.
 */
export function scatterWithContours(o: { panels: ScatterPanelOptions[]; columns?: number; title: string; caption?: string }): VlSpec {
  const specs = o.panels.map(scatterPanel);
  if (specs.length === 1) return withTitle(specs[0], o.title, o.caption, 70);
  const cols = o.columns ?? Math.min(specs.length, 2);
  return withTitle(
    { columns: cols, concat: specs, resolve: { scale: { color: 'shared', fill: 'independent', x: 'independent', y: 'independent' } } },
    o.title,
    o.caption,
    Math.max(70, 55 * cols),
  );
}
