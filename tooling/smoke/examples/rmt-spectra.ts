// rmt-spectra: Marchenko-Pastur edges sigma^2 (1 -+ alpha^{-1/2})^2; alpha = m/d = 4 gives 0.25 and 2.25.
import { mpEdges } from '@diffusion-theory/rmt-spectra';

const { lower, upper } = mpEdges({ alpha: 4 });
if (Math.abs(lower - 0.25) > 1e-12 || Math.abs(upper - 2.25) > 1e-12) throw new Error(`edges ${lower}, ${upper}`);
console.log(`rmt-spectra: ok (MP edges ${lower}, ${upper})`);
