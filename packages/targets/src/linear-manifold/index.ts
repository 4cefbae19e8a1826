export * from './linear-manifold.js';
