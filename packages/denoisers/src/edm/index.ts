export { type MlpUnetOptions, mlpUnet, mlpUnetBlock } from './mlp-unet.js';
export { type EdmCoefficients, type EdmDenoiser, type EdmPrecondOptions, edmCoefficients, edmPrecond } from './precond.js';
