// plots: a theory-vs-simulation panel as a vega-lite spec.
import { linePanel } from '@diffusion-theory/plots';

const spec = linePanel({ series: [], xTitle: 'tau', yTitle: 'b' });
if (typeof spec !== 'object' || spec === null) throw new Error('linePanel');
console.log('plots: ok (vega-lite spec)');
