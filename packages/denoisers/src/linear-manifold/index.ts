export * from './exact-score.js';
