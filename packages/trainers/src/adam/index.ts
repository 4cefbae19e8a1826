export { type AdamOptions, type AdamState, adam, adamStep } from './adam.js';
export { type BatchContext, type MinibatchTrainOptions, type MinibatchTrainResult, type TrainProgress, trainMinibatch } from './train-loop.js';
