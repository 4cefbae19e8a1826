import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The font used in every figure (DejaVu Sans is in Debian's fonts-dejavu-core). */
export const FONT = 'DejaVu Sans';

/** A vega-lite spec as plain JSON (the helpers build these; any valid vega-lite top-level spec works). */
// biome-ignore lint/suspicious/noExplicitAny: vega-lite specs are open JSON
export type VlSpec = Record<string, any>;

/** Shared look: white background, DejaVu Sans, readable sizes. */
export const baseConfig = {
  font: FONT,
  background: 'white',
  padding: 12,
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.4 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 260 },
  title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: '#444', anchor: 'start', offset: 10 },
  header: { labelFontSize: 12 },
  view: { stroke: '#bbb' },
  concat: { spacing: 24 },
};

/** Wrap text to lines of at most `width` characters (for captions in subtitles). */
export function wrapText(text: string, width = 110): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let cur = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (cur && cur.length + 1 + word.length > width) {
        lines.push(cur);
        cur = word;
      } else {
        cur = cur ? `${cur} ${word}` : word;
      }
    }
    if (cur) lines.push(cur);
  }
  return lines;
}

/**
 * Make a figure: add the title, the caption (as wrapped subtitle lines, so the PNG is
 * self-contained) and the shared config to a vega-lite spec.
 */
export function withTitle(spec: VlSpec, title: string, caption?: string, captionWidth = 110): VlSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...spec,
    title: caption ? { text: title, subtitle: wrapText(caption, captionWidth) } : { text: title },
    config: { ...baseConfig, ...(spec.config ?? {}) },
  };
}

// vega-lite's warnings (e.g. merged legends) are noise in a CLI run; errors still throw.
const quietLogger = vega.logger(vega.Error);

/** Rough pixel width of a spec (for wrapping its caption): concat columns x panel width, or its width, plus legend room. */
export function approxWidth(spec: VlSpec): number {
  if (Array.isArray(spec.concat)) {
    const cols = spec.columns ?? spec.concat.length;
    const w = Math.max(...spec.concat.map((p: VlSpec) => (typeof p.width === 'number' ? p.width : 300)));
    return Math.min(cols, spec.concat.length) * (w + 90) + 160;
  }
  if (Array.isArray(spec.hconcat)) return spec.hconcat.reduce((a: number, p: VlSpec) => a + (typeof p.width === 'number' ? p.width : 300) + 90, 160);
  return (typeof spec.width === 'number' ? spec.width : 400) + 220;
}

/**
 * Put `caption` under the title of a figure spec (as wrapped subtitle lines) unless it already
 * has a subtitle; so every PNG says what was run.
 */
export function attachCaption(spec: VlSpec, caption: string): VlSpec {
  const t = spec.title;
  if (t && typeof t === 'object' && t.subtitle) return spec;
  const text = typeof t === 'string' ? t : (t?.text ?? '');
  const chars = Math.max(60, Math.floor(approxWidth(spec) / 6.3));
  return { ...spec, title: { ...(typeof t === 'object' ? t : {}), text, subtitle: wrapText(caption, chars) } };
}

/** Compile vega-lite and render to an SVG string with vega's headless renderer. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const compiled = compile(spec as TopLevelSpec, { logger: quietLogger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterise an SVG to PNG with resvg (system fonts loaded; `scale` = pixels per SVG unit). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return r.render().asPng();
}

/** Render a vega-lite spec to both SVG and PNG. */
export async function renderFigure(spec: VlSpec, scale = 2): Promise<{ svg: string; png: Uint8Array }> {
  const svg = await renderSvg(spec);
  return { svg, png: svgToPng(svg, scale) };
}
