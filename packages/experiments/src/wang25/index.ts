import type { AnyExperiment } from '../experiment.js';

/** The wang25 experiments, in `list` order (registry.ts concatenates the papers). */
export const wang25: AnyExperiment[] = [];
