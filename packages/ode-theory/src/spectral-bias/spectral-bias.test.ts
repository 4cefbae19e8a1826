import { affineLinear, circulantConv, deepLinear, patchConv, symmetricTwoLayer } from '@diffusion-theory/denoisers';
import { DomainError, NDArray, NotPositiveDefiniteError, Rng } from '@diffusion-theory/kernel';
import { ar1Process, quantileLogNormalSpectrum } from '@diffusion-theory/targets';
import { trainLinearFlow, trainModeFlow, variantMoments } from '@diffusion-theory/trainers';
import { describe, expect, it } from 'vitest';
import {
  convergedVariance,
  deepLinearGain,
  deepLinearGeneratedVariance,
  deepLinearImplicitTime,
  discreteGdWeights,
  edmPrecondGeneratedVariance,
  edmPrecondModeGain,
  epsPredModeGain,
  epsPredVariance,
  fmModeGain,
  fmOneLayerVariance,
  fmTwoLayerGain,
  fmVarianceFromGain,
  fullWidthConvFilter,
  fullWidthConvGeneratedVariances,
  generatedModeMean,
  nonCentredDynamics,
  nonCentredModeDynamics,
  oneLayerGeneratedVariances,
  oneLayerModeGain,
  oneLayerWeights,
  patchConvFilter,
  patchConvGeneratedVariances,
  prop42Variance,
  prop51Variance,
  scheduleModeVariance,
  scheduleOptimumVariance,
  spectralKL,
  twoLayerModeGain,
  vpCosineSchedule,
} from './index.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Independent check: RK4 on the scalar PF-ODE d ln a / du = (1 - psi(e^u)) from ln sigma_T down to ln sigma_0 (spec §5.5). */
function rk4Variance(psi: (s: number) => number, steps = 3000, s0 = 0.002, sT = 80): number {
  const f = (u: number, a: number) => (1 - psi(Math.exp(u))) * a;
  let a = 1;
  const h = (Math.log(s0) - Math.log(sT)) / steps;
  for (let i = 0; i < steps; i++) {
    const u = Math.log(sT) + i * h;
    const k1 = f(u, a);
    const k2 = f(u + 0.5 * h, a + 0.5 * h * k1);
    const k3 = f(u + 0.5 * h, a + 0.5 * h * k2);
    const k4 = f(u + h, a + h * k3);
    a += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return sT * sT * a * a;
}

describe('Prop 4.2 (one-layer generated variance)', () => {
  it('reference values R2-R5', () => {
    expect(rel(prop42Variance({ lambda: 1, Q: 0.1, tau: 1 }), 0.269706441855)).toBeLessThan(1e-9);
    const r3 = [9.83612762723, 0.052960601327, 0.00294181599018];
    [10, 1, 0.1].forEach((l, i) => {
      expect(rel(prop42Variance({ lambda: l, Q: 0.5, tau: 0.3 }), r3[i])).toBeLessThan(1e-9);
    });
    expect(rel(prop42Variance({ lambda: 0.01, Q: 0.1, tau: 100 }), 0.00472790566252)).toBeLessThan(1e-9);
    expect(rel(prop42Variance({ lambda: 3, Q: 0.1, tau: 0 }), 3.33021282961e-5)).toBeLessThan(1e-12);
  });
  it('equals RK4 on the PF-ODE (rel 1e-6), depends on eta tau only, and the tau -> infinity limit', () => {
    for (const [l, Q, tau] of [[1, 0.1, 1], [0.05, 0.3, 4], [7, 0, 0.02]]) {
      const psi = (s: number) => oneLayerModeGain({ lambda: l, sigma: s, Q, tau });
      expect(rel(prop42Variance({ lambda: l, Q, tau }), rk4Variance(psi))).toBeLessThan(1e-6);
      expect(rel(prop42Variance({ lambda: l, Q, tau: tau * 4, eta: 0.25 }), prop42Variance({ lambda: l, Q, tau }))).toBeLessThan(1e-14);
    }
    expect(rel(prop42Variance({ lambda: 0.7, Q: 0.1, tau: 1e9 }), convergedVariance(0.7))).toBeLessThan(1e-10);
    // Lemma 4.1 sign: the opposite sign is off by orders of magnitude
    const psi = (s: number) => oneLayerModeGain({ lambda: 1, sigma: s, Q: 0.1, tau: 1 });
    const wrong = 80 * 80 * Math.exp(2 * Math.log(rk4Variance(psi) / 6400) * -0.5 * 2);
    expect(Math.abs(Math.log10(wrong / prop42Variance({ lambda: 1, Q: 0.1, tau: 1 })))).toBeGreaterThan(3);
  });
  it('bad input is a typed error', () => {
    expect(() => prop42Variance({ lambda: 0, tau: 1 })).toThrow(DomainError);
    expect(() => prop42Variance({ lambda: 1, tau: -1 })).toThrow(DomainError);
    expect(() => prop42Variance({ lambda: 1, tau: 1, sigmaMin: 1, sigmaMax: 0.5 })).toThrow(DomainError);
  });
});

describe('weight dynamics', () => {
  const cov = new NDArray(Float64Array.of(2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5), [3, 3]);
  const W0 = new NDArray(new Rng(3).normals(9), [3, 3]);
  it('matrix closed form equals RK4 gradient flow on the moment loss (1e-10) and Euler to first order', () => {
    const sigma = 0.7;
    const closed = oneLayerWeights({ covariance: cov, sigma, W0, tau: 0.8 }).data;
    const m = variantMoments(cov, { kind: 'edm-x', sigma });
    const p = affineLinear(3, { bias: false });
    const rk = trainLinearFlow({ param: p, moments: m, theta0: W0.data.slice(), times: [0.8], dt: 2e-3 }).theta[0];
    const eu1 = trainLinearFlow({ param: p, moments: m, theta0: W0.data.slice(), times: [0.8], method: 'euler', dt: 4e-3 }).theta[0];
    const eu2 = trainLinearFlow({ param: p, moments: m, theta0: W0.data.slice(), times: [0.8], method: 'euler', dt: 2e-3 }).theta[0];
    let eR = 0;
    let e1 = 0;
    let e2 = 0;
    for (let i = 0; i < 9; i++) {
      eR = Math.max(eR, Math.abs(rk[i] - closed[i]));
      e1 = Math.max(e1, Math.abs(eu1[i] - closed[i]));
      e2 = Math.max(e2, Math.abs(eu2[i] - closed[i]));
    }
    expect(eR).toBeLessThan(1e-10);
    expect(e1 / e2).toBeGreaterThan(1.8); // first order: halving the step halves the error
    expect(e1 / e2).toBeLessThan(2.2);
  });
  it('discrete GD closed form equals GD iterations (1e-12); an unstable step size is refused', () => {
    const g = discreteGdWeights({ covariance: cov, sigma: 0.5, W0, stepSize: 0.1, steps: 37 }).data;
    const m = variantMoments(cov, { kind: 'edm-x', sigma: 0.5 });
    const it = trainLinearFlow({ param: affineLinear(3, { bias: false }), moments: m, theta0: W0.data.slice(), eta: 0.1, times: [37], method: 'gd' }).theta[0];
    for (let i = 0; i < 9; i++) expect(Math.abs(g[i] - it[i])).toBeLessThan(1e-12);
    expect(() => discreteGdWeights({ covariance: cov, sigma: 0.5, W0, stepSize: 0.5, steps: 3 })).toThrow(DomainError);
    const bad = new NDArray(Float64Array.of(1, 2, 2, 1), [2, 2]);
    expect(() => oneLayerWeights({ covariance: bad, sigma: 1, W0: new NDArray(new Float64Array(4), [2, 2]), tau: 1 })).toThrow(NotPositiveDefiniteError);
  });
  it('R18: non-centred 1-D dynamics, and equal to gradient flow on (w, b)', () => {
    const r = nonCentredModeDynamics({ lambda: 0.5, mu: 1.2, sigma: 1, w0: 0.1, b0: 0, tau: 0.7 });
    expect(rel(r.w, 0.476942610455)).toBeLessThan(1e-10);
    expect(rel(r.b, 0.489833565775)).toBeLessThan(1e-10);
    const m = variantMoments(new NDArray(Float64Array.of(0.5), [1, 1]), { kind: 'edm-x', sigma: 1 }, [1.2]);
    const th = trainLinearFlow({ param: affineLinear(1), moments: m, theta0: Float64Array.of(0.1, 0), times: [0.7], dt: 1e-3 }).theta[0];
    expect(Math.abs(th[0] - r.w)).toBeLessThan(1e-11);
    expect(Math.abs(th[1] - r.b)).toBeLessThan(1e-11);
  });
});

describe('two-layer (Prop 5.1)', () => {
  it('R6, R7; logistic equals numerical gradient flow on P; emergence at ln 2/(8 eta lambda) for any sigma, Q', () => {
    expect(rel(prop51Variance({ lambda: 0.3, Q: 0.1, tau: 2 }), 0.148989126474)).toBeLessThan(1e-9);
    expect(rel(twoLayerModeGain({ lambda: 0.3, sigma: 1, Q: 0.1, tau: Math.LN2 / 2.4 }), 6 / 43)).toBeLessThan(1e-12);
    const sim = trainModeFlow({ lambdas: [0.3, 2], sigma: 0.4, model: 'two-layer', Q: 0.05, times: [0.5, 3], dt: 1e-3 });
    for (const [r, tau] of [[0, 0.5], [1, 3]] as const) {
      [0.3, 2].forEach((l, k) => {
      expect(Math.abs(sim[r][k] - twoLayerModeGain({ lambda: l, sigma: 0.4, Q: 0.05, tau }))).toBeLessThan(1e-10);
    });
    }
    for (const [s, Q] of [[0.1, 0.01], [3, 0.5]]) {
      const l = 0.7;
      const K = l / (l + s * s);
      const h = twoLayerModeGain({ lambda: l, sigma: s, Q, tau: Math.LN2 / (8 * l) });
      expect(rel(h, (2 * Q * K) / (Q + K))).toBeLessThan(1e-12);
    }
  });
  it('Prop 5.1 equals RK4 on the PF-ODE (1e-6); full matrix P P^T training keeps the logistic', () => {
    for (const [l, Q, tau] of [[0.3, 0.1, 2], [5, 0.5, 0.05]]) {
      const psi = (s: number) => twoLayerModeGain({ lambda: l, sigma: s, Q, tau });
      expect(rel(prop51Variance({ lambda: l, Q, tau }), rk4Variance(psi))).toBeLessThan(1e-6);
    }
    const cov = new NDArray(Float64Array.of(2, 0, 0, 0.4), [2, 2]);
    const P0 = Float64Array.of(Math.sqrt(0.1), 0, 0, Math.sqrt(0.1));
    const r = trainLinearFlow({ param: symmetricTwoLayer(2), moments: variantMoments(cov, { kind: 'edm-x', sigma: 0.5 }), theta0: P0, times: [0.6], dt: 1e-3 });
    const W = symmetricTwoLayer(2).weight(r.theta[0]).W;
    expect(Math.abs(W[0] - twoLayerModeGain({ lambda: 2, sigma: 0.5, Q: 0.1, tau: 0.6 }))).toBeLessThan(1e-10);
    expect(Math.abs(W[3] - twoLayerModeGain({ lambda: 0.4, sigma: 0.5, Q: 0.1, tau: 0.6 }))).toBeLessThan(1e-10);
  });
});

describe('deep linear (spec §7)', () => {
  it('R17; L = 1 and tied L = 2 reduce to the one-layer and logistic forms; untied L = 3 equals training the product', () => {
    expect(rel(deepLinearGain({ lambda: 0.8, sigma: 0.5, L: 3, c0: 0.064, tau: 2 }), 0.753355447198)).toBeLessThan(1e-9);
    expect(rel(deepLinearGain({ lambda: 0.8, sigma: 0.5, L: 1, c0: 0.2, tau: 0.7 }), oneLayerModeGain({ lambda: 0.8, sigma: 0.5, Q: 0.2, tau: 0.7 }))).toBeLessThan(1e-12);
    expect(rel(deepLinearGain({ lambda: 0.8, sigma: 0.5, L: 2, tied: true, c0: 0.2, tau: 0.7 }), twoLayerModeGain({ lambda: 0.8, sigma: 0.5, Q: 0.2, tau: 0.7 }))).toBeLessThan(1e-12);
    const cov = new NDArray(Float64Array.of(0.8), [1, 1]);
    const r = trainLinearFlow({ param: deepLinear(1, 3), moments: variantMoments(cov, { kind: 'edm-x', sigma: 0.5 }), theta0: Float64Array.of(0.4, 0.4, 0.4), times: [2], dt: 1e-3 });
    expect(rel(deepLinear(1, 3).weight(r.theta[0]).W[0], 0.753355447198)).toBeLessThan(1e-9);
  });
  it('the 2F1 implicit time inverts the ODE solution', () => {
    const c = deepLinearGain({ lambda: 0.8, sigma: 0.5, L: 3, c0: 0.064, tau: 1.3 });
    expect(rel(deepLinearImplicitTime({ lambda: 0.8, sigma: 0.5, L: 3, c0: 0.064, c }), 1.3)).toBeLessThan(1e-8);
    const c5 = deepLinearGain({ lambda: 2, sigma: 0.3, L: 5, c0: 0.01, tau: 0.4 });
    expect(rel(deepLinearImplicitTime({ lambda: 2, sigma: 0.3, L: 5, c0: 0.01, c: c5 }), 0.4)).toBeLessThan(1e-8);
  });
});

describe('convolution (Props 5.3, 5.4)', () => {
  const p = ar1Process(8, 0.6);
  it('R14: full-width filter; equals gradient flow on the N taps; rate ratio N to the dense model', () => {
    const R14 = [0.316811427664, 0.131323918128, 0.0521839854058, 0.0207145625993, 0.0124413698313, 0.0207145625993, 0.0521839854058, 0.131323918128];
    const w = fullWidthConvFilter({ covariance: p.covariance, sigma: 0.5, eta: 0.01, tau: 3 });
    R14.forEach((v, j) => {
      expect(rel(w[j], v)).toBeLessThan(1e-10);
    });
    const sim = trainLinearFlow({ param: circulantConv(8), moments: variantMoments(p.covariance, { kind: 'edm-x', sigma: 0.5 }), theta0: new Float64Array(8), eta: 0.01, times: [3], dt: 0.02 }).theta[0];
    R14.forEach((v, j) => {
      expect(Math.abs(sim[j] - v)).toBeLessThan(1e-10);
    });
    // N-fold rate: on circulant data the conv filter at tau equals the dense one-layer W at N tau (same init 0)
    const c = ar1Process(8, 0.6, { circular: true });
    const wc = fullWidthConvFilter({ covariance: c.covariance, sigma: 0.5, tau: 0.05 });
    const dense = oneLayerWeights({ covariance: c.covariance, sigma: 0.5, W0: new NDArray(new Float64Array(64), [8, 8]), tau: 0.05 * 8 }).data;
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(Math.abs(dense[i * 8 + j] - wc[(j - i + 8) % 8])).toBeLessThan(1e-13);
  });
  it('R15: patch covariance row, optimum and filter; the filter equals gradient flow on K taps; K = N reproduces full width', () => {
    const w = patchConvFilter({ covariance: p.covariance, r: 1, sigma: 0.5, eta: 0.01, tau: 3 });
    [0.143010013741, 0.325201760216, 0.143010013741].forEach((v, j) => {
      expect(rel(w[j], v)).toBeLessThan(1e-10);
    });
    const ws = patchConvFilter({ covariance: p.covariance, r: 1, sigma: 0.5, tau: 1e6 });
    [0.0974402443216, 0.717604654125, 0.0974402443216].forEach((v, j) => {
      expect(rel(ws[j], v)).toBeLessThan(1e-10);
    });
    const sim = trainLinearFlow({ param: patchConv(8, 1), moments: variantMoments(p.covariance, { kind: 'edm-x', sigma: 0.5 }), theta0: new Float64Array(3), eta: 0.01, times: [3], dt: 0.05 }).theta[0];
    [0.143010013741, 0.325201760216, 0.143010013741].forEach((v, j) => {
      expect(Math.abs(sim[j] - v)).toBeLessThan(1e-10);
    });
    const q = ar1Process(7, 0.5);
    const full = fullWidthConvFilter({ covariance: q.covariance, sigma: 0.8, tau: 0.1 });
    const patch = patchConvFilter({ covariance: q.covariance, r: 3, sigma: 0.8, tau: 0.1 });
    for (let j = -3; j <= 3; j++) expect(Math.abs(patch[j + 3] - full[(j + 7) % 7])).toBeLessThan(1e-13);
    const gFull = fullWidthConvGeneratedVariances({ covariance: q.covariance, tau: 0.1 });
    const gPatch = patchConvGeneratedVariances({ covariance: q.covariance, r: 3, tau: 0.1 });
    for (let k = 0; k < 7; k++) expect(rel(gPatch[k], gFull[k])).toBeLessThan(1e-9);
    expect(() => patchConvFilter({ covariance: p.covariance, r: 4, sigma: 1, tau: 1 })).toThrow(DomainError);
  });
});

describe('flow matching (App H)', () => {
  it('R8; closed form equals quadrature of the gain; tau = 0 gives e^{2Q}; tau -> infinity gives lambda', () => {
    expect(rel(fmOneLayerVariance({ lambda: 4, Q: 0.1, tau: 0.5 }), 3.39649365137)).toBeLessThan(1e-9);
    for (const [l, Q, tau] of [[4, 0.1, 0.5], [0.05, 0.3, 3], [1, 0, 20]]) {
      const q = fmVarianceFromGain((t) => fmModeGain({ lambda: l, t, Q, tau }), l, 400);
      expect(rel(fmOneLayerVariance({ lambda: l, Q, tau }), q)).toBeLessThan(1e-10);
    }
    expect(rel(fmOneLayerVariance({ lambda: 2, Q: 0.3, tau: 0 }), Math.exp(0.6))).toBeLessThan(1e-15);
    expect(rel(fmOneLayerVariance({ lambda: 2, Q: 0.3, tau: 1e8 }), 2)).toBeLessThan(1e-6);
  });
  it('two-layer FM gain (exponent 8 eta m tau) equals gradient flow on P with the FM moments', () => {
    for (const t of [0.2, 0.7, 0.95]) {
      const m = variantMoments(new NDArray(Float64Array.of(3), [1, 1]), { kind: 'flow-matching', t });
      const r = trainLinearFlow({ param: symmetricTwoLayer(1), moments: m, theta0: Float64Array.of(Math.sqrt(0.2)), times: [0.8], dt: 1e-3 });
      expect(Math.abs(r.theta[0][0] ** 2 - fmTwoLayerGain({ lambda: 3, t, Q: 0.2, tau: 0.8 }))).toBeLessThan(1e-10);
    }
  });
});

describe('EDM eps-prediction [X] and KL', () => {
  it('R9 and equal to RK4 of dx/dsigma = psi_eps x', () => {
    expect(rel(epsPredVariance({ lambda: 1, Q: 0, tau: 0.3 }), 1.57495243236)).toBeLessThan(1e-9);
    // ln a = -int_{sigma_0}^{sigma_T} psi_eps dsigma, by Simpson in ln sigma (d sigma = sigma du)
    const n = 4000;
    const u0 = Math.log(0.002);
    const u1 = Math.log(80);
    const h = (u1 - u0) / n;
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const sg = Math.exp(u0 + i * h);
      const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
      s += w * sg * epsPredModeGain({ lambda: 0.3, sigma: sg, Q: 0.2, tau: 0.5 });
    }
    const num = 6400 * Math.exp(-2 * (h / 3) * s);
    expect(rel(epsPredVariance({ lambda: 0.3, Q: 0.2, tau: 0.5 }), num)).toBeLessThan(1e-8);
  });
  it('R12: KL(gen || data) through training for the quantile spectrum d = 256', () => {
    const lam = quantileLogNormalSpectrum(256);
    const R12 = [1128.504577, 953.637781976, 290.740914189, 6.30172643064, 1.35124607342e-5];
    [0, 0.1, 1, 10, 100].forEach((tau, i) => {
      const g = oneLayerGeneratedVariances(lam, { tau, Q: 0.1 });
      expect(rel(spectralKL(g, lam).total, R12[i])).toBeLessThan(1e-8);
    });
  });
});

describe('general schedules (spec §10.2)', () => {
  it('EDM schedule (alpha = 1, sigma = t) with x-prediction reproduces Prop 4.2; the eps net reproduces the [X] closed form', () => {
    const edm = { alpha: () => 1, sigma: (t: number) => t, dalpha: () => 0, dsigma: () => 1 };
    for (const [l, Q, tau] of [[1, 0.1, 1], [0.05, 0.3, 4]]) {
      const v = scheduleModeVariance({ lambda: l, Q, tau, schedule: edm, param: 'x', t0: 0.002, tT: 80, vT: 6400, panels: 24 });
      expect(rel(v, prop42Variance({ lambda: l, Q, tau }))).toBeLessThan(1e-8);
    }
    const ve = scheduleModeVariance({ lambda: 0.3, Q: 0.2, tau: 0.5, schedule: edm, param: 'eps', t0: 0.002, tT: 80, vT: 6400, panels: 24 });
    expect(rel(ve, epsPredVariance({ lambda: 0.3, Q: 0.2, tau: 0.5 }))).toBeLessThan(1e-8);
  });
  it('VP-cosine at the optimum equals the closed form for x, eps and v nets', () => {
    for (const param of ['x', 'eps', 'v'] as const) {
      const v = scheduleModeVariance({ lambda: 0.7, tau: 1e9, schedule: vpCosineSchedule, param, t0: 1e-3, tT: 1 - 1e-3, vT: 1 });
      const s = vpCosineSchedule;
      const ref = scheduleOptimumVariance({ lambda: 0.7, alpha0: s.alpha(1e-3), sigma0: s.sigma(1e-3), alphaT: s.alpha(1 - 1e-3), sigmaT: s.sigma(1 - 1e-3), vT: 1 });
      expect(rel(v, ref)).toBeLessThan(1e-9);
    }
  });
});

describe('non-centred coupled dynamics (Prop D.2, general d)', () => {
  it('equals RK4 gradient flow on (W, b) with a mean, any W(0), b(0); reduces to R18 in 1-D', () => {
    const cov = new NDArray(Float64Array.of(1.5, 0.2, 0.1, 0.2, 0.8, 0, 0.1, 0, 0.3), [3, 3]);
    const mu = [0.7, -0.4, 1.1];
    const rng = new Rng(11);
    const W0 = new NDArray(rng.normals(9).map((v) => 0.3 * v), [3, 3]);
    const b0 = rng.normals(3);
    const r = nonCentredDynamics({ covariance: cov, mean: mu, sigma: 0.6, W0, b0, tau: 0.9 });
    const th0 = new Float64Array(12);
    th0.set(W0.data);
    th0.set(b0, 9);
    const sim = trainLinearFlow({ param: affineLinear(3), moments: variantMoments(cov, { kind: 'edm-x', sigma: 0.6 }, mu), theta0: th0, times: [0.9], dt: 1e-3 }).theta[0];
    for (let i = 0; i < 9; i++) expect(Math.abs(r.W.data[i] - sim[i])).toBeLessThan(1e-10);
    for (let i = 0; i < 3; i++) expect(Math.abs(r.b[i] - sim[9 + i])).toBeLessThan(1e-10);
    const one = nonCentredDynamics({ covariance: new NDArray(Float64Array.of(0.5), [1, 1]), mean: [1.2], sigma: 1, W0: new NDArray(Float64Array.of(0.1), [1, 1]), b0: [0], tau: 0.7 });
    expect(rel(one.W.data[0], 0.476942610455)).toBeLessThan(1e-10);
    expect(rel(one.b[0], 0.489833565775)).toBeLessThan(1e-10);
  });
});

describe('numerical generated distributions (deep linear, generated mean)', () => {
  it('deep L = 1 reproduces Prop 4.2 and tied L = 2 reproduces Prop 5.1', () => {
    expect(rel(deepLinearGeneratedVariance({ lambda: 0.5, L: 1, c0: 0.1, tau: 0.8 }), prop42Variance({ lambda: 0.5, Q: 0.1, tau: 0.8 }))).toBeLessThan(1e-6);
    expect(rel(deepLinearGeneratedVariance({ lambda: 0.5, L: 2, tied: true, c0: 0.1, tau: 0.8 }), prop51Variance({ lambda: 0.5, Q: 0.1, tau: 0.8 }))).toBeLessThan(1e-6);
  });
  it('generated mean at the optimum: m (1 - sqrt((sigma_0^2 + lambda)/(sigma_T^2 + lambda)))', () => {
    const l = 0.4;
    const m = 1.3;
    const v = generatedModeMean((s) => l / (l + s * s), (s) => (s * s * m) / (l + s * s));
    expect(rel(v, m * (1 - Math.sqrt((0.002 ** 2 + l) / (80 ** 2 + l))))).toBeLessThan(1e-8);
  });
});

describe('EDM-preconditioned one-layer model [X] (spec §4.4)', () => {
  it('the gain equals RK4 gradient flow on W-prime with the weighted loss; rate factor 1/(sigma^2 + sigma_d^2)', () => {
    const l = 0.6;
    for (const s of [0.05, 0.5, 3]) {
      const sd = 0.5;
      const cSkip = sd ** 2 / (s * s + sd ** 2);
      const cOut = (s * sd) / Math.sqrt(s * s + sd ** 2);
      const cIn = 1 / Math.sqrt(s * s + sd ** 2);
      const w = (s * s + sd ** 2) / (s * sd) ** 2;
      // dw'/dtau = -eta d/dw' [omega ((lambda + s^2) W^2 - 2 lambda W + lambda)], W = cSkip + cOut cIn w'
      const f = (wp: number) => {
        const W = cSkip + cOut * cIn * wp;
        return -w * 2 * ((l + s * s) * W - l) * cOut * cIn;
      };
      let wp = 0;
      const tau = 2;
      const n = 20000;
      const h = tau / n;
      for (let i = 0; i < n; i++) {
        const k1 = f(wp);
        const k2 = f(wp + 0.5 * h * k1);
        const k3 = f(wp + 0.5 * h * k2);
        const k4 = f(wp + h * k3);
        wp += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      }
      expect(Math.abs(cSkip + cOut * cIn * wp - edmPrecondModeGain({ lambda: l, sigma: s, tau }))).toBeLessThan(1e-10);
    }
    const v = edmPrecondGeneratedVariance({ lambda: 0.6, tau: 1e9 });
    expect(rel(v, convergedVariance(0.6))).toBeLessThan(1e-8);
  });
});
