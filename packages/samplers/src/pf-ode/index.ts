export { type AffineAtSigma, type AffinePushForward, type AffinePushForwardOptions, affinePushForward } from './affine.js';
export { type EdmHeunOptions, edmHeunSample, readSigmaRange, type SigmaRange } from './heun.js';
export { type ModeGains, type ModePushForwardOptions, modePushForward, type PfOdeRk4Options, pfOdeRk4 } from './rk4.js';
