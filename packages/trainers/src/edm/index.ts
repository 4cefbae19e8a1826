export { type EdmTrainOptions, trainEdm } from './train-edm.js';
