/**
 * Gaussian expectations of the local-field functionals of Result 2.1 of Cui et al. 2025, by a ROTATED quadrature rule.
 *
 * For one cluster and a set of 1 or 2 grid times, the local fields xi = (lambda0, lambda1),
 * lambda0 ~ N(0, Q), lambda1 ~ N(0, S), lambda0 independent of lambda1, enter non-polynomially only
 * through the pre-activations h_t = alpha_t lambda0 + beta_t lambda1 + mh_t (mh_t = beta_t M + p_t v).
 * Stack htilde = (h_t - mh_t)_t (dimension nh = J r) with covariance Omega (blocks
 * alpha_t alpha_t' Q + beta_t beta_t' S), diagonalise Omega = U diag(s^2) U^T (Jacobi), keep the k
 * directions with s_j > 0, and write htilde = U_k diag(s) u with u ~ N(0, I_k). Given u, xi is
 * Gaussian with mean (A0 u, A1 u), A0 = Cov(lambda0, htilde) U_k diag(1/s) (r x k), same for A1, and
 * covariance C00 = Q - A0 A0^T, C11 = S - A1 A1^T, C01 = -A0 A1^T, constant in u. Every integrand is
 * a polynomial of degree <= 2 in the residual of xi, so its conditional expectation is exact and
 * closed-form (this replaces the 2-point Gauss-Hermite rule on the complementary directions
 * used first, at a quarter of the cost for r = 2). Only the k-dimensional u-integral is done numerically:
 * a trapezoid rule on [-halfWidth, halfWidth] with spacing min(h0, h0/s_j) along direction j
 * (h0 = defaultSpacing(activation): 0.35 smooth, 0.15 ReLU / sign), or a Gauss-Hermite product rule.
 */
import { type Activation, bivariateNormalGridMoments, DomainError, gaussLegendre } from '@diffusion-theory/kernel';
import { defaultSpacing, fdfOf } from './activation.js';
import { gaussHermiteNormal, trapezoidNormalInto } from './quadrature.js';
import type { ClusterFields, PairMoments, TimePoint } from './dae-moment-types.js';
import { marginalKinkPairRule, marginalPairRule, type PairFn } from './dae-pairs.js';
import { cellWeights, NODE_X, NODE_Y, OUTER_CUTS, outerCount, outerRules, type PieceLinear, pieceLinear, sortRange } from './pwl-cells.js';

export type { ClusterFields, PairMoments, TimePoint } from './dae-moment-types.js';
import { type SymEigen, symEigen } from './small-linalg.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** The 'kink' rule's fixed data: kink locations, Gauss-Legendre nodes on [-1, 1], half-width, scratch. */
interface KinkRule {
  kinks: readonly number[];
  gl: { nodes: Float64Array; weights: Float64Array };
  halfWidth: number;
  cuts: Float64Array;
  /** Cuts per level in `cuts`. */
  stride: number;
  /**
   * Piecewise-linear sigma (ReLU, sign): the two innermost levels in closed form (pwl-cells.ts), the outer
   * ones cut at OUTER_CUTS too, with outerCount(n, length) nodes per piece.
   */
  exact: PieceLinear | null;
  rules: { nodes: Float64Array; weights: Float64Array }[];
}

function kinkRule(levels: number, kinks: readonly number[], n: number, opts: DaeQuadratureOptions, exact: PieceLinear | null = null): KinkRule {
  const halfWidth = opts.kinkHalfWidth ?? 8.5;
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new DomainError(`quadrature.kinkNodes / crossKinkNodes: expected an integer in [1, 200], got ${n}`);
  if (!(halfWidth > 0 && halfWidth <= 40)) throw new DomainError(`quadrature.kinkHalfWidth: expected a number in (0, 40], got ${halfWidth}`);
  const sorted = [...kinks].sort((a, b) => a - b);
  const stride = sorted.length + (exact ? OUTER_CUTS.length : 0);
  return {
    kinks: sorted,
    gl: gaussLegendre(n),
    halfWidth,
    cuts: new Float64Array(levels * stride),
    stride,
    exact,
    rules: exact ? outerRules(n) : [],
  };
}

function checkedPositive(x: number, name: string, max: number): number {
  if (!(x > 0 && x <= max)) throw new DomainError(`quadrature.${name}: expected a number in (0, ${max}], got ${x}`);
  return x;
}

/** Quadrature options of the rotated rule. */
export interface DaeQuadratureOptions {
  /**
   * Rule for the single-time moments. Default 'kink' for piecewise-smooth activations (ReLU, sign:
   * `activation.kinks`), else 'trapezoid' (spacing `defaultSpacing(activation, r)`).
   * 'kink': triangular (Cholesky) coordinates h = mh + L u, so that unit i's kinks are points on the
   * u_i axis given u_1..u_{i-1}; nested Gauss-Legendre on each smooth piece of [-kinkHalfWidth,
   * kinkHalfWidth] (weight phi(u) in the integrand), exact up to the Legendre error of a smooth
   * integrand. Falls back to the r-dependent default when Cov(h) is singular.
   */
  rule?: 'trapezoid' | 'gauss-hermite' | 'kink';
  /**
   * Gauss-Legendre nodes per smooth piece of the 'kink' rule. ReLU / sign at r >= 2 (innermost pair in closed form): nodes per
   * outer piece of length >= 3, default 12. Otherwise default 24 (r <= 2), 14 (r = 3), 10 (r >= 4).
   */
  kinkNodes?: number;
  /** Half-width of the 'kink' rule in standard-normal units (mass outside: 2 Q(w)). Default 8.5 (2e-17). */
  kinkHalfWidth?: number;
  /**
   * Rule for the cross-time (two-time) moments: 'marginal' (the moments expanded into <= 4-unit marginals, see
   * dae-pairs.ts; the default for ReLU and sign at every r, with the innermost pair of each marginal in closed form,
   * and for smooth and other kinked activations at r >= 3, each marginal a bilinear form on a canonical-correlation
   * lattice or nested Gauss-Legendre), 'kink' (2r nested Gauss-Legendre levels; the default for custom kinked
   * activations at r <= 2) or 'gauss-hermite' (2r-dimensional rotated product rule, `crossNodes` per axis; the
   * default elsewhere).
   */
  crossRule?: 'kink' | 'gauss-hermite' | 'marginal';
  /** Base spacing h0 of the 'marginal' cross rule's lattices (dx <= min(h0, h0 / c) for unit sd c). Default 0.4. */
  crossSpacing?: number;
  /** Ridge factor of the 'marginal' cross rule: dx dy <= crossRidge^2 (1 - rho) on a canonical pair of correlation rho. Default 1.2. */
  crossRidge?: number;
  /**
   * Gauss-Legendre nodes per smooth piece of the cross-time 'kink' rule (2r nested levels; default 24 at r = 1, 12 at r = 2),
   * and of the outer levels of the 'marginal' rule for kinked sigma: for ReLU and sign (innermost pair in
   * closed form) n nodes per outer piece of length >= 3, fewer on shorter pieces (default 8); for a custom
   * piecewise activation n per piece of the 4-unit marginals (default 12) and max(16, n), max(24, n) for the 3- and 2-unit ones.
   */
  crossKinkNodes?: number;
  /** Trapezoid half-width in standard-normal units. Default 6.5 (6 for smooth sigma at r >= 4). */
  halfWidth?: number;
  /** Trapezoid base spacing h0 (used as min(h0, h0 / s_j)). Default defaultSpacing(activation, r): 0.35 / 0.6 / 0.7 smooth at r <= 2 / 3 / >= 4, 0.15 ReLU/sign. */
  spacing?: number;
  /** Gauss-Hermite nodes per rotated axis when rule = 'gauss-hermite'. Default 12. */
  ghNodes?: number;
  /** Gauss-Hermite nodes per rotated axis for the cross-time (two-time) moments of N. Default 10. */
  crossNodes?: number;
  /** Upper bound on the product-grid size per expectation; the trapezoid coarsens beyond it. Default 400000. */
  maxNodes?: number;
}

/** Moments at one grid time (all r-vectors or r x r row-major). */
export interface SingleMoments {
  Es: Float64Array; // E[sigma(h)]
  Eds: Float64Array; // E[sigma'(h)]  (diag of D1)
  Ed2g: Float64Array; // E[sigma''(h) gamma]  (diag of D2; Stein form)
  Epsi: Float64Array; // E[psi]
  Edsds: Float64Array; // E[sigma' sigma'^T]
  Ess: Float64Array; // E[sigma sigma^T]  (C_sigma)
  Espsi: Float64Array; // E[sigma psi^T]
  Epsipsi: Float64Array; // E[psi psi^T]
  El0psi: Float64Array; // E[lambda0 psi^T]  (regression form)
  El1psi: Float64Array; // E[lambda1 psi^T]  (regression form)
}


export function singleMoments(r: number): SingleMoments {
  const v = () => new Float64Array(r);
  const m = () => new Float64Array(r * r);
  return { Es: v(), Eds: v(), Ed2g: v(), Epsi: v(), Edsds: m(), Ess: m(), Espsi: m(), Epsipsi: m(), El0psi: m(), El1psi: m() };
}

export function pairMoments(r: number): PairMoments {
  const m = () => new Float64Array(r * r);
  return { Ess: m(), Espsi: m(), Epsis: m(), Epsipsi: m() };
}



/**
 * The rotated-quadrature engine for a fixed r and activation. Allocation-free after construction
 * (grid buffers grow only when a larger grid is first needed).
 */
export interface RotatedEngine {
  single(f: ClusterFields, t: TimePoint, out: SingleMoments, needRegression: boolean): void;
  pair(f: ClusterFields, t1: TimePoint, t2: TimePoint, out: PairMoments): void;
}

export function rotatedEngine(r: number, act: Activation, opts: DaeQuadratureOptions = {}, needD2 = true): RotatedEngine {
  const fdf = fdfOf(act, needD2);
  const halfWidth = opts.halfWidth ?? (act.smooth && r >= 4 ? 6 : 6.5);
  const h0 = opts.spacing ?? defaultSpacing(act, r);
  const kinks = act.kinks ?? [];
  // smooth sigma: the scaled trapezoid at every r (Gauss-Hermite 12 left 7e-5 to 5e-2 RHS errors at r = 3-4 on tanh
  // states with sd(h) of 1-5, because tanh(s u) saturates); kinked sigma whose Cov(h) is singular: as before
  const fallbackRule = act.smooth || r <= 2 ? 'trapezoid' : 'gauss-hermite';
  const rule = opts.rule ?? (kinks.length > 0 ? 'kink' : fallbackRule);
  // piecewise-linear sigma (ReLU, sign, or a custom one declaring `piecewiseLinear`): the two innermost units in closed form,
  // so r = 2 is exact and r >= 3 nests r - 2 levels
  const pwl = act.piecewiseLinear === true && kinks.length > 0 ? pieceLinear(fdf, kinks) : null;
  const kink = rule === 'kink' ? kinkRule(r, kinks, opts.kinkNodes ?? (pwl && r >= 2 ? 12 : r <= 2 ? 24 : r === 3 ? 14 : 10), opts, r >= 2 ? pwl : null) : null;
  // cross-time pairs: 2r nested levels, so fewer nodes per piece at r = 2 (12: RHS error 2e-6); 'gauss-hermite' beyond r = 2
  // smooth sigma at r >= 3: the 'marginal' rule (the 2r-dimensional Gauss-Hermite product left 2e-5 to 2e-3 at ~0.5 s per pair)
  // ReLU / sign at every r: the 'marginal' rule with its closed-form inner pair (r = 2, grid {0.3, 0.7}: 2.6e-11 in 4 ms per RHS,
  // where the nested 'kink' rule at 12 nodes left 3.6e-6 in 138 ms, and 2.2e-3 at times 0.3, 0.35)
  const pairRule = opts.crossRule ?? (pwl !== null ? 'marginal' : kinks.length > 0 && r <= 2 ? 'kink' : r >= 3 && (act.smooth || kinks.length > 0) ? 'marginal' : 'gauss-hermite');
  const kinkPair = pairRule === 'kink' ? kinkRule(2 * r, kinks, opts.crossKinkNodes ?? (r === 1 ? 24 : 12), opts) : null;
  const marginalPair: PairFn | null =
    pairRule === 'marginal' ? marginalPairRule(r, act, { spacing: checkedPositive(opts.crossSpacing ?? 0.4, 'crossSpacing', 2), ridge: checkedPositive(opts.crossRidge ?? 1.2, 'crossRidge', 4), halfWidth, maxAxisNodes: 2001 }) : null;
  // kinked sigma: the same marginals, each by nested piecewise Gauss-Legendre in its own triangular coordinates
  const marginalKink =
    pairRule === 'marginal' && kinks.length > 0
      ? (() => {
          // piecewise-linear sigma: the innermost pair in closed form, crossKinkNodes (default 8) per outer piece;
          // otherwise nested Gauss-Legendre, crossKinkNodes (default 12) for the 4-unit marginals, 16 and 24 for the 3- and 2-unit ones
          const exactInner = pwl !== null;
          const kr = kinkRule(4, kinks, opts.crossKinkNodes ?? (exactInner ? 8 : 12), opts);
          const n4 = kr.gl.nodes.length;
          const gls = exactInner ? [kr.gl, kr.gl, kr.gl] : [gaussLegendre(Math.max(24, n4)), gaussLegendre(Math.max(16, n4)), kr.gl];
          return marginalKinkPairRule(r, act, { kinks: kr.kinks, gl: gls, halfWidth: kr.halfWidth, pieces: pwl, outerRules: exactInner ? outerRules(n4) : undefined });
        })()
      : null;
  const gh = gaussHermiteNormal(opts.ghNodes ?? 12);
  const ghCross = gaussHermiteNormal(opts.crossNodes ?? 10);
  const maxNodes = opts.maxNodes ?? 400_000;
  const rr = r * r;

  // scratch sized for nh = 2r (pairs)
  const nhMax = 2 * r;
  const eig1: SymEigen = symEigen(r);
  const eig2: SymEigen = symEigen(2 * r);
  const Om = new Float64Array(nhMax * nhMax);
  const Us = new Float64Array(nhMax * nhMax); // nh x k (row stride nhMax)
  const A0 = new Float64Array(r * nhMax); // r x k (row stride nhMax)
  const A1 = new Float64Array(r * nhMax);
  const C00 = new Float64Array(rr);
  const C11 = new Float64Array(rr);
  const C01 = new Float64Array(rr);
  const sv = new Float64Array(nhMax);
  const counts = new Int32Array(nhMax);
  const idx = new Int32Array(nhMax);
  const u = new Float64Array(nhMax);
  const mh = new Float64Array(nhMax);
  const h = new Float64Array(nhMax);
  const sg = new Float64Array(3 * nhMax); // sigma, sigma', sigma'' per unit
  const l0 = new Float64Array(r);
  const l1 = new Float64Array(r);
  const gb = new Float64Array(nhMax); // gamma-bar per (time, unit)
  const pb = new Float64Array(nhMax); // psi-bar
  const C0g = new Float64Array(rr);
  const C1g = new Float64Array(rr);
  const pairDsds = new Float64Array(rr);
  const pairPsiBar = new Float64Array(rr);
  let nodeBuf: Float64Array[] = [];
  let wBuf: Float64Array[] = [];
  for (let j = 0; j < nhMax; j++) {
    nodeBuf.push(new Float64Array(64));
    wBuf.push(new Float64Array(64));
  }

  /**
   * Given A0, A1 over k directions: the conditional covariances C00 = Q - A0 A0^T, C11 = S - A1 A1^T,
   * C01 = -A0 A1^T (constant in u) and the pre-activation means mh, shared by `rotate` and `triangular`.
   */
  function conditionalFill(f: ClusterFields, ts: TimePoint[], nt: number, k: number): void {
    const { Q, S } = f;
    for (let i = 0; i < r; i++) {
      for (let l = 0; l < r; l++) {
        let c00 = Q[i * r + l];
        let c11 = S[i * r + l];
        let c01 = 0;
        for (let j = 0; j < k; j++) {
          c00 -= A0[i * nhMax + j] * A0[l * nhMax + j];
          c11 -= A1[i * nhMax + j] * A1[l * nhMax + j];
          c01 -= A0[i * nhMax + j] * A1[l * nhMax + j];
        }
        C00[i * r + l] = c00;
        C11[i * r + l] = c11;
        C01[i * r + l] = c01;
      }
    }
    for (let a = 0; a < nt; a++) for (let i = 0; i < r; i++) mh[a * r + i] = ts[a].beta * f.M[i] + ts[a].p * f.v[i];
  }

  /** Rotate: fills Us, A0, A1, C00, C11, C01, sv; returns k. */
  function rotate(f: ClusterFields, ts: TimePoint[], nt: number): number {
    const nh = nt * r;
    const { Q, S } = f;
    for (let a = 0; a < nt; a++) {
      for (let bb = 0; bb < nt; bb++) {
        const cq = ts[a].alpha * ts[bb].alpha;
        const cs = ts[a].beta * ts[bb].beta;
        for (let i = 0; i < r; i++) {
          for (let k = 0; k < r; k++) Om[(a * r + i) * nh + (bb * r + k)] = cq * Q[i * r + k] + cs * S[i * r + k];
        }
      }
    }
    const eig = nt === 1 ? eig1 : eig2;
    eig.run(Om);
    const vals = eig.values;
    const vecs = eig.vectors;
    const cut = 1e-13 * Math.max(vals[0], 0);
    let k = 0;
    while (k < nh && vals[k] > cut && vals[k] > 1e-300) k++;
    for (let j = 0; j < k; j++) sv[j] = Math.sqrt(vals[j]);
    for (let i = 0; i < nh; i++) for (let j = 0; j < k; j++) Us[i * nhMax + j] = vecs[i * nh + j] * sv[j];
    // A0 = [alpha_t Q]_t U_k diag(1/s) ; A1 = [beta_t S]_t U_k diag(1/s)
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < k; j++) {
        let a0 = 0;
        let a1 = 0;
        for (let a = 0; a < nt; a++) {
          let x0 = 0;
          let x1 = 0;
          for (let l = 0; l < r; l++) {
            const uv = vecs[(a * r + l) * nh + j];
            x0 += Q[i * r + l] * uv;
            x1 += S[i * r + l] * uv;
          }
          a0 += ts[a].alpha * x0;
          a1 += ts[a].beta * x1;
        }
        A0[i * nhMax + j] = a0 / sv[j];
        A1[i * nhMax + j] = a1 / sv[j];
      }
    }
    conditionalFill(f, ts, nt, k);
    return k;
  }

  function ensure(j: number, n: number): void {
    if (nodeBuf[j].length < n) {
      nodeBuf = nodeBuf.slice();
      wBuf = wBuf.slice();
      nodeBuf[j] = new Float64Array(n);
      wBuf[j] = new Float64Array(n);
    }
  }

  /** Build the per-direction rules; returns total node count. */
  function buildGrid(k: number, useTrap: boolean, ghRule: { nodes: Float64Array; weights: Float64Array }): number {
    if (!useTrap) {
      let total = 1;
      for (let j = 0; j < k; j++) {
        const n = ghRule.nodes.length;
        ensure(j, n);
        nodeBuf[j].set(ghRule.nodes);
        wBuf[j].set(ghRule.weights);
        counts[j] = n;
        total *= n;
      }
      return total;
    }
    // spacing min(h0, h0/s_j); coarsen uniformly if the product grid exceeds maxNodes
    let scale = 1;
    for (let attempt = 0; attempt < 60; attempt++) {
      let total = 1;
      for (let j = 0; j < k; j++) {
        const sp = scale * Math.min(h0, h0 / sv[j]);
        counts[j] = 2 * Math.floor(halfWidth / sp + 1e-9) + 1;
        total *= counts[j];
      }
      if (total <= maxNodes) break;
      scale *= 1.25;
    }
    let total = 1;
    for (let j = 0; j < k; j++) {
      const sp = scale * Math.min(h0, h0 / sv[j]);
      ensure(j, counts[j]);
      counts[j] = trapezoidNormalInto(halfWidth, sp, nodeBuf[j], wBuf[j]);
      total *= counts[j];
    }
    return total;
  }

  const hp = new Float64Array(r);
  const l0p = new Float64Array(r);
  const l1p = new Float64Array(r);
  let tabH: Float64Array[] = [];
  let tabL0: Float64Array[] = [];
  let tabL1: Float64Array[] = [];
  for (let j = 0; j < nhMax; j++) {
    tabH.push(new Float64Array(64 * r));
    tabL0.push(new Float64Array(64 * r));
    tabL1.push(new Float64Array(64 * r));
  }
  function ensureTab(j: number, n: number): void {
    if (tabH[j].length < n) {
      tabH = tabH.slice();
      tabL0 = tabL0.slice();
      tabL1 = tabL1.slice();
      tabH[j] = new Float64Array(n);
      tabL0[j] = new Float64Array(n);
      tabL1[j] = new Float64Array(n);
    }
  }
  const acc = { Q: new Float64Array(0) as Float64Array, M: new Float64Array(0) as Float64Array, c1: 0, c0: 0, reg: false, out: null as unknown as SingleMoments };
  /** Add one node (h, l0, l1 filled) with weight w to the single-time accumulators. */
  function accumulate(w: number): void {
    const { Q, M, c1, c0, out } = acc;
    for (let i = 0; i < r; i++) fdf(h[i], sg, 3 * i);
    for (let i = 0; i < r; i++) {
      let qs = 0;
      for (let l = 0; l < r; l++) qs += Q[i * r + l] * sg[3 * l];
      const g = c1 * (M[i] + l1[i]) + c0 * l0[i] - qs;
      gb[i] = g;
      pb[i] = sg[3 * i + 1] * g;
    }
    const { Es, Eds, Ed2g, Epsi, Edsds, Ess, Espsi, Epsipsi } = out;
    for (let i = 0; i < r; i++) {
      const si = sg[3 * i];
      const di = sg[3 * i + 1];
      const pi = pb[i];
      const wsi = w * si;
      const wdi = w * di;
      const wpi = w * pi;
      Es[i] += wsi;
      Eds[i] += wdi;
      Ed2g[i] += w * sg[3 * i + 2] * gb[i];
      Epsi[i] += wpi;
      for (let l = i; l < r; l++) {
        Edsds[i * r + l] += wdi * sg[3 * l + 1];
        Ess[i * r + l] += wsi * sg[3 * l];
        Epsipsi[i * r + l] += wpi * pb[l];
      }
      for (let l = 0; l < r; l++) Espsi[i * r + l] += wsi * pb[l];
    }
    if (acc.reg) {
      const { El0psi, El1psi } = out;
      for (let i = 0; i < r; i++) {
        const wl0 = w * l0[i];
        const wl1 = w * l1[i];
        for (let l = 0; l < r; l++) {
          El0psi[i * r + l] += wl0 * pb[l];
          El1psi[i * r + l] += wl1 * pb[l];
        }
      }
    }
  }

  // ---- the 'kink' rule: triangular coordinates and nested piecewise Gauss-Legendre ----------------
  const Lt = new Float64Array(nhMax * nhMax); // lower-triangular factor of Omega = Cov(h), row stride nhMax
  const hPart = new Float64Array((nhMax + 1) * nhMax); // per level: mh + sum_{j < level} L[:, j] u_j
  const l0Part = new Float64Array((nhMax + 1) * r);
  const l1Part = new Float64Array((nhMax + 1) * r);

  /**
   * Cholesky Omega = L L^T of Cov(h) over the nt = ts.length times (nh = nt r) into Lt;
   * A0 = [alpha_t Q]_t L^{-T}, A1 = [beta_t S]_t L^{-T} (r x nh); the conditional covariances
   * C00, C11, C01 and mh as in `rotate`. False when a pivot is below 1e-13 of the largest diagonal
   * (a singular Cov(h), e.g. equal times or a rank-deficient Q): the caller then falls back.
   */
  function triangular(f: ClusterFields, ts: TimePoint[], nt: number): boolean {
    const { Q, S } = f;
    const nh = nt * r;
    const om = (i: number, j: number): number => {
      const a = (i / r) | 0;
      const b = (j / r) | 0;
      const ii = i - a * r;
      const jj = j - b * r;
      return ts[a].alpha * ts[b].alpha * Q[ii * r + jj] + ts[a].beta * ts[b].beta * S[ii * r + jj];
    };
    let dmax = 0;
    for (let i = 0; i < nh; i++) dmax = Math.max(dmax, om(i, i));
    if (!(dmax > 1e-300)) return false;
    for (let i = 0; i < nh; i++) {
      for (let j = 0; j <= i; j++) {
        let x = om(i, j);
        for (let l = 0; l < j; l++) x -= Lt[i * nhMax + l] * Lt[j * nhMax + l];
        if (i === j) {
          if (!(x > 1e-13 * dmax)) return false;
          Lt[i * nhMax + i] = Math.sqrt(x);
        } else {
          Lt[i * nhMax + j] = x / Lt[j * nhMax + j];
        }
      }
      for (let j = i + 1; j < nh; j++) Lt[i * nhMax + j] = 0;
    }
    // Row i of A0 solves L a = Cov(h, lambda0_i) (forward substitution); Cov(h_(t,l), lambda0_i) = alpha_t Q[l, i].
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < nh; j++) {
        const a = (j / r) | 0;
        const jl = j - a * r;
        let x0 = ts[a].alpha * Q[jl * r + i];
        let x1 = ts[a].beta * S[jl * r + i];
        for (let l = 0; l < j; l++) {
          x0 -= Lt[j * nhMax + l] * A0[i * nhMax + l];
          x1 -= Lt[j * nhMax + l] * A1[i * nhMax + l];
        }
        A0[i * nhMax + j] = x0 / Lt[j * nhMax + j];
        A1[i * nhMax + j] = x1 / Lt[j * nhMax + j];
      }
    }
    conditionalFill(f, ts, nt, nh);
    for (let l = 0; l < nh; l++) hPart[l] = mh[l];
    for (let l = 0; l < r; l++) {
      l0Part[l] = 0;
      l1Part[l] = 0;
    }
    return true;
  }

  /**
   * Level j of the nested rule over nh levels: u_j over the pieces of [-w, w] cut at unit j's kinks
   * (kink - hPart_j) / L_jj, Gauss-Legendre on each piece with weight phi(u_j); the last level
   * fills h (nh), l0, l1 (r) and calls `leaf` with the node's weight.
   */
  function nested(kr: KinkRule, nh: number, j: number, w: number, leaf: (w: number) => void): void {
    if (kr.exact !== null && j === nh - 2) {
      closedInner(kr, nh, w, leaf);
      return;
    }
    const hb = j * nhMax;
    const hn = hb + nhMax;
    const lb = j * r;
    const ln = lb + r;
    const Ljj = Lt[j * nhMax + j];
    const hj = hPart[hb + j];
    const { cuts, gl, halfWidth: wd, exact } = kr;
    const co = j * kr.stride; // each level its own cuts (deeper levels run inside this loop)
    let nc = 0;
    for (const kx of kr.kinks) {
      const c = (kx - hj) / Ljj;
      if (c > -wd && c < wd) cuts[co + nc++] = c;
    }
    if (exact !== null) {
      for (const c of OUTER_CUTS) cuts[co + nc++] = c;
      sortRange(cuts, co, co + nc);
    }
    const last = j === nh - 1;
    let lo = -wd;
    for (let piece = 0; piece <= nc; piece++) {
      const hi = piece < nc ? cuts[co + piece] : wd;
      const half = 0.5 * (hi - lo);
      const mid = 0.5 * (hi + lo);
      const rule = exact !== null ? kr.rules[outerCount(gl.nodes.length, hi - lo)] : gl;
      for (let q = 0; half > 0 && q < rule.nodes.length; q++) {
        const uj = mid + half * rule.nodes[q];
        const wq = w * half * rule.weights[q] * INV_SQRT_2PI * Math.exp(-0.5 * uj * uj);
        if (wq < 1e-300) continue;
        if (last) {
          for (let l = 0; l < nh; l++) h[l] = hPart[hb + l] + Lt[l * nhMax + j] * uj;
          for (let l = 0; l < r; l++) {
            l0[l] = l0Part[lb + l] + A0[l * nhMax + j] * uj;
            l1[l] = l1Part[lb + l] + A1[l * nhMax + j] * uj;
          }
          leaf(wq);
        } else {
          for (let l = 0; l < nh; l++) hPart[hn + l] = hPart[hb + l] + Lt[l * nhMax + j] * uj;
          for (let l = 0; l < r; l++) {
            l0Part[ln + l] = l0Part[lb + l] + A0[l * nhMax + j] * uj;
            l1Part[ln + l] = l1Part[lb + l] + A1[l * nhMax + j] * uj;
          }
          nested(kr, nh, j + 1, wq, leaf);
        }
      }
      lo = hi;
    }
  }

  let za = new Float64Array(0);
  let zb = new Float64Array(0);
  let cellM = new Float64Array(6);
  const omega = new Float64Array(6);
  /**
   * The two innermost levels a = nh - 2, b = nh - 1 in closed form (piecewise-linear sigma): given the outer
   * u's, (h_a, h_b) in standardized coordinates (za, zb) = (u_a, (L_ba u_a + L_bb u_b) / s_b) is bivariate
   * normal; each cell of sigma's pieces gets the six interpolation nodes around an interior point
   * (corner + 1 into the cell, step 0.5: all inside, so the leaf's own sigma is the cell's linear piece).
   */
  function closedInner(kr: KinkRule, nh: number, w: number, leaf: (w: number) => void): void {
    const a = nh - 2;
    const b = nh - 1;
    const hb = a * nhMax;
    const lb = a * r;
    const ma = hPart[hb + a];
    const mb = hPart[hb + b];
    const sa = Lt[a * nhMax + a];
    const Lba = Lt[b * nhMax + a];
    const Lbb = Lt[b * nhMax + b];
    const sb = Math.hypot(Lba, Lbb);
    const rho = Math.max(-1, Math.min(1, Lba / sb));
    const nk = kr.kinks.length;
    if (za.length !== nk + 2) {
      za = new Float64Array(nk + 2);
      zb = new Float64Array(nk + 2);
      cellM = new Float64Array(6 * (nk + 1) * (nk + 1));
    }
    za[0] = Number.NEGATIVE_INFINITY;
    zb[0] = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < nk; q++) {
      za[q + 1] = (kr.kinks[q] - ma) / sa;
      zb[q + 1] = (kr.kinks[q] - mb) / sb;
    }
    za[nk + 1] = Number.POSITIVE_INFINITY;
    zb[nk + 1] = Number.POSITIVE_INFINITY;
    bivariateNormalGridMoments(za, zb, rho, cellM);
    // no dead cells here: single-time moments such as E[sigma_i] involve one unit, not all
    for (let qa = 0; qa <= nk; qa++) {
      for (let qb = 0; qb <= nk; qb++) {
        const o = 6 * (qa * (nk + 1) + qb);
        if (cellM[o] === 0) continue;
        const ca = cellCentre(za[qa], za[qa + 1]);
        const cb = cellCentre(zb[qb], zb[qb + 1]);
        const st = Math.min(0.5, 0.25 * (za[qa + 1] - za[qa]), 0.25 * (zb[qb + 1] - zb[qb]));
        cellWeights(cellM, o, w, ca, cb, st, omega);
        for (let p = 0; p < 6; p++) {
          const x = ca + st * NODE_X[p];
          const y = cb + st * NODE_Y[p];
          const ua = x;
          const ub = (sb * y - Lba * x) / Lbb;
          for (let l = 0; l < nh; l++) h[l] = hPart[hb + l] + Lt[l * nhMax + a] * ua + Lt[l * nhMax + b] * ub;
          for (let l = 0; l < r; l++) {
            l0[l] = l0Part[lb + l] + A0[l * nhMax + a] * ua + A0[l * nhMax + b] * ub;
            l1[l] = l1Part[lb + l] + A1[l * nhMax + a] * ua + A1[l * nhMax + b] * ub;
          }
          leaf(omega[p]);
        }
      }
    }
  }

/** An interior point of [lo, hi] (either end may be infinite): 1 inside a single finite end, else the middle. */
  function cellCentre(lo: number, hi: number): number {
    if (lo === Number.NEGATIVE_INFINITY) return hi === Number.POSITIVE_INFINITY ? 0 : hi - 1;
    return hi === Number.POSITIVE_INFINITY ? lo + 1 : 0.5 * (lo + hi);
  }

  const tsBuf: TimePoint[] = [
    { alpha: 0, beta: 0, p: 0 },
    { alpha: 0, beta: 0, p: 0 },
  ];

  function single(f: ClusterFields, t: TimePoint, out: SingleMoments, needRegression: boolean): void {
    tsBuf[0] = t;
    const tri = kink !== null && triangular(f, tsBuf, 1);
    const k = tri ? r : rotate(f, tsBuf, 1);
    const total = tri ? 0 : buildGrid(k, (rule === 'kink' ? fallbackRule : rule) === 'trapezoid', gh);
    const { Q, M } = f;
    const c1 = 1 - f.b * t.beta;
    const c0 = -f.b * t.alpha;
    const { Es, Eds, Ed2g, Epsi, Edsds, Ess, Espsi, Epsipsi, El0psi, El1psi } = out;
    Es.fill(0);
    Eds.fill(0);
    Ed2g.fill(0);
    Epsi.fill(0);
    Edsds.fill(0);
    Ess.fill(0);
    Espsi.fill(0);
    Epsipsi.fill(0);
    El0psi.fill(0);
    El1psi.fill(0);
    void total;
    // per-direction contribution tables: h, lambda0-bar, lambda1-bar per node
    for (let j = 0; j < (tri ? 0 : k); j++) {
      const n = counts[j];
      ensureTab(j, n * r);
      const th = tabH[j];
      const t0 = tabL0[j];
      const t1 = tabL1[j];
      const nd = nodeBuf[j];
      for (let i = 0; i < n; i++) {
        const uj = nd[i];
        for (let l = 0; l < r; l++) {
          th[i * r + l] = Us[l * nhMax + j] * uj;
          t0[i * r + l] = A0[l * nhMax + j] * uj;
          t1[i * r + l] = A1[l * nhMax + j] * uj;
        }
      }
    }
    acc.Q = Q;
    acc.M = M;
    acc.c1 = c1;
    acc.c0 = c0;
    acc.reg = needRegression;
    acc.out = out;
    if (tri && kink) {
      nested(kink, r, 0, 1, accumulate);
    } else if (k === 0) {
      for (let l = 0; l < r; l++) {
        h[l] = mh[l];
        l0[l] = 0;
        l1[l] = 0;
      }
      accumulate(1);
    } else if (k === 1) {
      const th = tabH[0];
      const t0 = tabL0[0];
      const t1 = tabL1[0];
      const w0 = wBuf[0];
      for (let i0 = 0; i0 < counts[0]; i0++) {
        for (let l = 0; l < r; l++) {
          h[l] = mh[l] + th[i0 * r + l];
          l0[l] = t0[i0 * r + l];
          l1[l] = t1[i0 * r + l];
        }
        accumulate(w0[i0]);
      }
    } else if (k === 2) {
      const thA = tabH[0];
      const t0A = tabL0[0];
      const t1A = tabL1[0];
      const thB = tabH[1];
      const t0B = tabL0[1];
      const t1B = tabL1[1];
      const wA = wBuf[0];
      const wB = wBuf[1];
      const nA = counts[0];
      const nB = counts[1];
      for (let i0 = 0; i0 < nA; i0++) {
        for (let l = 0; l < r; l++) {
          hp[l] = mh[l] + thA[i0 * r + l];
          l0p[l] = t0A[i0 * r + l];
          l1p[l] = t1A[i0 * r + l];
        }
        const wa = wA[i0];
        for (let i1 = 0; i1 < nB; i1++) {
          const w = wa * wB[i1];
          if (w < 1e-17) continue;
          for (let l = 0; l < r; l++) {
            h[l] = hp[l] + thB[i1 * r + l];
            l0[l] = l0p[l] + t0B[i1 * r + l];
            l1[l] = l1p[l] + t1B[i1 * r + l];
          }
          accumulate(w);
        }
      }
    } else {
      idx.fill(0);
      for (let node = 0; node < total; node++) {
        let w = 1;
        for (let j = 0; j < k; j++) w *= wBuf[j][idx[j]];
        for (let l = 0; l < r; l++) {
          let hh = mh[l];
          let a0 = 0;
          let a1 = 0;
          for (let j = 0; j < k; j++) {
            const o = idx[j] * r + l;
            hh += tabH[j][o];
            a0 += tabL0[j][o];
            a1 += tabL1[j][o];
          }
          h[l] = hh;
          l0[l] = a0;
          l1[l] = a1;
        }
        accumulate(w);
        for (let j = 0; j < k; j++) {
          if (++idx[j] < counts[j]) break;
          idx[j] = 0;
        }
      }
    }
    // mirror the upper triangles of the symmetric accumulators
    for (let i = 0; i < r; i++) {
      for (let l = 0; l < i; l++) {
        Edsds[i * r + l] = Edsds[l * r + i];
        Ess[i * r + l] = Ess[l * r + i];
        Epsipsi[i * r + l] = Epsipsi[l * r + i];
      }
    }
    // closed-form conditional (residual) parts
    for (let i = 0; i < r; i++) {
      for (let l = 0; l < r; l++) {
        // Cov(gamma, gamma | u) = c1^2 C11 + c0^2 C00 + c1 c0 (C10 + C01)
        const cgg = c1 * c1 * C11[i * r + l] + c0 * c0 * C00[i * r + l] + c1 * c0 * (C01[l * r + i] + C01[i * r + l]);
        Epsipsi[i * r + l] += Edsds[i * r + l] * cgg;
        if (needRegression) {
          // Cov(lambda0, gamma) = c1 C01 + c0 C00 ; Cov(lambda1, gamma) = c1 C11 + c0 C10
          C0g[i * r + l] = c1 * C01[i * r + l] + c0 * C00[i * r + l];
          C1g[i * r + l] = c1 * C11[i * r + l] + c0 * C01[l * r + i];
          El0psi[i * r + l] += C0g[i * r + l] * Eds[l];
          El1psi[i * r + l] += C1g[i * r + l] * Eds[l];
        }
      }
    }
  }

  const pacc = { Q: new Float64Array(0) as Float64Array, M: new Float64Array(0) as Float64Array, c1a: 0, c0a: 0, c1b: 0, c0b: 0, out: null as unknown as PairMoments };
  /** Add one node (h for both times, l0, l1 filled) with weight w to the cross-time accumulators. */
  function accumulatePair(w: number): void {
    const { Q, M, c1a, c0a, c1b, c0b, out } = pacc;
    const { Ess, Espsi, Epsis } = out;
    for (let i = 0; i < 2 * r; i++) fdf(h[i], sg, 3 * i);
    for (let a = 0; a < 2; a++) {
      const c1 = a === 0 ? c1a : c1b;
      const c0 = a === 0 ? c0a : c0b;
      for (let i = 0; i < r; i++) {
        let qs = 0;
        for (let l = 0; l < r; l++) qs += Q[i * r + l] * sg[3 * (a * r + l)];
        const g = c1 * (M[i] + l1[i]) + c0 * l0[i] - qs;
        gb[a * r + i] = g;
        pb[a * r + i] = sg[3 * (a * r + i) + 1] * g;
      }
    }
    for (let i = 0; i < r; i++) {
      const wsa = w * sg[3 * i];
      const wpa = w * pb[i];
      const wda = w * sg[3 * i + 1];
      for (let l = 0; l < r; l++) {
        const sb = sg[3 * (r + l)];
        const pbl = pb[r + l];
        Ess[i * r + l] += wsa * sb;
        Espsi[i * r + l] += wsa * pbl;
        Epsis[i * r + l] += wpa * sb;
        pairPsiBar[i * r + l] += wpa * pbl;
        pairDsds[i * r + l] += wda * sg[3 * (r + l) + 1];
      }
    }
  }

  function pair(f: ClusterFields, ta: TimePoint, tb: TimePoint, out: PairMoments): void {
    if (marginalKink?.(f, ta, tb, out)) return;
    if (marginalPair) {
      // smooth sigma, or a singular Cov(h_U) of some marginal of a kinked one
      marginalPair(f, ta, tb, out);
      return;
    }
    tsBuf[0] = ta;
    tsBuf[1] = tb;
    const nh = 2 * r;
    const tri = kinkPair !== null && triangular(f, tsBuf, 2);
    const k = tri ? nh : rotate(f, tsBuf, 2);
    const total = tri ? 0 : buildGrid(k, false, ghCross);
    pacc.Q = f.Q;
    pacc.M = f.M;
    pacc.c1a = 1 - f.b * ta.beta;
    pacc.c0a = -f.b * ta.alpha;
    pacc.c1b = 1 - f.b * tb.beta;
    pacc.c0b = -f.b * tb.alpha;
    pacc.out = out;
    const { c1a, c0a, c1b, c0b } = pacc;
    const { Ess, Espsi, Epsis, Epsipsi } = out;
    Ess.fill(0);
    Espsi.fill(0);
    Epsis.fill(0);
    pairDsds.fill(0);
    pairPsiBar.fill(0);
    if (tri && kinkPair) {
      nested(kinkPair, nh, 0, 1, accumulatePair);
    } else {
      idx.fill(0);
      for (let node = 0; node < total; node++) {
        let w = 1;
        for (let j = 0; j < k; j++) {
          u[j] = nodeBuf[j][idx[j]];
          w *= wBuf[j][idx[j]];
        }
        for (let i = 0; i < r; i++) {
          let a0 = 0;
          let a1 = 0;
          for (let j = 0; j < k; j++) {
            a0 += A0[i * nhMax + j] * u[j];
            a1 += A1[i * nhMax + j] * u[j];
          }
          l0[i] = a0;
          l1[i] = a1;
        }
        for (let i = 0; i < nh; i++) {
          let hi = mh[i];
          for (let j = 0; j < k; j++) hi += Us[i * nhMax + j] * u[j];
          h[i] = hi;
        }
        accumulatePair(w);
        for (let j = 0; j < k; j++) {
          if (++idx[j] < counts[j]) break;
          idx[j] = 0;
        }
      }
    }
    for (let i = 0; i < r; i++) {
      for (let l = 0; l < r; l++) {
        // Cov(gamma_a_i, gamma_b_l) = c1a c1b C11 + c0a c0b C00 + c1a c0b C10 + c0a c1b C01
        const cab = c1a * c1b * C11[i * r + l] + c0a * c0b * C00[i * r + l] + c1a * c0b * C01[l * r + i] + c0a * c1b * C01[i * r + l];
        Epsipsi[i * r + l] = pairPsiBar[i * r + l] + pairDsds[i * r + l] * cab;
      }
    }
  }

  return { single, pair };
}


/**
 * Closed-form moments for sigma(x) = x (Cui et al. 2025, Result 2.1): no quadrature. Fills the same SingleMoments
 * (with Eds = 1, Ed2g = 0, Edsds = 1 1^T) and PairMoments as the rotated engine.
 */
export function linearSingleMoments(r: number, f: ClusterFields, t: TimePoint, out: SingleMoments, scratch: LinearScratch): void {
  linearFill(r, f, t, t, scratch);
  const { mhA, kA, Ehh, Ehg, Egg, Eh0g, Eh1g } = scratch;
  for (let i = 0; i < r; i++) {
    out.Es[i] = mhA[i];
    out.Eds[i] = 1;
    out.Ed2g[i] = 0;
    out.Epsi[i] = kA[i];
  }
  out.Edsds.fill(1);
  out.Ess.set(Ehh);
  out.Espsi.set(Ehg);
  out.Epsipsi.set(Egg);
  out.El0psi.set(Eh0g);
  out.El1psi.set(Eh1g);
}

export function linearPairMoments(r: number, f: ClusterFields, ta: TimePoint, tb: TimePoint, out: PairMoments, scratch: LinearScratch): void {
  linearFill(r, f, ta, tb, scratch);
  out.Ess.set(scratch.Ehh);
  out.Espsi.set(scratch.Ehg);
  out.Epsis.set(scratch.Egh);
  out.Epsipsi.set(scratch.Egg);
}

export interface LinearScratch {
  mhA: Float64Array;
  mhB: Float64Array;
  kA: Float64Array;
  kB: Float64Array;
  K0a: Float64Array;
  K1a: Float64Array;
  K0b: Float64Array;
  K1b: Float64Array;
  T1: Float64Array;
  Ehh: Float64Array;
  Ehg: Float64Array;
  Egh: Float64Array;
  Egg: Float64Array;
  Eh0g: Float64Array;
  Eh1g: Float64Array;
}

export function linearScratch(r: number): LinearScratch {
  const v = () => new Float64Array(r);
  const m = () => new Float64Array(r * r);
  return { mhA: v(), mhB: v(), kA: v(), kB: v(), K0a: m(), K1a: m(), K0b: m(), K1b: m(), T1: m(), Ehh: m(), Ehg: m(), Egh: m(), Egg: m(), Eh0g: m(), Eh1g: m() };
}

/**
 * gamma_t = K0_t lambda0 + K1_t lambda1 + k_t with K0 = -alpha (b I + Q), K1 = (1 - b beta) I - beta Q,
 * k = (1 - b beta) M - Q mh; h_t = alpha lambda0 + beta lambda1 + mh_t.
 */
function linearFill(r: number, f: ClusterFields, ta: TimePoint, tb: TimePoint, s: LinearScratch): void {
  const { Q, S, M, b, v } = f;
  const tt = [ta, tb];
  const mhs = [s.mhA, s.mhB];
  const ks = [s.kA, s.kB];
  const K0s = [s.K0a, s.K0b];
  const K1s = [s.K1a, s.K1b];
  for (let a = 0; a < 2; a++) {
    const t = tt[a];
    const mh = mhs[a];
    for (let i = 0; i < r; i++) mh[i] = t.beta * M[i] + t.p * v[i];
    for (let i = 0; i < r; i++) {
      let qm = 0;
      for (let l = 0; l < r; l++) qm += Q[i * r + l] * mh[l];
      ks[a][i] = (1 - b * t.beta) * M[i] - qm;
      for (let l = 0; l < r; l++) {
        const id = i === l ? 1 : 0;
        K0s[a][i * r + l] = -t.alpha * (b * id + Q[i * r + l]);
        K1s[a][i * r + l] = (1 - b * t.beta) * id - t.beta * Q[i * r + l];
      }
    }
  }
  const { Ehh, Ehg, Egh, Egg, Eh0g, Eh1g, mhA, mhB, kA, kB, K0a, K1a, K0b, K1b } = s;
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < r; l++) {
      Ehh[i * r + l] = ta.alpha * tb.alpha * Q[i * r + l] + ta.beta * tb.beta * S[i * r + l] + mhA[i] * mhB[l];
      // E[h_a gamma_b^T] = alpha_a Q K0_b^T + beta_a S K1_b^T + mh_a k_b^T
      let x0 = 0;
      let x1 = 0;
      let y0 = 0;
      let y1 = 0;
      for (let m = 0; m < r; m++) {
        x0 += Q[i * r + m] * K0b[l * r + m];
        x1 += S[i * r + m] * K1b[l * r + m];
        y0 += Q[i * r + m] * K0a[l * r + m];
        y1 += S[i * r + m] * K1a[l * r + m];
      }
      Ehg[i * r + l] = ta.alpha * x0 + ta.beta * x1 + mhA[i] * kB[l];
      // E[gamma_a h_b^T] = (E[h_b gamma_a^T])^T ; compute E[h_b gamma_a^T]_{l i}
      let z0 = 0;
      let z1 = 0;
      for (let m = 0; m < r; m++) {
        z0 += Q[l * r + m] * K0a[i * r + m];
        z1 += S[l * r + m] * K1a[i * r + m];
      }
      Egh[i * r + l] = tb.alpha * z0 + tb.beta * z1 + mhB[l] * kA[i];
      // E[lambda0 gamma_a^T] = Q K0_a^T ; E[lambda1 gamma_a^T] = S K1_a^T
      Eh0g[i * r + l] = y0;
      Eh1g[i * r + l] = y1;
    }
  }
  // E[gamma_a gamma_b^T] = K0a Q K0b^T + K1a S K1b^T + k_a k_b^T
  const T1 = s.T1;
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < r; l++) {
      let x = 0;
      for (let m = 0; m < r; m++) x += K0a[i * r + m] * Q[m * r + l];
      T1[i * r + l] = x;
    }
  }
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < r; l++) {
      let x = 0;
      for (let m = 0; m < r; m++) x += T1[i * r + m] * K0b[l * r + m];
      Egg[i * r + l] = x + kA[i] * kB[l];
    }
  }
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < r; l++) {
      let x = 0;
      for (let m = 0; m < r; m++) x += K1a[i * r + m] * S[m * r + l];
      T1[i * r + l] = x;
    }
  }
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < r; l++) {
      let x = 0;
      for (let m = 0; m < r; m++) x += T1[i * r + m] * K1b[l * r + m];
      Egg[i * r + l] += x;
    }
  }
}
