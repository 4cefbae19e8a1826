export * from './cli.js';
export * from './params.js';
export * from './progress.js';
export * from './report.js';
export * from './runner.js';
