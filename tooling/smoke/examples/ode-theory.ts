// ode-theory: the closed-form skip connection b_inf = Lambda E[beta] / (Lambda E[beta^2] + E[alpha^2]).
import { linearInterpolant } from '@diffusion-theory/kernel';
import { bInfinity } from '@diffusion-theory/ode-theory';

// linear interpolant at t = 0.5: alpha = beta = 0.5, so b_inf = 0.5 Lambda / (0.25 Lambda + 0.25) = 1 at Lambda = 1
const b = bInfinity({ Lambda: 1, grid: { times: [0.5] }, schedule: linearInterpolant() });
if (Math.abs(b - 1) > 1e-12) throw new Error(`bInfinity ${b}`);
console.log(`ode-theory: ok (b_inf ${b})`);
