export * from './calibrate.js';
export * from './cli.js';
export * from './flags.js';
export * from './interrupt.js';
export * from './params.js';
export * from './progress.js';
export * from './report.js';
export * from './runner.js';
