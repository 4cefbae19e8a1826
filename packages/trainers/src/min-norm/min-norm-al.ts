import { checkShallowRelu, type Net, type ShallowReluParams, shallowReluCost, shallowReluPathNorm, shallowReluSkip } from '@diffusion-theory/denoisers';
import { assertFinite, assertInteger, assertPositive, DomainError, type Rng, ShapeError } from '@diffusion-theory/kernel';
import { trainMinibatch } from '../adam/index.js';

/**
 * Training of the shallow ReLU denoiser with skip connection (eq 4) on noisy copies y_{k,m} -> x_k
 * (spec min-norm-denoisers §9): the augmented-Lagrangian min-norm interpolation (eqs 23-27) and plain
 * weight-decay training (eq 3), both with the shared layers and Adam.
 */

/** A training set of pairs (input, target), row-major size x d (structurally the targets package's NoisyTrainingSet). */
export interface PairSet {
  readonly d: number;
  readonly size: number;
  readonly inputs: Float64Array;
  readonly targets: Float64Array;
}

/** One record per outer step (AL) or per report (weight decay). */
export interface MinNormRecord {
  /** Outer step j (AL) or Adam step (weight decay). */
  step: number;
  /** Penalty weight mu_j used in the inner minimisation (AL; 0 for weight decay). */
  mu: number;
  /** Eq-5 cost C(theta) of the current weights. */
  cost: number;
  /** Path norm sum_k |a_k||w_k| (= the cost after balancing; an upper bound of R(h)). */
  pathNorm: number;
  /** max over samples of |h(y) - x|_inf. */
  maxResidual: number;
  /** sqrt(mean over samples of |h(y) - x|^2). */
  rmsResidual: number;
}

/** Result of both trainers. */
export interface MinNormTrainResult {
  /** The trained weights in eq-4 form. */
  params: ShallowReluParams;
  /** The underlying layer graph (forward / jvp). */
  net: Net;
  history: MinNormRecord[];
}

function checkPairs(set: PairSet): void {
  assertInteger(set.d, 1, 'set.d');
  assertInteger(set.size, 1, 'set.size');
  for (const k of ['inputs', 'targets'] as const) {
    if (!(set[k] instanceof Float64Array) || set[k].length !== set.size * set.d) throw new ShapeError(`set.${k}: expected a Float64Array of length size*d = ${set.size * set.d}, got ${set[k]?.length}`);
    assertFinite(set[k], `set.${k}`);
  }
}

/** The eq-4 weights of a shallowReluSkip net (copies). */
export function netToShallowRelu(net: Net, d: number, K: number): ShallowReluParams {
  const hid = net.paramView('hidden');
  const out = net.paramView('out');
  const skip = net.paramView('skip');
  const A = new Float64Array(K * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) A[k * d + i] = out.weight[i * K + k];
  return { d, K, A, W: hid.weight.slice(), b: hid.bias.slice(), V: skip.weight.slice(), c: skip.bias.slice() };
}

/** Copy eq-4 weights into a shallowReluSkip net of the same shape. */
function loadShallowRelu(net: Net, p: ShallowReluParams): void {
  const { d, K } = p;
  const hid = net.paramView('hidden');
  const out = net.paramView('out');
  const skip = net.paramView('skip');
  hid.weight.set(p.W);
  hid.bias.set(p.b);
  for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) out.weight[i * K + k] = p.A[k * d + i];
  skip.weight.set(p.V);
  skip.bias.set(p.c);
}

/** Adds dC/dtheta = theta (a and w only, eq 5) into net.grad; returns C. */
function addPenalty(net: Net, scale: number): number {
  let c = 0;
  for (const name of ['hidden', 'out']) {
    const v = net.paramView(name);
    const len = v.rows * v.cols;
    for (let i = 0; i < len; i++) {
      const w = net.params[v.offset + i];
      net.grad[v.offset + i] += scale * w;
      c += 0.5 * w * w;
    }
  }
  return c;
}

function residuals(net: Net, set: PairSet): { max: number; rms: number; r: Float64Array } {
  const y = net.forward(set.inputs, set.size);
  const r = new Float64Array(y.length);
  let max = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    r[i] = y[i] - set.targets[i];
    max = Math.max(max, Math.abs(r[i]));
    s += r[i] * r[i];
  }
  return { max, rms: Math.sqrt(s / set.size), r };
}

function record(net: Net, set: PairSet, d: number, K: number, step: number, mu: number): MinNormRecord {
  const p = netToShallowRelu(net, d, K);
  const res = residuals(net, set);
  return { step, mu, cost: shallowReluCost(p), pathNorm: shallowReluPathNorm(p), maxResidual: res.max, rmsResidual: res.rms };
}

/** Options of {@link minNormAugmentedLagrangian}. */
export interface MinNormAlOptions {
  set: PairSet;
  /** Hidden width K (the paper: 300). */
  K: number;
  /** Initialisation stream (`rng.named('init')`) and minibatch stream (`rng.named('adam', j)`). */
  rng: Rng;
  /** Outer steps (the paper: 7). */
  outerSteps?: number;
  /** Adam iterations per outer step (the paper: 1e4). */
  innerSteps?: number;
  /** Learning rate of outer step j (default the paper's 1e-4 2^-j). */
  lr?: (outer: number) => number;
  /**
   * Initial penalty mu_0 (unspecified in the paper; spec §9 suggests 1). Default 1e4: with the 1/(MN)-normalised
   * constraint term, mu_0 = 1 or 100 lets the eq-5 penalty kill every ReLU unit in the first outer step (measured:
   * path norm -> 0, residual stuck at the linear fit), while 1e4 converges to the closed form's cost.
   */
  mu0?: number;
  /** Penalty growth eta (the paper: 3). */
  eta?: number;
  /** Minibatch size (default: full batch). */
  batchSize?: number;
  /** Warm start (eq-4 weights of width K); default Kaiming init with V = 0, c = 0. */
  init?: ShallowReluParams;
  /** Initial multipliers Q (size x d; default 0). */
  multipliers?: Float64Array;
  /** Called after each outer step. */
  onOuter?: (r: MinNormRecord) => void;
}

/**
 * Min-norm interpolation by the augmented Lagrangian (eqs 23-27): minimise C(theta) subject to h(y_{k,m}) = x_k.
 * Outer step j: (i) theta_{j+1} ~ argmin L_AL(theta, Q_j, mu_j) by Adam (`innerSteps` iterations at lr(j), fresh
 * moments, warm-started weights); (ii) q <- q + mu_j (h(y) - x); (iii) mu <- eta mu.
 * L_AL = C + (1/size) sum [mu/2 |h(y) - x|^2 + <q, h(y) - x>].
 * @returns trained eq-4 weights, the net, one record per outer step (record 0 = the start), the final multipliers
 * @throws ShapeError / DomainError on bad input; DivergenceError when the loss becomes non-finite
 * @example
 * const set = noisyTrainingSet(orthogonalDataset({ n: 3, d: 3 }), { M: 20, sigma: 0.05, rng });
 * const { params, history } = minNormAugmentedLagrangian({ set, K: 32, rng, innerSteps: 2000, lr: (j) => 1e-2 * 2 ** -j });
 */
export function minNormAugmentedLagrangian(o: MinNormAlOptions): MinNormTrainResult & { multipliers: Float64Array } {
  const { set, K, rng } = o;
  checkPairs(set);
  assertInteger(K, 1, 'K');
  const outer = o.outerSteps ?? 7;
  const inner = o.innerSteps ?? 10_000;
  assertInteger(outer, 1, 'outerSteps');
  assertInteger(inner, 1, 'innerSteps');
  const mu0 = o.mu0 ?? 1e4;
  const eta = o.eta ?? 3;
  assertPositive(mu0, 'mu0');
  assertPositive(eta, 'eta');
  const lr = o.lr ?? ((j: number) => 1e-4 * 2 ** -j);
  const { d, size } = set;
  const batch = o.batchSize ?? size;
  assertInteger(batch, 1, 'batchSize');
  if (batch > size) throw new DomainError(`batchSize: expected <= size = ${size}, got ${batch}`);
  const net = shallowReluSkip({ d, K, rng: rng.named('init') });
  if (o.init) {
    checkShallowRelu(o.init, 'init');
    if (o.init.d !== d || o.init.K !== K) throw new ShapeError(`init: expected d = ${d}, K = ${K}, got d = ${o.init.d}, K = ${o.init.K}`);
    loadShallowRelu(net, o.init);
  }
  const Q = o.multipliers ? o.multipliers.slice() : new Float64Array(size * d);
  if (Q.length !== size * d) throw new ShapeError(`multipliers: expected length size*d = ${size * d}, got ${Q.length}`);
  let mu = mu0;
  const history: MinNormRecord[] = [record(net, set, d, K, 0, mu)];
  const xb = new Float64Array(batch * d);
  const dy = new Float64Array(batch * d);
  for (let j = 0; j < outer; j++) {
    const lrj = lr(j);
    assertPositive(lrj, `lr(${j})`);
    trainMinibatch({
      params: net.params,
      grad: net.grad,
      steps: inner,
      rng: rng.named('adam', j),
      optimizer: { lr: lrj },
      data: batch < size ? { size, batchSize: batch } : undefined,
      lossAndGrad: ({ indices }) => {
        let input = set.inputs;
        if (indices) {
          for (let b = 0; b < batch; b++) xb.set(set.inputs.subarray(indices[b] * d, (indices[b] + 1) * d), b * d);
          input = xb;
        }
        const y = net.forward(input, batch);
        let loss = 0;
        for (let b = 0; b < batch; b++) {
          const row = indices ? indices[b] : b;
          for (let i = 0; i < d; i++) {
            const r = y[b * d + i] - set.targets[row * d + i];
            const q = Q[row * d + i];
            loss += (0.5 * mu * r * r + q * r) / batch;
            dy[b * d + i] = (mu * r + q) / batch;
          }
        }
        net.backward(dy);
        return loss + addPenalty(net, 1);
      },
    });
    const res = residuals(net, set);
    for (let i = 0; i < Q.length; i++) Q[i] += mu * res.r[i];
    history.push(record(net, set, d, K, j + 1, mu));
    o.onOuter?.(history[history.length - 1]);
    mu *= eta;
  }
  return { params: netToShallowRelu(net, d, K), net, history, multipliers: Q };
}

/** Options of {@link weightDecayTraining}. */
export interface WeightDecayOptions {
  set: PairSet;
  K: number;
  rng: Rng;
  /** Weight decay lambda on eq 5 (0 = none). */
  lambda: number;
  steps: number;
  /** Adam learning rate (constant). Default 1e-3. */
  lr?: number;
  batchSize?: number;
  /** Records every `recordEvery` steps (default: only start and end). */
  recordEvery?: number;
}

/**
 * Plain training on eq 3: (1/size) sum |h(y) - x|^2 + lambda C(theta) with Adam (App D baseline).
 * @returns trained weights, net, records
 * @throws ShapeError / DomainError on bad input; DivergenceError on a non-finite loss
 */
export function weightDecayTraining(o: WeightDecayOptions): MinNormTrainResult {
  const { set, K, rng, lambda, steps } = o;
  checkPairs(set);
  assertInteger(K, 1, 'K');
  assertInteger(steps, 1, 'steps');
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new DomainError(`lambda: expected a finite number >= 0, got ${lambda}`);
  const { d, size } = set;
  const batch = o.batchSize ?? size;
  assertInteger(batch, 1, 'batchSize');
  if (batch > size) throw new DomainError(`batchSize: expected <= size = ${size}, got ${batch}`);
  const net = shallowReluSkip({ d, K, rng: rng.named('init') });
  const history: MinNormRecord[] = [record(net, set, d, K, 0, 0)];
  const xb = new Float64Array(batch * d);
  const dy = new Float64Array(batch * d);
  const every = o.recordEvery ?? steps;
  trainMinibatch({
    params: net.params,
    grad: net.grad,
    steps,
    rng: rng.named('adam'),
    optimizer: { lr: o.lr ?? 1e-3 },
    data: batch < size ? { size, batchSize: batch } : undefined,
    checkpoints: Array.from({ length: Math.floor(steps / every) }, (_, i) => (i + 1) * every),
    onCheckpoint: (step) => history.push(record(net, set, d, K, step, 0)),
    lossAndGrad: ({ indices }) => {
      let input = set.inputs;
      if (indices) {
        for (let b = 0; b < batch; b++) xb.set(set.inputs.subarray(indices[b] * d, (indices[b] + 1) * d), b * d);
        input = xb;
      }
      const y = net.forward(input, batch);
      let loss = 0;
      for (let b = 0; b < batch; b++) {
        const row = indices ? indices[b] : b;
        for (let i = 0; i < d; i++) {
          const r = y[b * d + i] - set.targets[row * d + i];
          loss += (r * r) / batch;
          dy[b * d + i] = (2 * r) / batch;
        }
      }
      net.backward(dy);
      return loss + lambda * addPenalty(net, lambda);
    },
  });
  return { params: netToShallowRelu(net, d, K), net, history };
}
