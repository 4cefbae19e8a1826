import type { AnyExperiment } from '../experiment.js';

/** The zeno25 experiments, in `list` order (registry.ts concatenates the papers). */
export const zeno25: AnyExperiment[] = [];
