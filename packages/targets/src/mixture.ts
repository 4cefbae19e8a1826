import {
  DomainError,
  NDArray,
  type Rng,
  ShapeError,
  assertFinite,
  assertInteger,
  dgemm,
  isNDArray,
} from '@diffusion-theory/kernel';
import {
  type EigenForm,
  type EigenGaussian,
  type Target,
  checkSigma,
  checkTime,
  checkX,
  denseCovariance,
  eigenFromCovariance,
  gains,
  noisedLogDensity,
  outBuffer,
  projectEigen,
  readEigen,
  sampleEigen,
} from './gaussian.js';

export interface GaussianMixtureOptions {
  /** K mixture weights, >= 0, summing to 1 (to 1e-9). */
  weights: Float64Array | readonly number[];
  /** K x d component means. */
  means: NDArray;
  /** K component covariances: each a dense d x d symmetric PSD NDArray or an eigen form (basis d x k, spectrum k). */
  covariances: ReadonlyArray<NDArray | EigenForm>;
}

export interface GaussianMixtureTarget extends Target {
  readonly kind: 'gaussian-mixture';
  /** Number of components K. */
  readonly components: number;
  weights(): Float64Array;
  /** Component c as (mean, eigen form). */
  component(c: number): { mean: Float64Array; basis: NDArray; spectrum: Float64Array };
  /**
   * Posterior component probabilities P(c | alpha_t x0 + beta_t x1 = x) at the n rows of x
   * (n x K, row-major) for interpolant coefficients (alpha, beta).
   */
  responsibilities(x: Float64Array, n: number, alpha: number, beta: number): Float64Array;
}

/**
 * A Gaussian mixture rho = sum_c w_c N(m_c, C_c). Each C_c is eigendecomposed once at construction.
 *
 * Exact denoiser: with x_t = alpha x0 + beta x1, x_t | c ~ N(beta m_c, alpha^2 I + beta^2 C_c), so
 *   f(t, x) = sum_c r_c(x) [m_c + beta C_c (alpha^2 I + beta^2 C_c)^{-1} (x - beta m_c)],
 *   r_c(x) = softmax_c(log w_c + log N(x; beta m_c, alpha^2 I + beta^2 C_c))   (log-sum-exp).
 * Per call and component: one gemm z = (x - beta m_c) U_c (gives the Mahalanobis form and the
 * component denoiser in the eigenbasis), diagonal scalings, and one gemm back (accumulated with
 * weights r_c). Cost ~ 4 n d sum_c k_c flops.
 * @param opts - weights (K, >= 0, summing to 1), means (K x d NDArray), covariances (K NDArrays d x d or eigen forms)
 * @returns a GaussianMixtureTarget with the exact denoisers and sampling
 * @throws ShapeError for inconsistent shapes; DomainError for bad weights or a non-symmetric covariance;
 *   NotPositiveDefiniteError for a covariance with a negative eigenvalue
 * @example
 * ```ts
 * const I = new NDArray(Float64Array.from([1, 0, 0, 1]), [2, 2]);
 * const mix = gaussianMixture({ weights: [0.5, 0.5], means: new NDArray(Float64Array.from([-2, 0, 2, 0]), [2, 2]), covariances: [I, I] });
 * ```
 */
export function gaussianMixture(opts: GaussianMixtureOptions): GaussianMixtureTarget {
  const { weights, means, covariances } = opts ?? ({} as GaussianMixtureOptions);
  if (!isNDArray(means) || means.ndim !== 2) {
    throw new ShapeError(`means: expected a 2-D NDArray (K x d), got ${isNDArray(means) ? `shape [${means.shape.join(', ')}]` : typeof means}`);
  }
  const [K, d] = means.shape;
  if (K < 1 || d < 1) throw new ShapeError(`means: expected K >= 1 rows and d >= 1 columns, got shape [${K}, ${d}]`);
  const M = Float64Array.from(means.contiguous().data);
  assertFinite(M, 'means');
  if (!(weights instanceof Float64Array) && !Array.isArray(weights)) throw new ShapeError(`weights: expected a Float64Array or number[] of length ${K}`);
  if (weights.length !== K) throw new ShapeError(`weights: expected length K = ${K} (rows of means), got ${weights.length}`);
  assertFinite(weights, 'weights');
  let total = 0;
  for (let c = 0; c < K; c++) {
    if (weights[c] < 0) throw new DomainError(`weights: expected non-negative numbers, got ${weights[c]} at index ${c}`);
    total += weights[c];
  }
  if (Math.abs(total - 1) > 1e-9) throw new DomainError(`weights: expected a sum of 1, got ${total}`);
  const w = Float64Array.from(weights);
  if (!Array.isArray(covariances) || covariances.length !== K) {
    throw new ShapeError(`covariances: expected an array of K = ${K} covariances, got ${Array.isArray(covariances) ? `length ${covariances.length}` : typeof covariances}`);
  }
  const comps: EigenGaussian[] = covariances.map((cv, c) => {
    const mean = M.slice(c * d, (c + 1) * d);
    const name = `covariances[${c}]`;
    if (isNDArray(cv)) {
      const { U, s } = eigenFromCovariance(cv, d, name);
      return { d, k: s.length, mean, U, s };
    }
    const { U, s } = readEigen(cv as EigenForm, d, name);
    return { d, k: s.length, mean, U, s };
  });
  const logw = Float64Array.from(w, (v) => Math.log(v));

  /** log w_c + log N_c(x) into ell (n x K); z_c (n x k_c) into zs. */
  const active = Array.from(w).filter((v) => v > 0).length;
  const componentLogs = (x: Float64Array, n: number, a: number, b: number, what: string, needLogs = true) => {
    const ell = new Float64Array(n * K);
    const tmp = new Float64Array(n);
    const zs: Float64Array[] = [];
    for (let c = 0; c < K; c++) {
      const z = new Float64Array(n * comps[c].k);
      if (w[c] > 0 && !needLogs) {
        // A single active component: responsibilities are 1 (no density needed, so alpha = 0 is fine).
        projectEigen(comps[c], x, n, b, z);
        for (let r = 0; r < n; r++) ell[r * K + c] = 0;
      } else if (w[c] > 0) {
        noisedLogDensity(comps[c], x, n, a, b, z, tmp, what);
        for (let r = 0; r < n; r++) ell[r * K + c] = logw[c] + tmp[r];
      } else {
        for (let r = 0; r < n; r++) ell[r * K + c] = Number.NEGATIVE_INFINITY;
      }
      zs.push(z);
    }
    return { ell, zs };
  };

  /** In place: rows of ell (n x K) -> softmax; returns the row log-sum-exps. */
  const softmaxRows = (ell: Float64Array, n: number): Float64Array => {
    const lse = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const o = r * K;
      let mx = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < K; c++) if (ell[o + c] > mx) mx = ell[o + c];
      let sum = 0;
      for (let c = 0; c < K; c++) {
        const e = Math.exp(ell[o + c] - mx);
        ell[o + c] = e;
        sum += e;
      }
      for (let c = 0; c < K; c++) ell[o + c] /= sum;
      lse[r] = mx + Math.log(sum);
    }
    return lse;
  };

  const denoise = (x: Float64Array, n: number, a: number, b: number, outArg: Float64Array | undefined, what: string) => {
    const out = outBuffer(outArg, n * d);
    const { ell, zs } = componentLogs(x, n, a, b, what, active > 1);
    softmaxRows(ell, n);
    const dst = out === x ? new Float64Array(n * d) : out;
    // dst = sum_c r_c m_c
    for (let r = 0; r < n; r++) {
      const o = r * d;
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let c = 0; c < K; c++) acc += ell[r * K + c] * M[c * d + i];
        dst[o + i] = acc;
      }
    }
    // dst += sum_c (r_c * z_c * g_c) U_c^T
    for (let c = 0; c < K; c++) {
      if (!(w[c] > 0)) continue;
      const { k, U, s } = comps[c];
      const g = gains(s, a, b);
      const z = zs[c];
      for (let r = 0; r < n; r++) {
        const rc = ell[r * K + c];
        const o = r * k;
        for (let j = 0; j < k; j++) z[o + j] *= rc * g[j];
      }
      dgemm(false, true, n, d, k, 1, z, k, U, k, 1, dst, d);
    }
    if (dst !== out) out.set(dst);
    return out;
  };

  let covCache: Float64Array | undefined;
  const mixMean = new Float64Array(d);
  for (let c = 0; c < K; c++) for (let i = 0; i < d; i++) mixMean[i] += w[c] * M[c * d + i];

  return {
    kind: 'gaussian-mixture',
    dim: d,
    components: K,
    weights: () => Float64Array.from(w),
    component(c) {
      assertInteger(c, 0, 'c');
      if (c >= K) throw new DomainError(`c: expected a component index < ${K}, got ${c}`);
      const g = comps[c];
      return { mean: Float64Array.from(g.mean), basis: new NDArray(Float64Array.from(g.U), [d, g.k]), spectrum: Float64Array.from(g.s) };
    },
    mean: () => Float64Array.from(mixMean),
    covariance() {
      if (!covCache) {
        // sum_c w_c (C_c + m_c m_c^T) - m m^T
        const cov = new Float64Array(d * d);
        for (let c = 0; c < K; c++) {
          const cc = denseCovariance(comps[c]);
          const m = comps[c].mean;
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] += w[c] * (cc[i * d + j] + m[i] * m[j]);
        }
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] -= mixMean[i] * mixMean[j];
        covCache = cov;
      }
      return new NDArray(Float64Array.from(covCache), [d, d]);
    },
    sample(n, rng: Rng) {
      assertInteger(n, 0, 'n');
      // Labels first (n uniforms), then the normals of each component in turn.
      const labels = new Int32Array(n);
      const counts = new Int32Array(K);
      for (let r = 0; r < n; r++) {
        const c = rng.categorical(w);
        labels[r] = c;
        counts[c]++;
      }
      const out = new Float64Array(n * d);
      for (let c = 0; c < K; c++) {
        const nc = counts[c];
        if (nc === 0) continue;
        const buf = new Float64Array(nc * d);
        sampleEigen(comps[c], nc, rng, buf);
        let q = 0;
        for (let r = 0; r < n; r++) if (labels[r] === c) out.set(buf.subarray(q * d, ++q * d), r * d);
      }
      return new NDArray(out, [n, d]);
    },
    logDensity(x, n) {
      checkX(x, n, d);
      const { ell } = componentLogs(x, n, 0, 1, 'logDensity');
      return softmaxRows(ell, n);
    },
    responsibilities(x, n, alpha, beta) {
      checkX(x, n, d);
      if (!Number.isFinite(alpha) || !Number.isFinite(beta) || alpha < 0 || beta < 0 || alpha + beta === 0) {
        throw new DomainError(`alpha, beta: expected finite non-negative numbers, not both 0, got (${alpha}, ${beta})`);
      }
      const { ell } = componentLogs(x, n, alpha, beta, 'responsibilities');
      softmaxRows(ell, n);
      return ell;
    },
    denoiser(schedule) {
      return {
        dim: d,
        denoise(x, n, t, out) {
          checkX(x, n, d);
          checkTime(t);
          return denoise(x, n, schedule.alpha(t), schedule.beta(t), out, 'denoise');
        },
      };
    },
    sigmaDenoiser() {
      return {
        dim: d,
        denoise(x, n, sigma, out) {
          checkX(x, n, d);
          checkSigma(sigma);
          return denoise(x, n, sigma, 1, out, 'denoise');
        },
      };
    },
  };
}
