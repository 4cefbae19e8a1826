export { type LinearFlowOptions, type LinearFlowResult, type ModeFlowOptions, trainLinearFlow, trainModeFlow } from './flow.js';
export { type LossVariant, momentLossGradient, type RegressionMoments, variantMoments } from './moments.js';
