export * from './ve-flows.js';
