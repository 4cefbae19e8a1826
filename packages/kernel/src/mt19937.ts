const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const INV_2_53 = 1 / 9007199254740992;

// Ziggurat tables for the standard normal (Marsaglia & Tsang 2000, 128 layers; Doornik 2005's
// "ZIGNOR" variant, which draws the layer index from bits independent of the uniform).
const ZC = 128;
const ZR = 3.442619855899;
const ZV = 9.91256303526217e-3;
const ZX = new Float64Array(ZC + 1);
const ZRATIO = new Float64Array(ZC);
{
  let f = Math.exp(-0.5 * ZR * ZR);
  ZX[0] = ZV / f;
  ZX[1] = ZR;
  ZX[ZC] = 0;
  for (let i = 2; i < ZC; i++) {
    ZX[i] = Math.sqrt(-2 * Math.log(ZV / ZX[i - 1] + f));
    f = Math.exp(-0.5 * ZX[i] * ZX[i]);
  }
  for (let i = 0; i < ZC; i++) ZRATIO[i] = ZX[i + 1] / ZX[i];
}

/**
 * MT19937 (Matsumoto & Nishimura 1998) with the reference seeding, bit-for-bit the stream of
 * `@stdlib/random-base-mt19937` for the same seed array (tested against recorded stdlib outputs):
 * a one-word seed s runs `init_genrand(s)`; a longer seed runs `init_genrand(19650218)` and then
 * `init_by_array(seed)`. The recurrence is inlined and allocation-free. `nextDouble()` equals
 * stdlib's `normalized()`: ((a >>> 5) 2^26 + (b >>> 6)) / 2^53 from two consecutive words a, b.
 */
export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private idx = N;

  constructor(seed: Uint32Array) {
    if (seed.length === 0) throw new RangeError('seed: expected at least one 32-bit word');
    const mt = this.mt;
    initGenrand(mt, seed.length === 1 ? seed[0] : 19650218);
    if (seed.length > 1) initByArray(mt, seed);
  }

  private twist(): void {
    const mt = this.mt;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (mt[i] & UPPER) | (mt[i + 1] & LOWER);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (mt[i] & UPPER) | (mt[i + 1] & LOWER);
      mt[i] = mt[i + M - N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1] & UPPER) | (mt[0] & LOWER);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.idx = 0;
  }

  /** Next tempered 32-bit word (unsigned). */
  next32(): number {
    if (this.idx >= N) this.twist();
    let r = this.mt[this.idx++];
    r ^= r >>> 11;
    r ^= (r << 7) & 0x9d2c5680;
    r ^= (r << 15) & 0xefc60000;
    r ^= r >>> 18;
    return r >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits (stdlib `normalized`). */
  nextDouble(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) * INV_2_53;
  }

  /** Fill `out` with uniform doubles in [0, 1) (the same numbers as repeated `nextDouble`). */
  fillDoubles(out: Float64Array | Float32Array): void {
    for (let k = 0; k < out.length; k++) out[k] = this.nextDouble();
  }

  /**
   * Fill `out` with standard normals by the ziggurat method. Each attempt takes two words a, b:
   * u = 2 U - 1 from the 53-bit uniform of (a, b), and the layer from the 7 bits of a and b that
   * the uniform does not use. About 98.8 % of draws are accepted at the first comparison.
   */
  fillNormal(out: Float64Array | Float32Array): void {
    for (let k = 0; k < out.length; k++) {
      for (;;) {
        const a = this.next32();
        const b = this.next32();
        const u = 2 * ((a >>> 5) * 67108864 + (b >>> 6)) * INV_2_53 - 1;
        const i = (a & 0x1f) | ((b & 0x3) << 5);
        if (Math.abs(u) < ZRATIO[i]) {
          out[k] = u * ZX[i];
          break;
        }
        const x = this.zigguratSlow(u, i);
        if (!Number.isNaN(x)) {
          out[k] = x;
          break;
        }
      }
    }
  }

  /** The rare branches: the tail beyond R (layer 0) and the wedges; NaN means "reject, draw again". */
  private zigguratSlow(u: number, i: number): number {
    if (i === 0) {
      let x: number;
      let y: number;
      do {
        x = Math.log(1 - this.nextDouble()) / ZR;
        y = Math.log(1 - this.nextDouble());
      } while (-2 * y < x * x);
      return u < 0 ? x - ZR : ZR - x;
    }
    const x = u * ZX[i];
    const f0 = Math.exp(-0.5 * (ZX[i] * ZX[i] - x * x));
    const f1 = Math.exp(-0.5 * (ZX[i + 1] * ZX[i + 1] - x * x));
    return f1 + this.nextDouble() * (f0 - f1) < 1 ? x : Number.NaN;
  }
}

/** Reference `init_genrand`: mt[i] = 1812433253 (mt[i-1] ^ (mt[i-1] >>> 30)) + i (mod 2^32). */
function initGenrand(mt: Uint32Array, s: number): void {
  mt[0] = s >>> 0;
  for (let i = 1; i < N; i++) {
    const p = mt[i - 1];
    mt[i] = (Math.imul(p ^ (p >>> 30), 1812433253) + i) >>> 0;
  }
}

/** Reference `init_by_array` (after `init_genrand(19650218)`). */
function initByArray(mt: Uint32Array, key: Uint32Array): void {
  let i = 1;
  let j = 0;
  for (let k = Math.max(N, key.length); k > 0; k--) {
    const p = mt[i - 1];
    mt[i] = ((mt[i] ^ Math.imul(p ^ (p >>> 30), 1664525)) + key[j] + j) >>> 0;
    i++;
    j++;
    if (i >= N) {
      mt[0] = mt[N - 1];
      i = 1;
    }
    if (j >= key.length) j = 0;
  }
  for (let k = N - 1; k > 0; k--) {
    const p = mt[i - 1];
    mt[i] = ((mt[i] ^ Math.imul(p ^ (p >>> 30), 1566083941)) - i) >>> 0;
    i++;
    if (i >= N) {
      mt[0] = mt[N - 1];
      i = 1;
    }
  }
  mt[0] = 0x80000000;
}
