import { describe, expect, it } from 'vitest';
import { evalGrid, hdrLevels, isoSegments } from './contours.js';
import { heatmapGrid } from './heatmap.js';
import { linePlot } from './line.js';
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
