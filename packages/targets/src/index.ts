export { gaussian } from './gaussian.js';
export type { Target, EigenForm, GaussianOptions, GaussianTarget, AffineDenoiserAt } from './gaussian.js';
export { gaussianMixture } from './mixture.js';
export type { GaussianMixtureOptions, GaussianMixtureTarget } from './mixture.js';
export * from './spectral-groups.js';
export * from './fixtures.js';
export * from './datasets.js';
export { binaryIsotropicGmm } from './binary-gmm.js';
export type { BinaryGmmSample, BinaryGmmTrainingSet, BinaryIsotropicGmm, BinaryIsotropicGmmOptions } from './binary-gmm.js';
