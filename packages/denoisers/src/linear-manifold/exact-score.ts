import {
  DomainError,
  NDArray,
  ShapeError,
  type VectorField,
  assertFinite,
  checkBatch,
  dgemm,
  describeValue,
  eigvalsh,
  solveSPD,
} from '@diffusion-theory/kernel';

/** Exact VE score of linear-manifold data y = F z (spec §3), with its Jacobian. */
export interface LinearManifoldScore extends VectorField {
  /** s(x, t) = -(t I + F F^T)^{-1} x for each of the n rows of x (t = VE noise variance > 0). */
  evaluate(x: Float64Array, n: number, t: number, out?: Float64Array): Float64Array;
  /** Input Jacobian of the score, grad_x s = -(t I + Sigma)^{-1} (d x d, symmetric, independent of x). */
  jacobian(t: number): NDArray;
  /** Scaled Jacobian J_t = t grad_x s = -I + F (t I_m + F^T F)^{-1} F^T (eq 14); eigenvalues in [-1, 0). */
  scaledJacobian(t: number): NDArray;
  /**
   * Eigenvalues lambda = t/(t + gamma) of -J_t, ASCENDING (length d), from the eigenvalues gamma of
   * F^T F (computed once) and the (d - m)_+ zeros of Sigma (eq 27).
   */
  jacobianEigenvalues(t: number): Float64Array;
}

function checkT(t: number): void {
  if (!(t > 0 && Number.isFinite(t))) throw new DomainError(`t: expected a VE time (noise variance) > 0, got ${describeValue(t)}`);
}

/**
 * Exact score and Jacobian of the VE-diffused linear manifold p_t = N(0, F F^T + t I).
 * Uses the m x m form (t I_m + F^T F)^{-1} (push-through identity), cached per t.
 * @param F embedding, d x m, finite.
 * @throws ShapeError / NonFiniteError for a bad F; DomainError for t <= 0 at evaluation.
 * @example
 * const s = linearManifoldScore(F);
 * const lam = s.jacobianEigenvalues(0.3); // ascending; the top d - m equal 1
 */
export function linearManifoldScore(F: NDArray): LinearManifoldScore {
  if (F.shape.length !== 2) throw new ShapeError(`F: expected a d x m matrix, got shape [${F.shape.join(', ')}]`);
  assertFinite(F.data, 'F');
  const [d, m] = F.shape;
  const G = new Float64Array(m * m);
  dgemm(true, false, m, m, d, 1, F.data, m, F.data, m, 0, G, m);
  let cachedT = Number.NaN;
  let Minv: Float64Array = new Float64Array(0);
  let gammas: Float64Array | null = null;
  const inverse = (t: number): Float64Array => {
    if (t === cachedT) return Minv;
    const A = Float64Array.from(G);
    for (let i = 0; i < m; i++) A[i * m + i] += t;
    const I = new Float64Array(m * m);
    for (let i = 0; i < m; i++) I[i * m + i] = 1;
    Minv = solveSPD(new NDArray(A, [m, m]), new NDArray(I, [m, m])).data;
    cachedT = t;
    return Minv;
  };
  const scaledJacobian = (t: number): NDArray => {
    checkT(t);
    const M = inverse(t);
    const FM = new Float64Array(d * m);
    dgemm(false, false, d, m, m, 1, F.data, m, M, m, 0, FM, m);
    const J = new Float64Array(d * d);
    dgemm(false, true, d, d, m, 1, FM, m, F.data, m, 0, J, d);
    for (let i = 0; i < d; i++) J[i * d + i] -= 1;
    return new NDArray(J, [d, d]);
  };
  return {
    dim: d,
    evaluate(x, n, t, out) {
      checkT(t);
      checkBatch(x, n, d);
      const y = out ?? new Float64Array(n * d);
      if (y.length !== n * d) throw new ShapeError(`out: expected length ${n * d}, got ${y.length}`);
      const M = inverse(t);
      const xF = new Float64Array(n * m);
      dgemm(false, false, n, m, d, 1, x, d, F.data, m, 0, xF, m);
      const xFM = new Float64Array(n * m);
      dgemm(false, false, n, m, m, 1, xF, m, M, m, 0, xFM, m);
      dgemm(false, true, n, d, m, 1, xFM, m, F.data, m, 0, y, d);
      for (let i = 0; i < n * d; i++) y[i] = (y[i] - x[i]) / t;
      return y;
    },
    jacobian(t) {
      const J = scaledJacobian(t);
      for (let i = 0; i < J.data.length; i++) J.data[i] /= t;
      return J;
    },
    scaledJacobian,
    jacobianEigenvalues(t) {
      checkT(t);
      if (!gammas) gammas = eigvalsh(new NDArray(Float64Array.from(G), [m, m]));
      const out = new Float64Array(d);
      // gammas ascending -> lambda descending; the zeros of Sigma (d - m of them) give lambda = 1 at the top.
      const k = Math.min(m, d);
      for (let i = 0; i < k; i++) out[i] = t / (t + Math.max(0, gammas[gammas.length - 1 - i]));
      for (let i = k; i < d; i++) out[i] = 1;
      return out;
    },
  };
}
