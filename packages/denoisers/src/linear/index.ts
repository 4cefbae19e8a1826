export {
  type ComplexVector,
  circulantMatrix,
  filterFromGains,
  filterGains,
  fourierModeVariances,
  patchCovariance,
  patchToFullFilter,
  shiftAveragedRow,
} from './circulant.js';
export { modeLinearDenoiser, perSigmaLinearDenoiser } from './denoiser.js';
export { affineLinear, circulantConv, deepLinear, type LinearParametrization, patchConv, symmetricTwoLayer } from './parametrizations.js';
