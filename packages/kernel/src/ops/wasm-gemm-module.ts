/**
 * The WebAssembly SIMD (f64x2) micro-kernel of the CPU gemm, assembled to bytes at load time
 * by a tiny hand-written encoder (no toolchain needed, nothing binary committed; the text form
 * is in `gemm-kernel.wat` beside this file for reading; this encoder is its only "assembler").
 *
 * Exported function `kernel(pa, pb, pc, mPanels, nPanels, kc, ldcBytes)`:
 * for every 4-row panel `ip < mPanels` of the packed A block at byte address `pa` (layout
 * `[ip][k][4]`) and every 4-column panel `jp < nPanels` of the packed B block at `pb`
 * (layout `[jp][k][4]`), it computes the 4x4 tile `sum_k a[ip][k][r] * b[jp][k][c]` in eight
 * f64x2 accumulators and adds it into the row-major padded C at
 * `pc + (4 ip + r) * ldcBytes + (4 jp + c) * 8`. Memory is imported as `env.mem`.
 */

import { I32, V128, uleb, vec, section, name, get, set, i32c, i32add, i32mul, i32ltS, brIf, block, loop, end, simd, v128zero, f64x2add, f64x2mul, f64x2relaxedMadd } from './wasm-asm.js';

const v128load = (offset: number) => [...simd(0), 4, ...uleb(offset)];
const v128store = (offset: number) => [...simd(11), 4, ...uleb(offset)];
const load64splat = (offset: number) => [...simd(10), 3, ...uleb(offset)];

/** Page limit declared for the shared-memory variant (memory imported by worker threads). */
export const SHARED_MAX_PAGES = 32768; // 2 GiB

/**
 * Build the kernel's bytes; `shared` imports a shared memory (max SHARED_MAX_PAGES) for worker threads.
 * `fma` accumulates with the relaxed-SIMD `f64x2.relaxed_madd` (a fused multiply-add on hosts with FMA,
 * one instruction instead of a multiply and an add: about 1.25x the kernel's throughput here) instead of
 * `f64x2.mul` + `f64x2.add`; a runtime without relaxed SIMD rejects that module at validation.
 */
export function gemmKernelBytes(shared = false, fma = false): Uint8Array<ArrayBuffer> {
  // Params: 0 pa, 1 pb, 2 pc, 3 mPanels, 4 nPanels, 5 kc, 6 ldcBytes.
  // i32 locals: 7 ip, 8 jp, 9 kk, 10 a, 11 b, 12 c, 13 (unused).
  // v128 locals: 14..21 accumulators acc[r][h] = 14 + 2 r + h, 22 b0, 23 b1, 24 av.
  const ip = 7, jp = 8, kk = 9, a = 10, b = 11, c = 12;
  const acc = (r: number, h: number) => 14 + 2 * r + h;
  const b0 = 22, b1 = 23, av = 24;
  const panelBytes = [...get(5), ...i32c(32), ...i32mul]; // kc * 4 doubles * 8 bytes

  const kStep: number[] = [
    ...get(b), ...v128load(0), ...set(b0),
    ...get(b), ...v128load(16), ...set(b1),
  ];
  for (let r = 0; r < 4; r++) {
    kStep.push(...get(a), ...load64splat(8 * r), ...set(av));
    for (let h = 0; h < 2; h++) {
      if (fma) kStep.push(...get(av), ...get(h === 0 ? b0 : b1), ...get(acc(r, h)), ...f64x2relaxedMadd, ...set(acc(r, h)));
      else kStep.push(...get(acc(r, h)), ...get(av), ...get(h === 0 ? b0 : b1), ...f64x2mul, ...f64x2add, ...set(acc(r, h)));
    }
  }
  kStep.push(...get(a), ...i32c(32), ...i32add, ...set(a), ...get(b), ...i32c(32), ...i32add, ...set(b));

  const zeroAcc: number[] = [];
  for (let i = 0; i < 8; i++) zeroAcc.push(...v128zero, ...set(14 + i));

  const storeTile: number[] = [];
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      // c_row = c + r * ldcBytes; store(c_row + 16 h, load(...) + acc)
      storeTile.push(
        ...get(c), ...get(6), ...i32c(r), ...i32mul, ...i32add,
        ...get(c), ...get(6), ...i32c(r), ...i32mul, ...i32add,
        ...v128load(16 * h), ...get(acc(r, h)), ...f64x2add, ...v128store(16 * h),
      );
    }
  }

  const body: number[] = [
    ...i32c(0), ...set(ip),
    ...block, ...loop,
    ...get(ip), ...get(3), ...i32ltS, 0x45 /* i32.eqz */, ...brIf(1),
    ...i32c(0), ...set(jp),
    ...block, ...loop,
    ...get(jp), ...get(4), ...i32ltS, 0x45, ...brIf(1),
    // a = pa + ip * panelBytes; b = pb + jp * panelBytes
    ...get(0), ...get(ip), ...panelBytes, ...i32mul, ...i32add, ...set(a),
    ...get(1), ...get(jp), ...panelBytes, ...i32mul, ...i32add, ...set(b),
    ...zeroAcc,
    ...i32c(0), ...set(kk),
    ...block, ...loop,
    ...get(kk), ...get(5), ...i32ltS, 0x45, ...brIf(1),
    ...kStep,
    ...get(kk), ...i32c(1), ...i32add, ...set(kk),
    0x0c, 0, // br 0 (continue)
    ...end, ...end,
    // c = pc + 4 ip * ldcBytes + 32 jp
    ...get(2), ...get(ip), ...i32c(4), ...i32mul, ...get(6), ...i32mul, ...i32add,
    ...get(jp), ...i32c(32), ...i32mul, ...i32add, ...set(c),
    ...storeTile,
    ...get(jp), ...i32c(1), ...i32add, ...set(jp),
    0x0c, 0,
    ...end, ...end,
    ...get(ip), ...i32c(1), ...i32add, ...set(ip),
    0x0c, 0,
    ...end, ...end,
  ];
  const locals = vec([
    [...uleb(7), I32],
    [...uleb(11), V128],
  ]);
  const func = [...locals, ...body, ...end];

  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(new Array(7).fill([I32])), ...vec([])]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, ...(shared ? [0x03, 0x01, ...uleb(SHARED_MAX_PAGES)] : [0x00, 0x01])]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('kernel'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ];
  return new Uint8Array(bytes);
}
