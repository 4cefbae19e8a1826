import type { VlSpec } from './render.js';

/** Options of {@link groupedBarPanel}. */
export interface GroupedBarPanelOptions {
  /** One bar per (category, source): value, optional error half-width and a text label drawn above the bar. */
  bars: ReadonlyArray<{ category: string; source: string; value: number; err?: number; text?: string }>;
  xTitle: string;
  yTitle: string;
  /** Fixed colours per source, also fixing their order (others follow, with the default palette). */
  colors?: Record<string, string>;
  /** Legend title of the sources. */
  sourceTitle?: string;
  title?: string;
  yDomain?: [number, number];
  width?: number;
  height?: number;
}

/**
 * Grouped bars: categories on x, one bar per source side by side (coloured, in the order first seen), with optional
 * error bars and value labels. Returns a vega-lite spec (layered, without config).
 */
export function groupedBarPanel(o: GroupedBarPanelOptions): VlSpec {
  const seen = [...new Set(o.bars.map((b) => b.source))];
  // sources named in `colors` come first, in that order
  const sources = [...Object.keys(o.colors ?? {}).filter((s) => seen.includes(s)), ...seen.filter((s) => !(o.colors && s in o.colors))];
  const categories = [...new Set(o.bars.map((b) => b.category))];
  const rows = o.bars.map((b) => ({ ...b, lo: b.value - (b.err ?? 0), hi: b.value + (b.err ?? 0), text: b.text ?? '' }));
  const x = { field: 'category', type: 'nominal', title: o.xTitle, sort: categories, axis: { labelAngle: 0 } };
  const xOffset = { field: 'source', type: 'nominal', sort: sources };
  const palette = ['#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
  const range = sources.map((s, i) => o.colors?.[s] ?? palette[i % palette.length]);
  const color = { field: 'source', type: 'nominal', sort: sources, title: o.sourceTitle ?? null, scale: { domain: sources, range }, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 600 } };
  const y = { field: 'value', type: 'quantitative', title: o.yTitle, scale: o.yDomain ? { domain: o.yDomain } : { zero: true } };
  const layers: VlSpec[] = [
    { mark: { type: 'bar' }, encoding: { x, xOffset, y, color } },
    { mark: { type: 'text', dy: -6, fontSize: 9 }, encoding: { x, xOffset, y, text: { field: 'text' } } },
  ];
  if (o.bars.some((b) => b.err)) layers.push({ mark: { type: 'rule', color: '#222' }, encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } });
  return {
    ...(o.title ? { title: { text: o.title, fontSize: 12, anchor: 'middle' } } : {}),
    width: o.width ?? 420,
    height: o.height ?? 260,
    data: { values: rows },
    layer: layers,
  };
}
