import type { MinCostDenoiser } from '@diffusion-theory/denoisers';

/** Shared wiring of the zeno25 experiments (plot data of 2-D closed-form denoisers). */

export type Box = { x: [number, number]; y: [number, number] };

/** Clip the line {p : u^T (p - o) = c} (u a unit vector in the plane) to the box; null when it misses it. */
function clipLine(o: Float64Array, u: [number, number], c: number, box: Box): [number, number, number, number] | null {
  const px = o[0] + c * u[0];
  const py = o[1] + c * u[1];
  const v = [-u[1], u[0]];
  let t0 = Number.NEGATIVE_INFINITY;
  let t1 = Number.POSITIVE_INFINITY;
  for (const [p, dv, lo, hi] of [
    [px, v[0], box.x[0], box.x[1]],
    [py, v[1], box.y[0], box.y[1]],
  ] as const) {
    if (Math.abs(dv) < 1e-15) {
      if (p < lo || p > hi) return null;
      continue;
    }
    const a = (lo - p) / dv;
    const b = (hi - p) / dv;
    t0 = Math.max(t0, Math.min(a, b));
    t1 = Math.min(t1, Math.max(a, b));
  }
  if (!(t1 > t0)) return null;
  return [px + t0 * v[0], py + t0 * v[1], px + t1 * v[0], py + t1 * v[1]];
}

/** The ReLU boundaries (kinks u_k^T (y - o) = lo_k and = hi_k) of a 2-D closed-form denoiser, clipped to the box. */
export function reluBoundaries(h: MinCostDenoiser, box: Box, label: string): Array<{ x: number; y: number; x2: number; y2: number; label: string }> {
  const out: Array<{ x: number; y: number; x2: number; y2: number; label: string }> = [];
  for (let k = 0; k < h.m; k++) {
    const u: [number, number] = [h.U[2 * k], h.U[2 * k + 1]];
    for (const c of [h.lo[k], h.hi[k]]) {
      const s = clipLine(h.origin, u, c, box);
      if (s) out.push({ x: s[0], y: s[1], x2: s[2], y2: s[3], label });
    }
  }
  return out;
}

/**
 * Score arrows s = (h(y) - y)/sigma^2 on a grid x grid lattice of the box: fixed plotted length along s/|s|,
 * coloured by log10 |s| (the paper's normalised field s log|s|/|s| shows the same direction and log magnitude).
 */
export function scoreArrows(h: MinCostDenoiser, sigma: number, box: Box, grid: number): { arrows: Array<{ x: number; y: number; dx: number; dy: number; value: number }>; maxNorm: number } {
  const ys = new Float64Array(grid * grid * 2);
  for (let i = 0; i < grid; i++) {
    for (let j = 0; j < grid; j++) {
      ys[2 * (i * grid + j)] = box.x[0] + ((j + 0.5) * (box.x[1] - box.x[0])) / grid;
      ys[2 * (i * grid + j) + 1] = box.y[0] + ((i + 0.5) * (box.y[1] - box.y[0])) / grid;
    }
  }
  const hy = h.denoise(ys, grid * grid);
  const len = (0.42 * (box.x[1] - box.x[0])) / grid;
  const arrows = [];
  let maxNorm = 0;
  for (let r = 0; r < grid * grid; r++) {
    const sx = (hy[2 * r] - ys[2 * r]) / sigma ** 2;
    const sy = (hy[2 * r + 1] - ys[2 * r + 1]) / sigma ** 2;
    const nrm = Math.hypot(sx, sy);
    maxNorm = Math.max(maxNorm, nrm);
    if (nrm < 1e-12) continue; // inside an interpolation ball's fixed point: no arrow
    arrows.push({ x: ys[2 * r], y: ys[2 * r + 1], dx: (len * sx) / nrm, dy: (len * sy) / nrm, value: Math.log10(nrm) });
  }
  return { arrows, maxNorm };
}

/** Rows of a point set as plot points. */
export function pointRows(points: Float64Array, count: number, label: string): Array<{ x: number; y: number; label: string }> {
  return Array.from({ length: count }, (_, k) => ({ x: points[2 * k], y: points[2 * k + 1], label }));
}

const OBL = { c: 0.4 * Math.cos((35 * Math.PI) / 180), s: 0.4 * Math.sin((35 * Math.PI) / 180) };

/** Oblique (cabinet-style) projection of three coordinates to the plane. */
export function oblique(c1: number, c2: number, c3: number): [number, number] {
  return [c1 + OBL.c * c3, c2 + OBL.s * c3];
}

/** Edges and vertices of the unit cube [0, 1]^3 under {@link oblique}. */
export function cubeEdges(): { edges: Array<{ x: number; y: number; x2: number; y2: number }>; vertices: Array<{ x: number; y: number }> } {
  const vertices = [];
  const edges = [];
  for (let v = 0; v < 8; v++) {
    const b = [v & 1, (v >> 1) & 1, (v >> 2) & 1];
    const [x, y] = oblique(b[0], b[1], b[2]);
    vertices.push({ x, y });
    for (let i = 0; i < 3; i++) {
      if (b[i] === 0) {
        const e = b.slice();
        e[i] = 1;
        const [x2, y2] = oblique(e[0], e[1], e[2]);
        edges.push({ x, y, x2, y2 });
      }
    }
  }
  return { edges, vertices };
}
