export { type EmpiricalMoments, empiricalMoments, type MnistMomentsOptions, mnistMoments } from './mnist-moments.js';
export { type RotatedLogNormalOptions, rotatedLogNormalGaussian, type SpectralGaussian, spectralGaussianFromEigen } from './rotated-gaussian.js';
export { haarRotation, logNormalSpectrum, quantileLogNormalSpectrum } from './spectra.js';
export { ar1Process, type StationaryProcessOptions, stationaryProcess } from './stationary.js';
