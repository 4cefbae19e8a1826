/**
 * WebAssembly SIMD (f64x2) kernel for the symmetric mat-vec of the tridiagonal reduction, on its
 * own (non-shared) memory: the reduction keeps its working matrix there and the JS code reads and
 * writes it through a Float64Array view. Assembled at load time by a tiny encoder (as the gemm
 * kernel in ../ops/wasm-gemm-module.ts; no toolchain, nothing binary committed).
 *
 * Exported `symv2(pa, ldBytes, pu, pp, npairs)`: for each row pair j = 2 t (t < npairs) of the
 * row-major lower triangle at byte address pa, with u at pu and p at pp (f64, byte addresses):
 *   p[0..j) += A[j][0..j) u_j + A[j+1][0..j) u_{j+1}      (the scatter half),
 *   p[j]    += A[j][0..j) . u[0..j),  p[j+1] += A[j+1][0..j) . u[0..j)   (the dot half).
 * The 2 x 2 diagonal blocks (and an odd last row) are left to the caller.
 */

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const i32add = [0x6a];
const i32mul = [0x6c];
const i32ltS = [0x48];
const i32eqz = [0x45];
const brIf = (d: number) => [0x0d, ...uleb(d)];
const br = (d: number) => [0x0c, ...uleb(d)];
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const end = [0x0b];
const f64load = (offset: number) => [0x2b, 3, ...uleb(offset)];
const f64store = (offset: number) => [0x39, 3, ...uleb(offset)];
const f64add = [0xa0];
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128load = (offset: number) => [...simd(0), 3, ...uleb(offset)];
const v128store = (offset: number) => [...simd(11), 3, ...uleb(offset)];
const v128zero = [...simd(12), ...new Array(16).fill(0)];
const f64x2splat = simd(20);
const extract = (lane: number) => [...simd(33), lane];
const f64x2add = simd(240);
const f64x2mul = simd(242);

function symvBytes(): Uint8Array<ArrayBuffer> {
  // Params 0 pa, 1 ldBytes, 2 pu, 3 pp, 4 npairs. i32 locals: 5 t, 6 r0, 7 r1, 8 k, 9 kEnd.
  // v128 locals: 10 acc0, 11 acc1, 12 u0s, 13 u1s, 14 a0, 15 a1.
  const [t, r0, r1, k, kEnd] = [5, 6, 7, 8, 9];
  const [acc0, acc1, u0s, u1s, a0, a1] = [10, 11, 12, 13, 14, 15];
  const body: number[] = [
    ...i32c(0), ...set(t),
    ...block, ...loop,
    ...get(t), ...get(4), ...i32ltS, ...i32eqz, ...brIf(1),
    // r0 = pa + 2 t ldBytes; r1 = r0 + ldBytes; kEnd = 16 t (= 8 j bytes)
    ...get(0), ...get(t), ...i32c(2), ...i32mul, ...get(1), ...i32mul, ...i32add, ...set(r0),
    ...get(r0), ...get(1), ...i32add, ...set(r1),
    ...get(t), ...i32c(16), ...i32mul, ...set(kEnd),
    // u0s = splat(u[j]), u1s = splat(u[j+1])
    ...get(2), ...get(kEnd), ...i32add, ...f64load(0), ...f64x2splat, ...set(u0s),
    ...get(2), ...get(kEnd), ...i32add, ...f64load(8), ...f64x2splat, ...set(u1s),
    ...v128zero, ...set(acc0),
    ...v128zero, ...set(acc1),
    ...i32c(0), ...set(k),
    ...block, ...loop,
    ...get(k), ...get(kEnd), ...i32ltS, ...i32eqz, ...brIf(1),
    ...get(r0), ...get(k), ...i32add, ...v128load(0), ...set(a0),
    ...get(r1), ...get(k), ...i32add, ...v128load(0), ...set(a1),
    // acc0 += a0 * u[k..k+2]; acc1 += a1 * u[k..k+2]
    ...get(acc0), ...get(a0), ...get(2), ...get(k), ...i32add, ...v128load(0), ...f64x2mul, ...f64x2add, ...set(acc0),
    ...get(acc1), ...get(a1), ...get(2), ...get(k), ...i32add, ...v128load(0), ...f64x2mul, ...f64x2add, ...set(acc1),
    // p[k..k+2] += a0 u0s + a1 u1s
    ...get(3), ...get(k), ...i32add,
    ...get(3), ...get(k), ...i32add, ...v128load(0),
    ...get(a0), ...get(u0s), ...f64x2mul, ...f64x2add,
    ...get(a1), ...get(u1s), ...f64x2mul, ...f64x2add,
    ...v128store(0),
    ...get(k), ...i32c(16), ...i32add, ...set(k),
    ...br(0),
    ...end, ...end,
    // p[j] += acc0[0] + acc0[1]; p[j+1] += acc1[0] + acc1[1]
    ...get(3), ...get(kEnd), ...i32add,
    ...get(3), ...get(kEnd), ...i32add, ...f64load(0),
    ...get(acc0), ...extract(0), ...get(acc0), ...extract(1), ...f64add, ...f64add,
    ...f64store(0),
    ...get(3), ...get(kEnd), ...i32add,
    ...get(3), ...get(kEnd), ...i32add, ...f64load(8),
    ...get(acc1), ...extract(0), ...get(acc1), ...extract(1), ...f64add, ...f64add,
    ...f64store(8),
    ...get(t), ...i32c(1), ...i32add, ...set(t),
    ...br(0),
    ...end, ...end,
  ];
  const locals = vec([
    [...uleb(5), I32],
    [...uleb(6), V128],
  ]);
  const func = [...locals, ...body, ...end];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(new Array(5).fill([I32])), ...vec([])]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('symv2'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ];
  return new Uint8Array(bytes);
}

interface WasmMem {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMem;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

export type Symv2 = (pa: number, ldBytes: number, pu: number, pp: number, npairs: number) => void;

let state: { mem: WasmMem; symv2: Symv2 } | null | undefined;

/**
 * The kernel and a Float64Array view of its memory holding at least `doubles` doubles (grown as
 * needed; the view is invalidated by the next call). Null without WebAssembly SIMD or memory.
 */
export function symvWorkspace(doubles: number): { f: Float64Array; symv2: Symv2 } | null {
  if (state === undefined) {
    try {
      const W = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      if (!W) throw new Error('no WebAssembly');
      const mem = new W.Memory({ initial: 1 });
      const inst = new W.Instance(new W.Module(symvBytes()), { env: { mem } });
      state = { mem, symv2: inst.exports.symv2 as Symv2 };
    } catch {
      state = null;
    }
  }
  if (!state) return null;
  const need = doubles * 8;
  try {
    if (state.mem.buffer.byteLength < need) state.mem.grow(Math.ceil((need - state.mem.buffer.byteLength) / 65536));
  } catch {
    return null;
  }
  return { f: new Float64Array(state.mem.buffer), symv2: state.symv2 };
}
