import type { AnyExperiment } from '../experiment.js';
import exactScoreSampling from './exact-score-sampling.js';

/**
 * The registry: every experiment, in `list` order. Adding an experiment = writing
 * `src/experiments/<id>.ts` (export default defineExperiment({...})) and adding it here.
 */
export const experiments: AnyExperiment[] = [exactScoreSampling];
