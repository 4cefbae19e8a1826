import { type Rng, assertInteger, assertPositive } from '@diffusion-theory/kernel';
import { type GraphBuilder, type Net, type NodeRef, graph } from '../nn/graph.js';

export interface MlpUnetOptions {
  /** Data dimension (input and output width). */
  ndim: number;
  /** nlayers - 1 blocks plus one final linear layer (default 5, spec §13.4 Exp 1); >= 2. */
  nlayers?: number;
  /** Hidden width (default 256). */
  nhidden?: number;
  /** Size of the Gaussian Fourier embedding of c_noise (default 256; even). */
  temb?: number;
  /** Scale of the Fourier frequencies (default 1). */
  fourierScale?: number;
  /** Zero-initialise each block's fc1 (default false: the printed code's init_zero=dict() does not, spec §16 #13). */
  zeroInitFc1?: boolean;
  /** skip_scale of the blocks (default 1). */
  skipScale?: number;
  /** LayerNorm epsilon (default 1e-5). */
  eps?: number;
  rng: Rng;
}

/**
 * One UNetMLPBlock (spec §13.2, adaptive_scale = true, dropout 0):
 * h = fc0(SiLU(LN0(x))); [scale, shift] = affine(e); h = SiLU(shift + LN1(h) (scale + 1)); h = fc1(h);
 * out = (h + skip(x)) skip_scale, skip = Linear(in, out) when in != out, else identity.
 */
export function mlpUnetBlock(
  g: GraphBuilder,
  x: NodeRef,
  e: NodeRef,
  out: number,
  o: { name: string; zeroInitFc1?: boolean; skipScale?: number; eps?: number },
): NodeRef {
  const eps = o.eps ?? 1e-5;
  let h = g.linear(g.silu(g.layerNorm(x, { eps, name: `${o.name}.norm0` })), out, { name: `${o.name}.fc0` });
  const ss = g.linear(e, 2 * out, { name: `${o.name}.affine` });
  h = g.silu(g.scaleShift(g.layerNorm(h, { eps, name: `${o.name}.norm1` }), ss));
  h = g.linear(h, out, { name: `${o.name}.fc1`, init: o.zeroInitFc1 ? 'zero' : 'kaiming' });
  const skip = x.width === out ? x : g.linear(x, out, { name: `${o.name}.skip` });
  return g.add([h, skip], o.skipScale ?? 1);
}

/**
 * The MLP-UNet backbone F(x, c) of spec §13.2: e = GFP(c; temb, scale); Block(ndim -> nhidden), then
 * nlayers - 2 Blocks(nhidden -> nhidden), then Linear(nhidden -> ndim). Linear layers: N(0, 1/fan_in)
 * weights, zero bias. Inputs: [x (ndim), c (1)] (c = c_noise under EDM preconditioning).
 * Named nodes: 'b{i}.norm0', 'b{i}.fc0', 'b{i}.affine', 'b{i}.norm1', 'b{i}.fc1', 'b{i}.skip', 'out'.
 * @returns the Net
 * @throws DomainError on a bad size
 * @example
 * const F = mlpUnet({ ndim: 64, nlayers: 3, nhidden: 128, temb: 64, rng: new Rng(1) });
 * const y = F.forward([x, c], n);
 */
export function mlpUnet(options: MlpUnetOptions): Net {
  const { ndim, nlayers = 5, nhidden = 256, temb = 256, fourierScale = 1, zeroInitFc1 = false, skipScale = 1, eps = 1e-5, rng } = options;
  assertInteger(ndim, 1, 'ndim');
  assertInteger(nlayers, 2, 'nlayers');
  assertInteger(nhidden, 1, 'nhidden');
  assertInteger(temb, 2, 'temb');
  assertPositive(fourierScale, 'fourierScale');
  assertPositive(skipScale, 'skipScale');
  const g = graph();
  const x = g.input(ndim, 'x');
  const e = g.fourier(g.input(1, 'c'), temb, fourierScale);
  let h = x;
  for (let b = 0; b < nlayers - 1; b++) h = mlpUnetBlock(g, h, e, nhidden, { name: `b${b}`, zeroInitFc1, skipScale, eps });
  return g.build(g.linear(h, ndim, { name: 'out' }), { rng });
}
