export * from './probes.js';
export * from './ks.js';
