import type { AnyExperiment } from '../experiment.js';
import zeno25Flows from './zeno25-flows.js';
import zeno25ScoreFields from './zeno25-score-fields.js';
import zeno25VirtualPoints from './zeno25-virtual-points.js';

/** The zeno25 experiments, in `list` order (registry.ts concatenates the papers). */
export const zeno25: AnyExperiment[] = [zeno25ScoreFields, zeno25VirtualPoints, zeno25Flows];
