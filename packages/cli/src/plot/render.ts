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

/** Compile vega-lite and render to an SVG string with vega's headless renderer. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const compiled = compile(spec as TopLevelSpec).spec;
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
