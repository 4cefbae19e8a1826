/**
 * WebAssembly SIMD (f64x2) kernels of the blocked tridiagonal reduction (the encoder; they are
 * instantiated on the gemm's WebAssembly memory by ../linalg/wasm-symv.ts, and by the gemm worker
 * threads, which run the symmetric mat-vec's row chunks): the reduction keeps its working matrix, its panel
 * (V, W) and its vectors in a reserved region there, so the symmetric mat-vec, the panel's thin
 * products and the trailing rank-2k gemm (`dgemmLowerInWasm`) all work in place. Assembled at load time
 * by a tiny encoder (as the gemm kernel in wasm-gemm-module.ts; no toolchain, nothing binary
 * committed). Where the gemm kernel uses fused multiply-adds (relaxed SIMD), these do too.
 *
 * All arguments are byte addresses / byte strides (i32). Exports:
 * - `symv(pa, ldBytes, pu, pp, t1, t0)`: for each block of R = SYMV_ROWS rows j = R t .. R t + R - 1
 *   (t0 <= t < t1) of the row-major lower triangle at pa, with u at pu and p at pp, in one pass over
 *   columns 0..R t - 1 (two at a time):
 *     p[0..R t) += sum_r A[R t + r][0..R t) u_{R t + r}          (the scatter half),
 *     p[R t + r] += A[R t + r][0..R t) . u[0..R t)                (the dot half).
 *   and the R x R diagonal block of each block row: p[R t + x] += sum_y A[R t + x][R t + y] u[R t + y]
 *   (symmetric, from the stored lower triangle). The last rows beyond R nblocks are left to the caller.
 * - `axpys(px, ldxBytes, pc, nrows, py, len2)`: y[0..2 len2) += sum_{t < nrows} c[t] X[t][0..2 len2).
 * - `dots(px, ldxBytes, pu, nrows, pout, len2)`: out[t] = X[t][0..2 len2) . u[0..2 len2) for t < nrows.
 * - `pack4(src, ldsBytes, dst, kc)`, `packT4(src, ldsBytes, dst, kc)`: the gemm's panel packing (packBody).
 */

import { I32, V128, uleb, vec, section, name, get, set, i32c, i32add, i32mul, i32ltS, i32eqz, brIf, br, block, loop, end, simd, v128zero, f64x2add, f64x2mul, f64x2relaxedMadd } from './wasm-asm.js';
import { SHARED_MAX_PAGES } from './wasm-gemm-module.js';

const f64load = (offset: number) => [0x2b, 3, ...uleb(offset)];
const f64store = (offset: number) => [0x39, 3, ...uleb(offset)];
const f64add = [0xa0];
const f64mul = [0xa2];
const v128load = (offset: number) => [...simd(0), 3, ...uleb(offset)];
const v128store = (offset: number) => [...simd(11), 3, ...uleb(offset)];
const f64x2splat = simd(20);
const extract = (lane: number) => [...simd(33), lane];

/** c + a b: one relaxed fused multiply-add, or a multiply and an add. */
function madd(fma: boolean, a: number[], b: number[], c: number[]): number[] {
  return fma ? [...a, ...b, ...c, ...f64x2relaxedMadd] : [...c, ...a, ...b, ...f64x2mul, ...f64x2add];
}

/** while (cond) { body } as block/loop; `exitIfNot` pushes the i32 condition. */
function whileLoop(cond: number[], body: number[]): number[] {
  return [...block, ...loop, ...cond, ...i32eqz, ...brIf(1), ...body, ...br(0), ...end, ...end];
}

function symvBody(R: number, fma: boolean, U: number): { locals: number[]; body: number[] } {
  // Params 0 pa, 1 ldBytes, 2 pu, 3 pp, 4 t1 (end block), 5 t0 (first block). i32 locals: 6 t, 7 uPtr, 8 kEnd (= 8 R t bytes),
  // 9 pPtr, 10 uEnd, 11.. row pointers (all moving). v128 locals after them: U x R accumulators (U
  // independent chains per row), R splats of u_{j+r}, and the temporaries av (A), uv (u), pv (p).
  // Each step covers U column pairs with constant load offsets and R + 2 pointer adds; kEnd must be
  // a multiple of 16 U. R = 4, U = 1 measured fastest here (4.8 G elements/s; U = 2: 3.5, R = 6: 2.1,
  // R = 8: 0.9): more live vectors than the 16 SIMD registers V8 allocates on x64 spill.
  const [t, uPtr, kEnd, pPtr, uEnd] = [6, 7, 8, 9, 10];
  const row = (r: number) => 11 + r;
  const acc = (r: number, q: number) => 11 + R + q * R + r;
  const us = (r: number) => 11 + R + U * R + r;
  const av = 11 + 2 * R + U * R;
  const uv = av + 1;
  const pv = av + 2;
  const head: number[] = [...get(t), ...i32c(8 * R), ...i32mul, ...set(kEnd)];
  for (let r = 0; r < R; r++) {
    // row_r = pa + (R t + r) ldBytes
    head.push(...get(t), ...i32c(R), ...i32mul, ...i32c(r), ...i32add, ...get(1), ...i32mul, ...get(0), ...i32add, ...set(row(r)));
    head.push(...get(2), ...get(kEnd), ...i32add, ...f64load(8 * r), ...f64x2splat, ...set(us(r)));
    for (let q = 0; q < U; q++) head.push(...v128zero, ...set(acc(r, q)));
  }
  head.push(...get(2), ...set(uPtr), ...get(3), ...set(pPtr), ...get(2), ...get(kEnd), ...i32add, ...set(uEnd));
  const inner: number[] = [];
  for (let q = 0; q < U; q++) {
    inner.push(...get(uPtr), ...v128load(16 * q), ...set(uv));
    inner.push(...get(pPtr), ...v128load(16 * q), ...set(pv));
    for (let r = 0; r < R; r++) {
      inner.push(...get(row(r)), ...v128load(16 * q), ...set(av));
      inner.push(...madd(fma, get(av), get(uv), get(acc(r, q))), ...set(acc(r, q)));
      inner.push(...madd(fma, get(av), get(us(r)), get(pv)), ...set(pv));
    }
    inner.push(...get(pPtr), ...get(pv), ...v128store(16 * q));
  }
  for (let r = 0; r < R; r++) inner.push(...get(row(r)), ...i32c(16 * U), ...i32add, ...set(row(r)));
  inner.push(...get(uPtr), ...i32c(16 * U), ...i32add, ...set(uPtr), ...get(pPtr), ...i32c(16 * U), ...i32add, ...set(pPtr));
  const tail: number[] = [];
  for (let r = 0; r < R; r++) {
    let sum: number[] = get(acc(r, 0));
    for (let q = 1; q < U; q++) sum = [...sum, ...get(acc(r, q)), ...f64x2add];
    // The R x R diagonal block, scalar: after the loop row(x) points at A[R t + x][R t], so the stored
    // lower triangle gives A[R t + x][R t + y] = row(x)[y] for y <= x and row(y)[x] for y > x.
    const diag: number[] = [];
    for (let y = 0; y < R; y++) {
      diag.push(...(y <= r ? get(row(r)) : get(row(y))), ...f64load(8 * Math.min(y, r)));
      diag.push(...get(2), ...get(kEnd), ...i32add, ...f64load(8 * y), ...f64mul);
      if (y > 0) diag.push(...f64add);
    }
    tail.push(
      ...get(3), ...get(kEnd), ...i32add,
      ...get(3), ...get(kEnd), ...i32add, ...f64load(8 * r),
      ...sum, ...set(av), ...get(av), ...extract(0), ...get(av), ...extract(1), ...f64add, ...f64add,
      ...diag, ...f64add,
      ...f64store(8 * r),
    );
  }
  const body = [
    ...get(5), ...set(t),
    ...whileLoop([...get(t), ...get(4), ...i32ltS], [
      ...head,
      ...whileLoop([...get(uPtr), ...get(uEnd), ...i32ltS], inner),
      ...tail,
      ...get(t), ...i32c(1), ...i32add, ...set(t),
    ]),
  ];
  return { locals: vec([[...uleb(5 + R), I32], [...uleb(U * R + R + 3), V128]]), body };
}

/**
 * axpys (dot = false) or dots (dot = true) over rows of X in groups of G = 4, then one at a time.
 * Params 0 px, 1 ldxBytes, 2 pc|pu, 3 nrows, 4 py|pout, 5 len2. i32 locals: 6 t, 7 k, 8 kEnd, 9..12 row pointers.
 * v128 locals: 13..16 coefficients (axpys) or accumulators (dots), 17 y (axpys) or u (dots).
 */
function rowsBody(dot: boolean, fma: boolean): { locals: number[]; body: number[] } {
  const [t, k, kEnd] = [6, 7, 8];
  const row = (r: number) => 9 + r;
  const cv = (r: number) => 13 + r;
  const y = 17;
  const group = (G: number): number[] => {
    const head: number[] = [];
    for (let r = 0; r < G; r++) {
      head.push(...get(t), ...i32c(r), ...i32add, ...get(1), ...i32mul, ...get(0), ...i32add, ...set(row(r)));
      if (dot) head.push(...v128zero, ...set(cv(r)));
      else head.push(...get(2), ...get(t), ...i32c(8), ...i32mul, ...i32add, ...f64load(8 * r), ...f64x2splat, ...set(cv(r)));
    }
    const inner: number[] = [];
    if (dot) {
      inner.push(...get(2), ...get(k), ...i32add, ...v128load(0), ...set(y));
      for (let r = 0; r < G; r++) inner.push(...madd(fma, [...get(row(r)), ...get(k), ...i32add, ...v128load(0)], get(y), get(cv(r))), ...set(cv(r)));
    } else {
      let acc: number[] = [...get(4), ...get(k), ...i32add, ...v128load(0)];
      for (let r = 0; r < G; r++) acc = madd(fma, [...get(row(r)), ...get(k), ...i32add, ...v128load(0)], get(cv(r)), acc);
      inner.push(...get(4), ...get(k), ...i32add, ...acc, ...v128store(0));
    }
    inner.push(...get(k), ...i32c(16), ...i32add, ...set(k));
    const tail: number[] = [];
    if (dot) {
      for (let r = 0; r < G; r++) {
        tail.push(...get(4), ...get(t), ...i32c(8), ...i32mul, ...i32add, ...get(cv(r)), ...extract(0), ...get(cv(r)), ...extract(1), ...f64add, ...f64store(8 * r));
      }
    }
    return [...head, ...i32c(0), ...set(k), ...whileLoop([...get(k), ...get(kEnd), ...i32ltS], inner), ...tail, ...get(t), ...i32c(G), ...i32add, ...set(t)];
  };
  const body = [
    ...get(5), ...i32c(16), ...i32mul, ...set(kEnd),
    ...i32c(0), ...set(t),
    ...whileLoop([...get(t), ...i32c(3), ...i32add, ...get(3), ...i32ltS], group(4)),
    ...whileLoop([...get(t), ...get(3), ...i32ltS], group(1)),
  ];
  return { locals: vec([[...uleb(7), I32], [...uleb(5), V128]]), body };
}

const shuffle = (lanes: number[]) => [...simd(13), ...lanes];
/** [a.lo, b.lo] and [a.hi, b.hi] of two f64x2 vectors. */
const LO_LO = shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
const HI_HI = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31]);

/**
 * The gemm's packing into 4-wide panels ([p][4] for p < kc, 32 bytes per p), for sources already in
 * the memory. Params 0 src, 1 ldsBytes, 2 dst, 3 kc (4, 5 unused).
 * - `pack4`: dst[p][0..3] = src[p lds .. p lds + 3] (4 contiguous doubles per p);
 * - `packT4`: dst[p][r] = src[r lds + p] for r < 4 (a 4 x kc block transposed), two p at a time by
 *   lane shuffles. Pure copies: the packed values are the source bits.
 * i32 locals: 6 p, 7 s (moving source), 8 d (moving destination), 9..11 rows 1..3 (packT4); v128 12..15.
 */
function packBody(transposed: boolean): { locals: number[]; body: number[] } {
  const [p, sp, dp] = [6, 7, 8];
  const rowp = (r: number) => (r === 0 ? sp : 8 + r);
  const a = (r: number) => 12 + r;
  const init: number[] = [...i32c(0), ...set(p), ...get(0), ...set(sp), ...get(2), ...set(dp)];
  if (!transposed) {
    const step = [
      ...get(dp), ...get(sp), ...v128load(0), ...v128store(0),
      ...get(dp), ...get(sp), ...v128load(16), ...v128store(16),
      ...get(sp), ...get(1), ...i32add, ...set(sp),
      ...get(dp), ...i32c(32), ...i32add, ...set(dp),
      ...get(p), ...i32c(1), ...i32add, ...set(p),
    ];
    return { locals: vec([[...uleb(6), I32], [...uleb(4), V128]]), body: [...init, ...whileLoop([...get(p), ...get(3), ...i32ltS], step)] };
  }
  for (let r = 1; r < 4; r++) init.push(...get(0), ...get(1), ...i32c(r), ...i32mul, ...i32add, ...set(rowp(r)));
  const step: number[] = [];
  for (let r = 0; r < 4; r++) step.push(...get(rowp(r)), ...v128load(0), ...set(a(r)));
  step.push(
    ...get(dp), ...get(a(0)), ...get(a(1)), ...LO_LO, ...v128store(0),
    ...get(dp), ...get(a(2)), ...get(a(3)), ...LO_LO, ...v128store(16),
    ...get(dp), ...get(a(0)), ...get(a(1)), ...HI_HI, ...v128store(32),
    ...get(dp), ...get(a(2)), ...get(a(3)), ...HI_HI, ...v128store(48),
  );
  for (let r = 0; r < 4; r++) step.push(...get(rowp(r)), ...i32c(16), ...i32add, ...set(rowp(r)));
  step.push(...get(dp), ...i32c(64), ...i32add, ...set(dp), ...get(p), ...i32c(2), ...i32add, ...set(p));
  // An odd last p: one double from each row.
  const tail: number[] = [...block, ...get(p), ...get(3), ...i32ltS, ...i32eqz, ...brIf(0)];
  for (let r = 0; r < 4; r++) tail.push(...get(dp), ...get(rowp(r)), ...f64load(0), ...f64store(8 * r));
  tail.push(...end);
  const body = [...init, ...whileLoop([...get(p), ...i32c(1), ...i32add, ...get(3), ...i32ltS], step), ...tail];
  return { locals: vec([[...uleb(6), I32], [...uleb(4), V128]]), body };
}

/** The module's bytes (exports symv, axpys, dots, pack4, packT4), for a shared or private memory, with or without FMA. */
export function reductionKernelBytes(R: number, shared: boolean, fma: boolean): Uint8Array<ArrayBuffer> {
  const fns = [symvBody(R, fma, SYMV_UNROLL), rowsBody(false, fma), rowsBody(true, fma), packBody(false), packBody(true)].map(({ locals, body }) => {
    const func = [...locals, ...body, ...end];
    return [...uleb(func.length), ...func];
  });
  const names = ['symv', 'axpys', 'dots', 'pack4', 'packT4'];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(new Array(6).fill([I32])), ...vec([])]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, ...(shared ? [0x03, 0x01, ...uleb(SHARED_MAX_PAGES)] : [0x00, 0x01])]])),
    ...section(3, vec(names.map(() => [0]))),
    ...section(7, vec(names.map((nm, i) => [...name(nm), 0x00, i]))),
    ...section(10, vec(fns)),
  ];
  return new Uint8Array(bytes);
}

/** Rows per block of the symmetric mat-vec. */
export const SYMV_ROWS = 4;
/** Column pairs per step of the symmetric mat-vec (independent accumulator chains per row; see symvBody). */
const SYMV_UNROLL = 1;
