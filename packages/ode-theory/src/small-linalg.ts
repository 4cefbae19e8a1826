/**
 * Tiny dense symmetric linear algebra on raw row-major Float64Arrays (n <= ~8), used inside the
 * ODE right-hand side: cyclic Jacobi eigen-decomposition, pseudo-inverse, PSD square root.
 *
 * Why private and not kernel/linalg: the ODE calls these on r x r (r <= 4) and 2r x 2r matrices
 * thousands of times per curve; a cyclic Jacobi sweep on preallocated scratch is allocation-free,
 * exactly reproducible (fixed sweep order, no pivot search) and as accurate as LAPACK for such
 * sizes (relative accuracy of small eigenvalues included).
 */

/** Scratch-carrying Jacobi eigensolver for symmetric n x n matrices (n fixed at construction). */
export interface SymEigen {
  readonly n: number;
  /** Eigenvalues, descending, after `run`. */
  readonly values: Float64Array;
  /** Eigenvectors as columns (row-major n x n: vectors[i * n + j] = component i of vector j). */
  readonly vectors: Float64Array;
  /** Decompose the symmetric matrix `a` (row-major, length n*n; only read, symmetrised). */
  run(a: Float64Array, aOffset?: number): void;
}

export function symEigen(n: number): SymEigen {
  const A = new Float64Array(n * n);
  const V = new Float64Array(n * n);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const order = new Int32Array(n);
  const dtmp = new Float64Array(n);
  return {
    n,
    values,
    vectors,
    run(a: Float64Array, off = 0) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          A[i * n + j] = 0.5 * (a[off + i * n + j] + a[off + j * n + i]);
          V[i * n + j] = i === j ? 1 : 0;
        }
      }
      if (n > 1) jacobiSweeps(A, V, n);
      for (let i = 0; i < n; i++) {
        dtmp[i] = A[i * n + i];
        order[i] = i;
      }
      // insertion sort, descending (stable, deterministic)
      for (let i = 1; i < n; i++) {
        const k = order[i];
        let j = i - 1;
        while (j >= 0 && dtmp[order[j]] < dtmp[k]) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = k;
      }
      for (let j = 0; j < n; j++) {
        const src = order[j];
        values[j] = dtmp[src];
        for (let i = 0; i < n; i++) vectors[i * n + j] = V[i * n + src];
      }
    },
  };
}

function jacobiSweeps(A: Float64Array, V: Float64Array, n: number): void {
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += A[i * n + i] * A[i * n + i];
      for (let j = i + 1; j < n; j++) off += A[i * n + j] * A[i * n + j];
    }
    if (off <= 1e-34 * diag || off === 0) return;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // Skip rotations below rounding relative to both diagonal entries.
        if (Math.abs(apq) < 1e-300 || (sweep > 3 && Math.abs(apq) <= 1e-18 * Math.abs(app) && Math.abs(apq) <= 1e-18 * Math.abs(aqq))) {
          A[p * n + q] = 0;
          A[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
}

/** Relative cut-off below which an eigenvalue of a PSD matrix counts as zero. */
export const RANK_TOL = 1e-12;

/**
 * out = a^+ (Moore-Penrose pseudo-inverse of the symmetric n x n matrix a), using the eigen solver
 * `eig` (of the same n). Eigenvalues with |l| <= RANK_TOL * max|l| are dropped.
 */
export function pinvSymInto(eig: SymEigen, a: Float64Array, out: Float64Array): void {
  const n = eig.n;
  eig.run(a);
  const { values, vectors } = eig;
  let mx = 0;
  for (let j = 0; j < n; j++) mx = Math.max(mx, Math.abs(values[j]));
  const cut = RANK_TOL * mx;
  out.fill(0, 0, n * n);
  for (let j = 0; j < n; j++) {
    const l = values[j];
    if (!(Math.abs(l) > cut)) continue;
    const il = 1 / l;
    for (let i = 0; i < n; i++) {
      const vi = vectors[i * n + j] * il;
      for (let k = 0; k < n; k++) out[i * n + k] += vi * vectors[k * n + j];
    }
  }
}

/** out = a^{1/2} for a symmetric PSD n x n matrix (negative rounding eigenvalues clipped to 0). */
export function sqrtPsdInto(eig: SymEigen, a: Float64Array, out: Float64Array): void {
  const n = eig.n;
  eig.run(a);
  const { values, vectors } = eig;
  out.fill(0, 0, n * n);
  for (let j = 0; j < n; j++) {
    const l = values[j] > 0 ? Math.sqrt(values[j]) : 0;
    if (l === 0) continue;
    for (let i = 0; i < n; i++) {
      const vi = vectors[i * n + j] * l;
      for (let k = 0; k < n; k++) out[i * n + k] += vi * vectors[k * n + j];
    }
  }
}
