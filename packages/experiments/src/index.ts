export * from './experiment.js';
export * from './result.js';
export * from './params.js';
export * from './io.js';
export * from './run.js';
export * from './version.js';
export { experiments, findExperiment } from './registry.js';
export * from './calibrate.js';
