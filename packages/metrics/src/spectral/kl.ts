import { assertFinite, DomainError, ShapeError } from '@diffusion-theory/kernel';

export interface ModeKLOptions {
  /** Projections u_k^T (mu_gen - mu_data) of the mean difference (default 0). */
  meanDiff?: ArrayLike<number>;
  /** 'gen||data' (default, spec §11) or 'data||gen'. */
  direction?: 'gen||data' | 'data||gen';
}

/**
 * KL between two Gaussians that share an eigenbasis (spec spectral-bias §11), split over modes:
 * KL = sum_k 1/2 (r_k - 1 - ln r_k) + 1/2 sum_k m_k^2 / lambda_{2,k}, r_k = lambda_{1,k} / lambda_{2,k},
 * where (1, 2) = (generated, data) by default.
 * @param generated - generated per-mode variances (> 0)
 * @param data - data per-mode variances (> 0)
 * @param opts - mean difference projections, direction
 * @returns total and per-mode terms (nats)
 * @throws ShapeError on length mismatch; DomainError on non-positive variances
 * @example
 * modeGaussianKL([0.5, 2], [1, 1]).total; // 0.25 (spec R16)
 */
export function modeGaussianKL(generated: ArrayLike<number>, data: ArrayLike<number>, opts: ModeKLOptions = {}): { total: number; perMode: Float64Array } {
  const d = data.length;
  if (generated.length !== d) throw new ShapeError(`generated: expected length ${d} (data), got ${generated.length}`);
  assertFinite(generated, 'generated');
  assertFinite(data, 'data');
  const m = opts.meanDiff;
  if (m !== undefined && m.length !== d) throw new ShapeError(`meanDiff: expected length ${d}`);
  const rev = opts.direction === 'data||gen';
  if (opts.direction !== undefined && opts.direction !== 'gen||data' && !rev) throw new DomainError(`direction: expected 'gen||data' or 'data||gen', got ${String(opts.direction)}`);
  const per = new Float64Array(d);
  let total = 0;
  for (let k = 0; k < d; k++) {
    if (!(generated[k] > 0)) throw new DomainError(`generated: expected variances > 0, got ${generated[k]} at mode ${k}`);
    if (!(data[k] > 0)) throw new DomainError(`data: expected variances > 0, got ${data[k]} at mode ${k}`);
    const l1 = rev ? data[k] : generated[k];
    const l2 = rev ? generated[k] : data[k];
    const r = l1 / l2;
    let v = 0.5 * (r - 1 - Math.log(r));
    if (m !== undefined) v += (0.5 * m[k] * m[k]) / l2;
    per[k] = v;
    total += v;
  }
  return { total, perMode: per };
}
