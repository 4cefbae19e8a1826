/**
 * Selected eigenvectors of a symmetric tridiagonal by inverse iteration (LAPACK dstein style),
 * unchecked, raw arrays: for each given eigenvalue, a few solves with T - lambda I (tridiagonal LU
 * with partial pivoting), each followed by Gram-Schmidt against the vectors already computed for
 * eigenvalues within 1e-3 ||T|| (so clusters and repeated eigenvalues come out orthogonal).
 */

const EPS = 2 ** -52;

/**
 * Eigenvectors of T = tridiag(e, d, e) (d length n, e[i] = T[i][i-1], e[0] unused) for the k
 * eigenvalues `lam` (ordered so that members of a cluster are adjacent), written as the columns of
 * `z` (n x k, row-major). Deterministic start vectors. Returns false if some vector failed to grow
 * (then the column is still orthonormal to the others but of unknown quality).
 */
export function stein(n: number, d: Float64Array, e: Float64Array, k: number, lam: Float64Array, z: Float64Array): boolean {
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(d[i]) + (i > 0 ? Math.abs(e[i]) : 0) + (i + 1 < n ? Math.abs(e[i + 1]) : 0));
  if (tnorm === 0) tnorm = 1;
  const ortol = 1e-3 * tnorm;
  const pert = EPS * tnorm;
  const dl = new Float64Array(n);
  const dg = new Float64Array(n);
  const du = new Float64Array(n);
  const du2 = new Float64Array(n);
  const swap = new Uint8Array(n);
  const x = new Float64Array(n);
  const cols: Float64Array[] = [];
  let ok = true;
  let clusterStart = 0;
  for (let j = 0; j < k; j++) {
    if (j > 0 && Math.abs(lam[j] - lam[j - 1]) > ortol) clusterStart = j;
    // LU of T - lambda I with partial pivoting (dgttrf).
    const l = lam[j];
    for (let i = 0; i < n; i++) {
      dg[i] = d[i] - l;
      if (i + 1 < n) {
        dl[i] = e[i + 1];
        du[i] = e[i + 1];
      }
      du2[i] = 0;
      swap[i] = 0;
    }
    for (let i = 0; i + 1 < n; i++) {
      if (Math.abs(dg[i]) >= Math.abs(dl[i])) {
        if (dg[i] === 0) dg[i] = pert;
        const f = dl[i] / dg[i];
        dl[i] = f;
        dg[i + 1] -= f * du[i];
      } else {
        const f = dg[i] / dl[i];
        dg[i] = dl[i];
        dl[i] = f;
        const t = du[i];
        du[i] = dg[i + 1];
        dg[i + 1] = t - f * dg[i + 1];
        if (i + 2 < n) {
          du2[i] = du[i + 1];
          du[i + 1] = -f * du[i + 1];
        }
        swap[i] = 1;
      }
    }
    if (dg[n - 1] === 0) dg[n - 1] = pert;
    // Start vector: deterministic, not orthogonal to any eigenvector in practice.
    for (let i = 0; i < n; i++) x[i] = 1 + 0.5 * Math.sin(1.7 * i + 0.3 * j);
    let grew = false;
    let extra = 0;
    for (let it = 0; it < 8 && extra < 2; it++) {
      let xn = 0;
      for (let i = 0; i < n; i++) xn += Math.abs(x[i]);
      const s0 = 1 / xn;
      for (let i = 0; i < n; i++) x[i] *= s0;
      // Solve (dgttrs).
      for (let i = 0; i + 1 < n; i++) {
        if (swap[i]) {
          const t = x[i];
          x[i] = x[i + 1];
          x[i + 1] = t - dl[i] * x[i];
        } else {
          x[i + 1] -= dl[i] * x[i];
        }
      }
      x[n - 1] /= dg[n - 1];
      if (n > 1) x[n - 2] = (x[n - 2] - du[n - 2] * x[n - 1]) / dg[n - 2];
      for (let i = n - 3; i >= 0; i--) x[i] = (x[i] - du[i] * x[i + 1] - du2[i] * x[i + 2]) / dg[i];
      let xmax = 0;
      for (let i = 0; i < n; i++) xmax = Math.max(xmax, Math.abs(x[i]));
      if (!Number.isFinite(xmax)) {
        for (let i = 0; i < n; i++) x[i] = Math.sin(2.3 * i + j + it);
        continue;
      }
      // Growth test (dstein): |x|_inf >= 1 / (sqrt(n) * 10 * eps ||T||) for a unit 1-norm right side;
      // then two more solves (for accuracy), Gram-Schmidt against the cluster after every solve.
      if (xmax * Math.sqrt(n) * 10 * pert >= 1) grew = true;
      if (grew) extra++;
      for (let pass = 0; pass < 2; pass++) {
        for (let c = clusterStart; c < j; c++) {
          const v = cols[c];
          let dot = 0;
          for (let i = 0; i < n; i++) dot += v[i] * x[i];
          for (let i = 0; i < n; i++) x[i] -= dot * v[i];
        }
      }
    }
    if (!grew) ok = false;
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += x[i] * x[i];
    nrm = Math.sqrt(nrm);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = x[i] / nrm;
    cols.push(v);
    for (let i = 0; i < n; i++) z[i * k + j] = v[i];
  }
  return ok;
}
