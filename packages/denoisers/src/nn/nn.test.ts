import { Rng } from '@diffusion-theory/kernel';
import { describe, expect, it } from 'vitest';
import { type GraphBuilder, graph, type Net, type NodeRef } from './graph.js';
import { residualMlp, shallowReluSkip } from './models.js';

/** L = sum(out * R) for a fixed R; returns L. */
function lossOf(net: Net, inputs: Float64Array[], n: number, R: Float64Array): number {
  const y = net.forward(inputs, n);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * R[i];
  return s;
}

/** Max relative error of analytic parameter grads, input grads and JVP vs central differences. */
function gradCheck(net: Net, inputs: Float64Array[], n: number, seed = 7): { param: number; input: number; jvp: number } {
  const rng = new Rng(seed);
  const R = rng.normals(n * net.outWidth);
  lossOf(net, inputs, n, R);
  net.zeroGrad();
  const dIn = net.backward(R, { inputGrads: true }).map((a) => a.slice());
  const gp = net.grad.slice();
  const h = 1e-6;
  const rel = (a: number, b: number, scale: number): number => Math.abs(a - b) / Math.max(scale, 1e-8);
  let param = 0;
  const gScale = Math.max(...gp.map(Math.abs));
  for (let i = 0; i < net.nParams; i++) {
    const p0 = net.params[i];
    net.params[i] = p0 + h;
    const lp = lossOf(net, inputs, n, R);
    net.params[i] = p0 - h;
    const lm = lossOf(net, inputs, n, R);
    net.params[i] = p0;
    param = Math.max(param, rel((lp - lm) / (2 * h), gp[i], gScale));
  }
  let input = 0;
  inputs.forEach((x, k) => {
    const sc = Math.max(...dIn[k].map(Math.abs));
    for (let i = 0; i < x.length; i++) {
      const x0 = x[i];
      x[i] = x0 + h;
      const lp = lossOf(net, inputs, n, R);
      x[i] = x0 - h;
      const lm = lossOf(net, inputs, n, R);
      x[i] = x0;
      input = Math.max(input, rel((lp - lm) / (2 * h), dIn[k][i], sc));
    }
  });
  // JVP: J t vs (f(x + h t) - f(x - h t)) / 2h
  const tans = inputs.map((x) => rng.normals(x.length));
  net.forward(inputs, n);
  const jt = net.jvp(tans).slice();
  const plus = net.forward(inputs.map((x, k) => x.map((v, i) => v + h * tans[k][i])), n).slice();
  const minus = net.forward(inputs.map((x, k) => x.map((v, i) => v - h * tans[k][i])), n).slice();
  const js = Math.max(...jt.map(Math.abs));
  let jvp = 0;
  for (let i = 0; i < jt.length; i++) jvp = Math.max(jvp, rel((plus[i] - minus[i]) / (2 * h), jt[i], js));
  return { param, input, jvp };
}

function single(width: number, make: (g: GraphBuilder, x: NodeRef) => NodeRef, seed = 1): Net {
  const g = graph();
  const x = g.input(width);
  return g.build(make(g, x), { rng: new Rng(seed) });
}

function randomizeParams(net: Net, seed: number, scale = 0.5): void {
  const r = new Rng(seed).normals(net.nParams);
  for (let i = 0; i < net.nParams; i++) net.params[i] += scale * r[i];
}

const TOL = 1e-7;

describe('nn layers: gradients and JVPs against central differences', () => {
  const n = 5;
  const cases: Array<[string, number, (g: GraphBuilder, x: NodeRef) => NodeRef]> = [
    ['linear', 6, (g, x) => g.linear(x, 4)],
    ['linear without bias', 6, (g, x) => g.linear(x, 3, { bias: false })],
    ['layerNorm (affine)', 7, (g, x) => g.layerNorm(x)],
    ['layerNorm (no affine)', 7, (g, x) => g.linear(g.layerNorm(x, { affine: false }), 2)],
    ['silu', 5, (g, x) => g.linear(g.silu(x), 3)],
    ['relu', 5, (g, x) => g.linear(g.relu(x), 3)],
    ['add with scale', 4, (g, x) => g.add([x, g.linear(x, 4)], 0.7)],
    ['concat', 4, (g, x) => g.linear(g.concat(x, g.silu(x)), 3)],
    ['scaleShift', 3, (g, x) => g.scaleShift(g.linear(x, 4), g.linear(x, 8))],
  ];
  for (const [name, w, make] of cases) {
    it(name, () => {
      const net = single(w, make);
      randomizeParams(net, 3);
      const x = new Rng(11).normals(n * w);
      const e = gradCheck(net, [x], n);
      expect(e.param).toBeLessThan(TOL);
      expect(e.input).toBeLessThan(TOL);
      expect(e.jvp).toBeLessThan(TOL);
    });
  }
  it('Gaussian Fourier features: shape, values and derivative in c', () => {
    const g = graph();
    const c = g.input(1);
    const f = g.fourier(c, 6, 2);
    const net = g.build(g.linear(f, 2), { rng: new Rng(4) });
    const f1 = graph();
    const c1 = f1.input(1);
    const feat = f1.build(f1.fourier(c1, 6, 2), { rng: new Rng(4) });
    const y = feat.forward(Float64Array.of(0), 1);
    expect(Array.from(y, (v) => v + 0)).toEqual([0, 0, 0, 1, 1, 1]); // sin 0, cos 0
    const z = feat.forward(Float64Array.of(0.37), 1);
    for (let j = 0; j < 3; j++) expect(z[j] ** 2 + z[3 + j] ** 2).toBeCloseTo(1, 14);
    const e = gradCheck(net, [Float64Array.of(0.3, -0.2, 0.9)], 3);
    expect(e.input).toBeLessThan(TOL);
    expect(e.jvp).toBeLessThan(TOL);
    expect(e.param).toBeLessThan(TOL);
  });
});

describe('nn networks', () => {
  it('residual MLP with time embedding: whole-network gradient check', () => {
    const net = residualMlp({ dim: 4, hidden: 6, blocks: 2, temb: 4, rng: new Rng(2) });
    randomizeParams(net, 5, 0.2);
    const n = 3;
    const e = gradCheck(net, [new Rng(8).normals(n * 4), Float64Array.of(0.1, 0.5, 0.9)], n);
    expect(e.param).toBeLessThan(TOL);
    expect(e.input).toBeLessThan(TOL);
    expect(e.jvp).toBeLessThan(TOL);
  });
  it('shallow ReLU net with skip equals sum_k a_k relu(w_k.x + b_k) + V x + c', () => {
    const d = 3;
    const K = 5;
    const net = shallowReluSkip({ d, K, rng: new Rng(3), skipInit: { std: 1 } });
    randomizeParams(net, 9, 0.3);
    const W = net.paramView('hidden');
    const A = net.paramView('out');
    const S = net.paramView('skip');
    expect([W.rows, W.cols, A.rows, A.cols, A.bias.length, S.rows, S.cols]).toEqual([K, d, d, K, 0, d, d]);
    const x = new Rng(1).normals(2 * d);
    const y = net.forward(x, 2);
    for (let r = 0; r < 2; r++) {
      for (let i = 0; i < d; i++) {
        let s = S.bias[i];
        for (let j = 0; j < d; j++) s += S.weight[i * d + j] * x[r * d + j];
        for (let k = 0; k < K; k++) {
          let z = W.bias[k];
          for (let j = 0; j < d; j++) z += W.weight[k * d + j] * x[r * d + j];
          s += A.weight[i * K + k] * Math.max(z, 0);
        }
        expect(y[r * d + i]).toBeCloseTo(s, 13);
      }
    }
    const e = gradCheck(net, [x], 2);
    expect(e.param).toBeLessThan(TOL);
    expect(e.input).toBeLessThan(TOL);
  });
  it('backward adds into grad (two calls double it) and is allocation-stable per batch size', () => {
    const net = residualMlp({ dim: 3, hidden: 4, blocks: 1, temb: 0, rng: new Rng(1) });
    const x = new Rng(2).normals(6);
    const y1 = net.forward(x, 2);
    const dy = new Float64Array(6).fill(1);
    net.zeroGrad();
    net.backward(dy);
    const g1 = net.grad.slice();
    net.backward(dy);
    for (let i = 0; i < g1.length; i++) expect(net.grad[i]).toBeCloseTo(2 * g1[i], 14);
    expect(net.forward(x, 2)).toBe(y1); // same workspace buffer
  });
  it('same seed, same parameters; bad inputs throw typed errors', () => {
    const a = residualMlp({ dim: 3, hidden: 4, rng: new Rng(5) });
    const b = residualMlp({ dim: 3, hidden: 4, rng: new Rng(5) });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(() => a.forward([new Float64Array(5), new Float64Array(2)], 2)).toThrow(/inputs\[0\]/);
    expect(() => a.forward([Float64Array.of(0, 0, Number.NaN, 0, 0, 0), new Float64Array(2)], 2)).toThrow(/finite/);
    expect(() => a.paramView('nope')).toThrow(/no node/);
    const g = graph();
    const x = g.input(3);
    expect(() => g.scaleShift(x, x)).toThrow(/width/);
    expect(() => g.fourier(x, 4)).toThrow(/width-1/);
    expect(() => g.linear(x, 0)).toThrow(/out/);
  });
});
