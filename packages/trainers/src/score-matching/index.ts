export { type VeScoreMatchingOptions, gaussianEpsilonRisk, trainVeScoreMatching } from './ve-dsm.js';
