export * from './exact-score.js';
export * from './mlp-score.js';
