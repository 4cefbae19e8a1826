import type { Series } from './series.js';
import { type VlSpec, withTitle } from './render.js';

export interface LinePanelOptions {
  /** Curves: 'theory' drawn as dashed lines, 'target' as solid grey-ish lines, 'simulation' as markers (+ error bars when yErr). */
  series: Series[];
  xTitle: string;
  yTitle: string;
  /** Panel title (small multiples). */
  title?: string;
  xScale?: 'linear' | 'log';
  yScale?: 'linear' | 'log';
  /** Also connect simulation markers with a thin solid line. */
  simulationLine?: boolean;
  width?: number;
  height?: number;
}

interface Row {
  series: string;
  kind: string;
  x: number;
  y: number;
  lo?: number;
  hi?: number;
}

function rowsOf(series: Series[]): Row[] {
  const rows: Row[] = [];
  for (const s of series) {
    const x = s.x ?? [];
    const y = s.y ?? [];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
      const r: Row = { series: s.name, kind: s.kind, x: x[i], y: y[i] };
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
 * One line-plot panel (a layered vega-lite spec without title/config): theory dashed,
 * target solid, simulation as filled markers, one colour per series with a legend.
 */
export function linePanel(o: LinePanelOptions): VlSpec {
  const rows = rowsOf(o.series);
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { type: o.xScale ?? 'linear', zero: false, nice: o.xScale !== 'log', padding: 6 } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { type: o.yScale ?? 'linear', zero: false, nice: o.yScale !== 'log', padding: 6 } };
  const color = { field: 'series', type: 'nominal', title: 'series', legend: { orient: 'right', symbolOpacity: 1 } };
  const layers: VlSpec[] = [
    {
      transform: [{ filter: "datum.kind !== 'simulation'" }],
      mark: { type: 'line', strokeWidth: 2, clip: true },
      encoding: {
        x,
        y,
        color,
        strokeDash: {
          field: 'kind',
          type: 'nominal',
          title: 'kind',
          scale: { domain: ['theory', 'target'], range: [[7, 4], [1, 0]] },
          legend: { title: 'line style', symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300, symbolStrokeColor: '#333' },
        },
      },
    },
  ];
  if (o.series.some((s) => s.kind === 'simulation' && s.yErr)) {
    layers.push({
      transform: [{ filter: "datum.kind === 'simulation' && isValid(datum.lo)" }],
      mark: { type: 'rule', strokeWidth: 1.2, clip: true },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
    });
  }
  if (o.simulationLine) {
    layers.push({
      transform: [{ filter: "datum.kind === 'simulation'" }],
      mark: { type: 'line', strokeWidth: 1, opacity: 0.6, clip: true },
      encoding: { x, y, color },
    });
  }
  layers.push({
    transform: [{ filter: "datum.kind === 'simulation'" }],
    mark: { type: 'point', filled: true, size: 45, opacity: 0.9, clip: true },
    encoding: { x, y, color },
  });
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 12, anchor: 'middle' } } : {}),
    width: o.width ?? 420,
    height: o.height ?? 280,
    data: { values: rows },
    layer: layers,
  };
}

/** A single-panel line plot figure with title and caption. */
export function linePlot(o: LinePanelOptions & { title: string; caption?: string }): VlSpec {
  const { title, caption, ...rest } = o;
  return withTitle(linePanel(rest), title, caption);
}

/** Small multiples: panels (each a panel spec from linePanel / scatterPanel / heatmapPanel) in a grid of `columns`. */
export function smallMultiples(o: { panels: VlSpec[]; columns?: number; title: string; caption?: string; independentScales?: boolean }): VlSpec {
  const cols = o.columns ?? Math.min(o.panels.length, 3);
  const spec: VlSpec = { columns: cols, concat: o.panels };
  spec.resolve = { scale: { color: 'shared', fill: 'independent', x: 'independent', y: 'independent' } };
  return withTitle(spec, o.title, o.caption, Math.max(90, 60 * cols));
}
