export { type BrentOptions, brentRoot } from './brent.js';
export { EULER_GAMMA, expint1, expintEi } from './expint.js';
export { normalInv } from './probit.js';
