export * from './render.js';
export * from './contours.js';
export * from './line.js';
export * from './scatter.js';
export * from './heatmap.js';
export * from './series.js';
export * from './density.js';
export * from './vector-field.js';
