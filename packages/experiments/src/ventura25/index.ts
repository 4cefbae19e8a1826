import type { AnyExperiment } from '../experiment.js';

/** The ventura25 experiments, in `list` order (registry.ts concatenates the papers). */
export const ventura25: AnyExperiment[] = [];
