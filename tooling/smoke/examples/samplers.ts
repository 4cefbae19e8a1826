// samplers: the probability-flow ODE of a Gaussian target (README example, small).
import { Rng, fromNested, linearInterpolant } from '@diffusion-theory/kernel';
import { sampleInterpolant } from '@diffusion-theory/samplers';
import { gaussian } from '@diffusion-theory/targets';

const target = gaussian({ mean: [1, -1], covariance: fromNested([[2, 0.5], [0.5, 1]]) });
const schedule = linearInterpolant({ epsilon: 0 });
const ode = sampleInterpolant({ denoiser: target.denoiser(schedule), schedule, n: 2000, rng: new Rng(1), method: 'heun', steps: 100, tEnd: 0.99 });
if (ode.samples.shape[0] !== 2000 || !ode.samples.data.every(Number.isFinite)) throw new Error('sampleInterpolant');
console.log('samplers: ok (2000 ODE samples)');
