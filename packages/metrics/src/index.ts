export { meanError, covarianceError, projectedMoments } from './moments.js';
export type { MeanError, CovarianceError, ProjectedMoments } from './moments.js';
export { gaussianKL, gaussianW2 } from './gaussian.js';
export type { W2Result } from './gaussian.js';
export { hellingerSquared, hellinger, hellingerProjected } from './hellinger.js';
export type { Grid, GridAxis, HellingerProjectedOptions, HellingerProjectedResult } from './hellinger.js';
export { type SymmetricBinaryMixture, binaryMixtureW2Squared, binaryMixtureW2SquaredPerDim, isotropicGaussianW2Squared, symmetricMeanErrorPerDim } from './mixture-w2.js';
export { type OffSubspaceVariance, type PerGroupVariance, offSubspaceEmpirical, perGroupVariance } from './subspace.js';
