export { type GraphBuilder, graph, type LinearOptions, type Net, type NodeRef, type ParamView } from './graph.js';
export {
  type ActivationName,
  type MlpOptions,
  mlp,
  type ResidualMlpOptions,
  residual,
  residualMlp,
  type ShallowReluSkipOptions,
  sequential,
  shallowReluSkip,
} from './models.js';
export type { WeightInit } from './ops.js';
