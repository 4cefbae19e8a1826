import { assertInteger, assertPositive, DomainError, ParameterError, type Rng } from '@diffusion-theory/kernel';
import { type GraphBuilder, graph, type Net, type NodeRef } from './graph.js';
import type { WeightInit } from './ops.js';

/** Pointwise nonlinearity by name. */
export type ActivationName = 'silu' | 'relu';

function act(g: GraphBuilder, h: NodeRef, a: ActivationName): NodeRef {
  if (a === 'silu') return g.silu(h);
  if (a === 'relu') return g.relu(h);
  throw new ParameterError(`activation: expected 'silu' or 'relu', got ${String(a)}`);
}

/**
 * Sequential composition: feed `x` through each step in turn.
 * @param g the graph builder
 * @param x the input node
 * @param steps functions (builder, node) -> node, e.g. `(g, h) => g.silu(h)`
 * @returns the last node
 */
export function sequential(g: GraphBuilder, x: NodeRef, steps: ReadonlyArray<(g: GraphBuilder, h: NodeRef) => NodeRef>): NodeRef {
  let h = x;
  for (const s of steps) h = s(g, h);
  return h;
}

/**
 * Residual block (body(x) + skip(x)) * scale: the skip is the identity when the body keeps the
 * width, and a linear layer otherwise.
 * @param g the graph builder
 * @param x the input node
 * @param body the residual branch
 * @param options scale (default 1), name of the linear skip when there is one
 * @returns the output node
 */
export function residual(g: GraphBuilder, x: NodeRef, body: (h: NodeRef) => NodeRef, options: { scale?: number; skipName?: string } = {}): NodeRef {
  const b = body(x);
  const skip = b.width === x.width ? x : g.linear(x, b.width, { name: options.skipName });
  return g.add([b, skip], options.scale ?? 1);
}

export interface MlpOptions {
  /** Layer widths [in, hidden..., out] (at least two). */
  sizes: readonly number[];
  activation?: ActivationName;
  rng: Rng;
  init?: WeightInit;
}

/**
 * Plain MLP: linear layers of widths `sizes` with the activation between them (none after the last).
 * Linear layers are named 'fc0', 'fc1', ....
 * @returns the built Net (one input of width sizes[0])
 */
export function mlp(options: MlpOptions): Net {
  const { sizes, activation = 'silu', rng, init } = options;
  if (!Array.isArray(sizes) || sizes.length < 2) throw new DomainError(`sizes: expected at least two widths, got ${JSON.stringify(sizes)}`);
  for (let i = 0; i < sizes.length; i++) assertInteger(sizes[i], 1, `sizes[${i}]`);
  const g = graph();
  let h = g.input(sizes[0], 'x');
  for (let i = 1; i < sizes.length; i++) {
    if (i > 1) h = act(g, h, activation);
    h = g.linear(h, sizes[i], { name: `fc${i - 1}`, init });
  }
  return g.build(h, { rng });
}

export interface ResidualMlpOptions {
  /** Data dimension d (input x and output). */
  dim: number;
  /** Hidden width (default 128). */
  hidden?: number;
  /** Number of residual blocks (default 2), each two linear layers with SiLU. */
  blocks?: number;
  /** Size of the Gaussian Fourier time embedding (default 32; 0 = no time input). */
  temb?: number;
  /** Scale of the Fourier frequencies (default 1). */
  fourierScale?: number;
  rng: Rng;
}

/**
 * Residual MLP with SiLU and a time embedding (a score / denoiser network f(x, t); inputs x (d) and,
 * when temb > 0, t (width 1)):
 * e = SiLU(Linear(Fourier(t))); h = Linear(x);
 * per block: h = h + Linear(SiLU(Linear(SiLU(h)) + Linear(e))); out = Linear(SiLU(h)) (width d).
 * Named nodes: 'in', 'out', 'emb', 'b{i}.fc0', 'b{i}.fc1', 'b{i}.emb'.
 * @example
 * const net = residualMlp({ dim: 10, hidden: 64, blocks: 2, rng: new Rng(1) });
 * const y = net.forward([x, t], n); // x: n*10, t: n
 */
export function residualMlp(options: ResidualMlpOptions): Net {
  const { dim, hidden = 128, blocks = 2, temb = 32, fourierScale = 1, rng } = options;
  assertInteger(dim, 1, 'dim');
  assertInteger(hidden, 1, 'hidden');
  assertInteger(blocks, 0, 'blocks');
  assertInteger(temb, 0, 'temb');
  assertPositive(fourierScale, 'fourierScale');
  const g = graph();
  const x = g.input(dim, 'x');
  const e = temb > 0 ? g.silu(g.linear(g.fourier(g.input(1, 't'), temb, fourierScale), hidden, { name: 'emb' })) : null;
  let h = g.linear(x, hidden, { name: 'in' });
  for (let b = 0; b < blocks; b++) {
    h = residual(g, h, (u) => {
      let v = g.linear(g.silu(u), hidden, { name: `b${b}.fc0` });
      if (e) v = g.add([v, g.linear(e, hidden, { name: `b${b}.emb` })]);
      return g.linear(g.silu(v), hidden, { name: `b${b}.fc1` });
    });
  }
  return g.build(g.linear(g.silu(h), dim, { name: 'out' }), { rng });
}

export interface ShallowReluSkipOptions {
  /** Input/output dimension d. */
  d: number;
  /** Hidden width K. */
  K: number;
  rng: Rng;
  /** Initialisation of w_k and of the a_k (default 'kaiming'); V and c start at zero unless `skipInit` says otherwise. */
  init?: WeightInit;
  skipInit?: WeightInit;
}

/**
 * The shallow ReLU net with a linear skip, f(x) = sum_k a_k relu(w_k.x + b_k) + V x + c
 * (min-norm spec §2, eq 4). Named nodes: 'hidden' (weight = rows w_k, K x d; bias = b_k),
 * 'out' (weight d x K: column k is a_k; no bias), 'skip' (weight V, d x d; bias c).
 * @example
 * const net = shallowReluSkip({ d: 30, K: 300, rng: new Rng(1) });
 * const { weight: W } = net.paramView('hidden'); // K x d
 */
export function shallowReluSkip(options: ShallowReluSkipOptions): Net {
  const { d, K, rng, init = 'kaiming', skipInit = 'zero' } = options;
  assertInteger(d, 1, 'd');
  assertInteger(K, 1, 'K');
  const g = graph();
  const x = g.input(d, 'x');
  const a = g.linear(g.relu(g.linear(x, K, { name: 'hidden', init })), d, { name: 'out', bias: false, init });
  return g.build(g.add([a, g.linear(x, d, { name: 'skip', init: skipInit })]), { rng });
}
