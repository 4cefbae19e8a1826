import { dgemm, type Rng } from '@diffusion-theory/kernel';

/**
 * One node kind of the layer graph, as unchecked kernels over raw row-major buffers (stdlib
 * "base" style: the graph in graph.ts validates once at its boundary; nothing here allocates).
 *
 * Conventions: `xs[i]` is the i-th source's output (n x width_i), `y` this node's output (n x width),
 * `p` / `g` this node's slice of the flat parameter / gradient vector. `backward` ADDS into the
 * source gradients `dxs[i]` (null when not needed) and into `g`; `jvp` writes the output tangent
 * `ty` from the source tangents `txs` (input-Jacobian-vector product at the last forward point).
 * `s` is this node's per-batch scratch (length `scratch(n)`), written by forward, read after.
 */
export interface Op {
  readonly kind: string;
  readonly width: number;
  readonly nParams: number;
  scratch(n: number): number;
  init(p: Float64Array, rng: Rng): void;
  forward(p: Float64Array, xs: Float64Array[], n: number, y: Float64Array, s: Float64Array): void;
  backward(p: Float64Array, xs: Float64Array[], y: Float64Array, dy: Float64Array, n: number, dxs: (Float64Array | null)[], g: Float64Array | null, s: Float64Array): void;
  jvp(p: Float64Array, xs: Float64Array[], txs: Float64Array[], n: number, ty: Float64Array, s: Float64Array): void;
}

/** How a linear layer's weights start: N(0, 1/fan_in) ('kaiming', the EDM default), N(0, 2/fan_in) ('he'), zeros, or N(0, std^2). */
export type WeightInit = 'kaiming' | 'he' | 'zero' | { std: number };

/** Dense layer y = x W^T + b with W out x in (row-major, PyTorch layout), b length out. Parameters: [W, b]. */
export function linearOp(inW: number, out: number, bias: boolean, weightInit: WeightInit): Op {
  const nw = inW * out;
  return {
    kind: 'linear',
    width: out,
    nParams: nw + (bias ? out : 0),
    scratch: () => 0,
    init(p, rng) {
      const std = weightInit === 'kaiming' ? Math.sqrt(1 / inW) : weightInit === 'he' ? Math.sqrt(2 / inW) : weightInit === 'zero' ? 0 : weightInit.std;
      if (std > 0) {
        rng.fillNormal(p.subarray(0, nw));
        for (let i = 0; i < nw; i++) p[i] *= std;
      } else p.fill(0, 0, nw);
      p.fill(0, nw);
    },
    forward(p, xs, n, y) {
      if (bias) {
        for (let r = 0; r < n; r++) y.set(p.subarray(nw, nw + out), r * out);
        dgemm(false, true, n, out, inW, 1, xs[0], inW, p, inW, 1, y, out);
      } else dgemm(false, true, n, out, inW, 1, xs[0], inW, p, inW, 0, y, out);
    },
    backward(p, xs, _y, dy, n, dxs, g) {
      if (g) {
        dgemm(true, false, out, inW, n, 1, dy, out, xs[0], inW, 1, g, inW);
        if (bias) {
          for (let r = 0; r < n; r++) {
            const o = r * out;
            for (let j = 0; j < out; j++) g[nw + j] += dy[o + j];
          }
        }
      }
      if (dxs[0]) dgemm(false, false, n, inW, out, 1, dy, out, p, inW, 1, dxs[0], inW);
    },
    jvp(p, _xs, txs, n, ty) {
      dgemm(false, true, n, out, inW, 1, txs[0], inW, p, inW, 0, ty, out);
    },
  };
}

/** LayerNorm over each row: y = (x - mean) / sqrt(var + eps) * gamma + beta (biased variance; gamma = 1, beta = 0 at init). */
export function layerNormOp(w: number, eps: number, affine: boolean): Op {
  return {
    kind: 'layerNorm',
    width: w,
    nParams: affine ? 2 * w : 0,
    scratch: (n) => n * (w + 1), // xhat (n x w), then rstd (n)
    init(p) {
      p.fill(1, 0, w);
      p.fill(0, w);
    },
    forward(p, xs, n, y, s) {
      const x = xs[0];
      const rOff = n * w;
      for (let r = 0; r < n; r++) {
        const o = r * w;
        let m = 0;
        for (let j = 0; j < w; j++) m += x[o + j];
        m /= w;
        let v = 0;
        for (let j = 0; j < w; j++) {
          const c = x[o + j] - m;
          v += c * c;
        }
        const rs = 1 / Math.sqrt(v / w + eps);
        s[rOff + r] = rs;
        for (let j = 0; j < w; j++) {
          const h = (x[o + j] - m) * rs;
          s[o + j] = h;
          y[o + j] = affine ? h * p[j] + p[w + j] : h;
        }
      }
    },
    backward(p, _xs, _y, dy, n, dxs, g, s) {
      const dx = dxs[0];
      const rOff = n * w;
      for (let r = 0; r < n; r++) {
        const o = r * w;
        let a = 0;
        let b = 0;
        for (let j = 0; j < w; j++) {
          const dh = affine ? dy[o + j] * p[j] : dy[o + j];
          a += dh;
          b += dh * s[o + j];
          if (g) {
            g[j] += dy[o + j] * s[o + j];
            g[w + j] += dy[o + j];
          }
        }
        if (!dx) continue;
        a /= w;
        b /= w;
        const rs = s[rOff + r];
        for (let j = 0; j < w; j++) {
          const dh = affine ? dy[o + j] * p[j] : dy[o + j];
          dx[o + j] += rs * (dh - a - s[o + j] * b);
        }
      }
    },
    jvp(p, _xs, txs, n, ty, s) {
      const tx = txs[0];
      const rOff = n * w;
      for (let r = 0; r < n; r++) {
        const o = r * w;
        let a = 0;
        let b = 0;
        for (let j = 0; j < w; j++) {
          a += tx[o + j];
          b += tx[o + j] * s[o + j];
        }
        a /= w;
        b /= w;
        const rs = s[rOff + r];
        for (let j = 0; j < w; j++) {
          const th = rs * (tx[o + j] - a - s[o + j] * b);
          ty[o + j] = affine ? th * p[j] : th;
        }
      }
    },
  };
}

function pointwise(kind: string, w: number, f: (x: number) => number, df: (x: number) => number): Op {
  return {
    kind,
    width: w,
    nParams: 0,
    scratch: () => 0,
    init() {},
    forward(_p, xs, n, y) {
      const x = xs[0];
      for (let i = 0, L = n * w; i < L; i++) y[i] = f(x[i]);
    },
    backward(_p, xs, _y, dy, n, dxs) {
      const x = xs[0];
      const dx = dxs[0];
      if (dx) for (let i = 0, L = n * w; i < L; i++) dx[i] += dy[i] * df(x[i]);
    },
    jvp(_p, xs, txs, n, ty) {
      const x = xs[0];
      const tx = txs[0];
      for (let i = 0, L = n * w; i < L; i++) ty[i] = tx[i] * df(x[i]);
    },
  };
}

/** SiLU x sigmoid(x); forward keeps sigmoid(x) in its scratch so backward and jvp need no exp. */
export function siluOp(w: number): Op {
  return {
    kind: 'silu',
    width: w,
    nParams: 0,
    scratch: (n) => n * w,
    init() {},
    forward(_p, xs, n, y, s) {
      const x = xs[0];
      for (let i = 0, L = n * w; i < L; i++) {
        const v = x[i];
        const sg = 1 / (1 + Math.exp(-v));
        s[i] = sg;
        y[i] = v * sg;
      }
    },
    backward(_p, xs, _y, dy, n, dxs, _g, s) {
      const x = xs[0];
      const dx = dxs[0];
      if (dx) {
        for (let i = 0, L = n * w; i < L; i++) {
          const sg = s[i];
          dx[i] += dy[i] * sg * (1 + x[i] * (1 - sg));
        }
      }
    },
    jvp(_p, xs, txs, n, ty, s) {
      const x = xs[0];
      const tx = txs[0];
      for (let i = 0, L = n * w; i < L; i++) {
        const sg = s[i];
        ty[i] = tx[i] * sg * (1 + x[i] * (1 - sg));
      }
    },
  };
}

/** ReLU max(x, 0) (derivative 0 at 0). */
export const reluOp = (w: number): Op =>
  pointwise(
    'relu',
    w,
    (x) => Math.max(x, 0),
    (x) => (x > 0 ? 1 : 0),
  );

/** Sum of k sources of equal width, times `c`. */
export function addOp(w: number, k: number, c: number): Op {
  return {
    kind: 'add',
    width: w,
    nParams: 0,
    scratch: () => 0,
    init() {},
    forward(_p, xs, n, y) {
      const L = n * w;
      y.set(xs[0].subarray(0, L));
      for (let i = 1; i < k; i++) {
        const x = xs[i];
        for (let j = 0; j < L; j++) y[j] += x[j];
      }
      if (c !== 1) for (let j = 0; j < L; j++) y[j] *= c;
    },
    backward(_p, _xs, _y, dy, n, dxs) {
      const L = n * w;
      for (let i = 0; i < k; i++) {
        const dx = dxs[i];
        if (dx) for (let j = 0; j < L; j++) dx[j] += c * dy[j];
      }
    },
    jvp(_p, _xs, txs, n, ty) {
      const L = n * w;
      ty.set(txs[0].subarray(0, L));
      for (let i = 1; i < k; i++) for (let j = 0; j < L; j++) ty[j] += txs[i][j];
      if (c !== 1) for (let j = 0; j < L; j++) ty[j] *= c;
    },
  };
}

/** Row-wise concatenation [a, b] of widths wa and wb. */
export function concatOp(wa: number, wb: number): Op {
  const w = wa + wb;
  return {
    kind: 'concat',
    width: w,
    nParams: 0,
    scratch: () => 0,
    init() {},
    forward(_p, xs, n, y) {
      for (let r = 0; r < n; r++) {
        y.set(xs[0].subarray(r * wa, (r + 1) * wa), r * w);
        y.set(xs[1].subarray(r * wb, (r + 1) * wb), r * w + wa);
      }
    },
    backward(_p, _xs, _y, dy, n, dxs) {
      const [da, db] = dxs;
      for (let r = 0; r < n; r++) {
        if (da) for (let j = 0; j < wa; j++) da[r * wa + j] += dy[r * w + j];
        if (db) for (let j = 0; j < wb; j++) db[r * wb + j] += dy[r * w + wa + j];
      }
    },
    jvp(_p, _xs, txs, n, ty) {
      for (let r = 0; r < n; r++) {
        ty.set(txs[0].subarray(r * wa, (r + 1) * wa), r * w);
        ty.set(txs[1].subarray(r * wb, (r + 1) * wb), r * w + wa);
      }
    },
  };
}

/** Feature-wise modulation y = h (1 + scale) + shift, with [scale, shift] = the two halves of the second source (width 2w). */
export function scaleShiftOp(w: number): Op {
  return {
    kind: 'scaleShift',
    width: w,
    nParams: 0,
    scratch: () => 0,
    init() {},
    forward(_p, xs, n, y) {
      const [h, ss] = xs;
      for (let r = 0; r < n; r++) {
        const o = r * w;
        const q = 2 * o;
        for (let j = 0; j < w; j++) y[o + j] = h[o + j] * (1 + ss[q + j]) + ss[q + w + j];
      }
    },
    backward(_p, xs, _y, dy, n, dxs) {
      const [h, ss] = xs;
      const [dh, dss] = dxs;
      for (let r = 0; r < n; r++) {
        const o = r * w;
        const q = 2 * o;
        for (let j = 0; j < w; j++) {
          const d = dy[o + j];
          if (dh) dh[o + j] += d * (1 + ss[q + j]);
          if (dss) {
            dss[q + j] += d * h[o + j];
            dss[q + w + j] += d;
          }
        }
      }
    },
    jvp(_p, xs, txs, n, ty) {
      const [h, ss] = xs;
      const [th, tss] = txs;
      for (let r = 0; r < n; r++) {
        const o = r * w;
        const q = 2 * o;
        for (let j = 0; j < w; j++) ty[o + j] = th[o + j] * (1 + ss[q + j]) + h[o + j] * tss[q + j] + tss[q + w + j];
      }
    },
  };
}

/**
 * Gaussian Fourier features of a scalar c (source width 1): [sin(2 pi c omega_j), cos(2 pi c omega_j)],
 * j < size/2, with fixed (untrained) omega ~ N(0, scale^2) drawn from the graph's init stream.
 */
export function fourierOp(size: number, scale: number, omega: Float64Array): Op {
  const h = size / 2;
  return {
    kind: 'fourier',
    width: size,
    nParams: 0,
    scratch: () => 0,
    init(_p, rng) {
      rng.fillNormal(omega);
      for (let j = 0; j < h; j++) omega[j] *= scale;
    },
    forward(_p, xs, n, y) {
      const c = xs[0];
      for (let r = 0; r < n; r++) {
        const o = r * size;
        for (let j = 0; j < h; j++) {
          const a = 2 * Math.PI * c[r] * omega[j];
          y[o + j] = Math.sin(a);
          y[o + h + j] = Math.cos(a);
        }
      }
    },
    backward(_p, _xs, y, dy, n, dxs) {
      const dc = dxs[0];
      if (!dc) return;
      for (let r = 0; r < n; r++) {
        const o = r * size;
        let s = 0;
        for (let j = 0; j < h; j++) s += 2 * Math.PI * omega[j] * (dy[o + j] * y[o + h + j] - dy[o + h + j] * y[o + j]);
        dc[r] += s;
      }
    },
    jvp(_p, xs, txs, n, ty) {
      const c = xs[0];
      const tc = txs[0];
      for (let r = 0; r < n; r++) {
        const o = r * size;
        for (let j = 0; j < h; j++) {
          const k = 2 * Math.PI * omega[j];
          const a = k * c[r];
          ty[o + j] = k * Math.cos(a) * tc[r];
          ty[o + h + j] = -k * Math.sin(a) * tc[r];
        }
      }
    },
  };
}
