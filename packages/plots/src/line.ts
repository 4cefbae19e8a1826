import { type VlSpec, withTitle } from './render.js';
import type { Series } from './series.js';

export interface LinePanelOptions {
  /**
   * Curves, coloured by `group` (default the name), styled by kind: theory dashed, simulation
   * solid with markers (and error bars when `yErr` is given), target / closed form dotted.
   */
  series: Series[];
  xTitle: string;
  yTitle: string;
  /** Panel title (small multiples). */
  title?: string;
  xScale?: 'linear' | 'log';
  yScale?: 'linear' | 'log';
  /** Draw a marker on every k-th simulation point (default 1: all). */
  markerEvery?: number;
  /** Legend title of the colours (default 'series'). */
  colorTitle?: string;
  legendOrient?: 'right' | 'bottom';
  width?: number;
  height?: number;
}

/** Legend labels of the three line styles (the house style of every figure). */
export const KIND_LABEL = { theory: 'theory (dashed)', simulation: 'simulation (solid + markers)', target: 'target / closed form (dotted)' } as const;
const DASH: Record<string, number[]> = { [KIND_LABEL.theory]: [7, 4], [KIND_LABEL.simulation]: [1, 0], [KIND_LABEL.target]: [2, 3] };

interface Row {
  group: string;
  curve: string;
  kind: string;
  x: number;
  y: number;
  marker: boolean;
  lo?: number;
  hi?: number;
}

function rowsOf(series: Series[], every: number): Row[] {
  const rows: Row[] = [];
  for (const s of series) {
    const x = s.x ?? [];
    const y = s.y ?? [];
    const group = s.group ?? s.name;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
      const r: Row = { group, curve: `${group}|${s.kind}|${s.name}`, kind: KIND_LABEL[s.kind], x: x[i], y: y[i], marker: s.kind === 'simulation' && i % every === 0 };
      if (s.yErr && Number.isFinite(s.yErr[i])) {
        r.lo = y[i] - s.yErr[i];
        r.hi = y[i] + s.yErr[i];
      }
      rows.push(r);
    }
  }
  return rows;
}

/**
 * One line panel (a layered vega-lite spec without config): theory dashed, simulation solid with
 * markers and optional error bars, target dotted; one colour per group with a legend, and a second
 * legend for the line styles. The one line panel of the house: every curve figure uses it.
 */
export function linePanel(o: LinePanelOptions): VlSpec {
  const rows = rowsOf(o.series, Math.max(1, Math.floor(o.markerEvery ?? 1)));
  const kinds = (['theory', 'simulation', 'target'] as const).filter((k) => o.series.some((s) => s.kind === k)).map((k) => KIND_LABEL[k]);
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { type: o.xScale ?? 'linear', zero: false, nice: o.xScale !== 'log' } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { type: o.yScale ?? 'linear', zero: false, nice: o.yScale !== 'log' } };
  const orient = o.legendOrient ?? 'right';
  const legendLayout = orient === 'bottom' ? { orient, direction: 'vertical', columns: 2, labelLimit: 220 } : { orient, labelLimit: 260 };
  const groups = [...new Set(o.series.map((s) => s.group ?? s.name))];
  const color = { field: 'group', type: 'nominal', title: o.colorTitle ?? 'series', scale: { domain: groups }, legend: { ...legendLayout, symbolOpacity: 1, titleLimit: 400 } };
  const layers: VlSpec[] = [
    {
      mark: { type: 'line', strokeWidth: 1.8, clip: true },
      encoding: {
        x,
        y,
        color,
        detail: { field: 'curve' },
        strokeDash: {
          field: 'kind',
          type: 'nominal',
          title: 'line style',
          scale: { domain: kinds, range: kinds.map((k) => DASH[k]) },
          legend: { ...legendLayout, columns: 1, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 320, symbolStrokeColor: '#333', labelLimit: 300 },
        },
      },
    },
  ];
  if (rows.some((r) => r.lo !== undefined)) {
    layers.push({
      transform: [{ filter: 'isValid(datum.lo)' }],
      mark: { type: 'rule', strokeWidth: 1.2, clip: true },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
    });
  }
  layers.push({
    transform: [{ filter: 'datum.marker' }],
    mark: { type: 'point', filled: true, size: 26, opacity: 0.9, clip: true },
    encoding: { x, y, color },
  });
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 12, anchor: 'middle' } } : {}),
    width: o.width ?? 330,
    height: o.height ?? 250,
    data: { values: rows },
    layer: layers,
  };
}

/** A single-panel line figure with title and caption. */
export function linePlot(o: LinePanelOptions & { title: string; caption?: string }): VlSpec {
  const { title, caption, ...rest } = o;
  return withTitle(linePanel(rest), title, caption);
}

/** Small multiples: panels (each from linePanel / densityPanel / scatterPanel / heatmap) in a grid of `columns`. */
export function smallMultiples(o: { panels: VlSpec[]; columns?: number; title: string; caption?: string }): VlSpec {
  const cols = o.columns ?? Math.min(o.panels.length, 3);
  const spec: VlSpec = { columns: cols, concat: o.panels };
  spec.resolve = { scale: { color: 'shared', fill: 'independent', x: 'independent', y: 'independent', strokeDash: 'shared' } };
  return withTitle(spec, o.title, o.caption, Math.max(90, 60 * cols));
}
