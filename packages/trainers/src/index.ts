export * from './statistics.js';
export * from './init.js';
export * from './online-sgd.js';
export { type IclrFitOptions, type IclrFitResult, fitIclrSignAe } from './iclr-fit.js';
export * from './adam/index.js';
export * from './edm/index.js';
export * from './linear-flow/index.js';
export * from './min-norm/index.js';
export * from './score-matching/index.js';
