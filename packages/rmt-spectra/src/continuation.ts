/**
 * Polynomial-free K-group solver (internal): the physical branch of the saddle-point equation
 * H(q) = 1/q - z + alpha sum_k f_k s_k/(alpha - s_k q) = 0 followed from far below the real axis
 * (damped fixed point at z = x - i eta0) down to eta = 0 by Newton steps on a geometric eta ladder,
 * and support edges by a sign scan of z'(q) between the poles. Used for many groups (K >= 4), where
 * the expanded polynomial of degree K+1 is too ill-conditioned for its roots.
 */

export interface ModelK {
  alpha: number;
  fractions: Float64Array;
  variances: Float64Array;
}

/** Newton on H at complex z = (zr, zi) from q = (qr, qi); returns the new q or null if it fails. */
function newton(m: ModelK, zr: number, zi: number, qr0: number, qi0: number): [number, number] | null {
  let qr = qr0;
  let qi = qi0;
  const a = m.alpha;
  for (let it = 0; it < 60; it++) {
    // H = 1/q - z + sum c_k/(a - s_k q), H' = -1/q^2 + sum c_k s_k/(a - s_k q)^2, c_k = a f_k s_k
    const q2 = qr * qr + qi * qi;
    let hr = qr / q2 - zr;
    let hi = -qi / q2 - zi;
    let dr = -(qr * qr - qi * qi) / (q2 * q2);
    let di = (2 * qr * qi) / (q2 * q2);
    for (let k = 0; k < m.variances.length; k++) {
      const s = m.variances[k];
      const c = a * m.fractions[k] * s;
      const pr = a - s * qr;
      const pi = -s * qi;
      const p2 = pr * pr + pi * pi;
      hr += (c * pr) / p2;
      hi += (-c * pi) / p2;
      // 1/p^2 = conj(p)^2 / |p|^4
      const ir = (pr * pr - pi * pi) / (p2 * p2);
      const ii = (-2 * pr * pi) / (p2 * p2);
      dr += c * s * ir;
      di += c * s * ii;
    }
    const d2 = dr * dr + di * di;
    if (!(d2 > 0) || !Number.isFinite(d2)) return null;
    const sr = (hr * dr + hi * di) / d2;
    const si = (hi * dr - hr * di) / d2;
    // damp steps that would cross into the wrong half plane
    let lam = 1;
    while (lam > 1e-3 && qi - lam * si < -1e-300 && qi > 0) lam /= 2;
    qr -= lam * sr;
    qi -= lam * si;
    if (Math.hypot(sr, si) * lam <= 1e-15 * Math.hypot(qr, qi)) return [qr, qi];
  }
  return [qr, qi];
}

/** Physical q at z = x - i eta (eta >= 0) by the eta ladder. Returns [Re q, Im q] with Im q >= 0. */
export function physicalRoot(m: ModelK, x: number, eta: number): [number, number] {
  const eta0 = Math.max(1, Math.abs(x));
  // damped fixed point at z = x - i eta0 (maps the upper half plane into itself)
  const z2 = x * x + eta0 * eta0;
  let qr = x / z2;
  let qi = eta0 / z2;
  for (let it = 0; it < 2000; it++) {
    let hr = x;
    let hi = -eta0;
    for (let k = 0; k < m.variances.length; k++) {
      const s = m.variances[k];
      const dr = m.alpha - s * qr;
      const di = -s * qi;
      const d2 = dr * dr + di * di;
      const c = m.alpha * m.fractions[k] * s;
      hr -= (c * dr) / d2;
      hi += (c * di) / d2;
    }
    const h2 = hr * hr + hi * hi;
    const nr = 0.5 * qr + (0.5 * hr) / h2;
    const ni = 0.5 * qi - (0.5 * hi) / h2;
    const diff = Math.hypot(nr - qr, ni - qi);
    qr = nr;
    qi = ni;
    if (diff < 1e-14 * Math.hypot(qr, qi)) break;
  }
  let e = eta0;
  const stop = Math.max(eta, 1e-14 * Math.max(1, Math.abs(x)));
  while (e > stop) {
    e = Math.max(stop, e / 2);
    const r = newton(m, x, -e, qr, qi);
    if (!r) break;
    [qr, qi] = r;
  }
  if (eta === 0) {
    const r = newton(m, x, 0, qr, qi);
    if (r && r[1] >= -1e-12 * Math.hypot(r[0], r[1])) [qr, qi] = r;
  }
  return [qr, Math.max(0, qi)];
}

/** Continuous density at real x > 0: Im q/pi above the noise floor 1e-10 (1 + |q|). */
export function densityContinuation(m: ModelK, x: number): number {
  if (!(x > 0)) return 0;
  const [qr, qi] = physicalRoot(m, x, 0);
  return qi > 1e-10 * (1 + Math.hypot(qr, qi)) ? qi / Math.PI : 0;
}

function zOfQ(m: ModelK, q: number): number {
  let z = 1 / q;
  for (let k = 0; k < m.variances.length; k++) z += (m.fractions[k] * m.variances[k]) / (1 - (m.variances[k] * q) / m.alpha);
  return z;
}

function dz(m: ModelK, q: number): number {
  let v = -1 / (q * q);
  for (let k = 0; k < m.variances.length; k++) {
    const s = m.variances[k];
    const p = 1 - (s * q) / m.alpha;
    v += (m.fractions[k] * s * s) / (m.alpha * p * p);
  }
  return v;
}

/** Candidate edges x_c = z(q_c) at the real zeros of z'(q), found by a sign scan between the poles. */
export function criticalValuesScan(m: ModelK, perInterval = 4000): number[] {
  const poles = Array.from(m.variances, (s) => m.alpha / s).sort((a, b) => a - b);
  const scale = poles[poles.length - 1];
  const segments: Array<(u: number) => number> = [];
  // (-inf, 0): q = -10^v, v in [-10, log10(1e6 scale)]
  segments.push((u) => -(10 ** (-10 + u * (16 + Math.log10(scale)))));
  const knots = [0, ...poles];
  for (let i = 0; i + 1 < knots.length; i++) {
    const [a, b] = [knots[i], knots[i + 1]];
    segments.push((u) => a + ((b - a) * (1 - Math.cos(Math.PI * u))) / 2);
  }
  const last = poles[poles.length - 1];
  segments.push((u) => last + 10 ** (-10 + u * (16 + Math.log10(scale))) * last);
  const out: number[] = [];
  for (const seg of segments) {
    let qPrev = seg(0.5 / perInterval);
    let fPrev = dz(m, qPrev);
    for (let j = 1; j < perInterval; j++) {
      const q = seg((j + 0.5) / perInterval);
      const f = dz(m, q);
      if (Number.isFinite(f) && Number.isFinite(fPrev) && f * fPrev < 0) {
        let [lo, hi, flo] = [qPrev, q, fPrev];
        for (let it = 0; it < 200 && Math.abs(hi - lo) > 1e-16 * Math.abs(hi); it++) {
          const mid = (lo + hi) / 2;
          const fm = dz(m, mid);
          if (fm * flo > 0) {
            lo = mid;
            flo = fm;
          } else hi = mid;
        }
        const x = zOfQ(m, (lo + hi) / 2);
        if (Number.isFinite(x) && x > 0) out.push(x);
      }
      qPrev = q;
      fPrev = f;
    }
  }
  return out;
}
