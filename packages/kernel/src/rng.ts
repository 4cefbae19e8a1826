import mt19937 from '@stdlib/random-base-mt19937';
import { assertInteger } from './check.js';
import { DomainError } from './errors.js';

/**
 * Seeded, splittable random number generator.
 *
 * Each `Rng` is a Mersenne Twister (MT19937, from @stdlib) initialised by `init_by_array`
 * on its *path*: the root seed followed by the indices of the `split`/`stream` calls that
 * produced it. Streams with different paths are therefore independent-looking MT19937
 * states, and the same path always gives the same numbers on every platform and backend
 * (randomness is always drawn on the CPU, in float64, and then handed to a backend).
 *
 * Normals use the Box-Muller transform on 53-bit uniforms (pairs, no caching across calls
 * of different array lengths: a fill of length n consumes exactly 2*ceil(n/2) uniforms).
 */
export class Rng {
  readonly path: readonly number[];
  private readonly gen: { (): number; normalized(): number };
  private children = 0;

  constructor(seed: number | readonly number[]) {
    const path = typeof seed === 'number' ? [seed] : [...seed];
    if (path.length === 0) throw new DomainError('seed: expected a non-empty seed path');
    for (const s of path) {
      assertInteger(s, 0, 'seed');
      // entries are used as 32-bit words: larger values would silently alias (2^32 + s == s)
      if (s > 0xffffffff) throw new DomainError(`seed: expected integers in [0, 2^32 - 1], got ${s}`);
    }
    this.path = path;
    const arr = new Uint32Array(path.length + 1);
    path.forEach((s, i) => {
      arr[i] = s >>> 0;
    });
    arr[path.length] = 0x9e3779b9; // domain separator so [s] and [s, 0] never coincide
    this.gen = ((mt19937 as unknown as { factory: (o: object) => unknown }).factory as (o: object) => { (): number; normalized(): number })({ seed: arr });
  }

  /** The independent child stream number `i` of this generator (does not advance this one). */
  stream(i: number): Rng {
    assertInteger(i, 0, 'i');
    return new Rng([...this.path, i]);
  }

  /** `k` new independent child streams (successive calls give further, distinct children). */
  split(k: number): Rng[] {
    assertInteger(k, 1, 'k');
    const out: Rng[] = [];
    for (let i = 0; i < k; i++) out.push(this.stream(1_000_003 + this.children++));
    return out;
  }

  /** One uniform in [0, 1) with 53 bits of resolution. */
  uniform(): number {
    return this.gen.normalized();
  }

  /** One standard normal. */
  normal(): number {
    const u1 = 1 - this.gen.normalized();
    const u2 = this.gen.normalized();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fill `out` with uniforms in [0, 1); returns `out`. */
  fillUniform<T extends Float64Array | Float32Array>(out: T): T {
    const g = this.gen;
    for (let i = 0; i < out.length; i++) out[i] = g.normalized();
    return out;
  }

  /** Fill `out` with standard normals (Box-Muller pairs); returns `out`. */
  fillNormal<T extends Float64Array | Float32Array>(out: T): T {
    const g = this.gen;
    const n = out.length;
    for (let i = 0; i < n; i += 2) {
      const u1 = 1 - g.normalized();
      const u2 = g.normalized();
      const r = Math.sqrt(-2 * Math.log(u1));
      const th = 2 * Math.PI * u2;
      out[i] = r * Math.cos(th);
      if (i + 1 < n) out[i + 1] = r * Math.sin(th);
    }
    return out;
  }

  /** A new Float64Array of `n` standard normals. */
  normals(n: number): Float64Array {
    assertInteger(n, 0, 'n');
    return this.fillNormal(new Float64Array(n));
  }

  /** A new Float64Array of `n` uniforms in [0, 1). */
  uniforms(n: number): Float64Array {
    assertInteger(n, 0, 'n');
    return this.fillUniform(new Float64Array(n));
  }

  /** Uniform integer in {0, ..., n-1}. */
  int(n: number): number {
    assertInteger(n, 1, 'n');
    return Math.floor(this.gen.normalized() * n);
  }

  /** Index drawn with probabilities proportional to `weights` (non-negative, positive sum). */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || !Number.isFinite(weights[i])) {
        throw new DomainError(`weights: expected finite non-negative numbers, got ${weights[i]} at index ${i}`);
      }
      total += weights[i];
    }
    if (!(total > 0)) throw new DomainError('weights: expected a positive sum');
    let u = this.gen.normalized() * total;
    let last = 0;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] > 0) last = i;
      u -= weights[i];
      if (u < 0) return i;
    }
    // rounding left u >= 0: return the last index with positive weight (never a zero-weight one)
    return last;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    assertInteger(n, 0, 'n');
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.gen.normalized() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
