export type { SigmaRangeOptions, TrainingTime } from './common.js';
export {
  circulantFromModeVariances,
  type FullWidthConvOptions,
  fullWidthConvFilter,
  fullWidthConvGeneratedVariances,
  type PatchConvOptions,
  patchConvFilter,
  patchConvGeneratedVariances,
} from './conv.js';
export { type DeepLinearOptions, deepLinearGain, deepLinearImplicitTime, deepLinearRate, hyp2f1OneBeta } from './deep-linear.js';
export { fmModeGain, fmOneLayerVariance, fmOptimum, fmTwoLayerGain, fmTwoLayerVariance, fmVarianceFromGain } from './flow-matching.js';
export { deepLinearGeneratedVariance, generatedModeMean, varianceFromGain } from './generated.js';
export { spectralKL } from './kl.js';
export { type NonCentredMatrixOptions, nonCentredDynamics } from './non-centred.js';
export {
  convergedVariance,
  type DiscreteGdOptions,
  discreteGdWeights,
  type MatrixWeightOptions,
  type ModeGainOptions,
  type NonCentredOptions,
  nonCentredModeDynamics,
  oneLayerGeneratedVariances,
  oneLayerLossCurve,
  oneLayerModeGain,
  oneLayerWeights,
  type Prop42Options,
  prop42Variance,
} from './one-layer.js';
export { type EdmPrecondGainOptions, edmPrecondGeneratedVariance, edmPrecondModeGain } from './precond.js';
export { type DiffusionSchedule, type ScheduleVarianceOptions, scheduleModeVariance, vpCosineSchedule } from './schedule.js';
export { prop51Variance, type TwoLayerOptions, twoLayerModeGain } from './two-layer.js';
export { epsPredModeGain, epsPredVariance, scheduleOptimumVariance } from './variants.js';
