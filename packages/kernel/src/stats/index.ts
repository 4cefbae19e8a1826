// Barrel for src/stats: special functions, quadrature, kernel density estimates, histograms.
export * from './special.js';
export * from './quadrature.js';
export * from './tridiagonal.js';
export * from './kde.js';
export * from './histogram.js';
export * from './bivariate-normal.js';
