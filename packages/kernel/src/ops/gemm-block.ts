/** The 4x4 f64x2 SIMD micro-kernel of wasm-gemm-module.ts: C panel += A panel * B panel (byte offsets). */
export type WasmKernel = (pa: number, pb: number, pc: number, mp: number, np: number, kc: number, ldcBytes: number) => void;

/** SIMD packing of 4-wide panels from the WebAssembly memory (wasm-reduction-module.ts; byte addresses). */
export interface PackKernels {
  /** dst[p][0..3] = src[p lds .. p lds + 3], p < kc. */
  pack4: (src: number, ldsBytes: number, dst: number, kc: number) => void;
  /** dst[p][r] = src[r lds + p], r < 4, p < kc. */
  packT4: (src: number, ldsBytes: number, dst: number, kc: number) => void;
}

/**
 * Rows [r0, r1) (r0 a multiple of 4) of the padded product op(A) op(B), accumulated into the
 * padded C at `f[cOff]` (row stride np; with `zeroC`, these rows are cleared first): the GotoBLAS
 * loops over k-blocks (KC), column blocks (NC) and row blocks (MC) with packing into 4-wide panels
 * at `f[apOff]`, `f[bpOff]`; full panels of operands that live in `f` itself are packed by the SIMD
 * copies `pk` when given (the same values).
 * Self-contained on purpose: worker threads receive it as source text (gemm-threads.ts).
 */
export function gemmBlock(
  f: Float64Array, kernel: WasmKernel, transA: boolean, transB: boolean,
  A: Float64Array, aOff: number, lda: number, B: Float64Array, bOff: number, ldb: number,
  r0: number, r1: number, n: number, k: number, np: number, cOff: number, apOff: number, bpOff: number,
  KC: number, MC: number, NC: number, zeroC = false, pk: PackKernels | null = null,
): void {
  // zeroC: clear these rows of C first (up to the next multiple of 4: the micro-kernel writes whole tiles).
  if (zeroC) f.fill(0, cOff + r0 * np, cOff + ((r1 + 3) & ~3) * np);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      // Pack op(B)[pc:pc+kc, jc:jc+nc] as [panel][p][4], zero-padding the last panel.
      for (let j0 = 0; j0 < nc; j0 += 4) {
        const cols = Math.min(4, nc - j0);
        let o = bpOff + j0 * kc;
        if (pk && B === f && cols === 4) {
          if (transB) pk.packT4((bOff + (jc + j0) * ldb + pc) * 8, ldb * 8, o * 8, kc);
          else pk.pack4((bOff + pc * ldb + jc + j0) * 8, ldb * 8, o * 8, kc);
          continue;
        }
        if (transB && cols === 4) {
          const s0 = bOff + (jc + j0) * ldb + pc;
          for (let p = 0; p < kc; p++, o += 4) {
            f[o] = B[s0 + p];
            f[o + 1] = B[s0 + ldb + p];
            f[o + 2] = B[s0 + 2 * ldb + p];
            f[o + 3] = B[s0 + 3 * ldb + p];
          }
          continue;
        }
        if (!transB && cols === 4) {
          for (let p = 0; p < kc; p++, o += 4) {
            const s = bOff + (pc + p) * ldb + jc + j0;
            f[o] = B[s];
            f[o + 1] = B[s + 1];
            f[o + 2] = B[s + 2];
            f[o + 3] = B[s + 3];
          }
          continue;
        }
        for (let p = 0; p < kc; p++, o += 4) {
          for (let c = 0; c < 4; c++) {
            const j = jc + j0 + c;
            f[o + c] = c < cols ? (transB ? B[bOff + j * ldb + pc + p] : B[bOff + (pc + p) * ldb + j]) : 0;
          }
        }
      }
      for (let ic = r0; ic < r1; ic += MC) {
        const mc = Math.min(MC, r1 - ic);
        // Pack op(A)[ic:ic+mc, pc:pc+kc] as [panel][p][4], zero-padding the last panel.
        for (let i0 = 0; i0 < mc; i0 += 4) {
          const rows = Math.min(4, mc - i0);
          let o = apOff + i0 * kc;
          if (pk && A === f && rows === 4) {
            if (transA) pk.pack4((aOff + pc * lda + ic + i0) * 8, lda * 8, o * 8, kc);
            else pk.packT4((aOff + (ic + i0) * lda + pc) * 8, lda * 8, o * 8, kc);
            continue;
          }
          if (!transA && rows === 4) {
            const s0 = aOff + (ic + i0) * lda + pc;
            for (let p = 0; p < kc; p++, o += 4) {
              f[o] = A[s0 + p];
              f[o + 1] = A[s0 + lda + p];
              f[o + 2] = A[s0 + 2 * lda + p];
              f[o + 3] = A[s0 + 3 * lda + p];
            }
            continue;
          }
          if (transA && rows === 4) {
            for (let p = 0; p < kc; p++, o += 4) {
              const s = aOff + (pc + p) * lda + ic + i0;
              f[o] = A[s];
              f[o + 1] = A[s + 1];
              f[o + 2] = A[s + 2];
              f[o + 3] = A[s + 3];
            }
            continue;
          }
          for (let p = 0; p < kc; p++, o += 4) {
            for (let r = 0; r < 4; r++) {
              const i = ic + i0 + r;
              f[o + r] = r < rows ? (transA ? A[aOff + (pc + p) * lda + i] : A[aOff + i * lda + pc + p]) : 0;
            }
          }
        }
        kernel(apOff * 8, bpOff * 8, (cOff + ic * np + jc) * 8, (mc + 3) >> 2, (nc + 3) >> 2, kc, np * 8);
      }
    }
  }
}

/**
 * The lower triangle (columns <= row) of rows [r0, r1) of C += op(A) op(B) with op(A) = A^T (A is
 * k x rows, leading dimension lda) and op(B) = B (k x cols, ldb), all in the wasm memory `f` with C
 * at cOff (row stride ldc): by RB-row blocks (block b covers rows [b RB, b RB + RB), clipped to
 * [r0, r1)), each as the rectangle left of its diagonal block in one gemmBlock and the diagonal
 * block in DS-row strips. r0 must be a multiple of DS (RB a multiple of DS). Every element is the
 * micro-kernel's sum over the same k-blocks in the same order whichever rows a call covers, so the
 * result does not depend on how rows are split between calls (threads). Self-contained except for gemmBlock (worker threads
 * receive both as source text).
 */
export function gemmLowerBlocks(
  f: Float64Array, kernel: WasmKernel, aOff: number, lda: number, bOff: number, ldb: number, k: number,
  cOff: number, ldc: number, r0: number, r1: number, RB: number, DS: number, apOff: number, bpOff: number,
  KC: number, MC: number, NC: number, pk: PackKernels | null = null,
): void {
  for (let b0 = r0 - (r0 % RB); b0 < r1; b0 += RB) {
    const lo = Math.max(r0, b0);
    const b1 = Math.min(r1, b0 + RB);
    if (b0 > 0) gemmBlock(f, kernel, true, false, f, aOff, lda, f, bOff, ldb, lo, b1, b0, k, ldc, cOff, apOff, bpOff, KC, MC, NC, false, pk);
    for (let s0 = lo; s0 < b1; s0 += DS) {
      const s1 = Math.min(b1, s0 + DS);
      gemmBlock(f, kernel, true, false, f, aOff, lda, f, bOff + b0, ldb, s0, s1, s1 - b0, k, ldc, cOff + b0, apOff, bpOff, KC, MC, NC, false, pk);
    }
  }
}
