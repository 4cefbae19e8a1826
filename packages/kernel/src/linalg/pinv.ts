import { ConvergenceError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { gemmNT } from './base-dense.js';
import { svdRaw } from './svd.js';
import { matrixArg, rcondArg } from './validate.js';

export interface PinvOptions {
  /**
   * Relative cutoff: singular values s_i <= rcond * s_max are treated as zero.
   * Default max(m, n) * 2^-52.
   */
  rcond?: number;
}

/** Moore-Penrose pseudo-inverse (n x m) of the m x n matrix `a`, via the thin SVD. */
export function pinv(a: NDArray, options: PinvOptions = {}): NDArray {
  const { m, n, data } = matrixArg(a, 'a');
  const rcond = rcondArg(options.rcond, Math.max(m, n) * 2 ** -52);
  const r = svdRaw(m, n, data);
  if (!r) throw new ConvergenceError('pinv(a): the SVD did not converge');
  const { k, s, u, vt } = r;
  const cut = rcond * (k > 0 ? s[0] : 0);
  // out[i][j] = sum_p V[i][p] / s_p * U[j][p]
  const vs = new Float64Array(n * k);
  for (let p = 0; p < k; p++) {
    const f = s[p] > cut && s[p] > 0 ? 1 / s[p] : 0;
    for (let i = 0; i < n; i++) vs[i * k + p] = vt[p * n + i] * f;
  }
  const out = new Float64Array(n * m);
  gemmNT(n, m, k, vs, u, out);
  return new NDArray(out, [n, m]);
}
