/**
 * The ICLR-2024 model (Cui, Krzakala, Vanden-Eijnden & Zdeborová, ICLR 2024): a binary isotropic
 * GMM rho = 1/2 N(-mu, sigma^2 I_d) + 1/2 N(mu, sigma^2 I_d) with |mu|^2 = d, n = Theta(1) training pairs,
 * one sign auto-encoder f_t(x) = b_t x + u_t sign(u_t^T x) per sampling time, d -> infinity.
 *
 * Shorthands: A = lambda(1 + sigma^2) + (n-1) sigma^2, B = lambda + n - 1, D_t = alpha_t^2 B + beta_t^2 A,
 * c_t = D'_t/(2 D_t), W_t = alpha_t beta'_t - alpha'_t beta_t.
 * Summary statistics of a generated sample X_t: M_t = X^T mu/d, Q^xi_t = X^T xi/(n d), Q^eta_t = X^T eta/(n sigma^2 d)
 * with xi = sum_mu s^mu x0^mu, eta = sum_mu s^mu (x1^mu - s^mu mu), and s = sign(u^T X) (constant along a trajectory).
 * Everything below is for s = +1; the s = -1 trajectory is the mirror image (all three statistics flip sign).
 */
import {
  assertInRange,
  assertInteger,
  assertObject,
  DomainError,
  type InterpolantSchedule,
  integrateFixed,
  ParameterError,
} from '@diffusion-theory/kernel';

export interface IclrParameters {
  /** Number of training pairs n >= 1 (n >= 2 for the self-consistent sign pattern). */
  n: number;
  /** Ridge penalty lambda >= 0 on u. */
  lambda: number;
  /** Cluster standard deviation sigma > 0 (each component is N(+-mu, sigma^2 I)). */
  sigma: number;
}

export interface IclrConstants {
  A: number;
  B: number;
}

function checkParams(p: IclrParameters): void {
  assertInteger(p.n, 1, 'n');
  assertInRange(p.lambda, 0, Number.POSITIVE_INFINITY, 'lambda');
  assertInRange(p.sigma, Number.MIN_VALUE, Number.POSITIVE_INFINITY, 'sigma');
  if (!(p.lambda + p.n - 1 > 0)) throw new DomainError(`lambda, n: expected B = lambda + n - 1 > 0, got lambda = ${p.lambda}, n = ${p.n}`);
}

/** A = lambda(1 + sigma^2) + (n - 1) sigma^2, B = lambda + n - 1. */
export function iclrConstants(p: IclrParameters): IclrConstants {
  assertObject(p, 'p');
  checkParams(p);
  const s2 = p.sigma * p.sigma;
  return { A: p.lambda * (1 + s2) + (p.n - 1) * s2, B: p.lambda + p.n - 1 };
}

/** Asymptotic minimiser's skip weight b_t = beta_t A / D_t. */
export function iclrSkip(p: IclrParameters & { schedule: InterpolantSchedule; t: number }): number {
  assertObject(p, 'p');
  const { A, B } = iclrConstants(p);
  const a = p.schedule.alpha(p.t);
  const b = p.schedule.beta(p.t);
  return (b * A) / (a * a * B + b * b * A);
}

/** The summary statistics of one generated trajectory with s = +1 (perp = |X_perp|^2/d). */
export interface IclrSummary {
  t: number;
  M: number;
  Qxi: number;
  Qeta: number;
  /** |X_t^perp|^2 / d: the variance per direction off span(mu, xi, eta) = D_t / D_0. */
  perp: number;
}

/**
 * Right-hand side of the summary-statistic ODEs (s = +1), state y = (M, Q^xi, Q^eta, perp):
 *   M' = c M + W n alpha B/((lambda+n) D),  Q^xi' = c Q^xi - W beta A/((lambda+n) D),
 *   Q^eta' = c Q^eta + W alpha B/((lambda+n) D),  perp' = 2 c perp.
 */
export function iclrRhs(p: IclrParameters & { schedule: InterpolantSchedule }): (t: number, y: Float64Array, dy: Float64Array) => void {
  assertObject(p, 'p');
  const { A, B } = iclrConstants(p);
  const { n, lambda, schedule: s } = p;
  return (t, y, dy) => {
    const a = s.alpha(t);
    const b = s.beta(t);
    const da = s.dalpha(t);
    const db = s.dbeta(t);
    const D = a * a * B + b * b * A;
    const c = (db * b * A + da * a * B) / D;
    const W = a * db - da * b;
    const k = W / ((lambda + n) * D);
    dy[0] = c * y[0] + k * n * a * B;
    dy[1] = c * y[1] - k * b * A;
    dy[2] = c * y[2] + k * a * B;
    dy[3] = 2 * c * y[3];
  };
}

/** Integrate the ODEs from (0, 0, 0, 1) at t = 0 to the given times by RK4 (`steps` uniform steps on [0, max t], default 2000). */
export function iclrSummaryOde(p: IclrParameters & { schedule: InterpolantSchedule; times: readonly number[]; steps?: number }): IclrSummary[] {
  assertObject(p, 'p');
  checkParams(p);
  const times = [...p.times];
  if (times.length === 0) throw new DomainError('times: expected at least one time');
  for (let i = 0; i < times.length; i++) {
    assertInRange(times[i], 0, 1, `times[${i}]`);
    if (i > 0 && times[i] < times[i - 1]) throw new DomainError('times: expected non-decreasing times');
  }
  const steps = p.steps ?? 2000;
  assertInteger(steps, 1, 'steps');
  const t1 = times[times.length - 1];
  if (t1 === 0) return times.map((t) => ({ t, M: 0, Qxi: 0, Qeta: 0, perp: 1 }));
  // integrate on a grid that contains every requested time: integrate piecewise
  const f = iclrRhs(p);
  const out: IclrSummary[] = [];
  let y: Float64Array = Float64Array.of(0, 0, 0, 1);
  let t = 0;
  for (const tt of times) {
    if (tt > t) {
      const k = Math.max(1, Math.round((steps * (tt - t)) / t1));
      y = integrateFixed({ f, y0: y, t0: t, t1: tt, steps: k, method: 'rk4' }).y;
      t = tt;
    }
    out.push({ t: tt, M: y[0], Qxi: y[1], Qeta: y[2], perp: y[3] });
  }
  return out;
}

/**
 * Closed forms for alpha = 1 - t, beta = t (s = +1):
 *   M_t = n t/(lambda+n), Q^eta_t = t/(lambda+n), Q^xi_t = -(sqrt(D_t/B) - (1-t))/(lambda+n), perp = D_t/B.
 */
export function iclrSummaryLinear(p: IclrParameters & { t: number }): IclrSummary {
  assertObject(p, 'p');
  const { A, B } = iclrConstants(p);
  const { t, n, lambda } = p;
  assertInRange(t, 0, 1, 't');
  const D = (1 - t) ** 2 * B + t * t * A;
  return { t, M: (n * t) / (lambda + n), Qeta: t / (lambda + n), Qxi: -(Math.sqrt(D / B) - (1 - t)) / (lambda + n), perp: D / B };
}

/**
 * The closed forms of `iclrSummaryLinear` for a trajectory ALIGNED by s = sign(u_0^T X_0) in
 * finite dimension d (what a simulation that cannot see the sign of the training direction
 * measures). With u_0 ~ n mu + eta the sign correlates with X_0: E[s X_0] = sqrt(2/pi) u_0/|u_0|,
 * so the aligned overlaps gain the offset off = sqrt(D_t/B) sqrt(2 / (pi d (1 + sigma^2/n)))
 * along mu (M) and off / n along eta (Q^eta); nothing along xi, which is independent of u_0.
 * The offset is O(d^-1/2) and vanishes as d -> infinity.
 * @param p the model parameters, t in [0, 1] and the dimension d (positive integer).
 * @returns the aligned summary (perp unchanged).
 * @throws DomainError if t is outside [0, 1] or d is not a positive integer.
 */
export function iclrAlignedSummaryLinear(p: IclrParameters & { t: number; d: number }): IclrSummary {
  assertObject(p, 'p');
  if (!Number.isInteger(p.d) || p.d < 1) throw new DomainError(`d: expected a positive integer dimension, got ${p.d}`);
  const s = iclrSummaryLinear(p);
  const off = Math.sqrt((2 * s.perp) / (Math.PI * p.d * (1 + (p.sigma * p.sigma) / p.n)));
  return { ...s, M: s.M + off, Qeta: s.Qeta + off / p.n };
}

/**
 * Closed forms for any schedule by quadrature (s = +1):
 *   M_t = sqrt(D_t) nB/(lambda+n) int_0^t W alpha/D^{3/2},  Q^eta_t = M_t/n,
 *   Q^xi_t = -sqrt(D_t) A/(lambda+n) int_0^t W beta/D^{3/2},  perp = D_t/D_0.
 */
export function iclrSummaryQuadrature(p: IclrParameters & { schedule: InterpolantSchedule; t: number; panels?: number }): IclrSummary {
  assertObject(p, 'p');
  const { A, B } = iclrConstants(p);
  const { t, n, lambda, schedule: s } = p;
  assertInRange(t, 0, 1, 't');
  const panels = p.panels ?? 200;
  assertInteger(panels, 1, 'panels');
  const D = (u: number) => s.alpha(u) ** 2 * B + s.beta(u) ** 2 * A;
  const W = (u: number) => s.alpha(u) * s.dbeta(u) - s.dalpha(u) * s.beta(u);
  const gl = (g: (u: number) => number) => {
    const x = [0.3399810435848563, 0.8611363115940526];
    const w = [0.6521451548625461, 0.3478548451374538];
    const h = t / panels;
    let acc = 0;
    for (let q = 0; q < panels; q++) {
      const mid = (q + 0.5) * h;
      for (let i = 0; i < 2; i++) acc += w[i] * (g(mid - 0.5 * h * x[i]) + g(mid + 0.5 * h * x[i]));
    }
    return 0.5 * h * acc;
  };
  const Dt = D(t);
  const M = ((Math.sqrt(Dt) * n * B) / (lambda + n)) * gl((u) => (W(u) * s.alpha(u)) / D(u) ** 1.5);
  const Qxi = ((-Math.sqrt(Dt) * A) / (lambda + n)) * gl((u) => (W(u) * s.beta(u)) / D(u) ** 1.5);
  return { t, M, Qxi, Qeta: M / n, perp: Dt / D(0) };
}

/** ||m_hat - mu||^2/d = (M_1 - 1)^2 + n (Q^xi_1)^2 + n sigma^2 (Q^eta_1)^2 from the t = 1 summary statistics. */
export function iclrMeanErrorFromSummary(p: IclrParameters & { summary: Pick<IclrSummary, 'M' | 'Qxi' | 'Qeta'> }): number {
  assertObject(p, 'p');
  checkParams(p);
  const { M, Qxi, Qeta } = p.summary;
  return (M - 1) ** 2 + p.n * Qxi * Qxi + p.n * p.sigma * p.sigma * Qeta * Qeta;
}

/**
 * Mean error of the generated density, ||m_hat - mu||^2/d = (lambda^2 + n (A/B + sigma^2))/(lambda + n)^2
 * (alpha = 1 - t; equals 2 sigma^2/n exactly when lambda = 0).
 */
export function iclrMeanError(p: IclrParameters): number {
  assertObject(p, 'p');
  const { A, B } = iclrConstants(p);
  const { n, lambda, sigma } = p;
  return (lambda * lambda + n * (A / B + sigma * sigma)) / (lambda + n) ** 2;
}

/** The leading-order generated density at t = 1: 1/2 N(m_hat, v I) + 1/2 N(-m_hat, v I), v = A/B. */
export interface IclrGeneratedDensity {
  /** Coefficients of m_hat = M mu + Q^xi xi + Q^eta eta. */
  M: number;
  Qxi: number;
  Qeta: number;
  /** Per-coordinate variance of each component, A/B (= sigma^2 when lambda = 0). */
  variance: number;
  /** ||m_hat - mu||^2/d. */
  meanError: number;
}

/** Generated-density description (Cui et al. 2024, ICLR); `schedule` defaults to the linear closed forms, otherwise quadrature. */
export function iclrGeneratedDensity(p: IclrParameters & { schedule?: InterpolantSchedule }): IclrGeneratedDensity {
  assertObject(p, 'p');
  const { A, B } = iclrConstants(p);
  const s = p.schedule ? iclrSummaryQuadrature({ ...p, schedule: p.schedule, t: 1 }) : iclrSummaryLinear({ ...p, t: 1 });
  return { M: s.M, Qxi: s.Qxi, Qeta: s.Qeta, variance: A / B, meanError: iclrMeanErrorFromSummary({ ...p, summary: s }) };
}

/** m_hat = M mu + Q^xi xi + Q^eta eta as a vector in R^d (from the actual training statistics). */
export function iclrGeneratedMean(o: { density: Pick<IclrGeneratedDensity, 'M' | 'Qxi' | 'Qeta'>; mu: Float64Array; xi: Float64Array; eta: Float64Array }): Float64Array {
  assertObject(o, 'o');
  const { mu, xi, eta } = o;
  if (xi.length !== mu.length || eta.length !== mu.length) throw new ParameterError(`xi, eta: expected length ${mu.length} (that of mu)`);
  const out = new Float64Array(mu.length);
  for (let i = 0; i < mu.length; i++) out[i] = o.density.M * mu[i] + o.density.Qxi * xi[i] + o.density.Qeta * eta[i];
  return out;
}
