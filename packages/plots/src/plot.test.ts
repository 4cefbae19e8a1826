import { describe, expect, it } from 'vitest';
import { evalGrid, hdrLevels, isoSegments } from './contours.js';
import { heatmapGrid } from './heatmap.js';
import { KIND_LABEL, linePanel, linePlot, smallMultiples } from './line.js';
import { densityPanel } from './density.js';
import { renderFigure, renderSvg } from './render.js';
import { scatterWithContours } from './scatter.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('plots', () => {
  it('a line plot renders to an SVG with its axis titles, legend and caption, and to a PNG', async () => {
    const x = [0.1, 0.2, 0.4, 0.8];
    const spec = linePlot({
      title: 'Test figure',
      caption: 'n = 100, d = 10, seed 1',
      xTitle: 'training time tau',
      yTitle: 'Hellinger distance H^2',
      series: [
        { name: 'theory', kind: 'theory', x, y: x.map((v) => v * v) },
        { name: 'simulation', kind: 'simulation', x, y: x.map((v) => v * v + 0.01), yErr: [0.01, 0.01, 0.01, 0.01] },
      ],
    });
    const { svg, png } = await renderFigure(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('training time tau');
    expect(svg).toContain('Hellinger distance H^2');
    expect(svg).toContain('n = 100, d = 10, seed 1');
    expect(svg).toContain('simulation');
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    expect(png.length).toBeGreaterThan(5000);
  });

  it('scatter with contours and heat-map grids render with their titles', async () => {
    const pts = Array.from({ length: 200 }, (_, i) => [Math.cos(i), Math.sin(1.3 * i)]);
    const density = evalGrid((xy, n) => Float64Array.from({ length: n }, (_, k) => Math.exp(-(xy[2 * k] ** 2 + xy[2 * k + 1] ** 2))), { x0: -2, x1: 2, y0: -2, y1: 2 }, 40, 40);
    const svg1 = await renderSvg(scatterWithContours({
      title: 'S',
      panels: [
        { points: pts, density, xTitle: 'e1 coordinate', yTitle: 'e2 coordinate', title: 'points' },
        { points: pts, density, xTitle: 'e1 coordinate', yTitle: 'e2 coordinate', mode: 'binned', title: 'binned' },
      ],
    }));
    expect(svg1).toContain('e1 coordinate');
    expect(svg1).toContain('target 90% HDR');
    const svg2 = await renderSvg(heatmapGrid({ title: 'H', panels: [{ values: new Float64Array(784).map((_, i) => i % 28), rows: 28, cols: 28, title: 'image 0' }] }));
    expect(svg2).toContain('image 0');
  });
});

describe('contours', () => {
  it('marching squares on r^2 puts every segment end on the circle of radius sqrt(level)', () => {
    const g = evalGrid((xy, n) => Float64Array.from({ length: n }, (_, k) => xy[2 * k] ** 2 + xy[2 * k + 1] ** 2), { x0: -2, x1: 2, y0: -2, y1: 2 }, 81, 81);
    const segs = isoSegments(g, 1);
    expect(segs.length).toBeGreaterThan(100);
    // linear interpolation of r^2 across a cell of width h = 0.05 errs by at most ~h^2/4 in r^2
    for (const s of segs) {
      expect(Math.abs(Math.hypot(s.x, s.y) - 1)).toBeLessThan(2e-3);
      expect(Math.abs(Math.hypot(s.x2, s.y2) - 1)).toBeLessThan(2e-3);
    }
  });
  it('HDR level of a standard 2-D Gaussian at mass m is its density on the circle r^2 = -2 ln(1 - m)', () => {
    const g = evalGrid((xy, n) => Float64Array.from({ length: n }, (_, k) => Math.exp(-(xy[2 * k] ** 2 + xy[2 * k + 1] ** 2) / 2)), { x0: -6, x1: 6, y0: -6, y1: 6 }, 241, 241);
    const [l50, l90] = hdrLevels(g.values, [0.5, 0.9]);
    expect(l50).toBeCloseTo(Math.exp(Math.log(1 - 0.5)), 2);
    expect(l90).toBeCloseTo(Math.exp(Math.log(1 - 0.9)), 2);
  });
});

describe('the one line panel and the one density panel', () => {
  it('line panel: theory dashed, simulation solid with markers every k-th point, target dotted; colour by group', () => {
    const x = [0, 1, 2, 3, 4];
    const spec = linePanel({
      xTitle: 'tau',
      yTitle: 'Q',
      markerEvery: 2,
      series: [
        { name: 'Q11 ODE', group: 'Q11', kind: 'theory', x, y: x },
        { name: 'Q11 SGD', group: 'Q11', kind: 'simulation', x, y: x, yErr: x.map(() => 0.1) },
        { name: 'closed form', kind: 'target', x, y: x },
      ],
    });
    const rows = spec.data.values as Array<{ group: string; kind: string; marker: boolean; lo?: number }>;
    expect(rows.filter((r) => r.marker)).toHaveLength(3); // indices 0, 2, 4 of the simulation only
    expect(new Set(rows.map((r) => r.group))).toEqual(new Set(['Q11', 'closed form']));
    const dash = spec.layer[0].encoding.strokeDash.scale;
    expect(dash.domain).toEqual([KIND_LABEL.theory, KIND_LABEL.simulation, KIND_LABEL.target]);
    expect(dash.range).toEqual([[7, 4], [1, 0], [2, 3]]);
    expect(spec.layer).toHaveLength(3); // lines, error bars, markers
  });
  it('density panel: bins the points relative to the maximum and draws theory and target HDR contours', async () => {
    const box = { x0: -3, x1: 3, y0: -3, y1: 3 };
    const pts = new Float64Array([0.1, 0.1, 0.1, 0.1, 2.9, 2.9, 9, 9]); // last point outside the box
    const g = evalGrid((xy, n) => Float64Array.from({ length: n }, (_, k) => Math.exp(-(xy[2 * k] ** 2 + xy[2 * k + 1] ** 2) / 2)), box, 41, 41);
    const spec = densityPanel({ points: pts, box, bins: 6, theory: g, target: g, xTitle: 'u1', yTitle: 'u2', title: 'panel' });
    const cells = spec.layer[0].data.values as Array<{ rel: number }>;
    expect(cells.map((c) => c.rel).sort()).toEqual([0.5, 1]);
    const segs = spec.layer[1].data.values as Array<{ source: string }>;
    expect(new Set(segs.map((s) => s.source))).toEqual(new Set(['theory', 'target']));
    expect(spec.layer[1].encoding.strokeDash.scale.range).toEqual([[5, 3], [1, 0]]);
    const svg = await renderSvg(smallMultiples({ title: 'T', panels: [spec, densityPanel({ points: [[0, 0]], box, xTitle: 'a', yTitle: 'b' })] }));
    expect(svg).toContain('u1');
    expect(() => densityPanel({ points: pts, box: { x0: 1, x1: 0, y0: 0, y1: 1 }, xTitle: 'a', yTitle: 'b' })).toThrow(/box/);
  });
});
