import type { LinearParametrization } from '@diffusion-theory/denoisers';
import { assertFinite, assertInteger, DivergenceError, DomainError, ParameterError, ShapeError } from '@diffusion-theory/kernel';
import { momentLossGradient, type RegressionMoments } from './moments.js';

export interface LinearFlowOptions {
  /** The model family (denoisers `affineLinear`, `symmetricTwoLayer`, `deepLinear`, `circulantConv`, `patchConv`). */
  param: LinearParametrization;
  /** Exact moments of the loss (`variantMoments`). */
  moments: RegressionMoments;
  /** Initial parameters theta(0) (length param.size; not modified). */
  theta0: Float64Array;
  /** Learning rate eta > 0 (default 1). */
  eta?: number;
  /** Increasing record times tau >= 0 (gradient flow) or step counts (method 'gd'). */
  times: ArrayLike<number>;
  /** 'rk4' (default), 'euler' (gradient flow with `dt`), or 'gd' (discrete GD with step eta; times = update counts). */
  method?: 'rk4' | 'euler' | 'gd';
  /** Integration step in tau (rk4 / euler; default 1e-3 / eta). */
  dt?: number;
  /** Stop stepping once a step changes no parameter by more than 1e-15 of the largest (converged to round-off); later records repeat it. */
  stopWhenStill?: boolean;
}

/** Parameters and loss at each record time. */
export interface LinearFlowResult {
  times: Float64Array;
  theta: Float64Array[];
  loss: Float64Array;
}

/**
 * Full-batch gradient flow (or discrete GD) on the exact moment-based loss for any linear family
 * (spec spectral-bias §2-§9): d theta / d tau = -eta grad_theta L(theta), with grad_theta = pullback(grad_W, grad_b).
 * @throws ShapeError on a wrong theta0 length; DomainError on bad times / steps; DivergenceError when the parameters blow up
 * @example
 * trainLinearFlow({ param: affineLinear(4, { bias: false }), moments: variantMoments(cov, { kind: 'edm-x', sigma: 1 }), theta0, times: [0, 1, 2] });
 */
export function trainLinearFlow(o: LinearFlowOptions): LinearFlowResult {
  const { param, moments } = o ?? ({} as LinearFlowOptions);
  if (!param || typeof param.pullback !== 'function') throw new ParameterError('param: expected a LinearParametrization');
  if (!moments || moments.dim !== param.dim) throw new ShapeError(`moments: expected dim ${param.dim}`);
  if (!(o.theta0 instanceof Float64Array) || o.theta0.length !== param.size) throw new ShapeError(`theta0: expected a Float64Array of length ${param.size}`);
  assertFinite(o.theta0, 'theta0');
  const eta = o.eta ?? 1;
  if (!(eta > 0) || !Number.isFinite(eta)) throw new DomainError(`eta: expected a finite number > 0, got ${eta}`);
  const times = Float64Array.from(o.times);
  if (times.length < 1) throw new ShapeError('times: expected at least one record time');
  for (let i = 0; i < times.length; i++) {
    if (!(times[i] >= 0) || (i > 0 && !(times[i] > times[i - 1]))) throw new DomainError(`times: expected increasing values >= 0 (index ${i})`);
  }
  const method = o.method ?? 'rk4';
  if (method === 'gd') for (const t of times) assertInteger(t, 0, 'times (GD step counts)');
  const dt = o.dt ?? 1e-3 / eta;
  if (!(dt > 0)) throw new DomainError(`dt: expected > 0, got ${dt}`);
  const grad = (th: Float64Array): Float64Array => {
    const { W, b } = param.weight(th);
    const { gW, gb } = momentLossGradient(moments, W, b);
    return param.pullback(th, gW, gb);
  };
  const lossOf = (th: Float64Array) => {
    const { W, b } = param.weight(th);
    return momentLossGradient(moments, W, b).loss;
  };
  const th = Float64Array.from(o.theta0);
  const n = th.length;
  const out: Float64Array[] = [];
  const loss = new Float64Array(times.length);
  let now = 0;
  const tmp = new Float64Array(n);
  const prev = Float64Array.from(th);
  let still = false;
  const step = (h: number) => {
    if (method === 'euler' || method === 'gd') {
      const g = grad(th);
      for (let i = 0; i < n; i++) th[i] -= eta * h * g[i];
    } else {
      const k1 = grad(th);
      for (let i = 0; i < n; i++) tmp[i] = th[i] - 0.5 * h * eta * k1[i];
      const k2 = grad(tmp);
      for (let i = 0; i < n; i++) tmp[i] = th[i] - 0.5 * h * eta * k2[i];
      const k3 = grad(tmp);
      for (let i = 0; i < n; i++) tmp[i] = th[i] - h * eta * k3[i];
      const k4 = grad(tmp);
      for (let i = 0; i < n; i++) th[i] -= (h * eta * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i])) / 6;
    }
    for (let i = 0; i < n; i++) if (!Number.isFinite(th[i])) throw new DivergenceError(`trainLinearFlow: parameters diverged at tau = ${now}`, 0);
    if (o.stopWhenStill) {
      let dmax = 0;
      let tmax = 0;
      for (let i = 0; i < n; i++) {
        dmax = Math.max(dmax, Math.abs(th[i] - prev[i]));
        tmax = Math.max(tmax, Math.abs(th[i]));
      }
      if (dmax <= 1e-15 * tmax) still = true;
      prev.set(th);
    }
  };
  for (let r = 0; r < times.length; r++) {
    if (method === 'gd') {
      while (now < times[r]) {
        if (!still) step(1);
        now += 1;
      }
    } else {
      const span = times[r] - now;
      const k = Math.ceil(span / dt - 1e-9);
      for (let i = 0; i < k && !still; i++) step(span / k);
      now = times[r];
    }
    out.push(th.slice());
    loss[r] = lossOf(th);
  }
  return { times, theta: out, loss };
}

export interface ModeFlowOptions {
  /** Mode variances lambda_k (> 0) in the data eigenbasis. */
  lambdas: ArrayLike<number>;
  /** Noise level sigma > 0 (EDM; not used with fmTime). */
  sigma?: number;
  /** 'one-layer' (gain w) or 'two-layer' (W = P P^T: gain h = p^2). */
  model: 'one-layer' | 'two-layer';
  /** Aligned initial gain Q (>= 0 for two-layer). */
  Q: number;
  eta?: number;
  /** Increasing record times tau. */
  times: ArrayLike<number>;
  /** RK4 step (default 1e-2 / eta); with `rateStep`, the largest step. */
  dt?: number;
  /** Adaptive step: h = min(dt, rateStep / max_k |d f_k / d x_k|) (the local stiffness), landing on every record time. */
  rateStep?: number;
  /**
   * Flow matching at time t in [0, 1] instead of EDM (spec §9): the rate g = t^2 lambda + (1 - t)^2 and target
   * m = t lambda - (1 - t) replace sigma^2 + lambda and lambda; `sigma` is then ignored.
   */
  fmTime?: number;
}

/**
 * Numerical gradient flow of the exact EDM x-prediction moment loss in the data eigenbasis, one scalar per
 * mode (aligned initialisation keeps W diagonal in U; stops stepping once no mode moves in floating point): one-layer dw/dtau = -2 eta ((lambda + sigma^2) w - lambda);
 * two-layer (W = P P^T, per mode p) dp/dtau = -2 eta * 2 ((lambda + sigma^2) p^2 - lambda) p. RK4 in tau.
 * @returns gains[r][k] = u_k^T W(times[r]) u_k
 */
export function trainModeFlow(o: ModeFlowOptions): Float64Array[] {
  const lam = Float64Array.from(o.lambdas);
  assertFinite(lam, 'lambdas');
  const fm = o.fmTime;
  if (fm !== undefined && !(fm >= 0 && fm <= 1)) throw new DomainError(`fmTime: expected a number in [0, 1], got ${fm}`);
  if (fm === undefined && !((o.sigma ?? 0) > 0)) throw new DomainError(`sigma: expected > 0, got ${o.sigma}`);
  // per mode: rate coefficient G (sigma^2 + lambda, or g(t)) and target coefficient l (lambda, or m(t))
  const G = fm === undefined ? lam.map((v) => v + (o.sigma ?? 0) ** 2) : lam.map((v) => fm * fm * v + (1 - fm) ** 2);
  const l = fm === undefined ? lam : lam.map((v) => fm * v - (1 - fm));
  const eta = o.eta ?? 1;
  const dt = o.dt ?? 1e-2 / eta;
  if (o.model === 'two-layer' && o.Q < 0) throw new DomainError(`Q: expected >= 0 for the two-layer model, got ${o.Q}`);
  const d = lam.length;
  const th = new Float64Array(d).fill(o.model === 'two-layer' ? Math.sqrt(o.Q) : o.Q);
  const f = (x: number, k: number) => {
    if (o.model === 'one-layer') return -2 * eta * (G[k] * x - l[k]);
    return -4 * eta * (G[k] * x * x - l[k]) * x;
  };
  // Jacobian of each mode's right-hand side (for the adaptive step): one-layer -2 eta s, two-layer -4 eta (3 s p^2 - lambda)
  const jac = (x: number, k: number) => (o.model === 'one-layer' ? 2 * eta * G[k] : 4 * eta * Math.abs(3 * G[k] * x * x - l[k]));
  const rateStep = o.rateStep;
  if (rateStep !== undefined && !(rateStep > 0)) throw new DomainError(`rateStep: expected > 0, got ${rateStep}`);
  const out: Float64Array[] = [];
  let now = 0;
  let settled = false;
  const rk4 = (h: number): boolean => {
    let moved = false;
    for (let m = 0; m < d; m++) {
      const x = th[m];
      const k1 = f(x, m);
      const k2 = f(x + 0.5 * h * k1, m);
      const k3 = f(x + 0.5 * h * k2, m);
      const k4 = f(x + h * k3, m);
      const nx = x + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      if (Math.abs(nx - x) > 1e-15 * Math.abs(x)) moved = true;
      th[m] = nx;
    }
    return moved;
  };
  const times = Array.from(o.times);
  for (let i = 0; i < times.length; i++) if (!(times[i] >= (i > 0 ? times[i - 1] : 0))) throw new DomainError('times: expected increasing values >= 0');
  const rows = times.map(() => new Float64Array(d));
  if (rateStep === undefined) {
    for (const [r, t] of times.entries()) {
      const k = Math.ceil((t - now) / dt - 1e-9);
      const h = k > 0 ? (t - now) / k : 0;
      for (let s = 0; s < k && !settled; s++) if (!rk4(h)) settled = true; // every mode at its fixed point to ~1 ulp
      now = t;
      rows[r].set(th);
    }
  } else {
    // modes are independent: each takes its own adaptive steps and stops once it no longer moves
    for (let m = 0; m < d; m++) {
      let x = th[m];
      let cur = 0;
      let done = false;
      for (const [r, t] of times.entries()) {
        while (cur < t && !done) {
          const J = jac(x, m);
          let h = Math.min(dt, J > 0 ? rateStep / J : dt, t - cur);
          if (t - cur - h < 1e-12 * t) h = t - cur;
          const k1 = f(x, m);
          const k2 = f(x + 0.5 * h * k1, m);
          const k3 = f(x + 0.5 * h * k2, m);
          const k4 = f(x + h * k3, m);
          const nx = x + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
          if (!(Math.abs(nx - x) > 1e-15 * Math.abs(x))) done = true;
          x = nx;
          cur += h;
        }
        rows[r][m] = x;
      }
    }
  }
  for (const [r, row] of rows.entries()) {
    for (let m = 0; m < d; m++) if (!Number.isFinite(row[m])) throw new DivergenceError(`trainModeFlow: mode ${m} diverged by tau = ${times[r]}; use a smaller dt`, 0);
    out.push(o.model === 'two-layer' ? row.map((p) => p * p) : row);
  }
  return out;
}
