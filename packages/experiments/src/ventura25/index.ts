import type { AnyExperiment } from '../experiment.js';
import doubleVariance from './ventura25-double-variance.js';
import phases from './ventura25-phases.js';
import singleVariance from './ventura25-single-variance.js';
import trainedScore from './ventura25-trained-score.js';

/** The ventura25 experiments, in `list` order (registry.ts concatenates the papers). */
export const ventura25: AnyExperiment[] = [singleVariance, doubleVariance, phases, trainedScore];
