// metrics: KL and W2 between Gaussians.
import { fromNested } from '@diffusion-theory/kernel';
import { gaussianKL, gaussianW2 } from '@diffusion-theory/metrics';

const c = fromNested([[1, 0], [0, 1]]);
const kl = gaussianKL([0, 0], c, [1, 0], c);
const { w2 } = gaussianW2([0, 0], c, [1, 0], c);
if (Math.abs(kl - 0.5) > 1e-12 || Math.abs(w2 - 1) > 1e-12) throw new Error(`kl ${kl}, w2 ${w2}`);
console.log(`metrics: ok (KL ${kl}, W2 ${w2})`);
