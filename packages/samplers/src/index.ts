export { ROW_BLOCK, sampleInterpolant } from './interpolant.js';
export type { SampleInterpolantOptions, SampleResult, Snapshot } from './interpolant.js';
export { sampleEdm } from './edm.js';
export type { SampleEdmOptions, EdmChurn } from './edm.js';
export { gaussianPushForward } from './push-forward.js';
export type { AffineDenoiser, GaussianPushForwardOptions, GaussianLaw } from './push-forward.js';
export { paperGrid, timeGrid } from './grid.js';
export type { TimeGridOptions } from './grid.js';
export * from './ve-flows/index.js';
