import type { AnyExperiment } from '../experiment.js';
import wang25Convolution from './wang25-convolution.js';
import wang25FlowMatching from './wang25-flow-matching.js';
import wang25Kl from './wang25-kl.js';
import wang25LinearModes from './wang25-linear-modes.js';
import wang25MlpGaussian from './wang25-mlp-gaussian.js';
import wang25MnistMlp from './wang25-mnist-mlp.js';

/** The wang25 experiments, in `list` order (registry.ts concatenates the papers). */
export const wang25: AnyExperiment[] = [
  wang25LinearModes,
  wang25Convolution,
  wang25FlowMatching,
  wang25Kl,
  wang25MlpGaussian,
  wang25MnistMlp,
];
