export {
  type ClosedFormEmergenceOptions,
  type EmergenceCriterion,
  type EmergenceOptions,
  emergenceThreshold,
  emergenceTimeClosedForm,
  emergenceTimeFromCheckpoints,
  inGrayZone,
} from './emergence.js';
export { type ModeKLOptions, modeGaussianKL } from './kl.js';
export { alignmentScore, modeVariances, sampleModeVariances } from './modes.js';
export { type BranchFits, type BranchFitsInput, branchPowerLawFits, type PowerLawFit, powerLawFit } from './power-law.js';
