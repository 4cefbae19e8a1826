import type { VlSpec } from './render.js';

/** Options of {@link vectorFieldPanel}. */
export interface VectorFieldPanelOptions {
  /** Arrows: tail (x, y), direction (dx, dy) already scaled to the plotted length, and a colour value (e.g. log |v|). */
  arrows: ReadonlyArray<{ x: number; y: number; dx: number; dy: number; value: number }>;
  /** Colour legend title of the arrow value. */
  valueTitle: string;
  /** Marked points (e.g. training points; drawn as black dots, name them in the caption). */
  points?: ReadonlyArray<{ x: number; y: number; label: string }>;
  /** Line segments (e.g. ReLU boundaries; drawn red dashed, name them in the caption). */
  segments?: ReadonlyArray<{ x: number; y: number; x2: number; y2: number; label: string }>;
  domain: { x: [number, number]; y: [number, number] };
  xTitle: string;
  yTitle: string;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * A quiver panel: arrows as segments with a triangular head rotated along the direction, coloured by a value;
 * optional marked points and line segments over it. Returns a vega-lite layer spec.
 */
export function vectorFieldPanel(o: VectorFieldPanelOptions): VlSpec {
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { domain: o.domain.x, nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { domain: o.domain.y, nice: false, zero: false } };
  const w = o.width ?? 320;
  const h = o.height ?? 320;
  const sx = w / (o.domain.x[1] - o.domain.x[0]);
  const sy = h / (o.domain.y[1] - o.domain.y[0]);
  const rows = o.arrows.map((a) => ({
    x: a.x,
    y: a.y,
    x2: a.x + a.dx,
    y2: a.y + a.dy,
    value: a.value,
    // screen angle, clockwise from up (screen y points down, data y up)
    angle: (Math.atan2(a.dx * sx, a.dy * sy) * 180) / Math.PI,
  }));
  const color = { field: 'value', type: 'quantitative', title: o.valueTitle, scale: { scheme: 'viridis' } };
  const layers: VlSpec[] = [
    { data: { values: rows }, mark: { type: 'rule', strokeWidth: 1.1, clip: true }, encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' }, color } },
    {
      data: { values: rows },
      mark: { type: 'point', shape: 'triangle-up', filled: true, size: 18, clip: true },
      encoding: { x: { ...x, field: 'x2' }, y: { ...y, field: 'y2' }, angle: { field: 'angle', type: 'quantitative', scale: { domain: [-180, 180], range: [-180, 180] } }, color },
    },
  ];
  // Marked points and segments: fixed colours (red dashed segments, black dots), named in a text legend row.
  if (o.segments?.length) {
    layers.push({ data: { values: o.segments }, mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.3, clip: true, color: '#d62728' }, encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } } });
  }
  if (o.points?.length) {
    layers.push({ data: { values: o.points }, mark: { type: 'point', shape: 'circle', filled: true, size: 90, clip: true, color: '#111111' }, encoding: { x, y } });
  }
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 12, anchor: 'middle' } } : {}),
    width: w,
    height: h,
    layer: layers,
  };
}

/** Options of {@link pathPanel}. */
export interface PathPanelOptions {
  /** Trajectories (already projected to 2-D): points in order, a path id and a style ('theory' dashed, 'simulation' solid). */
  paths: ReadonlyArray<{ id: string; kind: 'theory' | 'simulation'; points: ReadonlyArray<readonly [number, number]> }>;
  /** Marked points (e.g. hyperbox vertices), black dots. */
  points?: ReadonlyArray<{ x: number; y: number }>;
  /** Outline segments (e.g. hyperbox edges), grey. */
  segments?: ReadonlyArray<{ x: number; y: number; x2: number; y2: number }>;
  /** Start points are marked with open circles. Default true. */
  markStarts?: boolean;
  domain: { x: [number, number]; y: [number, number] };
  xTitle: string;
  yTitle: string;
  title?: string;
  width?: number;
  height?: number;
}

/** Projected sample paths: one coloured line per path id (no legend), theory dashed and simulation solid, over outline segments and marked points. */
export function pathPanel(o: PathPanelOptions): VlSpec {
  const x = { field: 'x', type: 'quantitative', title: o.xTitle, scale: { domain: o.domain.x, nice: false, zero: false } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { domain: o.domain.y, nice: false, zero: false } };
  const rows: Array<{ id: string; kind: string; i: number; x: number; y: number }> = [];
  const inside = (q: readonly [number, number]) => q[0] >= o.domain.x[0] && q[0] <= o.domain.x[1] && q[1] >= o.domain.y[0] && q[1] <= o.domain.y[1];
  // points outside the view are dropped (a path enters the view where it first crosses it): very long clipped lines break the PNG renderer
  for (const p of o.paths) {
    p.points.forEach((q, i) => {
      if (inside(q)) rows.push({ id: `${p.id}|${p.kind}`, kind: p.kind === 'theory' ? 'theory (dashed)' : 'simulation (solid)', i, x: q[0], y: q[1] });
    });
  }
  const layers: VlSpec[] = [];
  if (o.segments?.length) layers.push({ data: { values: o.segments }, mark: { type: 'rule', color: '#999', strokeWidth: 1.2, clip: true }, encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } } });
  layers.push({
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.1, opacity: 0.85, clip: true },
    encoding: {
      x,
      y,
      order: { field: 'i', type: 'quantitative' },
      detail: { field: 'id', type: 'nominal' },
      color: { field: 'id', type: 'nominal', legend: null, scale: { scheme: 'category20' } },
      strokeDash: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['theory (dashed)', 'simulation (solid)'], range: [[5, 3], [1, 0]] } },
    },
  });
  if (o.markStarts ?? true) {
    const starts = o.paths.filter((p) => p.kind === 'simulation' && p.points.length && inside(p.points[0])).map((p) => ({ x: p.points[0][0], y: p.points[0][1] }));
    layers.push({ data: { values: starts }, mark: { type: 'point', shape: 'circle', size: 20, color: '#555', clip: true }, encoding: { x, y } });
  }
  if (o.points?.length) layers.push({ data: { values: o.points }, mark: { type: 'point', shape: 'circle', filled: true, size: 60, color: '#111', clip: true }, encoding: { x, y } });
  return { ...(o.title ? { title: { text: o.title, fontSize: 12, anchor: 'middle' } } : {}), width: o.width ?? 300, height: o.height ?? 300, layer: layers };
}
