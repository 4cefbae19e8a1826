// --- Result 2.1: summary-statistic ODEs of online SGD for the tied-weight DAE ---
export { defaultSpacing } from './activation.js';
export { microFactorsFromStats } from './dae-micro.js';
export type { DaeQuadratureOptions } from './dae-moments.js';
export { type DaeOdeForm, type DaeOdeOptions, type DaeOdeRhs, daeOdeRhs, resolveGrid, type TimeGrid } from './dae-ode.js';
export {
  type DaeInit,
  type DaeOdeRecord,
  type DaeStateBlocks,
  initialStateFromWeights,
  recordState,
  type SolveDaeOdeOptions,
  type SummaryStatsOdeRecord,
  solveDaeOde,
} from './dae-solve.js';
export { type DaeState, type DaeStateLayout, daeStateLayout, packState, stateG, stateM, stateQ, stateS, unpackState } from './dae-state.js';
// --- Result 2.2 / Corollary 2.3: the generated density; Remark 4.1: model collapse; the ICLR-2024 model ---
export {
  type ActivationInput,
  type LinearZOptions,
  linearProjectedMoments,
  linearZCovarianceFlow,
  linearZMoments,
  type MatrixInput,
  offSubspaceVariance,
  offSubspaceVarianceContinuous,
  offSubspaceVarianceLinearFlow,
  type ProjectedGeneratedMoments,
  type ProjectedGeneratedMomentsOptions,
  type ProjectedGeneratedOptions,
  type ProjectedGeneratedResult,
  projectedGenerated,
  projectedGeneratedMoments,
  type SamplerCoefficients,
  type SamplerGridOptions,
  type ScalarActivation,
  samplerCoefficients,
  scalarActivation,
  type ZProcessOptions,
  type ZProcessResult,
  zProcess,
} from './generated-density.js';
export { type GeneratedGroupVariance, type GeneratedGroupVarianceOptions, generatedGroupVariance } from './group-variance.js';
export {
  type IclrConstants,
  type IclrGeneratedDensity,
  type IclrParameters,
  type IclrSummary,
  iclrAlignedSummaryLinear,
  iclrConstants,
  iclrGeneratedDensity,
  iclrGeneratedMean,
  iclrMeanError,
  iclrMeanErrorFromSummary,
  iclrRhs,
  iclrSkip,
  iclrSummaryLinear,
  iclrSummaryOde,
  iclrSummaryQuadrature,
} from './iclr.js';
export {
  type CentroidDiscretisation,
  generatedSecondMoment,
  type NextGenerationInitOptions,
  type NextGenerationOptions,
  type NextGenerationResult,
  nextGenerationInit,
  nextGenerationTarget,
  type SpectralGroupTargetData,
} from './model-collapse.js';
export { bInfinity, bTau, kappa, type SkipOptions } from './skip.js';
export { type FiniteDSkipCorrection, type FiniteDSkipOptions, finiteDSkipCorrection } from './skip-finite-d.js';
export { binaryGmmLinearFixedPoint } from './special-case.js';
export { type SpectralMixtureMicro, type SpectralMixtureSpec, spectralMixtureFromCentroids, spreadLambda, validateSpectralMixture } from './spectral-mixture.js';
export * from './min-norm/index.js';
export * from './spectral-bias/index.js';
