import { type Grid2D, hdrLevels, isoSegments } from './contours.js';
import type { VlSpec } from './render.js';

/** A plotting window [x0, x1] x [y0, y1]. */
export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface DensityPanelOptions {
  /**
   * Simulated samples in the plane, drawn as a binned colour map: interleaved [x0, y0, x1, y1, ...]
   * (a Float64Array of 2n) or [[x, y], ...].
   */
  points: Float64Array | ArrayLike<ArrayLike<number>>;
  /** Predicted density on a grid: its HDR contours are drawn dashed (red). */
  theory?: Grid2D;
  /** Target density on a grid: its HDR contours are drawn solid (black). */
  target?: Grid2D;
  theoryLabel?: string;
  targetLabel?: string;
  /** Probability masses enclosed by the contours (HDR levels). Default [0.5, 0.9]. */
  masses?: number[];
  box: Box;
  /** Bins per axis of the colour map. Default 60. */
  bins?: number;
  /** Panel title (an array gives several lines). */
  title?: string | string[];
  xTitle: string;
  yTitle: string;
  /** Panel width and height in pixels. Default 240. */
  size?: number;
}

function pointAt(p: DensityPanelOptions['points'], i: number): [number, number] {
  if (p instanceof Float64Array) return [p[2 * i], p[2 * i + 1]];
  const q = (p as ArrayLike<ArrayLike<number>>)[i];
  return [q[0], q[1]];
}

/**
 * The one density panel of the house: simulated samples as a binned colour map (relative to its
 * maximum, so panels share one legend), theory HDR contours dashed and target HDR contours solid.
 */
export function densityPanel(o: DensityPanelOptions): VlSpec {
  const { box } = o;
  if (!(box.x1 > box.x0 && box.y1 > box.y0)) throw new RangeError(`box: expected x1 > x0 and y1 > y0, got ${JSON.stringify(box)}`);
  const nb = o.bins ?? 60;
  const masses = o.masses ?? [0.5, 0.9];
  const n = o.points instanceof Float64Array ? o.points.length / 2 : o.points.length;
  const counts = new Float64Array(nb * nb);
  for (let i = 0; i < n; i++) {
    const [px, py] = pointAt(o.points, i);
    const bi = Math.floor(((px - box.x0) / (box.x1 - box.x0)) * nb);
    const bj = Math.floor(((py - box.y0) / (box.y1 - box.y0)) * nb);
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
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { domain: [box.x0, box.x1], nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { domain: [box.y0, box.y1], nice: false, zero: false } };
  const theoryLabel = o.theoryLabel ?? 'theory';
  const targetLabel = o.targetLabel ?? 'target';
  const segs: Array<{ x: number; y: number; x2: number; y2: number; source: string }> = [];
  const add = (g: Grid2D | undefined, label: string) => {
    if (!g) return;
    for (const lv of hdrLevels(g.values, masses)) for (const s of isoSegments(g, lv)) segs.push({ ...s, source: label });
  };
  add(o.target, targetLabel);
  add(o.theory, theoryLabel);
  const domain = [...(o.theory ? [theoryLabel] : []), ...(o.target ? [targetLabel] : [])];
  const colors = [...(o.theory ? ['#d62728'] : []), ...(o.target ? ['#111111'] : [])];
  const dashes = [...(o.theory ? [[5, 3]] : []), ...(o.target ? [[1, 0]] : [])];
  const legendTitle = `contours (${masses.map((m) => `${Math.round(m * 100)}%`).join(', ')} HDR)`;
  const layers: VlSpec[] = [
    {
      data: { values: cells },
      mark: { type: 'rect', clip: true },
      encoding: {
        x,
        x2: { field: 'x2' },
        y,
        y2: { field: 'y2' },
        fill: { field: 'rel', type: 'quantitative', title: 'simulated density (rel.)', scale: { scheme: 'blues', domain: [0, 1] }, legend: { titleLimit: 400, gradientLength: 120 } },
      },
    },
  ];
  if (domain.length) {
    layers.push({
      data: { values: segs },
      mark: { type: 'rule', strokeWidth: 1.8, clip: true },
      encoding: {
        x,
        y,
        x2: { field: 'x2' },
        y2: { field: 'y2' },
        color: { field: 'source', type: 'nominal', title: legendTitle, scale: { domain, range: colors }, legend: { titleLimit: 400 } },
        strokeDash: { field: 'source', type: 'nominal', title: legendTitle, scale: { domain, range: dashes }, legend: { titleLimit: 400 } },
      },
    });
  }
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 11, anchor: 'middle' } } : {}),
    width: o.size ?? 240,
    height: o.size ?? 240,
    layer: layers,
  };
}

/** A box centred at (cx, cy) covering +- k standard deviations along each axis. */
export function boxAround(varX: number, varY: number, k = 3.2, cx = 0, cy = 0): Box {
  if (!(varX > 0 && varY > 0) || !Number.isFinite(varX) || !Number.isFinite(varY)) throw new RangeError(`boxAround: expected finite positive variances, got ${varX}, ${varY}`);
  const sx = k * Math.sqrt(varX);
  const sy = k * Math.sqrt(varY);
  return { x0: cx - sx, x1: cx + sx, y0: cy - sy, y1: cy + sy };
}
