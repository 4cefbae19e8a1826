import {
  type Denoiser,
  DomainError,
  type InterpolantSchedule,
  NDArray,
  ParameterError,
  type Rng,
  ShapeError,
  type SigmaDenoiser,
  assertFinite,
  assertInteger,
  checkBatch,
  dgemm,
  isNDArray,
  assertObject,
} from '@diffusion-theory/kernel';
import type { Target } from './gaussian.js';

/**
 * The constants of a spectral-group mixture that the learning-dynamics ODEs need
 * (Cui et al. 2025, eq. 8), as plain typed arrays so that `ode-theory` can accept it
 * without importing `targets`. All arrays are row-major flat:
 *
 * - `pi[c]`                     cluster weights, sum 1 (length K);
 * - `ell[c*Ng + s]`             eigenvalue ell_{c,s} >= 0 of cluster c on group s (length K*Ng);
 * - `rho[s]`                    limiting mass |s|/d of a macroscopic group, 0 for a microscopic one (length Ng);
 * - `T[(c*K + c2)*Ng + s]`      T_{c c2, s} = sum_{i in s} mu_{c,i} mu_{c2,i} (length K*K*Ng);
 * - `P[(c*Ng + s)*R + r]`       P_{c,s,r} = sum_{i in s} mu_{c,i} E_{i,r} (length K*Ng*R);
 * - `Lambda`                    sum_c pi_c sum_s rho_s ell_{c,s} (average spread, microscopic groups excluded);
 * - `groupSizes[s]`             |s| (number of coordinates in group s; informational, length Ng);
 * - `micro` (only when some group is microscopic): the per-coordinate data of the microscopic groups, so
 *   that ode-theory evolves them in factor form (rows u_i = w_{i,:}/sqrt d; q_s stays rank <= |s|):
 *   `coords[p]` group of the p-th microscopic coordinate (coordinates in ascending eigen-index i),
 *   `mu[c*nMicro + p]` = mu_{c,i}, `E[p*R + j]` = E_{i,j} (eigen frame).
 *
 * Centroids mu_c have O(1) norm, eigenvalues O(1) (the scale convention of Cui et al. 2025, eq. 8), so all constants are O(1).
 */
export interface SpectralMixtureSpec {
  K: number;
  Ng: number;
  d: number;
  R: number;
  pi: Float64Array;
  ell: Float64Array;
  rho: Float64Array;
  T: Float64Array;
  P: Float64Array;
  Lambda: number;
  groupSizes: Int32Array;
  micro?: { coords: Int32Array; mu: Float64Array; E: Float64Array };
}

export interface SpectralGroupMixtureOptions {
  /** Cluster weights pi_c (K, non-negative; normalised to sum 1). Default: one cluster of weight 1. */
  weights?: ArrayLike<number>;
  /** Centroids mu_c in the eigenbasis, K x d (O(1) norms). Default: zeros (K = weights.length or 1). */
  means?: NDArray;
  /** Dimension d; needed only when neither `means`, `groups` nor `basis` fixes it. */
  dim?: number;
  /** Group index (0..Ng-1) of each eigen-coordinate, length d. Give this or `groupSizes`. */
  groups?: Int32Array | readonly number[];
  /** Alternative to `groups`: sizes of consecutive blocks of eigen-coordinates (sum d). */
  groupSizes?: readonly number[];
  /** Eigenvalues ell_{c,s} >= 0, K x Ng (a 1 x Ng array is broadcast to all clusters). */
  ell: NDArray;
  /**
   * Which groups are microscopic (|s| = O(1), e.g. covariance spikes): they get rho_s = 0 in the
   * ODE noise term (Cui et al. 2025, Result 2.1). Length Ng. Default: all false (every group macroscopic, rho_s = |s|/d).
   * Not inferred from the sizes: flag spikes explicitly.
   */
  microscopic?: readonly boolean[];
  /** Orthonormal reference basis E (d x R) in the eigenbasis: the observation subspace. Default: none (R = 0). */
  reference?: NDArray;
  /**
   * Optional d x d orthogonal matrix U mapping eigen-coordinates to the data frame: x_data = U y_eig.
   * Default: identity (the eigenbasis is the canonical basis).
   */
  basis?: NDArray;
}

/**
 * A finite Gaussian mixture whose covariances are jointly diagonal with constant eigenvalues
 * on spectral groups (Cui et al. 2025, eq. 8):
 *   rho = sum_c pi_c N(U mu_c, U diag(ell_{c, s(i)}) U^T).
 * Everything returned in arrays (`sample`, `mean`, `covariance`, `means`, `reference`) is in the
 * data frame (after U); the constants are basis-free.
 */
export interface SpectralGroupMixture extends Target {
  readonly kind: 'spectral-group-mixture';
  readonly K: number;
  readonly Ng: number;
  /** Number of reference directions (columns of E). */
  readonly R: number;
  /** Group index of each eigen-coordinate (length d, a copy). */
  readonly groups: Int32Array;
  readonly groupSizes: Int32Array;
  readonly microscopic: readonly boolean[];
  /** The data-frame rotation U (d x d), or null for the identity. */
  readonly basis: NDArray | null;
  /** Lambda = sum_c pi_c sum_s rho_s ell_{c,s} (the theory's average spread; microscopic groups excluded). */
  lambda(): number;
  /** (1/d) sum_c pi_c Tr Sigma_c at this finite d (microscopic groups included). */
  lambdaFinite(): number;
  /** E||x1||^2 / d = lambdaFinite + sum_c pi_c ||mu_c||^2 / d (the Lambda_d of the finite-d b drift, Cui et al. 2025, eq. 11). */
  secondMoment(): number;
  /** T, P, rho, Lambda, ... as plain typed arrays for ode-theory. */
  constants(): SpectralMixtureSpec;
  /** Cluster weights pi (normalised copy). */
  weights(): Float64Array;
  /** Centroids in the data frame, K x d (the `mus` of the SGD recorder). */
  means(): NDArray;
  /** Reference basis E in the data frame, d x R (the `E` of the SGD recorder). */
  reference(): NDArray;
  /** n draws with their cluster labels. */
  sampleWithLabels(n: number, rng: Rng): { x: NDArray; labels: Int32Array };
  /** Allocation-light sampling into `out` (length n*d, row-major); labels written when given. */
  sampleInto(out: Float64Array, n: number, rng: Rng, labels?: Int32Array): void;
  /** The same mixture expressed in its eigenbasis (basis = identity). */
  eigenFrame(): SpectralGroupMixture;
  /** Map rows from eigen-coordinates to the data frame (x U^T); identity when there is no basis. */
  toDataFrame(y: NDArray): NDArray;
  /** Map rows from the data frame to eigen-coordinates (x U). */
  toEigenFrame(x: NDArray): NDArray;
}

function as2d(a: unknown, name: string): NDArray {
  if (!isNDArray(a) || a.ndim !== 2) throw new ShapeError(`${name}: expected a 2-D NDArray`);
  const c = a.contiguous();
  assertFinite(c.data, name);
  return c;
}

/**
 * Build a spectral-group Gaussian mixture target (Cui et al. 2025, eq. 8).
 * @param opts - weights, means (K x d, in the eigenbasis), groups (length d) or groupSizes, ell (K x Ng or 1 x Ng), microscopic flags, reference E
 * @returns a SpectralGroupMixture target with constants() for ode-theory
 * @throws ShapeError / DomainError / NonFiniteError for inconsistent or invalid arrays (docs/errors.md)
 */
export function spectralGroupMixture(opts: SpectralGroupMixtureOptions): SpectralGroupMixture {
  assertObject(opts, 'opts');
  const means0 = opts.means === undefined ? undefined : as2d(opts.means, 'means');
  const ell0 = as2d(opts.ell, 'ell');
  const basis = opts.basis === undefined ? null : as2d(opts.basis, 'basis');

  // dimension
  let d = opts.dim;
  if (means0) d = means0.shape[1];
  else if (opts.groups) d = opts.groups.length;
  else if (opts.groupSizes) d = opts.groupSizes.reduce((a, b) => a + b, 0);
  else if (basis) d = basis.shape[0];
  if (d === undefined) throw new ParameterError('dim: cannot infer the dimension; give means, groups, groupSizes, basis or dim');
  assertInteger(d, 1, 'dim');

  // groups
  const groups = new Int32Array(d);
  if (opts.groups && opts.groupSizes) throw new ParameterError('groups, groupSizes: give one of them, not both');
  if (opts.groups) {
    if (opts.groups.length !== d) throw new ShapeError(`groups: expected length d = ${d}, got ${opts.groups.length}`);
    for (let i = 0; i < d; i++) {
      const g = opts.groups[i];
      if (!Number.isInteger(g) || g < 0) throw new DomainError(`groups: expected non-negative integer group indices, got ${g} at ${i}`);
      groups[i] = g;
    }
  } else if (opts.groupSizes) {
    let i = 0;
    opts.groupSizes.forEach((sz, s) => {
      assertInteger(sz, 1, `groupSizes[${s}]`);
      groups.fill(s, i, i + sz);
      i += sz;
    });
    if (i !== d) throw new ShapeError(`groupSizes: expected sizes summing to d = ${d}, got ${i}`);
  }
  let Ng = 0;
  for (let i = 0; i < d; i++) Ng = Math.max(Ng, groups[i] + 1);
  const groupSizes = new Int32Array(Ng);
  for (let i = 0; i < d; i++) groupSizes[groups[i]]++;
  for (let s = 0; s < Ng; s++) if (groupSizes[s] === 0) throw new DomainError(`groups: group ${s} is empty (expected indices 0..Ng-1 all used)`);

  // clusters
  const K = opts.weights ? opts.weights.length : means0 ? means0.shape[0] : Math.max(1, ell0.shape[0]);
  const pi = new Float64Array(K);
  if (opts.weights) {
    let tot = 0;
    for (let c = 0; c < K; c++) {
      const w = opts.weights[c];
      if (!(w >= 0) || !Number.isFinite(w)) throw new DomainError(`weights: expected finite non-negative numbers, got ${w} at ${c}`);
      pi[c] = w;
      tot += w;
    }
    if (!(tot > 0)) throw new DomainError('weights: expected a positive sum');
    for (let c = 0; c < K; c++) pi[c] /= tot;
  } else pi.fill(1 / K);
  if (means0 && (means0.shape[0] !== K || means0.shape[1] !== d)) {
    throw new ShapeError(`means: expected shape [${K}, ${d}], got [${means0.shape.join(', ')}]`);
  }
  const mu = means0 ? Float64Array.from(means0.data) : new Float64Array(K * d);

  if (ell0.shape[1] !== Ng || (ell0.shape[0] !== K && ell0.shape[0] !== 1)) {
    throw new ShapeError(`ell: expected shape [${K}, ${Ng}] (or [1, ${Ng}]), got [${ell0.shape.join(', ')}]`);
  }
  const ell = new Float64Array(K * Ng);
  for (let c = 0; c < K; c++) {
    for (let s = 0; s < Ng; s++) {
      const v = ell0.data[(ell0.shape[0] === 1 ? 0 : c) * Ng + s];
      if (!(v >= 0)) throw new DomainError(`ell: expected eigenvalues >= 0, got ${v} at (${c}, ${s})`);
      ell[c * Ng + s] = v;
    }
  }

  const micro = opts.microscopic ? [...opts.microscopic] : new Array<boolean>(Ng).fill(false);
  if (micro.length !== Ng) throw new ShapeError(`microscopic: expected length Ng = ${Ng}, got ${micro.length}`);

  let E: Float64Array = new Float64Array(0);
  let R = 0;
  if (opts.reference !== undefined) {
    const e = as2d(opts.reference, 'reference');
    if (e.shape[0] !== d) throw new ShapeError(`reference: expected shape [${d}, R], got [${e.shape.join(', ')}]`);
    R = e.shape[1];
    E = Float64Array.from(e.data);
    checkOrthonormalColumns(E, d, R, 'reference');
  }
  let U: Float64Array | null = null;
  if (basis) {
    if (basis.shape[0] !== d || basis.shape[1] !== d) throw new ShapeError(`basis: expected shape [${d}, ${d}], got [${basis.shape.join(', ')}]`);
    U = Float64Array.from(basis.data);
    checkOrthonormalColumns(U, d, d, 'basis');
  }
  return build({ d, K, Ng, R, pi, mu, ell, groups, groupSizes, micro, E, U });
}

function checkOrthonormalColumns(A: Float64Array, d: number, R: number, name: string): void {
  const G = new Float64Array(R * R);
  dgemm(true, false, R, R, d, 1, A, R, A, R, 0, G, R);
  for (let a = 0; a < R; a++) {
    for (let b = 0; b < R; b++) {
      const want = a === b ? 1 : 0;
      if (Math.abs(G[a * R + b] - want) > 1e-8) {
        throw new DomainError(`${name}: expected orthonormal columns, column inner product (${a}, ${b}) = ${G[a * R + b]}`);
      }
    }
  }
}

interface Parts {
  d: number;
  K: number;
  Ng: number;
  R: number;
  pi: Float64Array;
  mu: Float64Array; // K x d, eigen frame
  ell: Float64Array; // K x Ng
  groups: Int32Array;
  groupSizes: Int32Array;
  micro: boolean[];
  E: Float64Array; // d x R, eigen frame
  U: Float64Array | null; // d x d
}

function build(p: Parts): SpectralGroupMixture {
  const { d, K, Ng, R, pi, mu, ell, groups, groupSizes, micro, E, U } = p;
  const rho = new Float64Array(Ng);
  for (let s = 0; s < Ng; s++) rho[s] = micro[s] ? 0 : groupSizes[s] / d;
  // per-(cluster, coordinate) standard deviations
  const sd = new Float64Array(K * d);
  for (let c = 0; c < K; c++) for (let i = 0; i < d; i++) sd[c * d + i] = Math.sqrt(ell[c * Ng + groups[i]]);
  const cum = new Float64Array(K);
  {
    let a = 0;
    for (let c = 0; c < K; c++) cum[c] = a += pi[c];
    cum[K - 1] = 1;
  }

  /** rows eigen -> data: X = Y U^T */
  const rotate = (Y: Float64Array, n: number, out: Float64Array): void => {
    if (!U) {
      if (out !== Y) out.set(Y);
      return;
    }
    dgemm(false, true, n, d, d, 1, Y, d, U, d, 0, out, d);
  };
  /** rows data -> eigen: Y = X U */
  const unrotate = (X: Float64Array, n: number, out: Float64Array): void => {
    if (!U) {
      if (out !== X) out.set(X);
      return;
    }
    dgemm(false, false, n, d, d, 1, X, d, U, d, 0, out, d);
  };

  const sampleEig = (out: Float64Array, n: number, rng: Rng, labels?: Int32Array): void => {
    for (let k = 0; k < n; k++) {
      let c = 0;
      if (K > 1) {
        const u = rng.uniform();
        while (c < K - 1 && u >= cum[c]) c++;
      }
      if (labels) labels[k] = c;
      const row = out.subarray(k * d, (k + 1) * d);
      rng.fillNormal(row);
      const mo = c * d;
      for (let i = 0; i < d; i++) row[i] = mu[mo + i] + sd[mo + i] * row[i];
    }
  };

  const sampleInto = (out: Float64Array, n: number, rng: Rng, labels?: Int32Array): void => {
    if (!U) {
      sampleEig(out, n, rng, labels);
      return;
    }
    const tmp = new Float64Array(n * d);
    sampleEig(tmp, n, rng, labels);
    rotate(tmp, n, out);
  };

  /**
   * Posterior mean of x1 given y = a x1 + s z in the eigen frame, for n rows of y; the
   * per-cluster noise variances are s^2 + a^2 ell. Returns E[x1 | y] (eigen frame) into out.
   */
  const posteriorMean = (y: Float64Array, n: number, a: number, s: number, out: Float64Array): void => {
    const s2 = s * s;
    const v = new Float64Array(K * Ng);
    const logdet = new Float64Array(K);
    for (let c = 0; c < K; c++) {
      let ld = 0;
      for (let g = 0; g < Ng; g++) {
        const vv = s2 + a * a * ell[c * Ng + g];
        if (!(vv > 0)) throw new DomainError('t: the noisy density is degenerate here (alpha_t = 0 on a zero-eigenvalue group); use t < 1');
        v[c * Ng + g] = vv;
        ld += groupSizes[g] * Math.log(vv);
      }
      logdet[c] = ld;
    }
    const lw = new Float64Array(K);
    for (let k = 0; k < n; k++) {
      const yo = k * d;
      let mx = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < K; c++) {
        let q = 0;
        const mo = c * d;
        for (let i = 0; i < d; i++) {
          const r = y[yo + i] - a * mu[mo + i];
          q += (r * r) / v[c * Ng + groups[i]];
        }
        lw[c] = (pi[c] > 0 ? Math.log(pi[c]) : Number.NEGATIVE_INFINITY) - 0.5 * (q + logdet[c]);
        if (lw[c] > mx) mx = lw[c];
      }
      let z = 0;
      for (let c = 0; c < K; c++) z += lw[c] = Math.exp(lw[c] - mx);
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let c = 0; c < K; c++) {
          if (lw[c] === 0) continue;
          const l = ell[c * Ng + groups[i]];
          const m = mu[c * d + i];
          acc += lw[c] * (m + (a * l * (y[yo + i] - a * m)) / v[c * Ng + groups[i]]);
        }
        out[yo + i] = acc / z;
      }
    }
  };

  const denoiseWith = (x: Float64Array, n: number, a: number, s: number, out?: Float64Array): Float64Array => {
    checkBatch(x, n, d);
    const res = out ?? new Float64Array(n * d);
    if (res.length !== n * d) throw new ShapeError(`out: expected length ${n * d}, got ${res.length}`);
    if (!U) {
      posteriorMean(x, n, a, s, res);
      return res;
    }
    const y = new Float64Array(n * d);
    unrotate(x, n, y);
    const f = new Float64Array(n * d);
    posteriorMean(y, n, a, s, f);
    rotate(f, n, res);
    return res;
  };

  const meanEig = (): Float64Array => {
    const m = new Float64Array(d);
    for (let c = 0; c < K; c++) for (let i = 0; i < d; i++) m[i] += pi[c] * mu[c * d + i];
    return m;
  };

  const self: SpectralGroupMixture = {
    kind: 'spectral-group-mixture',
    dim: d,
    K,
    Ng,
    R,
    get groups() {
      return groups.slice();
    },
    get groupSizes() {
      return groupSizes.slice();
    },
    microscopic: micro,
    basis: U ? new NDArray(U.slice(), [d, d]) : null,
    lambda() {
      let L = 0;
      for (let c = 0; c < K; c++) for (let s = 0; s < Ng; s++) L += pi[c] * rho[s] * ell[c * Ng + s];
      return L;
    },
    lambdaFinite() {
      let L = 0;
      for (let c = 0; c < K; c++) for (let s = 0; s < Ng; s++) L += (pi[c] * groupSizes[s] * ell[c * Ng + s]) / d;
      return L;
    },
    secondMoment() {
      let m2 = 0;
      for (let c = 0; c < K; c++) for (let i = 0; i < d; i++) m2 += pi[c] * mu[c * d + i] ** 2;
      return self.lambdaFinite() + m2 / d;
    },
    constants() {
      const T = new Float64Array(K * K * Ng);
      const P = new Float64Array(K * Ng * R);
      for (let i = 0; i < d; i++) {
        const s = groups[i];
        for (let c = 0; c < K; c++) {
          const mci = mu[c * d + i];
          if (mci === 0) continue;
          for (let c2 = 0; c2 < K; c2++) T[(c * K + c2) * Ng + s] += mci * mu[c2 * d + i];
          for (let r = 0; r < R; r++) P[(c * Ng + s) * R + r] += mci * E[i * R + r];
        }
      }
      const out: SpectralMixtureSpec = { K, Ng, d, R, pi: pi.slice(), ell: ell.slice(), rho: rho.slice(), T, P, Lambda: self.lambda(), groupSizes: groupSizes.slice() };
      if (micro.some((x) => x)) {
        const idx: number[] = [];
        for (let i = 0; i < d; i++) if (micro[groups[i]]) idx.push(i);
        const n = idx.length;
        const coords = Int32Array.from(idx, (i) => groups[i]);
        const muM = new Float64Array(K * n);
        const EM = new Float64Array(n * R);
        idx.forEach((i, p) => {
          for (let c = 0; c < K; c++) muM[c * n + p] = mu[c * d + i];
          for (let j = 0; j < R; j++) EM[p * R + j] = E[i * R + j];
        });
        out.micro = { coords, mu: muM, E: EM };
      }
      return out;
    },
    weights: () => pi.slice(),
    means() {
      const out = new Float64Array(K * d);
      rotate(mu, K, out);
      return new NDArray(out, [K, d]);
    },
    reference() {
      if (!U) return new NDArray(E.slice(), [d, R]);
      const out = new Float64Array(d * R);
      dgemm(false, false, d, R, d, 1, U, d, E, R, 0, out, R);
      return new NDArray(out, [d, R]);
    },
    mean() {
      const m = meanEig();
      const out = new Float64Array(d);
      rotate(m, 1, out);
      return out;
    },
    covariance() {
      // eigen frame: sum_c pi_c (diag(ell_c) + mu_c mu_c^T) - m m^T
      const C = new Float64Array(d * d);
      const m = meanEig();
      for (let c = 0; c < K; c++) {
        const mo = c * d;
        for (let i = 0; i < d; i++) {
          C[i * d + i] += pi[c] * ell[c * Ng + groups[i]];
          const a = pi[c] * mu[mo + i];
          if (a === 0) continue;
          for (let j = 0; j < d; j++) C[i * d + j] += a * mu[mo + j];
        }
      }
      for (let i = 0; i < d; i++) {
        if (m[i] === 0) continue;
        for (let j = 0; j < d; j++) C[i * d + j] -= m[i] * m[j];
      }
      if (!U) return new NDArray(C, [d, d]);
      const tmp = new Float64Array(d * d);
      dgemm(false, false, d, d, d, 1, U, d, C, d, 0, tmp, d);
      const out = new Float64Array(d * d);
      dgemm(false, true, d, d, d, 1, tmp, d, U, d, 0, out, d);
      return new NDArray(out, [d, d]);
    },
    sample(n, rng) {
      assertInteger(n, 0, 'n');
      const out = new Float64Array(n * d);
      sampleInto(out, n, rng);
      return new NDArray(out, [n, d]);
    },
    sampleWithLabels(n, rng) {
      assertInteger(n, 0, 'n');
      const out = new Float64Array(n * d);
      const labels = new Int32Array(n);
      sampleInto(out, n, rng, labels);
      return { x: new NDArray(out, [n, d]), labels };
    },
    sampleInto(out, n, rng, labels) {
      assertInteger(n, 0, 'n');
      if (out.length < n * d) throw new ShapeError(`out: expected length >= n*d = ${n * d}, got ${out.length}`);
      if (labels && labels.length < n) throw new ShapeError(`labels: expected length >= ${n}, got ${labels.length}`);
      sampleInto(out, n, rng, labels);
    },
    logDensity(x, n) {
      checkBatch(x, n, d);
      for (let k = 0; k < K * Ng; k++) {
        if (!(ell[k] > 0)) throw new DomainError('logDensity: the target is singular (an eigenvalue ell_{c,s} is 0)');
      }
      const y = new Float64Array(n * d);
      unrotate(x, n, y);
      const res = new Float64Array(n);
      const lw = new Float64Array(K);
      const LOG2PI = Math.log(2 * Math.PI);
      for (let k = 0; k < n; k++) {
        let mx = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < K; c++) {
          let q = 0;
          let ld = 0;
          for (let i = 0; i < d; i++) {
            const l = ell[c * Ng + groups[i]];
            const r = y[k * d + i] - mu[c * d + i];
            q += (r * r) / l;
            ld += Math.log(l);
          }
          lw[c] = Math.log(pi[c]) - 0.5 * (q + ld + d * LOG2PI);
          if (lw[c] > mx) mx = lw[c];
        }
        let z = 0;
        for (let c = 0; c < K; c++) z += Math.exp(lw[c] - mx);
        res[k] = mx + Math.log(z);
      }
      return res;
    },
    denoiser(schedule: InterpolantSchedule): Denoiser {
      return {
        dim: d,
        denoise: (x, n, t, out) => {
          if (!(t >= 0 && t <= 1)) throw new DomainError(`t: expected a time in [0, 1], got ${t}`);
          return denoiseWith(x, n, schedule.beta(t), schedule.alpha(t), out);
        },
      };
    },
    sigmaDenoiser(): SigmaDenoiser {
      return {
        dim: d,
        denoise: (x, n, sigma, out) => {
          if (!(sigma > 0)) throw new DomainError(`sigma: expected > 0, got ${sigma}`);
          return denoiseWith(x, n, 1, sigma, out);
        },
      };
    },
    eigenFrame() {
      return U ? build({ ...p, U: null }) : self;
    },
    toDataFrame(y) {
      const c = as2d(y, 'y');
      if (c.shape[1] !== d) throw new ShapeError(`y: expected shape [n, ${d}], got [${c.shape.join(', ')}]`);
      const out = new Float64Array(c.size);
      rotate(c.data, c.shape[0], out);
      return new NDArray(out, c.shape);
    },
    toEigenFrame(x) {
      const c = as2d(x, 'x');
      if (c.shape[1] !== d) throw new ShapeError(`x: expected shape [n, ${d}], got [${c.shape.join(', ')}]`);
      const out = new Float64Array(c.size);
      unrotate(c.data, c.shape[0], out);
      return new NDArray(out, c.shape);
    },
  };
  return self;
}
