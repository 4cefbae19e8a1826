// Barrel for src/integrate: fixed-step and adaptive ODE solvers, fixed-step SDE solvers.
export type { OdeRhs, FixedStepSolver, FailedAt } from './types.js';
export { euler, type EulerState } from './euler.js';
export { heun, type HeunState } from './heun.js';
export { rk4, type Rk4State } from './rk4.js';
export * from './fixed.js';
export { dopri5Solver, type Dopri5State } from './dopri5-solver.js';
export * from './dopri5.js';
export * from './sde-types.js';
export { eulerMaruyamaSolver, type EmState } from './euler-maruyama-solver.js';
export { heunSdeSolver, type HeunSdeState } from './heun-sde-solver.js';
export * from './sde.js';
