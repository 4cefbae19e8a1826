export { type Bulk, type BulkTable, type SpectralLaw, lawFromDensity, tabulateBulk } from './law.js';
export { type MarchenkoPasturOptions, type MpEdges, marchenkoPastur, mpAtom, mpDensity, mpEdges } from './marchenko-pastur.js';
export {
  type FixedPointOptions,
  type GroupSpectralLaw,
  type GroupSpectrumOptions,
  cubicCoefficients,
  cubicDiscriminantEdges,
  groupSpectrum,
  stieltjesFixedPoint,
} from './groups.js';
export { type JacobianLaw, type MpJacobianOptions, jacobianLaw, mpJacobianDensity, mpJacobianEdges } from './jacobian.js';
export {
  type GapDimension,
  type GapStructure,
  type IntermediateGap,
  type Phase,
  type TwoGroupParams,
  dimensionFromLargestGap,
  finalGapOpeningTime,
  finalGapWidth,
  gapStructure,
  gapThresholdTimes,
  gapThresholdTimesApprox,
  intermediateGapWidth,
  phaseAt,
  phaseBoundaries,
  projectedMpApproximation,
  twoMpApproximation,
} from './gaps.js';
export { polyRoots } from './poly.js';
export { covarianceEigenvalues, empiricalGapCrossing, empiricalGapMaximum, jacobianEigenvaluesFrom, meanEmpiricalGap } from './empirical.js';
