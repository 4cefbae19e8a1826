export * from './flows-1d.js';
