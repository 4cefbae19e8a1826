// denoisers: the tied-weight DAE, batched forward pass.
import { NDArray, Rng } from '@diffusion-theory/kernel';
import { tiedDae } from '@diffusion-theory/denoisers';

const d = 50;
const r = 2;
const rng = new Rng(0);
const model = tiedDae({ d, r, activation: 'tanh', w: new NDArray(rng.normals(d * r).map((v) => v / Math.sqrt(d)), [d, r]), b: 0.5 });
const y = model.denoise(rng.normals(5 * d), 5, 0.5);
if (y.length !== 5 * d || !y.every(Number.isFinite)) throw new Error('denoise');
console.log(`denoisers: ok (5 x ${d} denoised)`);
