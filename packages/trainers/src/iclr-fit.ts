import { DomainError, type InterpolantSchedule, NDArray, ParameterError, ShapeError, assertFinite, assertInRange, assertInteger, dgemm, isNDArray, assertObject } from '@diffusion-theory/kernel';
import { type IclrSignAe, iclrSignAe } from '@diffusion-theory/denoisers';

/**
 * Per-time ridge fit of the ICLR-2024 sign auto-encoder f_t(x) = b_t x + u_t sign(u_t^T x)
 * (Cui et al. 2024, ICLR) on n training pairs (x0^mu, x1^mu):
 *   min_{b,u} sum_mu |b x^mu + u sign(u^T x^mu) - x1^mu|^2 + lambda |u|^2,   x^mu = alpha_t x0^mu + beta_t x1^mu.
 *
 * For a fixed sign pattern s (s^mu = sign(u^T x^mu)) the problem is linear least squares in (b, u) with the
 * exact solution
 *   u(b) = sum_mu s^mu (x1^mu - b x^mu) / (lambda + n),
 *   b = (S_x1 - a.c/(lambda+n)) / (S_xx - |a|^2/(lambda+n)),  a = sum s^mu x^mu, c = sum s^mu x1^mu,
 * S_xx = sum |x^mu|^2, S_x1 = sum x^mu.x1^mu. Everything is computed from the n x n Gram matrices.
 * Methods:
 *  - 'exact' (default): the finite-d least-squares solution for the sign pattern (labels, or searched);
 *  - 'asymptotic': the d -> infinity minimiser b_t = beta_t A / D_t (needs sigma) and
 *    u_t = sum_mu s^mu (x1^mu - b_t x^mu)/(lambda + n) = ((1 - b_t beta_t)(n mu + eta) - b_t alpha_t xi)/(lambda + n).
 * Sign patterns: 'labels' uses the cluster signs s (needed for 'asymptotic'); 'search' enumerates all 2^(n-1)
 * patterns (up to the global flip, n <= 20) and keeps the self-consistent one with the smallest loss — a direct
 * numerical minimisation at finite d; it is certified global when that pattern also has the smallest
 * unconstrained least-squares loss among all patterns.
 */
export interface IclrFitOptions {
  /** Base noise x0 (n x d). */
  x0: NDArray;
  /** Data x1 (n x d). */
  x1: NDArray;
  /** Cluster signs s^mu = +-1 (length n); required for signPattern 'labels' and method 'asymptotic'. */
  s?: Float64Array | readonly number[];
  schedule: InterpolantSchedule;
  /** Grid times (strictly increasing, in [0, 1]). */
  times: Float64Array | readonly number[];
  /** Ridge penalty lambda >= 0 on u. */
  lambda: number;
  /** Default 'exact'. */
  method?: 'exact' | 'asymptotic';
  /** Default 'labels' when s is given, else 'search'. */
  signPattern?: 'labels' | 'search';
  /** Cluster standard deviation (method 'asymptotic' only). */
  sigma?: number;
}

export interface IclrFitResult {
  times: Float64Array;
  /** b_t at each grid time. */
  b: Float64Array;
  /** u_t (J x d). */
  u: NDArray;
  /** The objective at the returned (b, u), per time. */
  loss: Float64Array;
  /** Whether sign(u_t^T x^mu) equals the sign pattern used, for every mu, per time. */
  selfConsistent: boolean[];
  /** ('search' only) whether the returned pattern is certified to be the global minimiser, per time. */
  certifiedGlobal?: boolean[];
  /** The fitted networks as a Denoiser (linear interpolation between grid times). */
  denoiser: IclrSignAe;
}

interface Grams {
  Gxx: Float64Array;
  Gx1: Float64Array; // [mu][nu] = x^mu . x1^nu
  G11: Float64Array;
}

function patternLs(g: Grams, n: number, lambda: number, s: Float64Array, fixedB?: number): { b: number; loss: number; coef: Float64Array } {
  let Sxx = 0;
  let Sx1 = 0;
  let S11 = 0;
  let aa = 0;
  let ac = 0;
  let cc = 0;
  for (let m = 0; m < n; m++) {
    Sxx += g.Gxx[m * n + m];
    Sx1 += g.Gx1[m * n + m];
    S11 += g.G11[m * n + m];
    for (let k = 0; k < n; k++) {
      const ss = s[m] * s[k];
      aa += ss * g.Gxx[m * n + k];
      ac += ss * g.Gx1[m * n + k];
      cc += ss * g.G11[m * n + k];
    }
  }
  const L = lambda + n;
  const b = fixedB ?? (Sx1 - ac / L) / (Sxx - aa / L);
  const uu = (cc - 2 * b * ac + b * b * aa) / (L * L);
  const au = (ac - b * aa) / L;
  const cu = (cc - b * ac) / L;
  const loss = b * b * Sxx + L * uu + S11 + 2 * b * au - 2 * b * Sx1 - 2 * cu;
  // u = sum_mu coef_mu ... with coef over x1 rows = s/L and over x rows = -b s/L
  const coef = new Float64Array(n);
  for (let m = 0; m < n; m++) coef[m] = s[m] / L;
  return { b, loss, coef };
}

/** s^nu-weighted check sign(u^T x^nu) == s^nu with u = sum_mu s^mu (x1^mu - b x^mu)/L, from Grams. */
function consistent(g: Grams, n: number, lambda: number, s: Float64Array, b: number): boolean {
  const L = lambda + n;
  for (let v = 0; v < n; v++) {
    let h = 0;
    for (let m = 0; m < n; m++) h += (s[m] * (g.Gx1[v * n + m] - b * g.Gxx[m * n + v])) / L;
    if (Math.sign(h) !== s[v]) return false;
  }
  return true;
}

/**
 * Fit the ICLR-2024 sign auto-encoder per grid time by the exact ridge solution described at the top of
 * this file (Cui et al. 2024, ICLR).
 * @param opts - the training pairs x0, x1 (n x d), grid times, schedule and the ridge parameter lambda
 * @returns the fitted per-time parameters (b_t, u_t) and the model
 * @throws ShapeError / DomainError / ParameterError for invalid options
 */
export function fitIclrSignAe(opts: IclrFitOptions): IclrFitResult {
  assertObject(opts, 'opts');
  const { x0, x1, schedule, lambda } = opts;
  if (!isNDArray(x0) || !isNDArray(x1) || x0.ndim !== 2 || x1.ndim !== 2) throw new ShapeError('x0, x1: expected n x d NDArrays');
  const [n, d] = x0.shape;
  if (x1.shape[0] !== n || x1.shape[1] !== d) throw new ShapeError(`x1: expected shape [${n}, ${d}] (that of x0), got [${x1.shape.join(', ')}]`);
  assertInteger(n, 1, 'n (rows of x0)');
  const X0 = x0.contiguous().data;
  const X1 = x1.contiguous().data;
  assertFinite(X0, 'x0');
  assertFinite(X1, 'x1');
  assertInRange(lambda, 0, Number.POSITIVE_INFINITY, 'lambda');
  if (!schedule || typeof schedule.alpha !== 'function') throw new ParameterError('schedule: expected an InterpolantSchedule');
  const times = Float64Array.from(opts.times);
  const J = times.length;
  if (J < 1) throw new ShapeError('times: expected at least one time');
  for (let j = 0; j < J; j++) {
    assertInRange(times[j], 0, 1, `times[${j}]`);
    if (j > 0 && !(times[j] > times[j - 1])) throw new DomainError('times: expected strictly increasing times');
  }
  const method = opts.method ?? 'exact';
  if (method !== 'exact' && method !== 'asymptotic') throw new ParameterError(`method: expected 'exact' or 'asymptotic', got '${String(method)}'`);
  let labels: Float64Array | undefined;
  if (opts.s !== undefined) {
    labels = Float64Array.from(opts.s);
    if (labels.length !== n) throw new ShapeError(`s: expected length ${n}, got ${labels.length}`);
    for (let i = 0; i < n; i++) if (labels[i] !== 1 && labels[i] !== -1) throw new DomainError(`s: expected +-1 entries, got ${labels[i]} at ${i}`);
  }
  const pattern = opts.signPattern ?? (labels ? 'labels' : 'search');
  if (pattern === 'labels' && !labels) throw new ParameterError("s: required for signPattern 'labels'");
  if (pattern === 'search' && n > 20) throw new DomainError(`signPattern 'search': expected n <= 20 (2^(n-1) patterns), got ${n}`);
  if (pattern === 'search' && method === 'asymptotic') throw new ParameterError("method 'asymptotic' needs signPattern 'labels'");
  let AB: { A: number; B: number } | undefined;
  if (method === 'asymptotic') {
    if (!labels) throw new ParameterError("s: required for method 'asymptotic'");
    if (opts.sigma === undefined) throw new ParameterError("sigma: required for method 'asymptotic'");
    assertInRange(opts.sigma, Number.MIN_VALUE, Number.POSITIVE_INFINITY, 'sigma');
    const s2 = opts.sigma ** 2;
    AB = { A: lambda * (1 + s2) + (n - 1) * s2, B: lambda + n - 1 };
  }
  // Gram matrices of x0, x1 (n x n): x^mu = a x0 + b x1 gives Gxx, Gx1 by linearity.
  const G00 = new Float64Array(n * n);
  const G01 = new Float64Array(n * n);
  const G11 = new Float64Array(n * n);
  dgemm(false, true, n, n, d, 1, X0, d, X0, d, 0, G00, n);
  dgemm(false, true, n, n, d, 1, X0, d, X1, d, 0, G01, n);
  dgemm(false, true, n, n, d, 1, X1, d, X1, d, 0, G11, n);
  const bOut = new Float64Array(J);
  const U = new Float64Array(J * d);
  const lossOut = new Float64Array(J);
  const selfC: boolean[] = [];
  const cert: boolean[] = [];
  const s = new Float64Array(n);
  for (let j = 0; j < J; j++) {
    const t = times[j];
    const al = schedule.alpha(t);
    const be = schedule.beta(t);
    const Gxx = new Float64Array(n * n);
    const Gx1 = new Float64Array(n * n);
    for (let m = 0; m < n; m++) {
      for (let k = 0; k < n; k++) {
        Gxx[m * n + k] = al * al * G00[m * n + k] + al * be * (G01[m * n + k] + G01[k * n + m]) + be * be * G11[m * n + k];
        Gx1[m * n + k] = al * G01[m * n + k] + be * G11[m * n + k];
      }
    }
    const g: Grams = { Gxx, Gx1, G11 };
    let best: { b: number; loss: number } | undefined;
    if (pattern === 'labels') {
      s.set(labels as Float64Array);
      const fixedB = AB ? (be * AB.A) / (al * al * AB.B + be * be * AB.A) : undefined;
      best = patternLs(g, n, lambda, s, fixedB);
      selfC.push(consistent(g, n, lambda, s, best.b));
    } else {
      let bestLs = Number.POSITIVE_INFINITY;
      let bestSc: { b: number; loss: number; mask: number } | undefined;
      const total = 1 << (n - 1);
      for (let mask = 0; mask < total; mask++) {
        s[0] = 1;
        for (let m = 1; m < n; m++) s[m] = (mask >> (m - 1)) & 1 ? -1 : 1;
        const r = patternLs(g, n, lambda, s);
        if (r.loss < bestLs) bestLs = r.loss;
        if ((!bestSc || r.loss < bestSc.loss) && consistent(g, n, lambda, s, r.b)) bestSc = { b: r.b, loss: r.loss, mask };
      }
      if (!bestSc) {
        selfC.push(false);
        cert.push(false);
        // fall back to the pattern with the smallest unconstrained loss
        let bm = 0;
        let bl = Number.POSITIVE_INFINITY;
        for (let mask = 0; mask < total; mask++) {
          s[0] = 1;
          for (let m = 1; m < n; m++) s[m] = (mask >> (m - 1)) & 1 ? -1 : 1;
          const r = patternLs(g, n, lambda, s);
          if (r.loss < bl) {
            bl = r.loss;
            bm = mask;
          }
        }
        bestSc = { ...patternLs(g, n, lambda, s), mask: bm };
      } else {
        selfC.push(true);
        cert.push(bestSc.loss <= bestLs * (1 + 1e-12) + 1e-12);
      }
      s[0] = 1;
      for (let m = 1; m < n; m++) s[m] = (bestSc.mask >> (m - 1)) & 1 ? -1 : 1;
      // orient like the labels when given (the objective is invariant under u -> -u)
      if (labels) {
        let dotLab = 0;
        for (let m = 0; m < n; m++) dotLab += s[m] * labels[m];
        if (dotLab < 0) for (let m = 0; m < n; m++) s[m] = -s[m];
      }
      best = patternLs(g, n, lambda, s);
    }
    bOut[j] = best.b;
    lossOut[j] = best.loss;
    const L = lambda + n;
    const uj = U.subarray(j * d, (j + 1) * d);
    for (let m = 0; m < n; m++) {
      const cx0 = (-s[m] * best.b * al) / L;
      const cx1 = (s[m] * (1 - best.b * be)) / L;
      const o = m * d;
      for (let i = 0; i < d; i++) uj[i] += cx0 * X0[o + i] + cx1 * X1[o + i];
    }
  }
  const u = new NDArray(U, [J, d]);
  const res: IclrFitResult = { times, b: bOut, u, loss: lossOut, selfConsistent: selfC, denoiser: iclrSignAe({ times, b: bOut, u }) };
  if (pattern === 'search') res.certifiedGlobal = cert;
  return res;
}
