import type { AnyExperiment } from '../experiment.js';
import singleVariance from './ventura25-single-variance.js';

/** The ventura25 experiments, in `list` order (registry.ts concatenates the papers). */
export const ventura25: AnyExperiment[] = [singleVariance];
