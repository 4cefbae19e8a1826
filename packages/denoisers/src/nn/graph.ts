import { assertFinite, assertInteger, assertPositive, DomainError, isRng, ParameterError, type Rng, ShapeError } from '@diffusion-theory/kernel';
import { addOp, concatOp, fourierOp, layerNormOp, linearOp, type Op, reluOp, scaleShiftOp, siluOp, type WeightInit } from './ops.js';

/** A node of a layer graph under construction (an opaque handle with its output width). */
export interface NodeRef {
  readonly id: number;
  readonly width: number;
}

export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight initialisation (default 'kaiming': N(0, 1/fan_in), the EDM default); the bias starts at 0. */
  init?: WeightInit;
  /** Name for `net.paramView(name)`. */
  name?: string;
}

/**
 * Builds a layer graph node by node (creation order is the evaluation order). Sequential stacks,
 * residual blocks, skips and concatenations are all just nodes; `build` fixes the flat parameter layout.
 */
export interface GraphBuilder {
  input(width: number, name?: string): NodeRef;
  linear(x: NodeRef, out: number, options?: LinearOptions): NodeRef;
  layerNorm(x: NodeRef, options?: { eps?: number; affine?: boolean; name?: string }): NodeRef;
  silu(x: NodeRef): NodeRef;
  relu(x: NodeRef): NodeRef;
  /** Sum of nodes of equal width, times `scale` (default 1). */
  add(xs: NodeRef[], scale?: number): NodeRef;
  concat(a: NodeRef, b: NodeRef): NodeRef;
  /** h (1 + scale) + shift with [scale, shift] the two halves of `ss` (width 2 h.width). */
  scaleShift(h: NodeRef, ss: NodeRef): NodeRef;
  /** Gaussian Fourier features of a width-1 node: `size` outputs (even), fixed frequencies N(0, scale^2). */
  fourier(c: NodeRef, size: number, scale?: number): NodeRef;
  /** Finish: allocate the flat parameters and initialise them from `rng.named('nn-init', node)`. */
  build(output: NodeRef, options: { rng: Rng }): Net;
}

/** A parameter slice of one named node: W (out x in, row-major) and b, views into `net.params`. */
export interface ParamView {
  kind: string;
  offset: number;
  length: number;
  /** The node's whole parameter slice (views into net.params). */
  all: Float64Array;
  /** Linear: weights (out x in); LayerNorm: gamma. */
  weight: Float64Array;
  /** Linear: bias (empty without); LayerNorm: beta. */
  bias: Float64Array;
  rows: number;
  cols: number;
}

/**
 * A built layer graph: flat parameters, flat gradient, and batched forward / backward / JVP
 * with per-batch-size workspaces (allocated on the first call at each n, reused after).
 */
export interface Net {
  /** Widths of the inputs, in the order they were declared. */
  readonly inputWidths: readonly number[];
  readonly outWidth: number;
  readonly nParams: number;
  /** All trainable parameters (update in place, e.g. by Adam). */
  readonly params: Float64Array;
  /** The gradient that `backward` adds into (`zeroGrad()` clears it). */
  readonly grad: Float64Array;
  /**
   * Forward pass on n rows. Returns the output (n x outWidth), a workspace view valid until the next
   * forward at the same n: copy it to keep it.
   * @throws ShapeError / NonFiniteError on bad inputs
   */
  forward(inputs: Float64Array | readonly Float64Array[], n: number): Float64Array;
  /**
   * Backward pass at the last forward point: ADDS dL/dparams (for dL/dout = `dOut`) into `grad`, and when
   * `inputGrads` is true returns dL/dinput per input (workspace views), otherwise [].
   */
  backward(dOut: Float64Array, options?: { inputGrads?: boolean; paramGrads?: boolean }): Float64Array[];
  /** Input-Jacobian-vector product at the last forward point: d out / d inputs applied to the tangents. */
  jvp(tangents: Float64Array | readonly Float64Array[]): Float64Array;
  zeroGrad(): void;
  /** The parameter slice of the node created with `name`. */
  paramView(name: string): ParamView;
}

interface Node {
  op: Op | null; // null: input
  srcs: number[];
  width: number;
  name?: string;
  offset: number;
}

interface Workspace {
  n: number;
  y: Float64Array[];
  d: Float64Array[];
  s: Float64Array[];
  t: Float64Array[] | null;
}

/**
 * Start a layer graph.
 * @returns a builder; finish with `build(output, { rng })`
 * @example
 * const g = graph();
 * const x = g.input(8);
 * const h = g.silu(g.linear(x, 32));
 * const net = g.build(g.add([x, g.linear(h, 8)]), { rng: new Rng(1) }); // a residual block
 * const y = net.forward(new Float64Array(4 * 8), 4);
 */
export function graph(): GraphBuilder {
  const nodes: Node[] = [];
  const names = new Set<string>();
  let built = false;
  const ref = (id: number): NodeRef => ({ id, width: nodes[id].width });
  const check = (x: NodeRef, what: string): void => {
    if (built) throw new ParameterError('graph: already built; start a new graph()');
    if (!x || !Number.isInteger(x.id) || x.id < 0 || x.id >= nodes.length || nodes[x.id].width !== x.width) {
      throw new ParameterError(`${what}: expected a node of this graph`);
    }
  };
  const push = (op: Op | null, srcs: NodeRef[], name?: string): NodeRef => {
    if (built) throw new ParameterError('graph: already built; start a new graph()');
    if (name !== undefined) {
      if (names.has(name)) throw new ParameterError(`name: '${name}' is already used in this graph`);
      names.add(name);
    }
    nodes.push({ op, srcs: srcs.map((s) => s.id), width: op ? op.width : srcs.length, name, offset: 0 });
    return ref(nodes.length - 1);
  };
  return {
    input(width, name) {
      assertInteger(width, 1, 'width');
      if (built) throw new ParameterError('graph: already built; start a new graph()');
      if (name !== undefined) {
        if (names.has(name)) throw new ParameterError(`name: '${name}' is already used in this graph`);
        names.add(name);
      }
      nodes.push({ op: null, srcs: [], width, name, offset: 0 });
      return ref(nodes.length - 1);
    },
    linear(x, out, options = {}) {
      check(x, 'x');
      assertInteger(out, 1, 'out');
      const init = options.init ?? 'kaiming';
      if (typeof init === 'object') {
        if (!(init.std >= 0) || !Number.isFinite(init.std)) throw new DomainError(`init.std: expected a finite number >= 0, got ${init.std}`);
      } else if (!['kaiming', 'he', 'zero'].includes(init)) throw new ParameterError(`init: expected 'kaiming', 'he', 'zero' or { std }, got ${String(init)}`);
      return push(linearOp(x.width, out, options.bias ?? true, init), [x], options.name);
    },
    layerNorm(x, options = {}) {
      check(x, 'x');
      const eps = options.eps ?? 1e-5;
      assertPositive(eps, 'eps');
      return push(layerNormOp(x.width, eps, options.affine ?? true), [x], options.name);
    },
    silu(x) {
      check(x, 'x');
      return push(siluOp(x.width), [x]);
    },
    relu(x) {
      check(x, 'x');
      return push(reluOp(x.width), [x]);
    },
    add(xs, scale = 1) {
      if (!Array.isArray(xs) || xs.length === 0) throw new ShapeError('xs: expected a non-empty array of nodes');
      xs.forEach((x, i) => {
        check(x, `xs[${i}]`);
      });
      const w = xs[0].width;
      for (const x of xs) if (x.width !== w) throw new ShapeError(`xs: expected equal widths, got ${xs.map((v) => v.width).join(', ')}`);
      if (!Number.isFinite(scale)) throw new DomainError(`scale: expected a finite number, got ${scale}`);
      return push(addOp(w, xs.length, scale), xs);
    },
    concat(a, b) {
      check(a, 'a');
      check(b, 'b');
      return push(concatOp(a.width, b.width), [a, b]);
    },
    scaleShift(h, ss) {
      check(h, 'h');
      check(ss, 'ss');
      if (ss.width !== 2 * h.width) throw new ShapeError(`ss: expected width 2 * ${h.width} = ${2 * h.width}, got ${ss.width}`);
      return push(scaleShiftOp(h.width), [h, ss]);
    },
    fourier(c, size, scale = 1) {
      check(c, 'c');
      if (c.width !== 1) throw new ShapeError(`c: expected a width-1 node (a scalar per row), got width ${c.width}`);
      assertInteger(size, 2, 'size');
      if (size % 2 !== 0) throw new DomainError(`size: expected an even number, got ${size}`);
      assertPositive(scale, 'scale');
      return push(fourierOp(size, scale, new Float64Array(size / 2)), [c]);
    },
    build(output, options) {
      check(output, 'output');
      if (!options || !isRng(options.rng)) throw new ParameterError('rng: expected a kernel Rng');
      built = true;
      return buildNet(nodes.slice(0, output.id + 1), options.rng);
    },
  };
}

function buildNet(nodes: Node[], rng: Rng): Net {
  let nParams = 0;
  for (const nd of nodes) {
    nd.offset = nParams;
    nParams += nd.op ? nd.op.nParams : 0;
  }
  const params = new Float64Array(nParams);
  const grad = new Float64Array(nParams);
  const pv: Float64Array[] = nodes.map((nd) => params.subarray(nd.offset, nd.offset + (nd.op?.nParams ?? 0)));
  const gv: Float64Array[] = nodes.map((nd) => grad.subarray(nd.offset, nd.offset + (nd.op?.nParams ?? 0)));
  nodes.forEach((nd, i) => {
    if (nd.op && (nd.op.nParams > 0 || nd.op.kind === 'fourier')) nd.op.init(pv[i], rng.named('nn-init', i));
  });
  const inputs = nodes.map((nd, i) => (nd.op ? -1 : i)).filter((i) => i >= 0);
  const inputWidths = inputs.map((i) => nodes[i].width);
  const out = nodes.length - 1;
  const outWidth = nodes[out].width;
  // nodes whose gradient is needed for parameter gradients (a parametrised node at or below them)
  const paramPath = new Array<boolean>(nodes.length).fill(false);
  for (let i = 0; i < nodes.length; i++) {
    const op = nodes[i].op;
    paramPath[i] = (op !== null && op.nParams > 0) || nodes[i].srcs.some((s) => paramPath[s]);
  }
  const spaces = new Map<number, Workspace>();
  let cur: Workspace | null = null;
  const space = (n: number): Workspace => {
    let w = spaces.get(n);
    if (!w) {
      w = {
        n,
        y: nodes.map((nd) => new Float64Array(n * nd.width)),
        d: nodes.map((nd) => new Float64Array(n * nd.width)),
        s: nodes.map((nd) => new Float64Array(nd.op ? nd.op.scratch(n) : 0)),
        t: null,
      };
      spaces.set(n, w);
    }
    return w;
  };
  const asList = (v: Float64Array | readonly Float64Array[], what: string): readonly Float64Array[] => {
    const list = v instanceof Float64Array ? [v] : v;
    if (!Array.isArray(list) || list.length !== inputs.length) throw new ShapeError(`${what}: expected ${inputs.length} input array(s), got ${Array.isArray(list) ? list.length : typeof v}`);
    return list;
  };
  // scratch arrays for source lists (no allocation per call)
  const xsOf = nodes.map((nd) => new Array<Float64Array>(nd.srcs.length));
  const dxsOf = nodes.map((nd) => new Array<Float64Array | null>(nd.srcs.length));
  const viewNames = new Map<string, number>();
  nodes.forEach((nd, i) => {
    if (nd.name !== undefined) viewNames.set(nd.name, i);
  });
  const net: Net = {
    inputWidths,
    outWidth,
    nParams,
    params,
    grad,
    forward(inp, n) {
      assertInteger(n, 1, 'n');
      const list = asList(inp, 'inputs');
      list.forEach((a, k) => {
        const len = n * inputWidths[k];
        if (!(a instanceof Float64Array) || a.length !== len) throw new ShapeError(`inputs[${k}]: expected a Float64Array of length n*width = ${n}*${inputWidths[k]} = ${len}, got ${a?.length}`);
        assertFinite(a, `inputs[${k}]`);
      });
      const ws = space(n);
      for (let k = 0; k < inputs.length; k++) ws.y[inputs[k]].set(list[k]);
      for (let i = 0; i < nodes.length; i++) {
        const nd = nodes[i];
        if (!nd.op) continue;
        const xs = xsOf[i];
        for (let k = 0; k < nd.srcs.length; k++) xs[k] = ws.y[nd.srcs[k]];
        nd.op.forward(pv[i], xs, n, ws.y[i], ws.s[i]);
      }
      cur = ws;
      return ws.y[out];
    },
    backward(dOut, options = {}) {
      const ws = cur;
      if (!ws) throw new ParameterError('backward: call forward first');
      const { inputGrads = false, paramGrads = true } = options;
      const n = ws.n;
      if (!(dOut instanceof Float64Array) || dOut.length !== n * outWidth) throw new ShapeError(`dOut: expected a Float64Array of length ${n * outWidth}, got ${dOut?.length}`);
      const need = (i: number): boolean => inputGrads || (paramGrads && paramPath[i]);
      for (let i = 0; i < nodes.length; i++) if (need(i)) ws.d[i].fill(0);
      ws.d[out].set(dOut);
      for (let i = nodes.length - 1; i >= 0; i--) {
        const nd = nodes[i];
        if (!nd.op || !need(i)) continue;
        const xs = xsOf[i];
        const dxs = dxsOf[i];
        for (let k = 0; k < nd.srcs.length; k++) {
          xs[k] = ws.y[nd.srcs[k]];
          dxs[k] = need(nd.srcs[k]) ? ws.d[nd.srcs[k]] : null;
        }
        nd.op.backward(pv[i], xs, ws.y[i], ws.d[i], n, dxs, paramGrads && nd.op.nParams > 0 ? gv[i] : null, ws.s[i]);
      }
      return inputGrads ? inputs.map((id) => ws.d[id]) : [];
    },
    jvp(tan) {
      const ws = cur;
      if (!ws) throw new ParameterError('jvp: call forward first');
      const n = ws.n;
      const list = asList(tan, 'tangents');
      list.forEach((a, k) => {
        if (!(a instanceof Float64Array) || a.length !== n * inputWidths[k]) throw new ShapeError(`tangents[${k}]: expected a Float64Array of length ${n * inputWidths[k]}, got ${a?.length}`);
      });
      if (!ws.t) ws.t = nodes.map((nd) => new Float64Array(n * nd.width));
      const t = ws.t;
      for (let k = 0; k < inputs.length; k++) t[inputs[k]].set(list[k]);
      for (let i = 0; i < nodes.length; i++) {
        const nd = nodes[i];
        if (!nd.op) continue;
        const xs = xsOf[i];
        const txs = dxsOf[i] as Float64Array[];
        for (let k = 0; k < nd.srcs.length; k++) {
          xs[k] = ws.y[nd.srcs[k]];
          txs[k] = t[nd.srcs[k]];
        }
        nd.op.jvp(pv[i], xs, txs, n, t[i], ws.s[i]);
      }
      return t[out];
    },
    zeroGrad() {
      grad.fill(0);
    },
    paramView(name) {
      const i = viewNames.get(name);
      if (i === undefined) throw new ParameterError(`name: no node called '${name}' (named: ${[...viewNames.keys()].join(', ') || 'none'})`);
      const nd = nodes[i];
      const op = nd.op;
      const all = pv[i];
      if (!op) return { kind: 'input', offset: nd.offset, length: 0, all, weight: all, bias: all, rows: 0, cols: 0 };
      const inW = nodes[nd.srcs[0]].width;
      if (op.kind === 'linear') {
        const nw = inW * op.width;
        return { kind: op.kind, offset: nd.offset, length: op.nParams, all, weight: all.subarray(0, nw), bias: all.subarray(nw), rows: op.width, cols: inW };
      }
      const h = op.nParams / 2;
      return { kind: op.kind, offset: nd.offset, length: op.nParams, all, weight: all.subarray(0, h), bias: all.subarray(h), rows: 1, cols: h };
    },
  };
  return net;
}

