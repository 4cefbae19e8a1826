export * from './closed-form.js';
export * from './shallow-relu.js';
