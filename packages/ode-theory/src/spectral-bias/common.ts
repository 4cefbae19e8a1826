import { assertFinite, DomainError, eigh, isNDArray, NDArray, NotPositiveDefiniteError, ShapeError } from '@diffusion-theory/kernel';

/** Training time and learning rate: every closed form depends on them only through eta * tau (spec §0). */
export interface TrainingTime {
  /** Training time tau >= 0. */
  tau: number;
  /** Learning rate eta > 0 (default 1). */
  eta?: number;
}

/** The PF-ODE sigma range (defaults 0.002 and 80). */
export interface SigmaRangeOptions {
  sigmaMin?: number;
  sigmaMax?: number;
}

export function readTime(o: TrainingTime): { tau: number; eta: number } {
  const tau = o?.tau;
  const eta = o?.eta ?? 1;
  if (typeof tau !== 'number' || !(tau >= 0) || !Number.isFinite(tau)) throw new DomainError(`tau: expected a finite number >= 0, got ${tau}`);
  if (!(eta > 0) || !Number.isFinite(eta)) throw new DomainError(`eta: expected a finite number > 0, got ${eta}`);
  return { tau, eta };
}

export function readRange(o: SigmaRangeOptions = {}): { s0: number; sT: number } {
  const s0 = o.sigmaMin ?? 0.002;
  const sT = o.sigmaMax ?? 80;
  if (!(s0 > 0) || !Number.isFinite(s0)) throw new DomainError(`sigmaMin: expected a finite number > 0, got ${s0}`);
  if (!(sT > s0) || !Number.isFinite(sT)) throw new DomainError(`sigmaMax: expected a finite number > sigmaMin = ${s0}, got ${sT}`);
  return { s0, sT };
}

export function readPositive(v: number, name: string): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new DomainError(`${name}: expected a finite number > 0, got ${v}`);
  return v;
}

export function readNonNegative(v: number, name: string): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new DomainError(`${name}: expected a finite number >= 0, got ${v}`);
  return v;
}

export function readFinite(v: number, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DomainError(`${name}: expected a finite number, got ${v}`);
  return v;
}

/** A symmetric PSD covariance: its eigendecomposition (ascending, as eigh) after checks. */
export function psdEigen(cov: NDArray, name = 'covariance'): { d: number; values: Float64Array; vectors: Float64Array } {
  if (!isNDArray(cov) || cov.ndim !== 2 || cov.shape[0] !== cov.shape[1]) throw new ShapeError(`${name}: expected a square matrix`);
  const d = cov.shape[0];
  const data = cov.contiguous().data;
  assertFinite(data, name);
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale = Math.max(scale, Math.abs(data[i]));
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      if (Math.abs(data[i * d + j] - data[j * d + i]) > 1e-10 * Math.max(scale, 1e-300)) throw new DomainError(`${name}: expected a symmetric matrix (entry ${i}, ${j})`);
    }
  }
  const { values, vectors } = eigh(new NDArray(Float64Array.from(data), [d, d]), name);
  if (values[0] < -1e-10 * Math.max(scale, 1e-300)) throw new NotPositiveDefiniteError(`${name}: expected a positive semi-definite matrix, smallest eigenvalue ${values[0]}`);
  return { d, values, vectors: vectors.contiguous().data };
}

/** V diag(f(values)) V^T. */
export function eigenFunction(d: number, values: Float64Array, vectors: Float64Array, f: (l: number) => number): Float64Array {
  const fv = values.map(f);
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += vectors[i * d + k] * fv[k] * vectors[j * d + k];
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return out;
}
