import { assertFinite, DomainError, eigvalsh, isNDArray, NDArray, NotPositiveDefiniteError, ShapeError } from '@diffusion-theory/kernel';

/**
 * Second moments of a square-loss regression E||W x + b - y||^2 (spec spectral-bias §2): everything about a
 * linear denoiser trained on any data with these moments (Gaussian equivalence).
 */
export interface RegressionMoments {
  dim: number;
  /** Cov(x) d x d row-major. */
  Sxx: Float64Array;
  /** Cov(y, x) d x d. */
  Syx: Float64Array;
  /** tr Cov(y) (for the loss value). */
  trSyy: number;
  mux: Float64Array;
  muy: Float64Array;
}

/** The loss variants of spec §3 (Table 2). */
export type LossVariant =
  | { kind: 'edm-x'; sigma: number }
  | { kind: 'edm-eps'; sigma: number }
  | { kind: 'x'; alpha: number; sigma: number }
  | { kind: 'eps'; alpha: number; sigma: number }
  | { kind: 'v'; alpha: number; sigma: number }
  | { kind: 'flow-matching'; t: number };

function readCov(cov: NDArray): { d: number; S: Float64Array } {
  if (!isNDArray(cov) || cov.ndim !== 2 || cov.shape[0] !== cov.shape[1]) throw new ShapeError('covariance: expected a square matrix');
  const d = cov.shape[0];
  const S = Float64Array.from(cov.contiguous().data);
  assertFinite(S, 'covariance');
  const ev = eigvalsh(new NDArray(S.slice(), [d, d]), 'covariance');
  const scale = Math.max(Math.abs(ev[0]), Math.abs(ev[d - 1]), 1e-300);
  if (ev[0] < -1e-10 * scale) throw new NotPositiveDefiniteError(`covariance: expected a positive semi-definite matrix, smallest eigenvalue ${ev[0]}`);
  return { d, S };
}

/**
 * Regression moments of a loss variant for data N(mu, Sigma) (spec §3 table; FM: x_t = (1-t) x0 + t x1, target x1 - x0).
 * @param covariance - data covariance (symmetric PSD)
 * @param variant - which loss and its schedule coefficients
 * @param mean - data mean (default 0)
 * @throws NotPositiveDefiniteError for a non-PSD covariance; DomainError on bad coefficients
 * @example
 * variantMoments(cov, { kind: 'edm-x', sigma: 0.5 });
 */
export function variantMoments(covariance: NDArray, variant: LossVariant, mean?: ArrayLike<number>): RegressionMoments {
  const { d, S } = readCov(covariance);
  const mu = mean === undefined ? new Float64Array(d) : Float64Array.from(mean);
  if (mu.length !== d) throw new ShapeError(`mean: expected length ${d}`);
  assertFinite(mu, 'mean');
  let trS = 0;
  for (let i = 0; i < d; i++) trS += S[i * d + i];
  const I = (c: number, M: Float64Array, a: number): Float64Array => {
    const out = new Float64Array(d * d);
    for (let i = 0; i < d * d; i++) out[i] = a * M[i];
    for (let i = 0; i < d; i++) out[i * d + i] += c;
    return out;
  };
  const pos = (v: number, name: string) => {
    if (!(v > 0) || !Number.isFinite(v)) throw new DomainError(`${name}: expected a finite number > 0, got ${v}`);
    return v;
  };
  const scaled = (a: number) => mu.map((v) => a * v);
  switch (variant?.kind) {
    case 'edm-x': {
      const s = pos(variant.sigma, 'sigma');
      return { dim: d, Sxx: I(s * s, S, 1), Syx: I(0, S, 1), trSyy: trS, mux: mu.slice(), muy: mu.slice() };
    }
    case 'edm-eps': {
      const s = pos(variant.sigma, 'sigma');
      return { dim: d, Sxx: I(s * s, S, 1), Syx: I(s, S, 0), trSyy: d, mux: mu.slice(), muy: new Float64Array(d) };
    }
    case 'x': {
      const a = pos(variant.alpha, 'alpha');
      const s = pos(variant.sigma, 'sigma');
      return { dim: d, Sxx: I(s * s, S, a * a), Syx: I(0, S, a), trSyy: trS, mux: scaled(a), muy: mu.slice() };
    }
    case 'eps': {
      const a = pos(variant.alpha, 'alpha');
      const s = pos(variant.sigma, 'sigma');
      return { dim: d, Sxx: I(s * s, S, a * a), Syx: I(s, S, 0), trSyy: d, mux: scaled(a), muy: new Float64Array(d) };
    }
    case 'v': {
      const a = pos(variant.alpha, 'alpha');
      const s = pos(variant.sigma, 'sigma');
      return { dim: d, Sxx: I(s * s, S, a * a), Syx: I(a * s, S, -a * s), trSyy: a * a * d + s * s * trS, mux: scaled(a), muy: scaled(-s) };
    }
    case 'flow-matching': {
      const t = variant.t;
      if (!(t >= 0 && t <= 1)) throw new DomainError(`t: expected a number in [0, 1], got ${t}`);
      return { dim: d, Sxx: I((1 - t) ** 2, S, t * t), Syx: I(-(1 - t), S, t), trSyy: trS + d, mux: scaled(t), muy: mu.slice() };
    }
    default:
      throw new DomainError(`variant.kind: expected one of edm-x, edm-eps, x, eps, v, flow-matching, got ${String((variant as { kind?: unknown })?.kind)}`);
  }
}

/**
 * Exact loss and gradients of E||W x + b - y||^2 from the moments (spec §2):
 * grad_b = 2 (W mu_x + b - mu_y), grad_W = 2 (W S_xx - S_yx) + grad_b mu_x^T.
 * @returns loss, gW (d x d), gb (d)
 */
export function momentLossGradient(m: RegressionMoments, W: Float64Array, b: Float64Array): { loss: number; gW: Float64Array; gb: Float64Array } {
  const d = m.dim;
  if (W.length !== d * d) throw new ShapeError(`W: expected length ${d * d}`);
  if (b.length !== d) throw new ShapeError(`b: expected length ${d}`);
  const WS = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const w = W[i * d + k];
      if (w === 0) continue;
      for (let j = 0; j < d; j++) WS[i * d + j] += w * m.Sxx[k * d + j];
    }
  }
  const r = new Float64Array(d); // W mu_x + b - mu_y
  for (let i = 0; i < d; i++) {
    let s = b[i] - m.muy[i];
    for (let k = 0; k < d; k++) s += W[i * d + k] * m.mux[k];
    r[i] = s;
  }
  // loss = tr(W Sxx W^T) - 2 tr(W Syx^T) + tr Syy + |r|^2
  let loss = m.trSyy;
  for (let i = 0; i < d * d; i++) loss += WS[i] * W[i] - 2 * W[i] * m.Syx[i];
  for (let i = 0; i < d; i++) loss += r[i] * r[i];
  const gb = r.map((v) => 2 * v);
  const gW = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) gW[i * d + j] = 2 * (WS[i * d + j] - m.Syx[i * d + j]) + gb[i] * m.mux[j];
  return { loss, gW, gb };
}
