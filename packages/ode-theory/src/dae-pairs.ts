/**
 * Cross-time pair moments of Result 2.1 (the O(eta) noise term on a multi-time grid) by their unit
 * MARGINALS: the 'marginal' cross rule of the rotated engine, the default for smooth sigma at r >= 3.
 *
 * The four accumulators of a pair of grid times (a, b) = (t, t'),
 *   E[sigma_a sigma_b^T], E[sigma_a psi_b^T], E[psi_a sigma_b^T], E[psi_a psi_b^T],
 * psi_{t,i} = sigma'(h_{t,i}) gamma_{t,i}, gamma_{t,i} = c1_t M_i - Q_ii sigma(h_{t,i}) + Lambda_{t,i}
 * - sum_{m != i} Q_im sigma(h_{t,m}), with Lambda_{t,i} = c1_t lambda1_i + c0_t lambda0_i Gaussian and
 * linear in xi, expand into expectations that involve at most two units of h_a (A = {i} or {i, m}) and
 * at most two units of h_b (B = {l} or {l, n}); the Gaussian-linear Lambda's enter through their
 * conditional mean given those units (linear) and, for Lambda_a Lambda_b, their conditional covariance
 * (constant), both exact. So each term is a <= 4-dimensional Gaussian integral E[F(h_A) G(h_B)] of a
 * product of a function of the time-a units and a function of the time-b units.
 *
 * Each such integral is done in canonical coordinates: whiten h_A and h_B (2 x 2 eigen-decompositions),
 * take the SVD of their cross-correlation, so that h_A = m_A + T_A x, h_B = m_B + T_B y with
 * (x_j, y_j) standard bivariate normal pairs of correlation rho_j, independent across j = 1, 2. Each
 * pair gets a rectangular trapezoid lattice (x on spacing dx_j, y on spacing dy_j) weighted by the
 * bivariate normal density, W_j[a, b], so that
 *   E[F G] ~ sum_{a, b} F(x_a) (W_1 (x) W_2)[a, b] G(y_b) = <F, T G>,  T G = (W_1 (x) W_2) G,
 * a bilinear form computed by two mode products (O(n^3) per function instead of O(n^4) nodes). The
 * lattice is spectrally accurate (like the single-time trapezoid) when dx, dy <= min(h0, h0 / c) for the
 * largest sd c of a unit along the axis and dx dy <= ridge^2 (1 - rho): the smallest dual-lattice
 * frequency of the ridge of a correlated pair. A side that does not depend on an axis has one node (0);
 * rho = 1 to 1e-12 (h_A, h_B identical along an axis) uses one shared grid.
 *
 * Allocation-free after the buffers first reach the largest grid; same inputs give bit-identical outputs.
 */
import { type Activation, bivariateNormalGridMoments, dgemm } from '@diffusion-theory/kernel';
import { fdfOf } from './activation.js';
import type { ClusterFields, PairMoments, TimePoint } from './dae-moment-types.js';
import { cellWeights, NODE_X, NODE_Y, OUTER_CUTS, outerCount, type PieceLinear, pieceOf, sortRange } from './pwl-cells.js';

/** The unit sets of one time in the marginal expansion: every single unit {i} and every pair {i, m}, i < m. */
function unitSets(r: number): number[][] {
  const sets: number[][] = [];
  for (let i = 0; i < r; i++) sets.push([i]);
  for (let i = 0; i < r; i++) for (let m = i + 1; m < r; m++) sets.push([i, m]);
  return sets;
}

/**
 * The joint law of (h_a, h_b) = (h at time a, h at time b), 2r units: means mh, covariance Om and
 * Cov(h, Lambda) KL (row-major 2r x 2r), with Lambda_{t,i} = c1_t lambda1_i + c0_t lambda0_i.
 */
function fillJoint(r: number, f: ClusterFields, ta: TimePoint, tb: TimePoint, mh: Float64Array, Om: Float64Array, KL: Float64Array): void {
  const { Q, S, M } = f;
  const nh = 2 * r;
  for (let t = 0; t < 2; t++) {
    const tt = t === 0 ? ta : tb;
    const c1 = 1 - f.b * tt.beta;
    const c0 = -f.b * tt.alpha;
    for (let i = 0; i < r; i++) {
      mh[t * r + i] = tt.beta * M[i] + tt.p * f.v[i];
      for (let t2 = 0; t2 < 2; t2++) {
        const tu = t2 === 0 ? ta : tb;
        for (let l = 0; l < r; l++) {
          Om[(t * r + i) * nh + t2 * r + l] = tt.alpha * tu.alpha * Q[i * r + l] + tt.beta * tu.beta * S[i * r + l];
          KL[(t * r + i) * nh + t2 * r + l] = c1 * tu.beta * S[i * r + l] + c0 * tu.alpha * Q[i * r + l];
        }
      }
    }
  }
}

/** Parameters of the 'marginal' cross-time rule. */
export interface MarginalPairParams {
  /** Base spacing h0 (standard-normal units): dx <= min(h0, h0 / c). */
  spacing: number;
  /** Ridge factor: dx dy <= ridge^2 (1 - rho) along a correlated canonical pair. */
  ridge: number;
  /** Lattice half-width in standard-normal units. */
  halfWidth: number;
  /** Cap on nodes per axis (the spacing grows beyond it). */
  maxAxisNodes: number;
}

export type PairFn = (f: ClusterFields, ta: TimePoint, tb: TimePoint, out: PairMoments) => void;

/** A mode product goes to the SIMD gemm when its banded work (band entries x columns) is at least this... */
const DENSE_MIN_WORK = 1 << 15;
/** ... and the bands fill at least this fraction of W (else the banded loops do less work). */
const DENSE_MIN_FILL = 0.2;

/** Log-weight cut-off of the lattice (exp(-40) ~ 4e-18 of the peak). */
const EXP_CUT = 40;

export function marginalPairRule(r: number, act: Activation, par: MarginalPairParams): PairFn {
  const fdf = fdfOf(act, false);
  const { spacing: h0, ridge, halfWidth: L, maxAxisNodes } = par;
  const nh = 2 * r;
  const Om = new Float64Array(nh * nh); // Cov(h~), units (t, i) -> t * r + i
  const mh = new Float64Array(nh);
  const KL = new Float64Array(nh * nh); // Cov(Lambda_u, h~_v): row u = (t, i) of Lambda, column v

  // per-setup geometry (2 axes)
  const TA = new Float64Array(4); // [unit in A][axis]
  const TB = new Float64Array(4);
  const GA = new Float64Array(4); // [axis][unit in A] (pseudo-inverse of TA)
  const GB = new Float64Array(4);
  const C = new Float64Array(4);
  const P = new Float64Array(4); // columns = left singular vectors
  const R = new Float64Array(4);
  const rho = new Float64Array(2);
  const TAp = new Float64Array(4);
  const TBp = new Float64Array(4);
  const GAp = new Float64Array(4);
  const GBp = new Float64Array(4);
  const eg = new Float64Array(4); // eig2 output: l1, l2, cos, sin
  const xAct = new Uint8Array(2);
  const yAct = new Uint8Array(2);
  const degen = new Uint8Array(2);
  const nx = new Int32Array(2);
  const ny = new Int32Array(2);
  const dx = new Float64Array(2);
  const dy = new Float64Array(2);
  const sg = new Float64Array(3);

  let cap = 0;
  let Wm: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  const lo: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  const hi: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  /** Entries inside the bands of W_j (the rest of W_j is zero), to choose banded loops or a dense gemm. */
  const bandSize = [0, 0];
  function ensureAxis(n: number): void {
    if (n <= cap) return;
    cap = n;
    Wm = [new Float64Array(n * n), new Float64Array(n * n)];
    lo[0] = new Int32Array(n);
    lo[1] = new Int32Array(n);
    hi[0] = new Int32Array(n);
    hi[1] = new Int32Array(n);
  }
  let gcap = 0;
  // x-side: coordinates and sigma, sigma' of (up to) two units; y-side the same
  let X1 = new Float64Array(0);
  let X2 = new Float64Array(0);
  let Y1 = new Float64Array(0);
  let Y2 = new Float64Array(0);
  const xs: Float64Array[] = [];
  const xd: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const yd: Float64Array[] = [];
  let Z = new Float64Array(0);
  let psi = new Float64Array(0);
  const TG: Float64Array[] = [];
  const NT = 8;
  function ensureGrid(n: number, zn: number): void {
    if (n > gcap) {
      gcap = n;
      X1 = new Float64Array(n);
      X2 = new Float64Array(n);
      Y1 = new Float64Array(n);
      Y2 = new Float64Array(n);
      xs.length = 0;
      xd.length = 0;
      ys.length = 0;
      yd.length = 0;
      for (let k = 0; k < 2; k++) {
        xs.push(new Float64Array(n));
        xd.push(new Float64Array(n));
        ys.push(new Float64Array(n));
        yd.push(new Float64Array(n));
      }
      psi = new Float64Array(n);
      TG.length = 0;
      for (let k = 0; k < NT; k++) TG.push(new Float64Array(n));
    }
    if (Z.length < zn) Z = new Float64Array(zn);
  }

  /** Symmetric 2 x 2 [[a, b], [b, c]]: eg = (l1 >= l2, cos, sin), eigenvectors (cos, sin), (-sin, cos). */
  function eig2(a: number, b: number, c: number): void {
    if (b === 0) {
      if (a >= c) {
        eg[0] = a;
        eg[1] = c;
        eg[2] = 1;
        eg[3] = 0;
      } else {
        eg[0] = c;
        eg[1] = a;
        eg[2] = 0;
        eg[3] = 1;
      }
      return;
    }
    const th = 0.5 * Math.atan2(2 * b, a - c);
    const cs = Math.cos(th);
    const sn = Math.sin(th);
    eg[0] = a * cs * cs + 2 * b * cs * sn + c * sn * sn;
    eg[1] = a * sn * sn - 2 * b * cs * sn + c * cs * cs;
    eg[2] = cs;
    eg[3] = sn;
  }

  /** Whitening of the units us (1 or 2, global indices) into T (unit x axis) and G (axis x unit). */
  function whiten(us: number[], T: Float64Array, G: Float64Array): void {
    T.fill(0);
    G.fill(0);
    if (us.length === 1) {
      const w = Om[us[0] * nh + us[0]];
      if (w > 1e-300) {
        const s = Math.sqrt(w);
        T[0] = s;
        G[0] = 1 / s;
      }
      return;
    }
    const a = Om[us[0] * nh + us[0]];
    const b = Om[us[0] * nh + us[1]];
    const c = Om[us[1] * nh + us[1]];
    eig2(a, b, c);
    const cut = 1e-13 * Math.max(eg[0], 0);
    const u00 = eg[2];
    const u10 = eg[3];
    const u01 = -eg[3];
    const u11 = eg[2];
    for (let j = 0; j < 2; j++) {
      const l = eg[j];
      if (!(l > cut && l > 1e-300)) continue;
      const s = Math.sqrt(l);
      const v0 = j === 0 ? u00 : u01;
      const v1 = j === 0 ? u10 : u11;
      T[0 * 2 + j] = v0 * s;
      T[1 * 2 + j] = v1 * s;
      G[j * 2 + 0] = v0 / s;
      G[j * 2 + 1] = v1 / s;
    }
  }

  /** Geometry of the setup (A, B): canonical pairs, active axes, lattices. */
  function geometry(A: number[], B: number[]): void {
    whiten(A, TA, GA);
    whiten(B, TB, GB);
    // C = GA Om_AB GB^T (2 x 2, zero rows / columns for missing axes)
    for (let j = 0; j < 2; j++) {
      for (let k = 0; k < 2; k++) {
        let s = 0;
        for (let p = 0; p < A.length; p++) {
          for (let q = 0; q < B.length; q++) s += GA[j * 2 + p] * Om[A[p] * nh + B[q]] * GB[k * 2 + q];
        }
        C[j * 2 + k] = s;
      }
    }
    // SVD: C^T C = R diag(rho^2) R^T, P_j = C R_j / rho_j
    const ctc00 = C[0] * C[0] + C[2] * C[2];
    const ctc01 = C[0] * C[1] + C[2] * C[3];
    const ctc11 = C[1] * C[1] + C[3] * C[3];
    eig2(ctc00, ctc01, ctc11);
    R[0] = eg[2];
    R[2] = eg[3];
    R[1] = -eg[3];
    R[3] = eg[2];
    rho[0] = Math.min(1, Math.sqrt(Math.max(eg[0], 0)));
    rho[1] = Math.min(1, Math.sqrt(Math.max(eg[1], 0)));
    const c0x = C[0] * R[0] + C[1] * R[2];
    const c0y = C[2] * R[0] + C[3] * R[2];
    const n0 = Math.hypot(c0x, c0y);
    if (n0 > 1e-15) {
      P[0] = c0x / n0;
      P[2] = c0y / n0;
    } else {
      P[0] = 1;
      P[2] = 0;
      rho[0] = 0;
    }
    const c1x = C[0] * R[1] + C[1] * R[3];
    const c1y = C[2] * R[1] + C[3] * R[3];
    const sgn = -P[2] * c1x + P[0] * c1y >= 0 ? 1 : -1;
    P[1] = -sgn * P[2];
    P[3] = sgn * P[0];
    if (!(n0 > 1e-15)) rho[1] = 0;
    // T' = T P (A) and T R (B); G' = P^T G, R^T G
    let tmax = 0;
    for (let u = 0; u < 2; u++) {
      for (let j = 0; j < 2; j++) {
        TAp[u * 2 + j] = TA[u * 2] * P[j] + TA[u * 2 + 1] * P[2 + j];
        TBp[u * 2 + j] = TB[u * 2] * R[j] + TB[u * 2 + 1] * R[2 + j];
        GAp[j * 2 + u] = P[j] * GA[u] + P[2 + j] * GA[2 + u];
        GBp[j * 2 + u] = R[j] * GB[u] + R[2 + j] * GB[2 + u];
        tmax = Math.max(tmax, Math.abs(TAp[u * 2 + j]), Math.abs(TBp[u * 2 + j]));
      }
    }
    const tcut = 1e-12 * tmax;
    for (let j = 0; j < 2; j++) {
      const cx = Math.max(Math.abs(TAp[j]), Math.abs(TAp[2 + j]));
      const cy = Math.max(Math.abs(TBp[j]), Math.abs(TBp[2 + j]));
      xAct[j] = cx > tcut ? 1 : 0;
      yAct[j] = cy > tcut ? 1 : 0;
      if (!xAct[j]) {
        TAp[j] = 0;
        TAp[2 + j] = 0;
        GAp[j * 2] = 0;
        GAp[j * 2 + 1] = 0;
      }
      if (!yAct[j]) {
        TBp[j] = 0;
        TBp[2 + j] = 0;
        GBp[j * 2] = 0;
        GBp[j * 2 + 1] = 0;
      }
      const both = xAct[j] && yAct[j];
      const rj = both ? rho[j] : 0;
      rho[j] = rj;
      degen[j] = both && 1 - rj < 1e-12 ? 1 : 0;
      const ridgeCap = both ? ridge * Math.sqrt(Math.max(1 - rj, 0)) : Number.POSITIVE_INFINITY;
      if (degen[j]) {
        // y = x: products of two functions of one variable, twice the bandwidth: half the spacing
        const d = 0.5 * Math.min(h0, h0 / cx, h0 / cy);
        dx[j] = d;
        dy[j] = d;
      } else {
        dx[j] = Math.min(h0, h0 / cx, ridgeCap);
        dy[j] = Math.min(h0, h0 / cy, ridgeCap);
      }
      nx[j] = xAct[j] ? axisCount(dx, j) : 1;
      ny[j] = yAct[j] ? axisCount(dy, j) : 1;
    }
    ensureAxis(Math.max(nx[0], nx[1], ny[0], ny[1]));
    for (let j = 0; j < 2; j++) lattice(j);
  }

  /** Nodes 2m + 1 on [-L, L] at spacing d[j] (capped at maxAxisNodes by widening d[j]). */
  function axisCount(d: Float64Array, j: number): number {
    let m = Math.floor(L / d[j] + 1e-9);
    if (2 * m + 1 > maxAxisNodes) {
      m = (maxAxisNodes - 1) >> 1;
      d[j] = L / m;
    }
    return 2 * m + 1;
  }

  /** Axis j's weight matrix W_j (nx x ny, row stride ny) and row bands. */
  function lattice(j: number): void {
    const n1 = nx[j];
    const n2 = ny[j];
    const W = Wm[j];
    const m1 = (n1 - 1) >> 1;
    const m2 = (n2 - 1) >> 1;
    let tot = 0;
    if (degen[j]) {
      for (let a = 0; a < n1; a++) {
        const x = (a - m1) * dx[j];
        const w = Math.exp(-0.5 * x * x);
        W.fill(0, a * n2, (a + 1) * n2);
        W[a * n2 + a] = w;
        lo[j][a] = a;
        hi[j][a] = a;
        tot += w;
      }
      for (let a = 0; a < n1; a++) W[a * n2 + a] /= tot;
      bandSize[j] = n1;
      return;
    }
    let band = 0;
    const rj = rho[j];
    const v = 1 - rj * rj;
    const inv = 1 / (2 * v);
    for (let a = 0; a < n1; a++) {
      const x = (a - m1) * dx[j];
      // log-weight (x^2 - 2 rho x y + y^2) / (2 v) = x^2 / 2 + (y - rho x)^2 / (2 v) <= EXP_CUT: a band of b
      const room = 2 * EXP_CUT - x * x;
      let first = 0;
      let last = -1;
      if (room > 0) {
        const half = Math.sqrt(v * room);
        first = Math.max(0, Math.ceil((rj * x - half) / dy[j]) + m2);
        last = Math.min(n2 - 1, Math.floor((rj * x + half) / dy[j]) + m2);
      }
      W.fill(0, a * n2, (a + 1) * n2);
      for (let b = first; b <= last; b++) {
        const y = (b - m2) * dy[j];
        const w = Math.exp(-(x * x - 2 * rj * x * y + y * y) * inv);
        W[a * n2 + b] = w;
        tot += w;
      }
      lo[j][a] = first;
      hi[j][a] = last;
      band += Math.max(0, last - first + 1);
    }
    bandSize[j] = band;
    const s = 1 / tot;
    for (let a = 0; a < n1; a++) for (let b = lo[j][a]; b <= hi[j][a]; b++) W[a * n2 + b] *= s;
  }

  /** Fill grid coordinates and sigma, sigma' of the units of one side. */
  function side(us: number[], T: Float64Array, n: Int32Array, d: Float64Array, C1: Float64Array, C2: Float64Array, sv: Float64Array[], dv: Float64Array[]): void {
    const m0 = (n[0] - 1) >> 1;
    const m1 = (n[1] - 1) >> 1;
    let k = 0;
    for (let a0 = 0; a0 < n[0]; a0++) {
      const x0 = (a0 - m0) * d[0];
      for (let a1 = 0; a1 < n[1]; a1++, k++) {
        const x1 = (a1 - m1) * d[1];
        C1[k] = x0;
        C2[k] = x1;
        for (let p = 0; p < us.length; p++) {
          fdf(mh[us[p]] + T[p * 2] * x0 + T[p * 2 + 1] * x1, sg, 0);
          sv[p][k] = sg[0];
          dv[p][k] = sg[1];
        }
      }
    }
  }

  /** out = (W_0 (x) W_1) psi: y-grid (ny0 x ny1) -> x-grid (nx0 x nx1). */
  function transfer(out: Float64Array): void {
    const W0 = Wm[0];
    const W1 = Wm[1];
    const n0 = nx[0];
    const n1 = nx[1];
    const q0 = ny[0];
    const q1 = ny[1];
    const lo0 = lo[0];
    const hi0 = hi[0];
    const lo1 = lo[1];
    const hi1 = hi[1];
    if (q1 === 1) {
      // y has no second axis: W_1 is a column, T psi = (W_0 psi) (x) W_1[:, 0]
      for (let a0 = 0; a0 < n0; a0++) {
        let s = 0;
        const wr = a0 * q0;
        for (let b0 = lo0[a0]; b0 <= hi0[a0]; b0++) s += W0[wr + b0] * psi[b0];
        const o = a0 * n1;
        for (let a1 = 0; a1 < n1; a1++) out[o + a1] = lo1[a1] <= hi1[a1] ? s * W1[a1] : 0;
      }
      return;
    }
    // Z[b0, a1] = sum_b1 W1[a1, b1] psi[b0, b1], and out = W0 Z: banded loops, or the kernel's SIMD gemm
    // where the bands fill enough of W (W is zero outside them) and the product is large.
    if (denseWorth(1, q0)) dgemm(false, true, q0, n1, q1, 1, psi, q1, W1, q1, 0, Z, n1);
    else zBanded(W1, n1, q0, q1, lo1, hi1);
    if (denseWorth(0, n1)) {
      dgemm(false, false, n0, n1, q0, 1, W0, q0, Z, n1, 0, out, n1);
      return;
    }
    for (let a0 = 0; a0 < n0; a0++) {
      const o = a0 * n1;
      for (let a1 = 0; a1 < n1; a1++) out[o + a1] = 0;
      const wr = a0 * q0;
      for (let b0 = lo0[a0]; b0 <= hi0[a0]; b0++) {
        const w = W0[wr + b0];
        const zr = b0 * n1;
        for (let a1 = 0; a1 < n1; a1++) out[o + a1] += w * Z[zr + a1];
      }
    }
  }

  /** Whether W_j times a matrix with `cols` columns is better done dense (SIMD gemm) than by its bands. */
  function denseWorth(j: number, cols: number): boolean {
    const full = nx[j] * ny[j];
    return bandSize[j] * cols >= DENSE_MIN_WORK && bandSize[j] >= DENSE_MIN_FILL * full;
  }

  /** Z = psi W1^T by the bands of W1. */
  function zBanded(W1: Float64Array, n1: number, q0: number, q1: number, lo1: Int32Array, hi1: Int32Array): void {
    for (let b0 = 0; b0 < q0; b0++) {
      const pb = b0 * q1;
      for (let a1 = 0; a1 < n1; a1++) {
        let s = 0;
        const wr = a1 * q1;
        for (let b1 = lo1[a1]; b1 <= hi1[a1]; b1++) s += W1[wr + b1] * psi[pb + b1];
        Z[b0 * n1 + a1] = s;
      }
    }
  }

  // conditional mean of Lambda_u given the setup's units: mu = cx . x + cy . y ; ex, ey = Cov(Lambda, x), Cov(Lambda, y)
  const cxA = new Float64Array(2);
  const cyA = new Float64Array(2);
  const exA = new Float64Array(2);
  const eyA = new Float64Array(2);
  const cxB = new Float64Array(2);
  const cyB = new Float64Array(2);
  const exB = new Float64Array(2);
  const eyB = new Float64Array(2);
  function condMean(lam: number, A: number[], B: number[], cx: Float64Array, cy: Float64Array, ex: Float64Array, ey: Float64Array): void {
    for (let j = 0; j < 2; j++) {
      let sx = 0;
      for (let p = 0; p < A.length; p++) sx += GAp[j * 2 + p] * KL[lam * nh + A[p]];
      let sy = 0;
      for (let q = 0; q < B.length; q++) sy += GBp[j * 2 + q] * KL[lam * nh + B[q]];
      ex[j] = sx;
      ey[j] = sy;
      if (degen[j]) {
        cx[j] = 0.5 * (sx + sy);
        cy[j] = 0;
      } else {
        const rj = rho[j];
        const den = 1 - rj * rj;
        cx[j] = (sx - rj * sy) / den;
        cy[j] = (sy - rj * sx) / den;
      }
    }
  }
  /** Cov(Lambda_1, Lambda_2 | units) - the unconditional part is added by the caller. */
  function condCovReduction(cx1: Float64Array, cy1: Float64Array, ex2: Float64Array, ey2: Float64Array): number {
    let s = 0;
    for (let j = 0; j < 2; j++) s += degen[j] ? cx1[j] * 0.5 * (ex2[j] + ey2[j]) : cx1[j] * ex2[j] + cy1[j] * ey2[j];
    return s;
  }

  const Aset = unitSets(r);
  const uA: number[] = [0, 0];
  const uB: number[] = [0, 0];

  // per-call state shared by the setups
  let Qc: Float64Array = new Float64Array(0);
  let Sc: Float64Array = new Float64Array(0);
  let Mc: Float64Array = new Float64Array(0);
  const c1 = new Float64Array(2);
  const c0 = new Float64Array(2);
  let out: PairMoments = { Ess: new Float64Array(0), Espsi: new Float64Array(0), Epsis: new Float64Array(0), Epsipsi: new Float64Array(0) };

  function setup11(i: number, l: number, NX: number, NY: number): void {
    condMean(i, uA, uB, cxA, cyA, exA, eyA);
    condMean(r + l, uA, uB, cxB, cyB, exB, eyB);
    const cab = c1[0] * c1[1] * Sc[i * r + l] + c0[0] * c0[1] * Qc[i * r + l] - condCovReduction(cxA, cyA, exB, eyB);
    const Pl = c1[1] * Mc[l];
    const Qll = Qc[l * r + l];
    const Pi = c1[0] * Mc[i];
    const Qii = Qc[i * r + i];
    const sy = ys[0];
    const dyv = yd[0];
    // y-side functions: 0 sigma, 1 sigma', 2 sigma' P_l, 3 sigma' (cyB . y), 4 sigma (cyA . y), 5 sigma' (cyA . y),
    // 6 sigma' (cyA . y)(P_l + cyB . y), with P_l = c1_b M_l - Q_ll sigma
    for (let g = 0; g < 7; g++) {
      for (let k = 0; k < NY; k++) {
        const yA = cyA[0] * Y1[k] + cyA[1] * Y2[k];
        const yB = cyB[0] * Y1[k] + cyB[1] * Y2[k];
        const P = Pl - Qll * sy[k];
        let v: number;
        if (g === 0) v = sy[k];
        else if (g === 1) v = dyv[k];
        else if (g === 2) v = dyv[k] * P;
        else if (g === 3) v = dyv[k] * yB;
        else if (g === 4) v = sy[k] * yA;
        else if (g === 5) v = dyv[k] * yA;
        else v = dyv[k] * yA * (P + yB);
        psi[k] = v;
      }
      transfer(TG[g]);
    }
    const sx = xs[0];
    const dxv = xd[0];
    const T0 = TG[0];
    const T1 = TG[1];
    const T2 = TG[2];
    const T3 = TG[3];
    const T4 = TG[4];
    const T5 = TG[5];
    const T6 = TG[6];
    let ess = 0;
    let espsi = 0;
    let epsis = 0;
    let epp = 0;
    for (let k = 0; k < NX; k++) {
      const s = sx[k];
      const dd = dxv[k];
      const xb = cxB[0] * X1[k] + cxB[1] * X2[k];
      const xa = Pi - Qii * s + cxA[0] * X1[k] + cxA[1] * X2[k];
      const t23 = T2[k] + T3[k];
      ess += s * T0[k];
      espsi += s * (xb * T1[k] + t23);
      epsis += dd * (xa * T0[k] + T4[k]);
      epp += dd * ((xa * xb + cab) * T1[k] + xa * t23 + xb * T5[k] + T6[k]);
    }
    const il = i * r + l;
    out.Ess[il] += ess;
    out.Espsi[il] += espsi;
    out.Epsis[il] += epsis;
    out.Epsipsi[il] += epp;
  }

  function setup12(i: number, l: number, n: number, NX: number, NY: number): void {
    condMean(i, uA, uB, cxA, cyA, exA, eyA);
    const Pi = c1[0] * Mc[i];
    const Qii = Qc[i * r + i];
    const Qln = Qc[l * r + n];
    const sx = xs[0];
    const dxv = xd[0];
    // orderings: (sigma'_l sigma_n) -> entry (i, l); (sigma'_n sigma_l) -> entry (i, n)
    for (let o = 0; o < 2; o++) {
      const dP = yd[o];
      const sS = ys[1 - o];
      for (let k = 0; k < NY; k++) psi[k] = dP[k] * sS[k];
      transfer(TG[0]);
      for (let k = 0; k < NY; k++) psi[k] = dP[k] * sS[k] * (cyA[0] * Y1[k] + cyA[1] * Y2[k]);
      transfer(TG[1]);
      const T0 = TG[0];
      const T1 = TG[1];
      let espsi = 0;
      let epp = 0;
      for (let k = 0; k < NX; k++) {
        const xa = Pi - Qii * sx[k] + cxA[0] * X1[k] + cxA[1] * X2[k];
        espsi += sx[k] * T0[k];
        epp += dxv[k] * (xa * T0[k] + T1[k]);
      }
      const e = i * r + (o === 0 ? l : n);
      out.Espsi[e] -= Qln * espsi;
      out.Epsipsi[e] -= Qln * epp;
    }
  }

  function setup21(i: number, m: number, l: number, NX: number, NY: number): void {
    condMean(r + l, uA, uB, cxB, cyB, exB, eyB);
    const Pl = c1[1] * Mc[l];
    const Qll = Qc[l * r + l];
    const Qim = Qc[i * r + m];
    const sy = ys[0];
    const dyv = yd[0];
    for (let k = 0; k < NY; k++) psi[k] = sy[k];
    transfer(TG[0]);
    for (let k = 0; k < NY; k++) psi[k] = dyv[k];
    transfer(TG[1]);
    for (let k = 0; k < NY; k++) psi[k] = dyv[k] * (Pl - Qll * sy[k] + cyB[0] * Y1[k] + cyB[1] * Y2[k]);
    transfer(TG[2]);
    const T0 = TG[0];
    const T1 = TG[1];
    const T2 = TG[2];
    // orderings: (sigma'_i sigma_m) -> entry (i, l); (sigma'_m sigma_i) -> entry (m, l)
    for (let o = 0; o < 2; o++) {
      const dP = xd[o];
      const sS = xs[1 - o];
      let epsis = 0;
      let epp = 0;
      for (let k = 0; k < NX; k++) {
        const fx = dP[k] * sS[k];
        epsis += fx * T0[k];
        epp += fx * ((cxB[0] * X1[k] + cxB[1] * X2[k]) * T1[k] + T2[k]);
      }
      const e = (o === 0 ? i : m) * r + l;
      out.Epsis[e] -= Qim * epsis;
      out.Epsipsi[e] -= Qim * epp;
    }
  }

  function setup22(i: number, m: number, l: number, n: number, NX: number, NY: number): void {
    const QQ = Qc[i * r + m] * Qc[l * r + n];
    for (let ob = 0; ob < 2; ob++) {
      const dP = yd[ob];
      const sS = ys[1 - ob];
      for (let k = 0; k < NY; k++) psi[k] = dP[k] * sS[k];
      transfer(TG[ob]);
    }
    for (let oa = 0; oa < 2; oa++) {
      const dP = xd[oa];
      const sS = xs[1 - oa];
      for (let ob = 0; ob < 2; ob++) {
        const tg = TG[ob];
        let s = 0;
        for (let k = 0; k < NX; k++) s += dP[k] * sS[k] * tg[k];
        out.Epsipsi[(oa === 0 ? i : m) * r + (ob === 0 ? l : n)] += QQ * s;
      }
    }
  }

  return function pair(f: ClusterFields, ta: TimePoint, tb: TimePoint, o: PairMoments): void {
    const { Q, S, M } = f;
    Qc = Q;
    Sc = S;
    Mc = M;
    out = o;
    c1[0] = 1 - f.b * ta.beta;
    c1[1] = 1 - f.b * tb.beta;
    c0[0] = -f.b * ta.alpha;
    c0[1] = -f.b * tb.alpha;
    fillJoint(r, f, ta, tb, mh, Om, KL);
    o.Ess.fill(0);
    o.Espsi.fill(0);
    o.Epsis.fill(0);
    o.Epsipsi.fill(0);
    for (const Au of Aset) {
      for (const Bu of Aset) {
        const p = Au.length;
        const q = Bu.length;
        uA.length = p;
        uB.length = q;
        for (let k = 0; k < p; k++) uA[k] = Au[k];
        for (let k = 0; k < q; k++) uB[k] = r + Bu[k];
        geometry(uA, uB);
        const NX = nx[0] * nx[1];
        const NY = ny[0] * ny[1];
        ensureGrid(Math.max(NX, NY), ny[0] * nx[1]);
        side(uA, TAp, nx, dx, X1, X2, xs, xd);
        side(uB, TBp, ny, dy, Y1, Y2, ys, yd);
        if (p === 1 && q === 1) setup11(Au[0], Bu[0], NX, NY);
        else if (p === 1) setup12(Au[0], Bu[0], Bu[1], NX, NY);
        else if (q === 1) setup21(Au[0], Au[1], Bu[0], NX, NY);
        else setup22(Au[0], Au[1], Bu[0], Bu[1], NX, NY);
      }
    }
  };
}

/** Parameters of the 'marginal-kink' cross-time rule (piecewise-smooth sigma). */
export interface MarginalKinkParams {
  /** Ascending kink locations of sigma. */
  kinks: readonly number[];
  /** Gauss-Legendre rules on [-1, 1] used on each smooth piece, for setups of 2, 3 and 4 units. */
  gl: readonly { nodes: Float64Array; weights: Float64Array }[];
  /** Half-width in standard-normal units. */
  halfWidth: number;
  /**
   * sigma's linear form on each piece when sigma is piecewise LINEAR (`pieceLinear`; null otherwise): then the
   * two innermost units of each setup are integrated in closed form (every integrand is a polynomial of degree
   * <= 2 on each rectangle of their pieces, whose truncated bivariate-normal moments are exact), the most
   * correlated pair of units innermost, and the outer levels get graded breakpoints where a deeper unit's kink
   * sweeps steeply across them ("exact inner" below).
   */
  pieces: PieceLinear | null;
  /**
   * With `pieces`: Gauss-Legendre rules with 1..n nodes (index = count); a piece of length len on an outer
   * axis gets clamp(ceil(n len / 3), 4, n) nodes. Unused otherwise.
   */
  outerRules?: readonly { nodes: Float64Array; weights: Float64Array }[];
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** Breakpoint offsets (in units of the sweep width) around a steep deeper kink; beyond 8 widths its tail is < 1e-15. */
const SWEEP = [-8, -4, -2, -1, -0.4, 0, 0.4, 1, 2, 4, 8];
/** A deeper kink sweeping across an outer axis within this width (standard-normal units) gets breakpoints. */
const SWEEP_WIDTH = 0.75;

/**
 * The same <= 4-unit marginal expansion as `marginalPairRule`, for piecewise-smooth sigma (ReLU, sign):
 * each setup's K <= 4 units in triangular coordinates h_U = m_U + L u (Cholesky of Cov(h_U) in the chosen
 * integration order), so unit j's kinks are points on the u_j axis given u_1..u_{j-1}; nested
 * Gauss-Legendre on each smooth piece of [-halfWidth, halfWidth] (weight phi(u)), as the single-time 'kink'
 * rule. Lambda's conditional means given the units are c . u with c = L^{-1} Cov(h_U, Lambda).
 *
 * With `pieces` (piecewise-linear sigma) the last two units are done in closed form: given the outer u's,
 * (h_a, h_b) is bivariate normal, its pieces cut the plane into rectangles in standardized coordinates
 * (za, zb), the integrand is a quadratic there, and its integral is sum_alpha c_alpha E[z^alpha 1_cell]
 * with the truncated moments from `bivariateNormalRectMoments` and c_alpha by interpolation at six nodes.
 * The innermost pair is the most correlated one (a unit at its two times, for close times), so the
 * steepest coupling is exact; on the outer axes a deeper unit whose kink moves by more than its own
 * conditional sd / SWEEP_WIDTH per unit of u_j gets breakpoints at graded offsets around where it crosses.
 *
 * Returns false (and leaves `out` undefined) when a setup's Cov(h_U) is singular to 1e-13, so the caller
 * can fall back.
 */
export function marginalKinkPairRule(r: number, act: Activation, par: MarginalKinkParams): (f: ClusterFields, ta: TimePoint, tb: TimePoint, out: PairMoments) => boolean {
  const fdf = fdfOf(act, false);
  const { kinks, halfWidth: wd, pieces } = par;
  const exactInner = pieces !== null;
  const outerRules = par.outerRules ?? [];
  const nOuter = outerRules.length - 1;
  if (exactInner && nOuter < 4) throw new Error('marginalKinkPairRule: exactInner needs outerRules with >= 4 nodes');
  let gl = par.gl[0];
  const nk = kinks.length;
  const nh = 2 * r;
  const Om = new Float64Array(nh * nh);
  const mh = new Float64Array(nh);
  const KL = new Float64Array(nh * nh);
  const L = new Float64Array(16);
  const U = new Int32Array(4); // semantic order: time-a units, then time-b units
  const P = new Int32Array(4); // integration order: position k integrates semantic unit P[k]
  let K = 0;
  const part = new Float64Array(5 * 4); // per level: mh_U + sum_{k < level} L[:, k] u_k
  const u = new Float64Array(4);
  const maxCuts = OUTER_CUTS.length + Math.max(nk, 1) * (1 + 3 * SWEEP.length * (1 + 3 * Math.max(nk, 1)));
  const cuts = new Float64Array(4 * maxCuts);
  const cA = new Float64Array(4);
  const cB = new Float64Array(4);
  const sv = new Float64Array(4); // by semantic unit
  const dv = new Float64Array(4);
  const sg = new Float64Array(3);
  let cab = 0;
  let kind = 0; // 11, 12, 21, 22
  let Pi = 0;
  let Pl = 0;
  let Qii = 0;
  let Qll = 0;
  const acc = new Float64Array(16);

  // piece q of sigma (between kinks q - 1 and q): sigma = pa[q] + pb[q] h, sigma' = pd[q] (exact for piecewise-linear sigma)
  const { a: pa, b: pb, d: pd, dead } = pieces ?? { a: new Float64Array(0), b: new Float64Array(0), d: new Float64Array(0), dead: new Uint8Array(0) };
  const za = new Float64Array(nk + 2);
  const zb = new Float64Array(nk + 2);
  const cellM = new Float64Array(6 * (nk + 1) * (nk + 1));
  const om = new Float64Array(6);

  /** Cholesky of Cov(h_U) in integration order; false when a pivot is below 1e-13 of the largest diagonal. */
  function chol(): boolean {
    let dmax = 0;
    for (let i = 0; i < K; i++) dmax = Math.max(dmax, Om[U[i] * nh + U[i]]);
    if (!(dmax > 1e-300)) return false;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j <= i; j++) {
        let x = Om[U[P[i]] * nh + U[P[j]]];
        for (let k = 0; k < j; k++) x -= L[i * 4 + k] * L[j * 4 + k];
        if (i === j) {
          if (!(x > 1e-13 * dmax)) return false;
          L[i * 4 + i] = Math.sqrt(x);
        } else L[i * 4 + j] = x / L[j * 4 + j];
      }
    }
    return true;
  }
  /** c = L^{-1} Cov(h_U, Lambda_lam) (integration order). */
  function coef(lam: number, c: Float64Array): void {
    for (let i = 0; i < K; i++) {
      let x = KL[lam * nh + U[P[i]]];
      for (let k = 0; k < i; k++) x -= L[i * 4 + k] * c[k];
      c[i] = x / L[i * 4 + i];
    }
  }
  /** The integration order: identity, or with `exactInner` the most correlated pair of units last. */
  function order(): void {
    for (let k = 0; k < K; k++) P[k] = k;
    if (!exactInner || K < 3) return;
    let best = -1;
    let bi = 0;
    let bj = 1;
    for (let i = 0; i < K; i++) {
      for (let j = i + 1; j < K; j++) {
        const c = Om[U[i] * nh + U[j]];
        const rr = (c * c) / (Om[U[i] * nh + U[i]] * Om[U[j] * nh + U[j]]);
        if (rr > best) {
          best = rr;
          bi = i;
          bj = j;
        }
      }
    }
    let o = 0;
    for (let k = 0; k < K; k++) if (k !== bi && k !== bj) P[o++] = k;
    P[o++] = bi;
    P[o] = bj;
  }

  /** Adds w times the four integrands at the current sv, dv, u (semantic units) into acc. */
  function accumulate(w: number): void {
    if (kind === 11) {
      let ma = 0;
      let mb = 0;
      for (let j = 0; j < K; j++) {
        ma += cA[j] * u[j];
        mb += cB[j] * u[j];
      }
      const ga = Pi - Qii * sv[0] + ma;
      const gb = Pl - Qll * sv[1] + mb;
      acc[0] += w * sv[0] * sv[1];
      acc[1] += w * sv[0] * dv[1] * gb;
      acc[2] += w * dv[0] * ga * sv[1];
      acc[3] += w * dv[0] * dv[1] * (ga * gb + cab);
    } else if (kind === 12) {
      let ma = 0;
      for (let j = 0; j < K; j++) ma += cA[j] * u[j];
      const ga = Pi - Qii * sv[0] + ma;
      // units [i, l, n]: (sigma'_l sigma_n) -> acc 0, 1; (sigma'_n sigma_l) -> acc 2, 3
      acc[0] += w * sv[0] * dv[1] * sv[2];
      acc[1] += w * dv[0] * ga * dv[1] * sv[2];
      acc[2] += w * sv[0] * dv[2] * sv[1];
      acc[3] += w * dv[0] * ga * dv[2] * sv[1];
    } else if (kind === 21) {
      let mb = 0;
      for (let j = 0; j < K; j++) mb += cB[j] * u[j];
      const gb = Pl - Qll * sv[2] + mb;
      // units [i, m, l]: (sigma'_i sigma_m) -> acc 0, 1; (sigma'_m sigma_i) -> acc 2, 3
      acc[0] += w * dv[0] * sv[1] * sv[2];
      acc[1] += w * dv[0] * sv[1] * dv[2] * gb;
      acc[2] += w * dv[1] * sv[0] * sv[2];
      acc[3] += w * dv[1] * sv[0] * dv[2] * gb;
    } else {
      // units [i, m, l, n]
      const a0 = dv[0] * sv[1];
      const a1 = dv[1] * sv[0];
      const b0 = dv[2] * sv[3];
      const b1 = dv[3] * sv[2];
      acc[0] += w * a0 * b0;
      acc[1] += w * a0 * b1;
      acc[2] += w * a1 * b0;
      acc[3] += w * a1 * b1;
    }
  }

  /** The two innermost positions a = K - 2, b = K - 1 in closed form, given the outer u's (weight w). */
  function closedPair(w: number): void {
    const a = K - 2;
    const b = K - 1;
    const ma = part[a * 4 + a];
    const mb = part[a * 4 + b];
    const sa = L[a * 4 + a];
    const Lba = L[b * 4 + a];
    const Lbb = L[b * 4 + b];
    const sb = Math.hypot(Lba, Lbb);
    const rho = Math.max(-1, Math.min(1, Lba / sb));
    const ua = P[a];
    const ub = P[b];
    za[0] = Number.NEGATIVE_INFINITY;
    zb[0] = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < nk; q++) {
      za[q + 1] = (kinks[q] - ma) / sa;
      zb[q + 1] = (kinks[q] - mb) / sb;
    }
    za[nk + 1] = Number.POSITIVE_INFINITY;
    zb[nk + 1] = Number.POSITIVE_INFINITY;
    bivariateNormalGridMoments(za, zb, rho, cellM);
    for (let qa = 0; qa <= nk; qa++) {
      if (dead[qa]) continue;
      for (let qb = 0; qb <= nk; qb++) {
        if (dead[qb]) continue;
        const o = 6 * (qa * (nk + 1) + qb);
        if (cellM[o] === 0) continue;
        cellWeights(cellM, o, w, 0, 0, 1, om);
        for (let p = 0; p < 6; p++) {
          const x = NODE_X[p];
          const y = NODE_Y[p];
          const ha = ma + sa * x;
          const hb = mb + sb * y;
          u[a] = x;
          u[b] = (sb * y - Lba * x) / Lbb;
          sv[ua] = pa[qa] + pb[qa] * ha;
          dv[ua] = pd[qa];
          sv[ub] = pa[qb] + pb[qb] * hb;
          dv[ub] = pd[qb];
          accumulate(om[p]);
        }
      }
    }
  }

  /**
   * Graded breakpoints around where a kink with conditional mean offset + slope u_j and conditional sd res
   * crosses (u* = offset / slope, width res / |slope|), when the width is below SWEEP_WIDTH. Returns the new count.
   */
  function sweep(co: number, nc: number, slope: number, res: number, offset: number): number {
    const width = res / Math.abs(slope);
    if (!(width < SWEEP_WIDTH)) return nc;
    const centre = offset / slope;
    for (const o of SWEEP) {
      const c = centre + o * width;
      if (c > -wd && c < wd) cuts[co + nc++] = c;
    }
    return nc;
  }

  /** Ascending cuts of level j into cuts[co..co + nc): its own kinks, and (exact inner) graded breakpoints of steep deeper kinks. */
  function levelCuts(j: number, co: number): number {
    const pb0 = j * 4;
    const Ljj = L[j * 4 + j];
    const hj = part[pb0 + j];
    let nc = 0;
    for (let q = 0; q < nk; q++) {
      const c = (kinks[q] - hj) / Ljj;
      if (c > -wd && c < wd) cuts[co + nc++] = c;
    }
    if (exactInner) {
      for (const c of OUTER_CUTS) cuts[co + nc++] = c;
      // a deeper unit k sweeps across u_j: h_k = part_k + L_kj u_j + (deeper u's, sd res)
      for (let k = j + 1; k < K; k++) {
        let res = 0;
        for (let l = j + 1; l <= k; l++) res += L[k * 4 + l] * L[k * 4 + l];
        for (let q = 0; q < nk; q++) nc = sweep(co, nc, L[k * 4 + j], Math.sqrt(res), kinks[q] - part[pb0 + k]);
      }
      // a deeper unit k2 sweeps across u_j where a deeper unit k1 sits at its kink: the law of h_k2 given h_k1 = kappa
      // (for a nearly collinear pair, where their kinks cross is a steep ridge of the integrand)
      for (let k1 = j + 1; k1 < K; k1++) {
        for (let k2 = k1 + 1; k2 < K; k2++) {
          let aa = 0;
          let ab = 0;
          let bb = 0;
          for (let l = j + 1; l <= k2; l++) {
            const x = l <= k1 ? L[k1 * 4 + l] : 0;
            const y = L[k2 * 4 + l];
            aa += x * x;
            ab += x * y;
            bb += y * y;
          }
          const beta = ab / aa;
          const slope = L[k2 * 4 + j] - beta * L[k1 * 4 + j];
          const res = Math.sqrt(Math.max(0, bb - ab * beta));
          for (let q1 = 0; q1 < nk; q1++) {
            for (let q2 = 0; q2 < nk; q2++) nc = sweep(co, nc, slope, res, kinks[q2] - part[pb0 + k2] - beta * (kinks[q1] - part[pb0 + k1]));
          }
        }
      }
    }
    sortRange(cuts, co, co + nc);
    return nc;
  }

  function nested(j: number, w: number): void {
    if (exactInner && j === K - 2) {
      closedPair(w);
      return;
    }
    const pb0 = j * 4;
    const pn = pb0 + 4;
    const co = j * maxCuts;
    const nc = levelCuts(j, co);
    const last = j === K - 1;
    const uj0 = P[j];
    let lo = -wd;
    for (let piece = 0; piece <= nc; piece++) {
      const hi = piece < nc ? cuts[co + piece] : wd;
      const half = 0.5 * (hi - lo);
      const mid = 0.5 * (hi + lo);
      if (exactInner && dead[pieceOf(kinks, part[pb0 + j] + L[j * 4 + j] * mid)]) {
        lo = hi;
        continue;
      }
      const rule = exactInner ? outerRules[outerCount(nOuter, hi - lo)] : gl;
      for (let q = 0; half > 0 && q < rule.nodes.length; q++) {
        const uj = mid + half * rule.nodes[q];
        const wq = w * half * rule.weights[q] * INV_SQRT_2PI * Math.exp(-0.5 * uj * uj);
        if (wq < 1e-300) continue;
        u[j] = uj;
        for (let l = j; l < K; l++) part[pn + l] = part[pb0 + l] + L[l * 4 + j] * uj;
        fdf(part[pn + j], sg, 0); // h_j is final after level j (L lower-triangular)
        sv[uj0] = sg[0];
        dv[uj0] = sg[1];
        if (last) accumulate(wq);
        else nested(j + 1, wq);
      }
      lo = hi;
    }
  }

  const Aset = unitSets(r);

  return function pair(f: ClusterFields, ta: TimePoint, tb: TimePoint, out: PairMoments): boolean {
    const { Q, S, M } = f;
    const c1a = 1 - f.b * ta.beta;
    const c1b = 1 - f.b * tb.beta;
    const c0a = -f.b * ta.alpha;
    const c0b = -f.b * tb.alpha;
    fillJoint(r, f, ta, tb, mh, Om, KL);
    const { Ess, Espsi, Epsis, Epsipsi } = out;
    Ess.fill(0);
    Espsi.fill(0);
    Epsis.fill(0);
    Epsipsi.fill(0);
    for (const Au of Aset) {
      for (const Bu of Aset) {
        const p = Au.length;
        const q = Bu.length;
        K = p + q;
        for (let k = 0; k < p; k++) U[k] = Au[k];
        for (let k = 0; k < q; k++) U[p + k] = r + Bu[k];
        order();
        if (!chol()) return false;
        kind = 10 * p + q;
        gl = par.gl[K - 2];
        const i = Au[0];
        const l = Bu[0];
        Pi = c1a * M[i];
        Qii = Q[i * r + i];
        Pl = c1b * M[l];
        Qll = Q[l * r + l];
        if (kind === 11) {
          coef(i, cA);
          coef(r + l, cB);
          let red = 0;
          for (let k = 0; k < K; k++) red += cA[k] * cB[k];
          cab = c1a * c1b * S[i * r + l] + c0a * c0b * Q[i * r + l] - red;
        } else if (kind === 12) coef(i, cA);
        else if (kind === 21) coef(r + l, cB);
        for (let k = 0; k < K; k++) part[k] = mh[U[P[k]]];
        acc.fill(0);
        nested(0, 1);
        if (kind === 11) {
          Ess[i * r + l] += acc[0];
          Espsi[i * r + l] += acc[1];
          Epsis[i * r + l] += acc[2];
          Epsipsi[i * r + l] += acc[3];
        } else if (kind === 12) {
          const n = Bu[1];
          const Qx = Q[l * r + n];
          Espsi[i * r + l] -= Qx * acc[0];
          Epsipsi[i * r + l] -= Qx * acc[1];
          Espsi[i * r + n] -= Qx * acc[2];
          Epsipsi[i * r + n] -= Qx * acc[3];
        } else if (kind === 21) {
          const m = Au[1];
          const Qx = Q[i * r + m];
          Epsis[i * r + l] -= Qx * acc[0];
          Epsipsi[i * r + l] -= Qx * acc[1];
          Epsis[m * r + l] -= Qx * acc[2];
          Epsipsi[m * r + l] -= Qx * acc[3];
        } else {
          const m = Au[1];
          const n = Bu[1];
          const Qx = Q[i * r + m] * Q[l * r + n];
          Epsipsi[i * r + l] += Qx * acc[0];
          Epsipsi[i * r + n] += Qx * acc[1];
          Epsipsi[m * r + l] += Qx * acc[2];
          Epsipsi[m * r + n] += Qx * acc[3];
        }
      }
    }
    return true;
  };
}
