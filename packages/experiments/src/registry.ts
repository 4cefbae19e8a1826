import { ParameterError } from '@diffusion-theory/kernel';
import type { AnyExperiment } from './experiment.js';
import cui24BinaryGmm from './cui25/cui24-binary-gmm.js';
import cui25Bimodal from './cui25/cui25-bimodal.js';
import cui25Fashion from './cui25/cui25-fashion.js';
import cui25FixedSkip from './cui25/cui25-fixed-skip.js';
import cui25Mnist7 from './cui25/cui25-mnist7.js';
import cui25ModelCollapse from './cui25/cui25-model-collapse.js';
import cui25ReluTrimodal from './cui25/cui25-relu-trimodal.js';
import cui25SummaryStats from './cui25/cui25-summary-stats.js';
import exactScoreSampling from './cui25/exact-score-sampling.js';
import { ventura25 } from './ventura25/index.js';
import { wang25 } from './wang25/index.js';
import { zeno25 } from './zeno25/index.js';

/**
 * The registry: every experiment, in `list` order. Adding an experiment = writing
 * `src/<paper>/<id>.ts` (export default defineExperiment({...})) and adding it to
 * its paper's list (`src/<paper>/index.ts`; cui25 is listed here directly).
 */
export const experiments: AnyExperiment[] = [
  exactScoreSampling,
  cui25SummaryStats,
  cui25Bimodal,
  cui25ReluTrimodal,
  cui25FixedSkip,
  cui24BinaryGmm,
  cui25Mnist7,
  cui25ModelCollapse,
  cui25Fashion,
  ...wang25,
  ...ventura25,
  ...zeno25,
];

/** The experiment with this id; throws ParameterError naming the known ids otherwise. */
export function findExperiment(id: string): AnyExperiment {
  const e = experiments.find((x) => x.id === id);
  if (!e) throw new ParameterError(`unknown experiment "${id}" (known: ${experiments.map((x) => x.id).join(', ')})`);
  return e;
}
