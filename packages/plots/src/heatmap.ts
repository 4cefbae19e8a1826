import { type VlSpec, withTitle } from './render.js';

export interface HeatmapPanel {
  /** Row-major values, `rows` x `cols` (e.g. a 28 x 28 image or a density on a grid). */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  title?: string;
  /** Extent in data units; default pixel indices (image convention: row 0 at the top). */
  extent?: { x: [number, number]; y: [number, number] };
}

/**
 * Small multiples of heat maps (densities on grids, or 28 x 28 images), drawn as rect marks.
 * `colorScheme` is a vega scheme ('greys' for images, 'viridis' for densities);
 * `sharedScale` uses one colour scale for all panels.
 */
export function heatmapGrid(o: {
  panels: HeatmapPanel[];
  columns?: number;
  title: string;
  caption?: string;
  colorScheme?: string;
  colorTitle?: string;
  sharedScale?: boolean;
  panelSize?: number;
  xTitle?: string;
  yTitle?: string;
}): VlSpec {
  const size = o.panelSize ?? 140;
  const specs = o.panels.map((p) => {
    const rows = [];
    const ex = p.extent;
    for (let r = 0; r < p.rows; r++) {
      for (let c = 0; c < p.cols; c++) {
        const v = p.values[r * p.cols + c];
        if (ex) {
          const dx = (ex.x[1] - ex.x[0]) / p.cols;
          const dy = (ex.y[1] - ex.y[0]) / p.rows;
          rows.push({ x: ex.x[0] + c * dx, x2: ex.x[0] + (c + 1) * dx, y: ex.y[0] + r * dy, y2: ex.y[0] + (r + 1) * dy, v });
        } else {
          rows.push({ x: c, x2: c + 1, y: r, y2: r + 1, v });
        }
      }
    }
    const axisOff = !ex && !o.xTitle;
    return {
      ...(p.title ? { title: { text: p.title, fontSize: 11, anchor: 'middle' } } : {}),
      width: size,
      height: (size * p.rows) / p.cols,
      data: { values: rows },
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: o.xTitle ?? null, axis: axisOff ? null : {}, scale: { domain: ex ? ex.x : [0, p.cols], nice: false, zero: false } },
        x2: { field: 'x2' },
        y: { field: 'y', type: 'quantitative', title: o.yTitle ?? null, axis: axisOff ? null : {}, scale: { domain: ex ? ex.y : [0, p.rows], nice: false, zero: false, reverse: !ex } },
        y2: { field: 'y2' },
        fill: { field: 'v', type: 'quantitative', title: o.colorTitle ?? 'value', scale: { scheme: o.colorScheme ?? 'viridis', reverse: o.colorScheme === 'greys' ? false : undefined } },
      },
    };
  });
  const cols = o.columns ?? Math.min(specs.length, 6);
  return withTitle(
    { columns: cols, concat: specs, config: { view: { stroke: null } }, resolve: { scale: { fill: o.sharedScale === false ? 'independent' : 'shared', x: 'independent', y: 'independent' } } },
    o.title,
    o.caption,
    Math.max(70, Math.round((cols * (size + 30)) / 7)),
  );
}
