import { DomainError, ShapeError } from '@diffusion-theory/kernel';

/**
 * KL between the generated and the data Gaussians when they share the eigenbasis (spec spectral-bias §11):
 * sum_k 1/2 (r_k - 1 - ln r_k), r_k = lambda_hat_k / lambda_k (direction 'gen||data', default) or its reverse.
 * @returns total and per-mode KL
 * @throws ShapeError on length mismatch; DomainError on non-positive variances
 */
export function spectralKL(generated: ArrayLike<number>, data: ArrayLike<number>, direction: 'gen||data' | 'data||gen' = 'gen||data'): { total: number; perMode: Float64Array } {
  if (generated.length !== data.length) throw new ShapeError(`generated: expected length ${data.length}, got ${generated.length}`);
  const per = new Float64Array(data.length);
  let total = 0;
  for (let k = 0; k < data.length; k++) {
    if (!(generated[k] > 0) || !(data[k] > 0)) throw new DomainError(`variances: expected > 0 at mode ${k}, got ${generated[k]}, ${data[k]}`);
    const r = direction === 'gen||data' ? generated[k] / data[k] : data[k] / generated[k];
    per[k] = 0.5 * (r - 1 - Math.log(r));
    total += per[k];
  }
  return { total, perMode: per };
}
