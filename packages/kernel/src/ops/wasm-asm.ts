/**
 * A few WebAssembly binary-format encoders shared by the kernels that are assembled at load time
 * (the SIMD gemm micro-kernel, the reduction's symmetric mat-vec): LEB128 integers, sections,
 * names and the instructions both use. Opcodes from the WebAssembly core and SIMD specifications.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128. */
export function sleb(n: number): number[] {
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

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Instructions.
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32c = (v: number) => [0x41, ...sleb(v)];
export const i32add = [0x6a];
export const i32mul = [0x6c];
export const i32ltS = [0x48];
export const i32eqz = [0x45];
export const brIf = (d: number) => [0x0d, ...uleb(d)];
export const br = (d: number) => [0x0c, ...uleb(d)];
export const block = [0x02, 0x40];
export const loop = [0x03, 0x40];
export const end = [0x0b];
export const simd = (op: number) => [0xfd, ...uleb(op)];
export const v128zero = [...simd(12), ...new Array(16).fill(0)];
export const f64x2add = simd(240);
export const f64x2mul = simd(242);
/** Relaxed SIMD: f64x2.relaxed_madd(a, b, c) = a * b + c, fused or not as the host decides (FMA on x64 with FMA3). */
export const f64x2relaxedMadd = simd(0x107);
