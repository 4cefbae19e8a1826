/**
 * WebAssembly SIMD (f64x2) kernel for the symmetric mat-vec of the tridiagonal reduction, on its
 * own (non-shared) memory: the reduction keeps its working matrix there and the JS code reads and
 * writes it through a Float64Array view. Assembled at load time by a tiny encoder (as the gemm
 * kernel in ../ops/wasm-gemm-module.ts; no toolchain, nothing binary committed).
 *
 * Exported `symv(pa, ldBytes, pu, pp, nblocks)`: for each block of R = SYMV_ROWS rows j = R t .. R t + R - 1
 * (t < nblocks) of the row-major lower triangle at byte address pa, with u at pu and p at pp (f64,
 * byte addresses), in one pass over columns 0..R t - 1 (two at a time):
 *   p[0..R t) += sum_r A[R t + r][0..R t) u_{R t + r}          (the scatter half),
 *   p[R t + r] += A[R t + r][0..R t) . u[0..R t)                (the dot half).
 * The R x R diagonal blocks (and the last rows beyond R nblocks) are left to the caller.
 */

import { I32, V128, uleb, vec, section, name, get, set, i32c, i32add, i32mul, i32ltS, i32eqz, brIf, br, block, loop, end, simd, v128zero, f64x2add, f64x2mul } from '../ops/wasm-asm.js';

const f64load = (offset: number) => [0x2b, 3, ...uleb(offset)];
const f64store = (offset: number) => [0x39, 3, ...uleb(offset)];
const f64add = [0xa0];
const v128load = (offset: number) => [...simd(0), 3, ...uleb(offset)];
const v128store = (offset: number) => [...simd(11), 3, ...uleb(offset)];
const f64x2splat = simd(20);
const extract = (lane: number) => [...simd(33), lane];

function symvBytes(R: number): Uint8Array<ArrayBuffer> {
  // Params 0 pa, 1 ldBytes, 2 pu, 3 pp, 4 nblocks (of R rows). i32 locals: 5 t, 6 k, 7 kEnd, 8.. row pointers.
  // v128 locals after them: R accumulators, R splats of u_{j+r}, R loaded A vectors.
  const [t, k, kEnd] = [5, 6, 7];
  const row = (r: number) => 8 + r;
  const acc = (r: number) => 8 + R + r;
  const us = (r: number) => 8 + 2 * R + r;
  const av = (r: number) => 8 + 3 * R + r;
  const body: number[] = [
    ...i32c(0), ...set(t),
    ...block, ...loop,
    ...get(t), ...get(4), ...i32ltS, ...i32eqz, ...brIf(1),
    // kEnd = 8 j bytes with j = R t
    ...get(t), ...i32c(8 * R), ...i32mul, ...set(kEnd),
  ];
  for (let r = 0; r < R; r++) {
    // row_r = pa + (R t + r) ldBytes
    body.push(...get(t), ...i32c(R), ...i32mul, ...i32c(r), ...i32add, ...get(1), ...i32mul, ...get(0), ...i32add, ...set(row(r)));
    body.push(...get(2), ...get(kEnd), ...i32add, ...f64load(8 * r), ...f64x2splat, ...set(us(r)));
    body.push(...v128zero, ...set(acc(r)));
  }
  body.push(
    ...i32c(0), ...set(k),
    ...block, ...loop,
    ...get(k), ...get(kEnd), ...i32ltS, ...i32eqz, ...brIf(1),
  );
  for (let r = 0; r < R; r++) {
    body.push(...get(row(r)), ...get(k), ...i32add, ...v128load(0), ...set(av(r)));
    body.push(...get(acc(r)), ...get(av(r)), ...get(2), ...get(k), ...i32add, ...v128load(0), ...f64x2mul, ...f64x2add, ...set(acc(r)));
  }
  body.push(...get(3), ...get(k), ...i32add, ...get(3), ...get(k), ...i32add, ...v128load(0));
  for (let r = 0; r < R; r++) body.push(...get(av(r)), ...get(us(r)), ...f64x2mul, ...f64x2add);
  body.push(
    ...v128store(0),
    ...get(k), ...i32c(16), ...i32add, ...set(k),
    ...br(0),
    ...end, ...end,
  );
  for (let r = 0; r < R; r++) {
    body.push(
      ...get(3), ...get(kEnd), ...i32add,
      ...get(3), ...get(kEnd), ...i32add, ...f64load(8 * r),
      ...get(acc(r)), ...extract(0), ...get(acc(r)), ...extract(1), ...f64add, ...f64add,
      ...f64store(8 * r),
    );
  }
  body.push(...get(t), ...i32c(1), ...i32add, ...set(t), ...br(0), ...end, ...end);
  const locals = vec([
    [...uleb(3 + R), I32],
    [...uleb(3 * R), V128],
  ]);
  const func = [...locals, ...body, ...end];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(new Array(5).fill([I32])), ...vec([])]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('symv'), 0x00, 0x00]])),
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

export type SymvKernel = (pa: number, ldBytes: number, pu: number, pp: number, nblocks: number) => void;

/** Rows per block of the kernel. */
export const SYMV_ROWS = 4;

let state: { mem: WasmMem; symv: SymvKernel } | null | undefined;

/**
 * The kernel and a Float64Array view of its memory holding at least `doubles` doubles (grown as
 * needed; the view is invalidated by the next call). Null without WebAssembly SIMD or memory.
 */
export function symvWorkspace(doubles: number): { f: Float64Array; symv: SymvKernel } | null {
  if (state === undefined) {
    try {
      const W = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      if (!W) throw new Error('no WebAssembly');
      const mem = new W.Memory({ initial: 1 });
      const inst = new W.Instance(new W.Module(symvBytes(SYMV_ROWS)), { env: { mem } });
      state = { mem, symv: inst.exports.symv as SymvKernel };
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
  return { f: new Float64Array(state.mem.buffer), symv: state.symv };
}
