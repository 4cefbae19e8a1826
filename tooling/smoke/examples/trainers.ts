// trainers: a warm start for the DAE weights from target centroids.
import { fromNested } from '@diffusion-theory/kernel';
import { warmStart } from '@diffusion-theory/trainers';

const mus = fromNested([
  [1, 0, 0, 0],
  [0, 1, 0, 0],
]);
const w = warmStart(mus, 4, 2);
if (w.shape[0] !== 4 || w.shape[1] !== 2 || !w.data.every(Number.isFinite)) throw new Error('warmStart');
console.log('trainers: ok (warmStart 4 x 2)');
