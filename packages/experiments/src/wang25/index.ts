import type { AnyExperiment } from '../experiment.js';
import wang25MlpGaussian from './wang25-mlp-gaussian.js';

/** The wang25 experiments, in `list` order (registry.ts concatenates the papers). */
export const wang25: AnyExperiment[] = [
  wang25MlpGaussian,
];
