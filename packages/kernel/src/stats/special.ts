import { assertPositive, assertArrayLike } from '../check.js';

const INV_SQRT_2PI = 0.3989422804014327; // 1 / sqrt(2 pi)

/*
 * erf and erfc: the rational approximations of FreeBSD msun s_erf.c (as in @stdlib's
 * math-base-special-erf / -erfc, which ship them with 147 dependencies; see the kernel README for the
 * measurement). Original notice:
 *
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunPro, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted, provided that
 *   this notice is preserved.
 *
 * Ranges: |x| < 0.84375: erf = x + x R(x^2); 0.84375 <= |x| < 1.25: erf = erx + P(s)/Q(s), s = |x| - 1;
 * 1.25 <= |x| < 28: erfc = exp(-z^2 - 0.5625) exp((z - x)(z + x) + R(1/x^2)/S(1/x^2)) / x with z = x
 * rounded to 20 significant bits (so z^2 is exact). Error below 1 ulp in erf and in the erfc tail.
 */
const ERX = 0.8450629115104675;
const EFX = 0.1283791670955126;
const EFX8 = 1.0270333367641007;
const TINY = 1.0e-300;

// erf on [0, 0.84375]: x + x pp(z) / qq(z), z = x^2
const pp = (z: number) => 0.12837916709551256 + z * (-0.3250421072470015 + z * (-0.02848174957559851 + z * (-0.005770270296489442 + z * -2.3763016656650163e-05)));
const qq = (z: number) => 1 + z * (0.39791722395915535 + z * (0.0650222499887673 + z * (0.005081306281875766 + z * (0.00013249473800432164 + z * -3.960228278775368e-06))));
// erf on [0.84375, 1.25]: erx + pa(s) / qa(s), s = |x| - 1
const pa = (s: number) => -0.0023621185607526594 + s * (0.41485611868374833 + s * (-0.3722078760357013 + s * (0.31834661990116175 + s * (-0.11089469428239668 + s * (0.035478304325618236 + s * -0.002166375594868791)))));
const qa = (s: number) => 1 + s * (0.10642088040084423 + s * (0.540397917702171 + s * (0.07182865441419627 + s * (0.12617121980876164 + s * (0.01363708391202905 + s * 0.011984499846799107)))));
// erfc on [1.25, 1/0.35]: ra(s) / sa(s), s = 1/x^2
const ra = (s: number) => -0.009864944034847148 + s * (-0.6938585727071818 + s * (-10.558626225323291 + s * (-62.375332450326006 + s * (-162.39666946257347 + s * (-184.60509290671104 + s * (-81.2874355063066 + s * -9.814329344169145))))));
const sa = (s: number) => 1 + s * (19.651271667439257 + s * (137.65775414351904 + s * (434.56587747522923 + s * (645.3872717332679 + s * (429.00814002756783 + s * (108.63500554177944 + s * (6.570249770319282 + s * -0.0604244152148581)))))));
// erfc on [1/0.35, 28]: rb(s) / sb(s)
const rb = (s: number) => -0.0098649429247001 + s * (-0.799283237680523 + s * (-17.757954917754752 + s * (-160.63638485582192 + s * (-637.5664433683896 + s * (-1025.0951316110772 + s * -483.5191916086514)))));
const sb = (s: number) => 1 + s * (30.33806074348246 + s * (325.7925129965739 + s * (1536.729586084437 + s * (3199.8582195085955 + s * (2553.0504064331644 + s * (474.52854120695537 + s * -22.44095244658582))))));

const WORD = new Float64Array(1);
const WORDS = new Uint32Array(WORD.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1; // little-endian: low word first

/** erfc(ax) * ax-scaled tail for 1.25 <= ax < 28: exp(-ax^2 - 0.5625 + R/S) evaluated without losing bits of ax^2. */
function tail(ax: number): number {
  const s = 1 / (ax * ax);
  const rs = ax < 2.857142857142857 ? ra(s) / sa(s) : rb(s) / sb(s);
  WORD[0] = ax;
  WORDS[LOW] = 0; // z = ax with the low 32 bits cleared: z * z is exact
  const z = WORD[0];
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + rs)) / ax;
}

/** Complementary error function erfc(x) = 1 - erf(x), with full relative accuracy in the right tail (FreeBSD msun). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 1.3877787807814457e-17) return 1 - x;
    const z = x * x;
    const y = pp(z) / qq(z);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const pq = pa(s) / qa(s);
    return x < 0 ? 1 + ERX + pq : 1 - ERX - pq;
  }
  if (ax < 28) {
    if (x < -6) return 2 - TINY;
    const r = tail(ax);
    return x < 0 ? 2 - r : r;
  }
  return x < 0 ? 2 - TINY : 0;
}

/** Error function erf(x) = (2/sqrt(pi)) int_0^x e^{-t^2} dt (FreeBSD msun; below 1 ulp, tested against 40-digit values). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 3.725290298461914e-9) return ax < 2.848094538889218e-306 ? 0.125 * (8 * x + EFX8 * x) : x + EFX * x;
    const z = x * x;
    return x + x * (pp(z) / qq(z));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const v = ERX + pa(s) / qa(s);
    return x < 0 ? -v : v;
  }
  if (ax >= 6) return x < 0 ? TINY - 1 : 1 - TINY;
  const v = 1 - tail(ax);
  return x < 0 ? -v : v;
}

/** Density of N(mean, sd^2) at x (default standard normal). */
export function normalPdf(x: number, mean = 0, sd = 1): number {
  if (sd !== 1) assertPositive(sd, 'sd');
  const z = (x - mean) / sd;
  return (INV_SQRT_2PI / sd) * Math.exp(-0.5 * z * z);
}

/**
 * Distribution function of N(mean, sd^2) at x, as erfc(-z / sqrt 2) / 2 so that the lower tail
 * keeps its relative accuracy (normalCdf(-30) ~ 4.9e-198, not 0).
 */
export function normalCdf(x: number, mean = 0, sd = 1): number {
  if (sd !== 1) assertPositive(sd, 'sd');
  return 0.5 * erfc(-(x - mean) / (sd * Math.SQRT2));
}

/** log(sum_i exp(v_i)), stable for large |v_i|; -Infinity for an empty input or all -Infinity. */
export function logSumExp(values: ArrayLike<number>): number {
  assertArrayLike(values, 'values');
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) return Number.NaN;
    if (v > m) m = v;
  }
  if (m === Number.NEGATIVE_INFINITY || m === Number.POSITIVE_INFINITY) return m;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.exp(values[i] - m);
  return m + Math.log(s);
}
