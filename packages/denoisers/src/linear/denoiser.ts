import { assertFinite, checkBatch, gemm, isNDArray, NDArray, ParameterError, ShapeError, type SigmaDenoiser } from '@diffusion-theory/kernel';

/**
 * A per-noise-scale affine linear denoiser D(x; sigma) = W_sigma x + b_sigma as a SigmaDenoiser (batched gemm).
 * @param dim - d
 * @param at - the weights at sigma: W (d x d row-major) and optional b
 * @example
 * const den = perSigmaLinearDenoiser(2, (s) => ({ W: Float64Array.of(1 / (1 + s * s), 0, 0, 0) }));
 */
export function perSigmaLinearDenoiser(dim: number, at: (sigma: number) => { W: Float64Array; b?: Float64Array }): SigmaDenoiser {
  if (typeof at !== 'function') throw new ParameterError('at: expected a function sigma => { W, b? }');
  return {
    dim,
    denoise(x, n, sigma, out) {
      checkBatch(x, n, dim);
      const { W, b } = at(sigma);
      if (W.length !== dim * dim) throw new ShapeError(`W: expected length ${dim * dim}`);
      assertFinite(W, 'W');
      const y = gemm(new NDArray(x, [n, dim]), new NDArray(W, [dim, dim]), { transB: true, c: out ? new NDArray(out, [n, dim]) : undefined }).data;
      if (b) for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) y[i * dim + k] += b[k];
      return y;
    },
  };
}

/**
 * A linear denoiser diagonal in a fixed orthonormal basis U (commuting weights, spec §5.2):
 * D(x; sigma) = U diag(psi(sigma)) U^T x, with the per-mode gains written by `gains(sigma, out)`.
 * @param basis - d x d orthogonal (column k = u_k)
 * @param gains - per-mode gains psi_k(sigma)
 */
export function modeLinearDenoiser(basis: NDArray, gains: (sigma: number, out: Float64Array) => void): SigmaDenoiser {
  if (!isNDArray(basis) || basis.ndim !== 2 || basis.shape[0] !== basis.shape[1]) throw new ShapeError('basis: expected a d x d matrix');
  const d = basis.shape[0];
  const U = basis.contiguous();
  const g = new Float64Array(d);
  return {
    dim: d,
    denoise(x, n, sigma, out) {
      checkBatch(x, n, d);
      gains(sigma, g);
      const y = gemm(new NDArray(x, [n, d]), U).data; // coordinates
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) y[i * d + k] *= g[k];
      return gemm(new NDArray(y, [n, d]), U, { transB: true, c: out ? new NDArray(out, [n, d]) : undefined }).data;
    },
  };
}
