// --- Result 2.1: summary-statistic ODEs of online SGD for the tied-weight DAE ---
export { defaultSpacing } from './activation.js';
export { type SpectralMixtureMicro, type SpectralMixtureSpec, spectralMixtureFromCentroids, spreadLambda, validateSpectralMixture } from './spectral-mixture.js';
export { type DaeState, type DaeStateLayout, daeStateLayout, packState, stateG, stateM, stateQ, stateS, unpackState } from './dae-state.js';
export type { DaeQuadratureOptions } from './dae-moments.js';
export { microFactorsFromStats } from './dae-micro.js';
export { type DaeOdeForm, type DaeOdeOptions, type DaeOdeRhs, type TimeGrid, daeOdeRhs, resolveGrid } from './dae-ode.js';
export {
  type DaeInit,
  type DaeOdeRecord,
  type DaeStateBlocks,
  type SolveDaeOdeOptions,
  type SummaryStatsOdeRecord,
  initialStateFromWeights,
  recordState,
  solveDaeOde,
} from './dae-solve.js';
export { type SkipOptions, bInfinity, bTau, kappa } from './skip.js';
export { type FiniteDSkipCorrection, type FiniteDSkipOptions, finiteDSkipCorrection } from './skip-finite-d.js';
export { binaryGmmLinearFixedPoint } from './special-case.js';
// --- Result 2.2 / Corollary 2.3: the generated density; Remark 4.1: model collapse; the ICLR-2024 model ---
export {
  type ActivationInput,
  type LinearZOptions,
  type MatrixInput,
  type ProjectedGeneratedOptions,
  type ProjectedGeneratedResult,
  type ProjectedGeneratedMoments,
  type ProjectedGeneratedMomentsOptions,
  type SamplerCoefficients,
  type SamplerGridOptions,
  type ScalarActivation,
  type ZProcessOptions,
  type ZProcessResult,
  linearProjectedMoments,
  linearZCovarianceFlow,
  linearZMoments,
  offSubspaceVariance,
  offSubspaceVarianceContinuous,
  offSubspaceVarianceLinearFlow,
  projectedGenerated,
  projectedGeneratedMoments,
  samplerCoefficients,
  scalarActivation,
  zProcess,
} from './generated-density.js';
export {
  type CentroidDiscretisation,
  type NextGenerationInitOptions,
  type NextGenerationOptions,
  type NextGenerationResult,
  type SpectralGroupTargetData,
  generatedSecondMoment,
  nextGenerationInit,
  nextGenerationTarget,
} from './model-collapse.js';
export {
  type IclrConstants,
  type IclrGeneratedDensity,
  type IclrParameters,
  type IclrSummary,
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
export { type GeneratedGroupVariance, type GeneratedGroupVarianceOptions, generatedGroupVariance } from './group-variance.js';
