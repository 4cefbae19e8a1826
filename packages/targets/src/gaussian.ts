import {
  type AffineDenoiser,
  type AffineForm,
  type Denoiser,
  DomainError,
  type InterpolantSchedule,
  NDArray,
  NotPositiveDefiniteError,
  type Rng,
  type SampleSource,
  ShapeError,
  type SigmaDenoiser,
  assertFinite,
  assertInteger,
  assertLength,
  checkBatch,
  dgemm,
  eigh,
  isNDArray,
} from '@diffusion-theory/kernel';

/**
 * A target density rho on R^dim: what the generative model should reproduce.
 * `denoiser(schedule)` is the exact (Bayes-optimal) denoiser f(t, x) = E[x1 | alpha_t x0 + beta_t x1 = x]
 * with x0 ~ N(0, I), x1 ~ rho; `sigmaDenoiser()` is E[x1 | x1 + sigma z = x] (EDM / VE convention).
 * Every target is a kernel `SampleSource` (`dim`, `sample`), so trainers take it as is.
 */
export interface Target extends SampleSource {
  readonly dim: number;
  /** E[x1] (a copy). */
  mean(): Float64Array;
  /** Cov[x1], dim x dim (a copy). */
  covariance(): NDArray;
  /** n independent draws, n x dim. */
  sample(n: number, rng: Rng): NDArray;
  /** log rho at each of the n rows of x (row-major n x dim). */
  logDensity(x: Float64Array, n: number): Float64Array;
  denoiser(schedule: InterpolantSchedule): Denoiser;
  sigmaDenoiser(): SigmaDenoiser;
}

/** Covariance given by its eigendecomposition C = basis diag(spectrum) basis^T. */
export interface EigenForm {
  /** d x k with orthonormal columns (k <= d; k < d gives a covariance of rank <= k). */
  basis: NDArray;
  /** k eigenvalues >= 0, in the order of the columns of `basis`. */
  spectrum: Float64Array | readonly number[];
}

export interface GaussianOptions {
  /** Length dim; default 0. */
  mean?: Float64Array | readonly number[];
  /** dim x dim symmetric PSD; default I (unless `eigen` is given). */
  covariance?: NDArray;
  /** Alternative to `covariance`; the covariance is basis diag(spectrum) basis^T. */
  eigen?: EigenForm;
  /** Needed only when neither mean, covariance nor eigen fixes it. */
  dim?: number;
}

/**
 * Affine form of a linear denoiser at one time: f(t, x) = A x + c (A dim x dim): kernel's `AffineForm`.
 * @deprecated use `AffineForm` from @diffusion-theory/kernel; this alias goes in the next minor release.
 */
export type AffineDenoiserAt = AffineForm;

export interface GaussianTarget extends Target {
  readonly kind: 'gaussian';
  /** Rank of the covariance factor (number of eigen-directions kept, k <= dim). */
  readonly rank: number;
  /** The eigendecomposition used internally: basis d x k (columns), spectrum (k, >= 0; eigh order when built from `covariance`: ascending). */
  eigen(): { basis: NDArray; spectrum: Float64Array };
  /** The exact denoiser is affine in x: f(t, x) = A_t x + c_t with A_t = beta C (alpha^2 I + beta^2 C)^{-1}, c_t = m - beta A_t m. */
  affineDenoiser(schedule: InterpolantSchedule): AffineDenoiser;
}

/* ------------------------------------------------------------------------------------------ */
/* Internal: a Gaussian in eigen form, shared with mixture.ts.                                 */
/* ------------------------------------------------------------------------------------------ */

/** @internal C = U diag(s) U^T, U d x k row-major with orthonormal columns, s >= 0. */
export interface EigenGaussian {
  d: number;
  k: number;
  mean: Float64Array;
  U: Float64Array;
  s: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** @internal Validate a mean vector (finite, length d when d is known). */
export function readMean(mean: Float64Array | readonly number[] | undefined, d: number, name: string): Float64Array {
  if (mean === undefined) return new Float64Array(d);
  if (!(mean instanceof Float64Array) && !Array.isArray(mean)) {
    throw new ShapeError(`${name}: expected a Float64Array or number[] of length ${d}`);
  }
  assertLength(mean, d, name);
  assertFinite(mean, name);
  return Float64Array.from(mean);
}

/** @internal Validate a symmetric PSD covariance and eigendecompose it. */
export function eigenFromCovariance(cov: NDArray, d: number, name: string): { U: Float64Array; s: Float64Array } {
  if (!isNDArray(cov)) throw new ShapeError(`${name}: expected an NDArray of shape [${d}, ${d}]`);
  if (cov.ndim !== 2 || cov.shape[0] !== d || cov.shape[1] !== d) {
    throw new ShapeError(`${name}: expected shape [${d}, ${d}], got [${cov.shape.join(', ')}]`);
  }
  const c = cov.contiguous().data;
  assertFinite(c, name);
  let maxAbs = 0;
  for (let i = 0; i < c.length; i++) maxAbs = Math.max(maxAbs, Math.abs(c[i]));
  const sym = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const a = c[i * d + j];
      const b = c[j * d + i];
      if (Math.abs(a - b) > 1e-9 * maxAbs) {
        throw new DomainError(`${name}: expected a symmetric matrix, entries (${i}, ${j}) = ${a} and (${j}, ${i}) = ${b} differ`);
      }
      sym[i * d + j] = 0.5 * (a + b);
    }
  }
  const { values, vectors } = eigh(new NDArray(sym, [d, d]));
  let lmax = 0;
  for (let i = 0; i < d; i++) lmax = Math.max(lmax, Math.abs(values[i]));
  const tol = 1e-9 * lmax;
  const s = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    if (values[i] < -tol) {
      throw new NotPositiveDefiniteError(
        `${name}: expected a positive semi-definite matrix, found eigenvalue ${values[i]} (largest |eigenvalue| ${lmax})`,
      );
    }
    s[i] = Math.max(0, values[i]);
  }
  return { U: Float64Array.from(vectors.contiguous().data), s };
}

/** @internal Validate an eigen form (orthonormal basis, non-negative spectrum). */
export function readEigen(eigen: EigenForm, d: number | undefined, name: string): { d: number; U: Float64Array; s: Float64Array } {
  const { basis, spectrum } = eigen ?? ({} as EigenForm);
  if (!isNDArray(basis) || basis.ndim !== 2) {
    throw new ShapeError(`${name}.basis: expected a 2-D NDArray (d x k), got ${isNDArray(basis) ? `shape [${basis.shape.join(', ')}]` : typeof basis}`);
  }
  const [dd, k] = basis.shape;
  if (d !== undefined && dd !== d) throw new ShapeError(`${name}.basis: expected ${d} rows, got shape [${dd}, ${k}]`);
  if (k > dd || k === 0) throw new ShapeError(`${name}.basis: expected 1 <= k <= d columns, got shape [${dd}, ${k}]`);
  if (!(spectrum instanceof Float64Array) && !Array.isArray(spectrum)) {
    throw new ShapeError(`${name}.spectrum: expected a Float64Array or number[] of length ${k}`);
  }
  assertLength(spectrum, k, `${name}.spectrum`);
  assertFinite(spectrum, `${name}.spectrum`);
  const U = Float64Array.from(basis.contiguous().data);
  assertFinite(U, `${name}.basis`);
  for (let i = 0; i < k; i++) {
    if (spectrum[i] < 0) {
      throw new NotPositiveDefiniteError(`${name}.spectrum: expected eigenvalues >= 0, got ${spectrum[i]} at index ${i}`);
    }
  }
  // Orthonormality: U^T U = I_k.
  const g = new Float64Array(k * k);
  dgemm(true, false, k, k, dd, 1, U, k, U, k, 0, g, k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const want = i === j ? 1 : 0;
      if (Math.abs(g[i * k + j] - want) > 1e-8) {
        throw new DomainError(`${name}.basis: expected orthonormal columns, (U^T U)[${i}, ${j}] = ${g[i * k + j]}`);
      }
    }
  }
  return { d: dd, U, s: Float64Array.from(spectrum) };
}

/** @internal C = U diag(s) U^T as a dense d x d array. */
export function denseCovariance(g: EigenGaussian): Float64Array {
  const { d, k, U, s } = g;
  const us = new Float64Array(d * k);
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) us[i * k + j] = U[i * k + j] * s[j];
  const c = new Float64Array(d * d);
  dgemm(false, true, d, d, k, 1, us, k, U, k, 0, c, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (c[i * d + j] + c[j * d + i]);
      c[i * d + j] = v;
      c[j * d + i] = v;
    }
  }
  return c;
}

/** @internal n draws m + U diag(sqrt s) xi, xi ~ N(0, I_k), written to rows of `out` (n x d, row stride d). */
export function sampleEigen(g: EigenGaussian, n: number, rng: Rng, out: Float64Array, outOffset = 0): void {
  const { d, k, U, s, mean } = g;
  if (n === 0) return;
  const L = new Float64Array(d * k);
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) L[i * k + j] = U[i * k + j] * Math.sqrt(s[j]);
  const xi = rng.fillNormal(new Float64Array(n * k));
  const view = out.subarray(outOffset, outOffset + n * d);
  dgemm(false, true, n, d, k, 1, xi, k, L, k, 0, view, d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) view[o + i] += mean[i];
  }
}

/** @internal z = (x - b m) U (n x k) for the n rows of x. */
export function projectEigen(g: EigenGaussian, x: Float64Array, n: number, b: number, z: Float64Array): void {
  const { d, k, U, mean } = g;
  dgemm(false, false, n, k, d, 1, x, d, U, k, 0, z, k);
  const mu = new Float64Array(k);
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) mu[j] += mean[i] * U[i * k + j];
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let j = 0; j < k; j++) z[o + j] -= b * mu[j];
  }
}

/**
 * @internal Log-density of N(b m, a^2 I + b^2 C) at the n rows of x; also returns Z = (x - b m) U (n x k)
 * in `z` (reused by the mixture denoiser). Throws DomainError when the covariance is singular.
 */
export function noisedLogDensity(
  g: EigenGaussian, x: Float64Array, n: number, a: number, b: number, z: Float64Array, out: Float64Array, what: string,
): void {
  const { d, k, s, mean } = g;
  const a2 = a * a;
  const b2 = b * b;
  let logdet = 0;
  const inv = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const v = a2 + b2 * s[j];
    if (!(v > 0)) throw new DomainError(`${what}: the covariance alpha^2 I + beta^2 C is singular (alpha = ${a}, beta = ${b}); a density needs a non-singular covariance`);
    logdet += Math.log(v);
    inv[j] = 1 / v;
  }
  const perp = d - k;
  if (perp > 0) {
    if (!(a2 > 0)) throw new DomainError(`${what}: the covariance has rank ${k} < dim ${d} and alpha = 0; a density needs a non-singular covariance`);
    logdet += perp * Math.log(a2);
  }
  projectEigen(g, x, n, b, z);
  const cst = -0.5 * (d * LOG_2PI + logdet);
  for (let r = 0; r < n; r++) {
    const oz = r * k;
    let q = 0;
    let zz = 0;
    for (let j = 0; j < k; j++) {
      const v = z[oz + j];
      q += v * v * inv[j];
      zz += v * v;
    }
    if (perp > 0) {
      const ox = r * d;
      let yy = 0;
      for (let i = 0; i < d; i++) {
        const v = x[ox + i] - b * mean[i];
        yy += v * v;
      }
      q += Math.max(0, yy - zz) / a2;
    }
    out[r] = cst - 0.5 * q;
  }
}

/** @internal Gain g_j = b s_j / (a^2 + b^2 s_j) of the eigen-direction j (0 where s_j = 0). */
export function gains(s: Float64Array, a: number, b: number): Float64Array {
  const out = new Float64Array(s.length);
  for (let j = 0; j < s.length; j++) {
    const v = a * a + b * b * s[j];
    out[j] = s[j] === 0 ? 0 : (b * s[j]) / v;
  }
  return out;
}

/** @internal Output buffer check for `out` arguments. */
export function outBuffer(out: Float64Array | undefined, len: number): Float64Array {
  if (out === undefined) return new Float64Array(len);
  if (!(out instanceof Float64Array) || out.length !== len) {
    throw new ShapeError(`out: expected a Float64Array of length ${len}, got ${out instanceof Float64Array ? `length ${out.length}` : typeof out}`);
  }
  return out;
}

/** @internal Check the arguments of a batched call (x finite, length n*d). */
export function checkX(x: Float64Array, n: number, d: number): void {
  if (!(x instanceof Float64Array)) throw new ShapeError('x: expected a Float64Array (row-major n x dim)');
  checkBatch(x, n, d);
  assertFinite(x, 'x');
}

export function checkTime(t: number): void {
  if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw new DomainError(`t: expected a number in [0, 1], got ${t}`);
}

export function checkSigma(sigma: number): void {
  if (typeof sigma !== 'number' || !(sigma > 0) || !Number.isFinite(sigma)) {
    throw new DomainError(`sigma: expected a finite number > 0, got ${sigma}`);
  }
}

/* ------------------------------------------------------------------------------------------ */

/**
 * Exact affine denoiser of one Gaussian for interpolant coefficients (a, b) = (alpha_t, beta_t):
 * f(x) = m + U diag(g) U^T (x - b m), g_j = b s_j / (a^2 + b^2 s_j). With (a, b) = (sigma, 1) this is
 * the sigma-convention denoiser E[x1 | x1 + sigma z = x].
 *
 * Two evaluation paths: for k > d/2 the d x d matrix A = U diag(g) U^T is built once per (a, b)
 * (cached, last 8 pairs) and a call is one gemm; for a low-rank factor (k <= d/2) a call is two
 * thin gemms through the eigenbasis.
 */
function makeGaussianDenoise(g: EigenGaussian) {
  const { d, k, U, s, mean } = g;
  const full = 2 * k > d;
  const cache: Array<{ a: number; b: number; A: Float64Array; c: Float64Array }> = [];
  const affine = (a: number, b: number): { A: Float64Array; c: Float64Array } => {
    for (const e of cache) if (e.a === a && e.b === b) return e;
    const gj = gains(s, a, b);
    const ug = new Float64Array(d * k);
    for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) ug[i * k + j] = U[i * k + j] * gj[j];
    const A = new Float64Array(d * d);
    dgemm(false, true, d, d, k, 1, ug, k, U, k, 0, A, d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        const v = 0.5 * (A[i * d + j] + A[j * d + i]);
        A[i * d + j] = v;
        A[j * d + i] = v;
      }
    }
    const c = Float64Array.from(mean);
    for (let i = 0; i < d; i++) {
      let acc = 0;
      for (let j = 0; j < d; j++) acc += A[i * d + j] * mean[j];
      c[i] -= b * acc;
    }
    const e = { a, b, A, c };
    cache.unshift(e);
    if (cache.length > 8) cache.pop();
    return e;
  };
  const denoise = (x: Float64Array, n: number, a: number, b: number, outArg?: Float64Array): Float64Array => {
    const out = outBuffer(outArg, n * d);
    const dst = out === x ? new Float64Array(n * d) : out;
    if (full) {
      const { A, c } = affine(a, b);
      dgemm(false, false, n, d, d, 1, x, d, A, d, 0, dst, d);
      for (let r = 0; r < n; r++) {
        const o = r * d;
        for (let i = 0; i < d; i++) dst[o + i] += c[i];
      }
    } else {
      const gj = gains(s, a, b);
      const mu = new Float64Array(k);
      for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) mu[j] += mean[i] * U[i * k + j];
      const z = new Float64Array(n * k);
      dgemm(false, false, n, k, d, 1, x, d, U, k, 0, z, k);
      for (let r = 0; r < n; r++) {
        const o = r * k;
        for (let j = 0; j < k; j++) z[o + j] = (z[o + j] - b * mu[j]) * gj[j];
      }
      for (let r = 0; r < n; r++) dst.set(mean, r * d);
      dgemm(false, true, n, d, k, 1, z, k, U, k, 1, dst, d);
    }
    if (dst !== out) out.set(dst);
    return out;
  };
  return { denoise, affine };
}

/**
 * A Gaussian target N(mean, C). C is given densely (`covariance`, validated symmetric PSD and
 * eigendecomposed once) or as an eigen form (`eigen`: basis d x k, spectrum k; k < d allowed, giving
 * a degenerate Gaussian supported on an affine subspace). Default: N(0, I_dim).
 *
 * The exact denoiser (Gaussian conditioning) is
 *   f(t, x) = m + beta C (alpha^2 I + beta^2 C)^{-1} (x - beta m),
 * evaluated in the eigenbasis of C (diagonal per t, cached); the sigma form is the case
 * (alpha, beta) = (sigma, 1).
 * @param opts - mean (length d), and covariance (d x d NDArray) or eigen ({ basis d x k, spectrum k }), or dim
 * @returns a GaussianTarget: mean(), covariance(), sample(n, rng), logDensity, denoiser(schedule), sigmaDenoiser()
 * @throws ShapeError for inconsistent shapes; NonFiniteError for NaN / Infinity; DomainError for a
 *   non-symmetric covariance or a basis that is not orthonormal; NotPositiveDefiniteError for a negative eigenvalue
 * @example
 * ```ts
 * const g = gaussian({ mean: [0, 1], covariance: new NDArray(Float64Array.from([2, 0.3, 0.3, 1]), [2, 2]) });
 * const x = g.sample(1000, new Rng(0));                       // 1000 x 2
 * const f = g.denoiser(linearInterpolant());                  // exact E[x1 | x_t]
 * ```
 */
export function gaussian(opts: GaussianOptions = {}): GaussianTarget {
  const { covariance, eigen } = opts;
  if (covariance !== undefined && eigen !== undefined) {
    throw new ShapeError('gaussian: give either covariance or eigen, not both');
  }
  let d: number | undefined = opts.dim;
  if (d !== undefined) assertInteger(d, 1, 'dim');
  const fix = (dd: number, from: string) => {
    if (d !== undefined && d !== dd) throw new ShapeError(`${from}: implies dim ${dd}, but dim = ${d}`);
    d = dd;
  };
  if (opts.mean !== undefined) fix(opts.mean.length, 'mean');
  if (isNDArray(covariance) && covariance.ndim === 2) fix(covariance.shape[0], 'covariance');
  if (isNDArray(eigen?.basis) && eigen.basis.ndim === 2) fix(eigen.basis.shape[0], 'eigen.basis');
  if (d === undefined) throw new ShapeError('gaussian: expected dim (or a mean / covariance / eigen from which to read it)');
  if (d < 1) throw new ShapeError(`dim: expected >= 1, got ${d}`);
  const dim = d;
  const mean = readMean(opts.mean, dim, 'mean');
  let U: Float64Array;
  let s: Float64Array;
  if (covariance !== undefined) ({ U, s } = eigenFromCovariance(covariance, dim, 'covariance'));
  else if (eigen !== undefined) ({ U, s } = readEigen(eigen, dim, 'eigen'));
  else {
    U = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) U[i * dim + i] = 1;
    s = new Float64Array(dim).fill(1);
  }
  const g: EigenGaussian = { d: dim, k: s.length, mean, U, s };
  const core = makeGaussianDenoise(g);
  let covCache: Float64Array | undefined;

  return {
    kind: 'gaussian',
    dim,
    rank: g.k,
    mean: () => Float64Array.from(mean),
    covariance: () => {
      covCache ??= denseCovariance(g);
      return new NDArray(Float64Array.from(covCache), [dim, dim]);
    },
    eigen: () => ({ basis: new NDArray(Float64Array.from(U), [dim, g.k]), spectrum: Float64Array.from(s) }),
    sample(n, rng) {
      assertInteger(n, 0, 'n');
      const out = new Float64Array(n * dim);
      sampleEigen(g, n, rng, out);
      return new NDArray(out, [n, dim]);
    },
    logDensity(x, n) {
      checkX(x, n, dim);
      const out = new Float64Array(n);
      noisedLogDensity(g, x, n, 0, 1, new Float64Array(n * g.k), out, 'logDensity');
      return out;
    },
    denoiser(schedule) {
      return {
        dim,
        denoise(x, n, t, out) {
          checkX(x, n, dim);
          checkTime(t);
          return core.denoise(x, n, schedule.alpha(t), schedule.beta(t), out);
        },
        jacobian(_x, t, out) {
          checkTime(t);
          const { A } = core.affine(schedule.alpha(t), schedule.beta(t));
          const o = outBuffer(out, dim * dim);
          o.set(A);
          return o;
        },
      };
    },
    sigmaDenoiser() {
      return {
        dim,
        denoise(x, n, sigma, out) {
          checkX(x, n, dim);
          checkSigma(sigma);
          return core.denoise(x, n, sigma, 1, out);
        },
      };
    },
    affineDenoiser(schedule) {
      return (t) => {
        checkTime(t);
        const { A, c } = core.affine(schedule.alpha(t), schedule.beta(t));
        return { A: new NDArray(Float64Array.from(A), [dim, dim]), c: Float64Array.from(c) };
      };
    },
  };
}
