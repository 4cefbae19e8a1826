import { assertFinite } from './check.js';
import { DomainError, ShapeError } from './errors.js';

/**
 * Registry key of the NDArray brand: the same symbol in every installed copy of the kernel, so an
 * NDArray made by one kernel version is recognised by another (`isNDArray`, `instanceof NDArray`).
 * The brand's value is the version of the NDArray interface (fields `storage`, `shape`, `strides`,
 * `offset`, getter `data`, methods as below).
 */
const NDARRAY_BRAND = Symbol.for('@diffusion-theory/kernel.NDArray');
const NDARRAY_INTERFACE = 1;

/**
 * True when `x` is an NDArray from any installed version of the kernel (checked by brand, not by
 * object identity).
 * @param x - anything
 * @returns whether `x` is a kernel NDArray
 */
export function isNDArray(x: unknown): x is NDArray {
  return typeof x === 'object' && x !== null && (x as { [NDARRAY_BRAND]?: unknown })[NDARRAY_BRAND] === NDARRAY_INTERFACE;
}

/**
 * A strided n-dimensional view over a Float64Array (row-major by default).
 * Views (reshape of a contiguous array, slice, transpose, row) share the backing `storage`;
 * nothing is copied until `contiguous()` or `toArray()` is called.
 *
 * `data` holds exactly this array's elements in row-major order: the backing buffer itself for a
 * plain array, a zero-copy `subarray` of it for a row-major view at an offset (such as `row(i)`).
 * A view whose elements are not one row-major run (a transpose, a column slice) has no such buffer:
 * its `data` throws a ShapeError; use `contiguous()` (a copy), `get`/`set`, or `storage` with
 * `offset` and `strides`.
 */
export class NDArray {
  /** The whole backing buffer (shared by every view of it); element `idx` is at `offset + sum(idx[i] * strides[i])`. */
  readonly storage: Float64Array;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  /** @internal Cache of `data`. (No `private` members: two installed kernel versions' NDArray types stay assignable.) */
  _flat: Float64Array | undefined;

  constructor(data: Float64Array, shape: readonly number[], strides?: readonly number[], offset = 0) {
    for (const s of shape) {
      if (!Number.isInteger(s) || s < 0) throw new ShapeError(`shape: expected non-negative integers, got [${shape.join(', ')}]`);
    }
    this.storage = data;
    this.shape = [...shape];
    this.strides = strides ? [...strides] : rowMajorStrides(shape);
    this.offset = offset;
    if (!strides && offset === 0 && data.length !== sizeOf(shape)) {
      throw new ShapeError(`data: expected length ${sizeOf(shape)} for shape [${shape.join(', ')}], got ${data.length}`);
    }
  }

  /** `x instanceof NDArray` is true for an NDArray of any installed kernel version. */
  static [Symbol.hasInstance](x: unknown): x is NDArray {
    return isNDArray(x);
  }

  /**
   * This array's elements in row-major order, sharing memory with `storage` (writes go through).
   * @throws ShapeError when the view is not one row-major run of `storage` (transpose, column slice):
   * call `contiguous()` for a copy instead
   */
  get data(): Float64Array {
    if (this._flat) return this._flat;
    const size = this.size;
    if (this.offset === 0 && this.storage.length === size && this.isRowMajor) this._flat = this.storage;
    else if (this.isRowMajor && this.offset + size <= this.storage.length) this._flat = this.storage.subarray(this.offset, this.offset + size);
    else {
      throw new ShapeError(
        `data: this view of shape [${this.shape.join(', ')}] with strides [${this.strides.join(', ')}] is not contiguous; call contiguous() for a row-major copy`,
      );
    }
    return this._flat;
  }

  /** True when the elements form one row-major run of `storage` (at any offset): then `data` shares memory. */
  get isRowMajor(): boolean {
    const rm = rowMajorStrides(this.shape);
    return this.shape.every((s, i) => s <= 1 || rm[i] === this.strides[i]);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  /** True when the view is row-major contiguous starting at offset 0 and covering all of `data`. */
  get isContiguous(): boolean {
    return this.offset === 0 && this.storage.length === this.size && this.isRowMajor;
  }

  /** Element at a multi-index. */
  get(...idx: number[]): number {
    return this.storage[this.offsetOf(idx)];
  }

  set(value: number, ...idx: number[]): void {
    this.storage[this.offsetOf(idx)] = value;
  }

  /** Position in `storage` of a multi-index (checked: one index per axis, each in range). */
  offsetOf(idx: number[]): number {
    if (idx.length !== this.shape.length) throw new ShapeError(`index: expected ${this.shape.length} indices, got ${idx.length}`);
    let k = this.offset;
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i];
      if (!Number.isInteger(j) || j < 0 || j >= this.shape[i]) {
        throw new DomainError(`index: axis ${i} index ${j} out of range [0, ${this.shape[i]})`);
      }
      k += j * this.strides[i];
    }
    return k;
  }

  /** A contiguous row-major copy (or `this` when already contiguous). */
  contiguous(): NDArray {
    if (this.isContiguous) return this;
    if (this.isRowMajor) return new NDArray(this.storage.slice(this.offset, this.offset + this.size), this.shape);
    const out = new Float64Array(this.size);
    const n = this.shape.length;
    const idx = new Array<number>(n).fill(0);
    for (let k = 0; k < out.length; k++) {
      let p = this.offset;
      for (let i = 0; i < n; i++) p += idx[i] * this.strides[i];
      out[k] = this.storage[p];
      for (let i = n - 1; i >= 0; i--) {
        if (++idx[i] < this.shape[i]) break;
        idx[i] = 0;
      }
    }
    return new NDArray(out, this.shape);
  }

  /** Same data, new shape (copies first if the view is not contiguous). */
  reshape(...shape: number[]): NDArray {
    const neg = shape.indexOf(-1);
    if (neg >= 0) {
      const rest = shape.reduce((a, s, i) => (i === neg ? a : a * s), 1);
      shape[neg] = this.size / rest;
    }
    if (sizeOf(shape) !== this.size) {
      throw new ShapeError(`reshape: cannot view ${this.size} elements of shape [${this.shape.join(', ')}] as [${shape.join(', ')}]`);
    }
    return new NDArray(this.contiguous().data, shape);
  }

  /** Reverse (or permute) the axes; a view. */
  transpose(...axes: number[]): NDArray {
    const perm = axes.length ? axes : this.shape.map((_, i) => this.shape.length - 1 - i);
    if (perm.length !== this.ndim || [...perm].sort((a, b) => a - b).some((a, i) => a !== i)) {
      throw new ShapeError(`transpose: axes [${perm.join(', ')}] are not a permutation of ${this.ndim} axes`);
    }
    return new NDArray(this.storage, perm.map((a) => this.shape[a]), perm.map((a) => this.strides[a]), this.offset);
  }

  /** A view of the sub-array `[start, end)` along each axis (use `null` to keep an axis whole). */
  slice(...ranges: Array<[number, number] | null>): NDArray {
    let offset = this.offset;
    const shape = [...this.shape];
    ranges.forEach((r, i) => {
      if (!r) return;
      const [a, b] = r;
      if (!(Number.isInteger(a) && Number.isInteger(b) && 0 <= a && a <= b && b <= this.shape[i])) {
        throw new DomainError(`slice: axis ${i} range [${a}, ${b}) invalid for length ${this.shape[i]}`);
      }
      offset += a * this.strides[i];
      shape[i] = b - a;
    });
    return new NDArray(this.storage, shape, this.strides, offset);
  }

  /** Row `i` of a 2-D array as a view sharing `storage` (its `data` is that row's elements only). */
  row(i: number): NDArray {
    if (this.ndim !== 2) throw new ShapeError(`row: expected a 2-D array, got ${this.ndim}-D`);
    if (!Number.isInteger(i) || i < 0 || i >= this.shape[0]) {
      throw new DomainError(`row: index ${i} out of range [0, ${this.shape[0]})`);
    }
    return new NDArray(this.storage, [this.shape[1]], [this.strides[1]], this.offset + i * this.strides[0]);
  }

  /** Nested JavaScript arrays (a copy). */
  toArray(): unknown {
    const c = this.contiguous();
    const build = (axis: number, off: number): unknown => {
      const n = c.shape[axis];
      if (axis === c.ndim - 1) return Array.from(c.data.subarray(off, off + n));
      const step = c.strides[axis];
      return Array.from({ length: n }, (_, i) => build(axis + 1, off + i * step));
    };
    return c.ndim === 0 ? c.data[0] : build(0, 0);
  }

  clone(): NDArray {
    const c = this.contiguous();
    return new NDArray(c === this ? this.data.slice() : c.data, this.shape);
  }
}

// The brand lives on the prototype, outside the TypeScript class type, so that the declared types of
// two installed kernel versions stay structurally identical (a computed `unique symbol` member would
// make each version's NDArray type nominal).
Object.defineProperty(NDArray.prototype, NDARRAY_BRAND, { value: NDARRAY_INTERFACE, enumerable: false, writable: false });

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function rowMajorStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i];
  }
  return st;
}

export function zeros(...shape: number[]): NDArray {
  return new NDArray(new Float64Array(sizeOf(shape)), shape);
}

export function eye(n: number): NDArray {
  const a = zeros(n, n);
  for (let i = 0; i < n; i++) a.data[i * n + i] = 1;
  return a;
}

/** Wrap existing data (not copied) with a shape. */
export function fromData(data: Float64Array | number[], shape: readonly number[]): NDArray {
  return new NDArray(data instanceof Float64Array ? data : Float64Array.from(data), shape);
}

/** Build from nested arrays; throws ShapeError for ragged input and NonFiniteError for NaN/Infinity. */
export function fromNested(nested: unknown, name = 'array'): NDArray {
  const shape: number[] = [];
  let probe: unknown = nested;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat = new Float64Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, axis: number): void => {
    if (axis === shape.length) {
      if (typeof v !== 'number') throw new ShapeError(`${name}: expected numbers at depth ${axis}, got ${typeof v}`);
      flat[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new ShapeError(`${name}: ragged nested array at axis ${axis} (expected length ${shape[axis]})`);
    }
    for (const e of v) walk(e, axis + 1);
  };
  walk(nested, 0);
  assertFinite(flat, name);
  return new NDArray(flat, shape);
}

/** Throw ShapeError unless `a` has exactly `shape` (use -1 for "any" along an axis). */
export function assertShape(a: NDArray, shape: readonly number[], name: string): void {
  const ok = a.ndim === shape.length && shape.every((s, i) => s === -1 || s === a.shape[i]);
  if (!ok) {
    const want = shape.map((s) => (s === -1 ? '*' : String(s))).join(', ');
    throw new ShapeError(`${name}: expected shape [${want}], got [${a.shape.join(', ')}]`);
  }
}

/** Throw ShapeError unless `a` is a square 2-D array; returns n. */
export function assertSquare(a: NDArray, name: string): number {
  if (a.ndim !== 2 || a.shape[0] !== a.shape[1]) {
    throw new ShapeError(`${name}: expected a square matrix, got shape [${a.shape.join(', ')}]`);
  }
  return a.shape[0];
}

/** The fields of a scijs `ndarray` (npm `ndarray`) that kernel reads: a strided view over `data`. */
export interface ScijsNdarrayLike {
  data: Float64Array;
  shape: readonly number[];
  stride: readonly number[];
  offset: number;
}

/**
 * A kernel NDArray sharing the memory of a scijs `ndarray` of Float64Array (any strides, any offset;
 * nothing is copied). Kernel functions that need contiguous data copy a non-contiguous view themselves
 * (or refuse it with a ShapeError); `data` of the result is valid when the view is row-major.
 * @param x - a scijs ndarray (or anything with `data`, `shape`, `stride`, `offset`) over a Float64Array
 * @param name - argument name for error messages
 * @returns an NDArray view of the same elements
 * @throws ShapeError when `x` is not such a view, or when its strides and offset reach outside `data`
 * @example
 * import ndarray from 'ndarray';
 * const a = fromNdarray(ndarray(new Float64Array([2, 1, 1, 2]), [2, 2]));
 * const { values } = eigh(a); // [1, 3]
 */
export function fromNdarray(x: ScijsNdarrayLike, name = 'x'): NDArray {
  const o = x as Partial<ScijsNdarrayLike> | null;
  if (!o || !(o.data instanceof Float64Array) || !Array.isArray(o.shape) || !Array.isArray(o.stride) || o.shape.length !== o.stride.length) {
    throw new ShapeError(`${name}: expected a scijs ndarray over a Float64Array (data, shape, stride, offset), got ${o === null ? 'null' : typeof o}`);
  }
  const offset = o.offset ?? 0;
  if (!Number.isInteger(offset) || o.stride.some((s) => !Number.isInteger(s))) {
    throw new ShapeError(`${name}: expected integer stride and offset, got stride [${o.stride.join(', ')}], offset ${offset}`);
  }
  let lo = offset;
  let hi = offset;
  const empty = o.shape.some((s) => s === 0);
  o.shape.forEach((s, i) => {
    const span = (s - 1) * (o.stride as number[])[i];
    if (span < 0) lo += span;
    else hi += span;
  });
  if (!empty && (lo < 0 || hi >= o.data.length)) {
    throw new ShapeError(`${name}: stride [${o.stride.join(', ')}] and offset ${offset} reach outside data of length ${o.data.length}`);
  }
  return new NDArray(o.data, o.shape, o.stride, offset);
}

/**
 * A scijs `ndarray` sharing this array's memory (same shape, strides and offset; nothing copied).
 * Kernel does not depend on the `ndarray` package: pass its factory.
 * @param a - a kernel NDArray (any view)
 * @param factory - the scijs `ndarray` function (`import ndarray from 'ndarray'`)
 * @returns what `factory(a.storage, shape, strides, offset)` returns
 * @throws ShapeError when `a` is not an NDArray
 * @example
 * import ndarray from 'ndarray';
 * import ops from 'ndarray-ops';
 * const x = toNdarray(eigh(a).vectors, ndarray);
 * ops.mulseq(x, 2); // scales the kernel result in place
 */
export function toNdarray<T>(a: NDArray, factory: (data: Float64Array, shape: number[], stride: number[], offset: number) => T): T {
  if (!isNDArray(a)) throw new ShapeError(`a: expected an NDArray, got ${typeof a}`);
  return factory(a.storage, [...a.shape], [...a.strides], a.offset);
}
