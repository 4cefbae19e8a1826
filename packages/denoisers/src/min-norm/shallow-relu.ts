import { assertFinite, assertInteger, DomainError, ShapeError } from '@diffusion-theory/kernel';

/**
 * Weights of the shallow ReLU denoiser with skip connection (eq 4, spec min-norm-denoisers §2):
 * h(y) = sum_k a_k [w_k^T y + b_k]_+ + V y + c, all row-major Float64Array.
 */
export interface ShallowReluParams {
  /** Input/output dimension d. */
  d: number;
  /** Hidden width K. */
  K: number;
  /** K x d: row k is the output weight a_k. */
  A: Float64Array;
  /** K x d: row k is the input weight w_k. */
  W: Float64Array;
  /** Length K biases b_k. */
  b: Float64Array;
  /** d x d skip matrix V. */
  V: Float64Array;
  /** Length d output bias c. */
  c: Float64Array;
}

/**
 * Check the shapes and finiteness of eq-4 weights.
 * @throws ShapeError / NonFiniteError naming the field
 */
export function checkShallowRelu(p: ShallowReluParams, name = 'params'): void {
  assertInteger(p.d, 1, `${name}.d`);
  assertInteger(p.K, 0, `${name}.K`);
  const want: Array<[keyof ShallowReluParams, number]> = [
    ['A', p.K * p.d],
    ['W', p.K * p.d],
    ['b', p.K],
    ['V', p.d * p.d],
    ['c', p.d],
  ];
  for (const [k, len] of want) {
    const v = p[k] as Float64Array;
    if (!(v instanceof Float64Array) || v.length !== len) throw new ShapeError(`${name}.${k}: expected a Float64Array of length ${len}, got ${v?.length}`);
    assertFinite(v, `${name}.${k}`);
  }
}

/** Zero weights of width K (V = 0, c = 0). */
export function zeroShallowRelu(d: number, K: number): ShallowReluParams {
  assertInteger(d, 1, 'd');
  assertInteger(K, 0, 'K');
  return { d, K, A: new Float64Array(K * d), W: new Float64Array(K * d), b: new Float64Array(K), V: new Float64Array(d * d), c: new Float64Array(d) };
}

/**
 * Forward pass of eq 4 on n rows of x.
 * @param p weights
 * @param x n x d inputs, row-major
 * @param n number of rows
 * @param out optional output buffer (length n*d)
 * @returns h(x), n x d
 * @throws ShapeError on a length mismatch
 * @example
 * const h = shallowReluForward(net, Float64Array.of(0.3, 1.95, -0.4), 1);
 */
export function shallowReluForward(p: ShallowReluParams, x: Float64Array, n: number, out?: Float64Array): Float64Array {
  const { d, K, A, W, b, V, c } = p;
  assertInteger(n, 0, 'n');
  if (x.length !== n * d) throw new ShapeError(`x: expected length n*d = ${n * d}, got ${x.length}`);
  const y = out ?? new Float64Array(n * d);
  if (y.length !== n * d) throw new ShapeError(`out: expected length ${n * d}, got ${y.length}`);
  for (let r = 0; r < n; r++) {
    const xo = r * d;
    for (let i = 0; i < d; i++) {
      let s = c[i];
      const vo = i * d;
      for (let j = 0; j < d; j++) s += V[vo + j] * x[xo + j];
      y[xo + i] = s;
    }
    for (let k = 0; k < K; k++) {
      let z = b[k];
      const wo = k * d;
      for (let j = 0; j < d; j++) z += W[wo + j] * x[xo + j];
      if (z > 0) for (let i = 0; i < d; i++) y[xo + i] += A[wo + i] * z;
    }
  }
  return y;
}

/**
 * Input Jacobian of eq 4 at one point: V + sum_{k active} a_k w_k^T (the kink itself counts as inactive).
 * @param p weights
 * @param x one input (length d)
 * @param out optional d x d buffer
 * @returns d x d row-major Jacobian dh_i/dy_j
 */
export function shallowReluJacobian(p: ShallowReluParams, x: Float64Array, out?: Float64Array): Float64Array {
  const { d, K, A, W, b, V } = p;
  if (x.length !== d) throw new ShapeError(`x: expected length d = ${d}, got ${x.length}`);
  const J = out ?? new Float64Array(d * d);
  if (J.length !== d * d) throw new ShapeError(`out: expected length ${d * d}, got ${J.length}`);
  J.set(V);
  for (let k = 0; k < K; k++) {
    let z = b[k];
    const wo = k * d;
    for (let j = 0; j < d; j++) z += W[wo + j] * x[j];
    if (z > 0) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) J[i * d + j] += A[wo + i] * W[wo + j];
  }
  return J;
}

/** The penalty of eq 5, C = (1/2) sum_k (|a_k|^2 + |w_k|^2) (biases, V and c unpenalised). */
export function shallowReluCost(p: ShallowReluParams): number {
  let s = 0;
  for (let i = 0; i < p.A.length; i++) s += p.A[i] * p.A[i] + p.W[i] * p.W[i];
  return 0.5 * s;
}

/**
 * The path norm sum_k |a_k| |w_k|: a lower bound of eq 5 attained by the balanced rescaling, and an upper bound of
 * the representation cost R(h) of eq 6.
 */
export function shallowReluPathNorm(p: ShallowReluParams): number {
  const { d, K, A, W } = p;
  let s = 0;
  for (let k = 0; k < K; k++) {
    let a = 0;
    let w = 0;
    for (let i = 0; i < d; i++) {
      a += A[k * d + i] ** 2;
      w += W[k * d + i] ** 2;
    }
    s += Math.sqrt(a * w);
  }
  return s;
}

/**
 * Rescale each unit (a, w, b) -> (a/t, t w, t b), t = sqrt(|a|/|w|), which leaves h unchanged and makes eq 5 equal
 * the path norm. Units with a = 0 or w = 0 are zeroed (they contribute nothing to h except a constant that is
 * 0 when w = 0 only if b <= 0; such constant units are folded into c).
 * @returns a new parameter set
 */
export function balanceShallowRelu(p: ShallowReluParams): ShallowReluParams {
  checkShallowRelu(p);
  const { d, K } = p;
  const q: ShallowReluParams = { d, K, A: p.A.slice(), W: p.W.slice(), b: p.b.slice(), V: p.V.slice(), c: p.c.slice() };
  for (let k = 0; k < K; k++) {
    let a = 0;
    let w = 0;
    for (let i = 0; i < d; i++) {
      a += p.A[k * d + i] ** 2;
      w += p.W[k * d + i] ** 2;
    }
    a = Math.sqrt(a);
    w = Math.sqrt(w);
    if (a === 0 || w === 0) {
      if (w === 0 && p.b[k] > 0) for (let i = 0; i < d; i++) q.c[i] += p.A[k * d + i] * p.b[k];
      for (let i = 0; i < d; i++) {
        q.A[k * d + i] = 0;
        q.W[k * d + i] = 0;
      }
      q.b[k] = 0;
      continue;
    }
    const t = Math.sqrt(a / w);
    for (let i = 0; i < d; i++) {
      q.A[k * d + i] /= t;
      q.W[k * d + i] *= t;
    }
    q.b[k] *= t;
  }
  return q;
}

/** Throw DomainError unless v is a finite number > 0 (shared by the closed forms). */
export function positiveFinite(v: number, name: string, what: string): void {
  if (!(Number.isFinite(v) && v > 0)) throw new DomainError(`${name}: expected ${what}, got ${v}`);
}
