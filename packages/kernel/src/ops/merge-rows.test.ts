import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { mergeRows } from './merge-rows.js';

/** A merge problem D + rho z z^T laid out as mergeRows expects; `run(cuts)` does the three phases by the given ranges. */
function problem(k: number, seed: number) {
  const rng = new Rng(seed);
  const d = Float64Array.from(rng.normals(k)).sort();
  const z = rng.normals(k);
  for (let j = 0; j < k; j++) z[j] = z[j] / Math.sqrt(k) + (z[j] < 0 ? -0.05 : 0.05);
  const rho = 0.7;
  const [par, dk, rz, zk, lam, zh, sh, dOff] = [0, 8, 8 + k, 8 + 2 * k, 8 + 3 * k, 8 + 4 * k, 8 + 5 * k, 8 + 6 * k];
  const uOff = dOff + k * k;
  const run = (cuts: number[]) => {
    const f = new Float64Array(uOff + k * k);
    let zz = 0;
    for (let j = 0; j < k; j++) {
      zz += z[j] * z[j];
      f[rz + j] = rho * z[j] * z[j];
    }
    f[par] = rho;
    f[par + 1] = zz;
    f.set(d, dk);
    f.set(z, zk);
    for (let phase = 0; phase < 3; phase++) {
      for (let t = 0; t + 1 < cuts.length; t++) mergeRows(f, phase, k, par, dk, rz, zk, lam, zh, sh, dOff, uOff, cuts[t], cuts[t + 1]);
    }
    return { lam: f.slice(lam, lam + k), u: f.slice(uOff, uOff + k * k) };
  };
  return { d, z, rho, run };
}

describe('mergeRows (the per-root work of a divide-and-conquer merge)', () => {
  it('gives bit-identical roots and vectors however the roots are split into ranges', () => {
    const k = 57;
    const { run } = problem(k, 11);
    const whole = run([0, k]);
    for (const cuts of [[0, 1, k], [0, 20, 21, 40, k], [0, 28, k - 1, k]]) {
      const split = run(cuts);
      expect(split.lam).toEqual(whole.lam);
      expect(split.u).toEqual(whole.u);
    }
  });

  it('finds the roots of the secular equation, interlaced with the poles, and orthonormal eigenvectors of D + rho z z^T', () => {
    const k = 40;
    const { d, z, rho, run } = problem(k, 12);
    const { lam, u } = run([0, k]);
    let zz = 0;
    for (let j = 0; j < k; j++) zz += z[j] * z[j];
    for (let i = 0; i < k; i++) {
      expect(lam[i]).toBeGreaterThan(d[i]);
      expect(lam[i]).toBeLessThanOrEqual(i < k - 1 ? d[i + 1] : d[k - 1] + rho * zz);
    }
    // Residual of (D + rho z z^T) u_i = lambda_i u_i, relative to the matrix norm, and U^T U = I.
    const norm = Math.max(Math.abs(d[0]), Math.abs(d[k - 1])) + rho * zz;
    let res = 0;
    let orth = 0;
    for (let i = 0; i < k; i++) {
      let zu = 0;
      for (let j = 0; j < k; j++) zu += z[j] * u[i * k + j];
      for (let j = 0; j < k; j++) res = Math.max(res, Math.abs(d[j] * u[i * k + j] + rho * z[j] * zu - lam[i] * u[i * k + j]));
      for (let l = 0; l < k; l++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += u[i * k + j] * u[l * k + j];
        orth = Math.max(orth, Math.abs(s - (i === l ? 1 : 0)));
      }
    }
    // The Loewner vectors are exact eigenvectors of a nearby problem (zhat for z): backward error
    // O(k eps) relative, so the residual against z itself stays at the level of k eps |A|.
    expect(res / norm).toBeLessThan(1e-12);
    expect(orth).toBeLessThan(1e-13);
  });
});
