// kernel alone: linear algebra, seeded randomness, brands, and the optional gpu.js backend absent.
import { Rng, eigh, fromNested, getBackend, isKernelError, isNDArray, zeros } from '@diffusion-theory/kernel';

const a = fromNested([
  [2, 1],
  [1, 2],
]);
const { values } = eigh(a);
if (Math.abs((values[0] ?? 0) - 1) > 1e-12 || Math.abs((values[1] ?? 0) - 3) > 1e-12) throw new Error(`eigh gave ${values}`);
const u = new Rng(1).uniforms(3);
if (!u.every((x) => x >= 0 && x < 1) || !isNDArray(a)) throw new Error('rng / brand');
if (zeros(3, 4).row(1).data.length !== 4) throw new Error('a row view hands out the parent buffer');
try {
  getBackend('gpu.js');
  throw new Error('gpu.js backend selected without gpu.js installed');
} catch (e) {
  if (!isKernelError(e, 'MissingDependencyError') || !e.message.includes('npm install gpu.js')) throw e;
}
console.log(`kernel: ok (eigenvalues ${Array.from(values).join(', ')}; gpu.js absent -> MissingDependencyError)`);
