import { assertFinite, assertInteger, DomainError, isNDArray, NDArray, ShapeError } from '@diffusion-theory/kernel';

/** Complex vector as separate real and imaginary parts. */
export interface ComplexVector {
  re: Float64Array;
  im: Float64Array;
}

function readVec(w: ArrayLike<number>, name: string): Float64Array {
  const v = Float64Array.from(w);
  if (v.length < 1) throw new ShapeError(`${name}: expected length >= 1`);
  assertFinite(v, name);
  return v;
}

/**
 * Fourier gains of a full-width circular filter (spec spectral-bias §8.1): with (W x)_i = sum_j w_j x_{i+j}
 * and f_k[n] = e^{2 pi i n k / N} / sqrt N, W f_k = gamma_k f_k with gamma_k = sum_j w_j e^{2 pi i j k / N}.
 * O(N^2) DFT.
 * @param w - filter taps w_0..w_{N-1}
 * @returns gamma (re, im), length N
 * @example
 * filterGains([1, 0, 0, 0]).re; // [1, 1, 1, 1]
 */
export function filterGains(w: ArrayLike<number>): ComplexVector {
  const v = readVec(w, 'w');
  const N = v.length;
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < N; j++) {
      const th = (2 * Math.PI * ((j * k) % N)) / N;
      a += v[j] * Math.cos(th);
      b += v[j] * Math.sin(th);
    }
    re[k] = a;
    im[k] = b;
  }
  return { re, im };
}

/**
 * Inverse of `filterGains`: w_j = (1/N) sum_k gamma_k e^{-2 pi i j k / N} (real part; exact for
 * Hermitian gains gamma_{N-k} = conj(gamma_k)).
 */
export function filterFromGains(g: ComplexVector): Float64Array {
  const N = g.re.length;
  if (g.im.length !== N) throw new ShapeError(`g.im: expected length ${N}`);
  const w = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    let a = 0;
    for (let k = 0; k < N; k++) {
      const th = (2 * Math.PI * ((j * k) % N)) / N;
      a += g.re[k] * Math.cos(th) + g.im[k] * Math.sin(th);
    }
    w[j] = a / N;
  }
  return w;
}

/** Circulant matrix of a full-width filter: W_{i, (i + j) mod N} = w_j (N x N). */
export function circulantMatrix(w: ArrayLike<number>): NDArray {
  const v = readVec(w, 'w');
  const N = v.length;
  const W = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) W[i * N + ((i + j) % N)] = v[j];
  return new NDArray(W, [N, N]);
}

/**
 * Embed a local (patch) filter w = (w_{-r}, ..., w_r), K = 2r + 1 taps, into a full-width filter of
 * length N (tap j at index j mod N).
 * @throws DomainError when the filter is wider than the signal (K > N) or K is even
 */
export function patchToFullFilter(wPatch: ArrayLike<number>, N: number): Float64Array {
  const v = readVec(wPatch, 'wPatch');
  assertInteger(N, 1, 'N');
  const K = v.length;
  if (K % 2 !== 1) throw new DomainError(`wPatch: expected an odd number of taps K = 2r + 1, got ${K}`);
  if (K > N) throw new DomainError(`wPatch: the filter (K = ${K} taps) is wider than the signal (N = ${N})`);
  const r = (K - 1) / 2;
  const full = new Float64Array(N);
  for (let j = -r; j <= r; j++) full[(j + N) % N] += v[j + r];
  return full;
}

function readCov(cov: NDArray): { N: number; S: Float64Array } {
  if (!isNDArray(cov) || cov.ndim !== 2 || cov.shape[0] !== cov.shape[1]) throw new ShapeError('covariance: expected a square matrix');
  const S = cov.contiguous().data;
  assertFinite(S, 'covariance');
  return { N: cov.shape[0], S };
}

/** chi[delta] = (1/N) sum_i Sigma_{i, i + delta mod N}: the first row of the shift-averaged covariance Sigma_circ. */
export function shiftAveragedRow(cov: NDArray): Float64Array {
  const { N, S } = readCov(cov);
  const chi = new Float64Array(N);
  for (let dlt = 0; dlt < N; dlt++) {
    let s = 0;
    for (let i = 0; i < N; i++) s += S[i * N + ((i + dlt) % N)];
    chi[dlt] = s / N;
  }
  return chi;
}

/**
 * Fourier-mode variances S_kk = f_k^H Sigma f_k (spec §8.1): the eigenvalues of the shift-averaged
 * covariance, S_kk = sum_delta chi[delta] e^{2 pi i delta k / N} (real).
 * @example
 * fourierModeVariances(ar1Process(8, 0.6).covariance); // spec R13
 */
export function fourierModeVariances(cov: NDArray): Float64Array {
  const chi = shiftAveragedRow(cov);
  const N = chi.length;
  const out = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    let a = 0;
    for (let dl = 0; dl < N; dl++) a += chi[dl] * Math.cos((2 * Math.PI * ((dl * k) % N)) / N);
    out[k] = a;
  }
  return out;
}

/**
 * Patch covariance Sigma_patch = (1/N) E[P_r(x) P_r(x)^T] (K x K, K = 2r + 1; spec §8.4), zero-mean data:
 * (Sigma_patch)_{ab} = (1/N) sum_i Sigma_{i+a-r, i+b-r} (circular indices) = chi[b - a].
 * @throws DomainError when K > N
 */
export function patchCovariance(cov: NDArray, r: number): NDArray {
  const { N, S } = readCov(cov);
  assertInteger(r, 0, 'r');
  const K = 2 * r + 1;
  if (K > N) throw new DomainError(`r: the patch (K = ${K}) is wider than the signal (N = ${N})`);
  const P = new Float64Array(K * K);
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += S[((i + a - r + N * 2) % N) * N + ((i + b - r + N * 2) % N)];
      P[a * K + b] = s / N;
    }
  }
  return new NDArray(P, [K, K]);
}
