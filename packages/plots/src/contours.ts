/**
 * Contours of a scalar field on a regular grid by marching squares, and the levels of
 * highest-density regions (HDR) of a density on that grid.
 */

/** A regular grid over [x0, x1] x [y0, y1] with nx x ny nodes; values row-major by y: v[j * nx + i] at (x_i, y_j). */
export interface Grid2D {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  nx: number;
  ny: number;
  values: ArrayLike<number>;
}

/** A contour segment from (x, y) to (x2, y2). */
export interface Segment {
  x: number;
  y: number;
  x2: number;
  y2: number;
}

/** Evaluate a batched 2-D function on a grid (f receives row-major [x, y] pairs, returns one value each). */
export function evalGrid(
  f: (xy: Float64Array, n: number) => ArrayLike<number>,
  box: { x0: number; x1: number; y0: number; y1: number },
  nx: number,
  ny: number,
): Grid2D {
  const xy = new Float64Array(2 * nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = box.y0 + ((box.y1 - box.y0) * j) / (ny - 1);
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      xy[2 * k] = box.x0 + ((box.x1 - box.x0) * i) / (nx - 1);
      xy[2 * k + 1] = y;
    }
  }
  return { ...box, nx, ny, values: f(xy, nx * ny) };
}

/** Marching squares: the segments of the level set {v = level}. */
export function isoSegments(g: Grid2D, level: number): Segment[] {
  const { nx, ny, values: v } = g;
  const dx = (g.x1 - g.x0) / (nx - 1);
  const dy = (g.y1 - g.y0) / (ny - 1);
  const out: Segment[] = [];
  const interp = (a: number, b: number) => {
    const d = b - a;
    return d === 0 ? 0.5 : (level - a) / d;
  };
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const v00 = v[j * nx + i];
      const v10 = v[j * nx + i + 1];
      const v01 = v[(j + 1) * nx + i];
      const v11 = v[(j + 1) * nx + i + 1];
      const c = (v00 > level ? 1 : 0) | (v10 > level ? 2 : 0) | (v11 > level ? 4 : 0) | (v01 > level ? 8 : 0);
      if (c === 0 || c === 15) continue;
      const X = g.x0 + i * dx;
      const Y = g.y0 + j * dy;
      // Edge crossing points: bottom (00-10), right (10-11), top (01-11), left (00-01).
      const pts: Record<string, [number, number]> = {
        b: [X + interp(v00, v10) * dx, Y],
        r: [X + dx, Y + interp(v10, v11) * dy],
        t: [X + interp(v01, v11) * dx, Y + dy],
        l: [X, Y + interp(v00, v01) * dy],
      };
      const pairs: Array<[string, string]> = [];
      switch (c) {
        case 1: case 14: pairs.push(['l', 'b']); break;
        case 2: case 13: pairs.push(['b', 'r']); break;
        case 3: case 12: pairs.push(['l', 'r']); break;
        case 4: case 11: pairs.push(['r', 't']); break;
        case 6: case 9: pairs.push(['b', 't']); break;
        case 7: case 8: pairs.push(['l', 't']); break;
        case 5: {
          const center = (v00 + v10 + v01 + v11) / 4;
          if (center > level) pairs.push(['l', 't'], ['b', 'r']);
          else pairs.push(['l', 'b'], ['r', 't']);
          break;
        }
        case 10: {
          const center = (v00 + v10 + v01 + v11) / 4;
          if (center > level) pairs.push(['l', 'b'], ['r', 't']);
          else pairs.push(['l', 't'], ['b', 'r']);
          break;
        }
      }
      for (const [a, b] of pairs) out.push({ x: pts[a][0], y: pts[a][1], x2: pts[b][0], y2: pts[b][1] });
    }
  }
  return out;
}

/**
 * Density levels whose super-level sets hold the given probability masses (highest-density
 * regions), computed from grid values of a density (normalisation is irrelevant). E.g.
 * masses [0.5, 0.9, 0.99] gives the contours enclosing 50%, 90%, 99% of the mass on the grid.
 */
export function hdrLevels(values: ArrayLike<number>, masses: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort().reverse();
  let total = 0;
  for (const v of sorted) total += v;
  return masses.map((m) => {
    let acc = 0;
    for (const v of sorted) {
      acc += v;
      if (acc >= m * total) return v;
    }
    return sorted[sorted.length - 1];
  });
}
