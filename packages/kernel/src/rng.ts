import { assertInteger } from './check.js';
import { DomainError } from './errors.js';
import { Mt19937 } from './mt19937.js';

/**
 * Seeded, splittable random number generator.
 *
 * Each `Rng` is a Mersenne Twister (MT19937; seeded by the reference `init_by_array` and run by an
 * inlined recurrence, tested bit-for-bit against recorded @stdlib/random-base-mt19937 outputs) initialised
 * on its *path*: the root seed followed by the indices of the `split`/`stream` calls that
 * produced it. Streams with different paths are therefore independent-looking MT19937
 * states, and the same path always gives the same numbers on every platform and backend
 * (randomness is always drawn on the CPU, in float64, and then handed to a backend).
 *
 * Normals use the ziggurat method (128 layers, Doornik's ZIGNOR variant with independent layer
 * bits); about twice as fast as Box-Muller here. `normal()` and `fillNormal` draw from the same
 * sequence: n single draws give the same numbers as one fill of length n.
 */
/** Path word that precedes a name hash (keeps named streams apart from numbered ones). */
const NAMED_MARKER = 0xfffffffe;

/** FNV-1a hash of a string's UTF-16 code units to an unsigned 32-bit integer. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Registry key of the Rng brand (on the prototype): the same symbol in every installed copy of the kernel. */
const RNG_BRAND = Symbol.for('@diffusion-theory/kernel.Rng');

/**
 * True when `x` is an Rng from any installed version of the kernel (checked by brand, not by
 * object identity).
 * @param x - anything
 * @returns whether `x` is a kernel Rng
 */
export function isRng(x: unknown): x is Rng {
  return typeof x === 'object' && x !== null && (x as { [RNG_BRAND]?: unknown })[RNG_BRAND] === 1;
}

export class Rng {
  readonly path: readonly number[];
  // No `private` members (nor a symbol-keyed one): two installed kernel versions' Rng types stay assignable.
  /** @internal The generator. */
  readonly _gen: { nextDouble(): number; fillDoubles(out: Float64Array | Float32Array): void; fillNormal(out: Float64Array | Float32Array): void };
  /** @internal Scratch for `normal()`. */
  readonly _one = new Float64Array(1);
  /** @internal Children handed out by `split`. */
  _children = 0;

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
    this._gen = new Mt19937(arr);
  }

  /** `x instanceof Rng` is true for an Rng of any installed kernel version. */
  static [Symbol.hasInstance](x: unknown): x is Rng {
    return isRng(x);
  }

  /** The independent child stream number `i` of this generator (does not advance this one). */
  stream(i: number): Rng {
    assertInteger(i, 0, 'i');
    return new Rng([...this.path, i]);
  }

  /**
   * The child stream called `name` (with optional integer indices, e.g. a replicate number):
   * `rng.named('sgd', j)`. Streams are told apart by name, not by hand-picked numbers, so two
   * uses can only meet if they use the same name and indices. The path gains a marker word,
   * the 32-bit FNV-1a hash of the name and the indices; same name and indices, same numbers.
   */
  named(name: string, ...index: number[]): Rng {
    if (typeof name !== 'string' || name.length === 0) throw new DomainError(`name: expected a non-empty string, got ${JSON.stringify(name)}`);
    for (const i of index) {
      assertInteger(i, 0, 'index');
      if (i > 0xffffffff) throw new DomainError(`index: expected integers in [0, 2^32 - 1], got ${i}`);
    }
    return new Rng([...this.path, NAMED_MARKER, fnv1a32(name), ...index]);
  }

  /** `k` new independent child streams (successive calls give further, distinct children). */
  split(k: number): Rng[] {
    assertInteger(k, 1, 'k');
    const out: Rng[] = [];
    for (let i = 0; i < k; i++) out.push(this.stream(1_000_003 + this._children++));
    return out;
  }

  /** One uniform in [0, 1) with 53 bits of resolution. */
  uniform(): number {
    return this._gen.nextDouble();
  }

  /** One standard normal. */
  normal(): number {
    this._gen.fillNormal(this._one);
    return this._one[0];
  }

  /** Fill `out` with uniforms in [0, 1); returns `out`. */
  fillUniform<T extends Float64Array | Float32Array>(out: T): T {
    this._gen.fillDoubles(out);
    return out;
  }

  /** Fill `out` with standard normals (ziggurat); returns `out`. */
  fillNormal<T extends Float64Array | Float32Array>(out: T): T {
    this._gen.fillNormal(out);
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
    return Math.floor(this._gen.nextDouble() * n);
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
    let u = this._gen.nextDouble() * total;
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
      const j = Math.floor(this._gen.nextDouble() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

Object.defineProperty(Rng.prototype, RNG_BRAND, { value: 1, enumerable: false, writable: false });
