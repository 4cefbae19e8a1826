export * from './dae.js';
export * from './dae-grad.js';
export { type TweedieBinaryGmmOptions, tweedieBinaryGmmDenoiser } from './tweedie.js';
export { type IclrSignAe, type IclrSignAeOptions, iclrSignAe } from './iclr-sign-ae.js';
export * from './min-norm/index.js';
export * from './linear-manifold/index.js';
export * from './nn/index.js';
export * from './edm/index.js';
export * from './linear/index.js';
