export * from './min-norm-al.js';
