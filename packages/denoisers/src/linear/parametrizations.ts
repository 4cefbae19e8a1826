import { assertInteger, DomainError, ShapeError } from '@diffusion-theory/kernel';
import { patchToFullFilter } from './circulant.js';

/**
 * A linear denoiser family D(x) = W(theta) x + b(theta) with its parameter gradient (chain rule):
 * given dL/dW (d x d) and dL/db, `pullback` returns dL/dtheta. Gradient flow on the exact moment loss
 * (trainers `linear-flow`) is written once against this interface.
 */
export interface LinearParametrization {
  readonly kind: string;
  readonly dim: number;
  /** Number of parameters. */
  readonly size: number;
  /** Whether b is a parameter (the last `dim` entries of theta) or fixed at 0. */
  readonly hasBias: boolean;
  /** W (d x d row-major) and b (length d) at theta. */
  weight(theta: Float64Array): { W: Float64Array; b: Float64Array };
  /** dL/dtheta from dL/dW and dL/db at theta. */
  pullback(theta: Float64Array, gW: Float64Array, gb: Float64Array): Float64Array;
}

function matmul(d: number, A: Float64Array, B: Float64Array, tA = false, tB = false): Float64Array<ArrayBuffer> {
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const a = tA ? A[k * d + i] : A[i * d + k];
      if (a === 0) continue;
      for (let j = 0; j < d; j++) C[i * d + j] += a * (tB ? B[j * d + k] : B[k * d + j]);
    }
  }
  return C;
}

/**
 * Affine one-layer denoiser D(x) = W x + b (theta = [W row-major, b]; spec §4).
 * @example
 * const p = affineLinear(4); p.weight(new Float64Array(p.size));
 */
export function affineLinear(dim: number, opts: { bias?: boolean } = {}): LinearParametrization {
  assertInteger(dim, 1, 'dim');
  const bias = opts.bias ?? true;
  const dd = dim * dim;
  return {
    kind: 'affine',
    dim,
    size: dd + (bias ? dim : 0),
    hasBias: bias,
    weight: (th) => ({ W: th.slice(0, dd), b: bias ? th.slice(dd, dd + dim) : new Float64Array(dim) }),
    pullback: (_th, gW, gb) => {
      const g = new Float64Array(dd + (bias ? dim : 0));
      g.set(gW);
      if (bias) g.set(gb, dd);
      return g;
    },
  };
}

/** Symmetric two-layer W = P P^T with P d x m (theta = P row-major; no bias; spec §6): dL/dP = (G + G^T) P. */
export function symmetricTwoLayer(dim: number, width = dim): LinearParametrization {
  assertInteger(dim, 1, 'dim');
  assertInteger(width, 1, 'width');
  const m = width;
  return {
    kind: 'symmetric-two-layer',
    dim,
    size: dim * m,
    hasBias: false,
    weight: (P) => {
      const W = new Float64Array(dim * dim);
      for (let i = 0; i < dim; i++) {
        for (let j = 0; j < dim; j++) {
          let s = 0;
          for (let k = 0; k < m; k++) s += P[i * m + k] * P[j * m + k];
          W[i * dim + j] = s;
        }
      }
      return { W, b: new Float64Array(dim) };
    },
    pullback: (P, gW) => {
      const g = new Float64Array(dim * m);
      for (let i = 0; i < dim; i++) {
        for (let j = 0; j < dim; j++) {
          const s = gW[i * dim + j] + gW[j * dim + i];
          if (s === 0) continue;
          for (let k = 0; k < m; k++) g[i * m + k] += s * P[j * m + k];
        }
      }
      return g;
    },
  };
}

/**
 * Deep linear W = W_L ... W_1 (untied: theta = [W_1, ..., W_L], each d x d) or W = A^L (tied: theta = A); no bias (spec §7).
 */
export function deepLinear(dim: number, L: number, opts: { tied?: boolean } = {}): LinearParametrization {
  assertInteger(dim, 1, 'dim');
  assertInteger(L, 1, 'L');
  const tied = opts.tied ?? false;
  const dd = dim * dim;
  const layer = (th: Float64Array, l: number) => (tied ? th.subarray(0, dd) : th.subarray(l * dd, (l + 1) * dd));
  const prefix = (th: Float64Array) => {
    // P[l] = W_l ... W_1 (P[0] = I)
    const P: Float64Array[] = [];
    const I = new Float64Array(dd);
    for (let i = 0; i < dim; i++) I[i * dim + i] = 1;
    P.push(I);
    for (let l = 0; l < L; l++) P.push(matmul(dim, layer(th, l), P[l]));
    return P;
  };
  return {
    kind: tied ? 'deep-linear-tied' : 'deep-linear',
    dim,
    size: tied ? dd : L * dd,
    hasBias: false,
    weight: (th) => ({ W: prefix(th)[L], b: new Float64Array(dim) }),
    pullback: (th, gW) => {
      const P = prefix(th);
      const g = new Float64Array(tied ? dd : L * dd);
      // suffix S = W_L ... W_{l+2}; dL/dW_{l+1} = S^T gW P[l]^T
      let S: Float64Array<ArrayBuffer> = new Float64Array(dd);
      for (let i = 0; i < dim; i++) S[i * dim + i] = 1;
      for (let l = L - 1; l >= 0; l--) {
        const gl = matmul(dim, matmul(dim, S, gW, true, false), P[l], false, true);
        if (tied) for (let i = 0; i < dd; i++) g[i] += gl[i];
        else g.set(gl, l * dd);
        S = matmul(dim, S, layer(th, l)) as Float64Array<ArrayBuffer>;
      }
      return g;
    },
  };
}

/** Circulant full-width convolution: theta = w (N taps), W_{i,(i+j) mod N} = w_j; dL/dw_j = sum_i gW[i, (i+j) mod N] (spec §8.3). */
export function circulantConv(N: number): LinearParametrization {
  assertInteger(N, 1, 'N');
  return {
    kind: 'circulant-conv',
    dim: N,
    size: N,
    hasBias: false,
    weight: (w) => {
      const W = new Float64Array(N * N);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) W[i * N + ((i + j) % N)] = w[j];
      return { W, b: new Float64Array(N) };
    },
    pullback: (_w, gW) => {
      const g = new Float64Array(N);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) g[j] += gW[i * N + ((i + j) % N)];
      return g;
    },
  };
}

/**
 * Local (patch) circular convolution with K = 2r + 1 taps w = (w_{-r}, ..., w_r): (W x)_i = sum_j w_j x_{i+j} (spec §8.4).
 * @throws DomainError when the filter is wider than the signal (K > N)
 */
export function patchConv(N: number, r: number): LinearParametrization {
  assertInteger(N, 1, 'N');
  assertInteger(r, 0, 'r');
  const K = 2 * r + 1;
  if (K > N) throw new DomainError(`r: the filter (K = ${K} taps) is wider than the signal (N = ${N})`);
  return {
    kind: 'patch-conv',
    dim: N,
    size: K,
    hasBias: false,
    weight: (w) => {
      if (w.length !== K) throw new ShapeError(`theta: expected ${K} taps`);
      const full = patchToFullFilter(w, N);
      const W = new Float64Array(N * N);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) W[i * N + ((i + j) % N)] = full[j];
      return { W, b: new Float64Array(N) };
    },
    pullback: (_w, gW) => {
      const g = new Float64Array(K);
      for (let t = -r; t <= r; t++) {
        const j = (t + N) % N;
        let s = 0;
        for (let i = 0; i < N; i++) s += gW[i * N + ((i + j) % N)];
        g[t + r] = s;
      }
      return g;
    },
  };
}
