import { describe, expect, it } from 'vitest';
import { loadWasm } from './wasm-gemm-state.js';

describe('SIMD panel packing (pack4, packT4 of the aux module)', () => {
  const w = loadWasm();
  it.runIf(w?.aux)('copies 4 contiguous doubles per p, and transposes a 4 x kc block, bit for bit, for even and odd kc', () => {
    const pk = w?.aux;
    if (!w || !pk) return;
    const f = w.f64;
    const ld = 13; // source row stride (doubles)
    const src = 64;
    const dst = 4096;
    for (const kc of [1, 2, 7, 8, 31]) {
      for (let i = 0; i < 40 * ld; i++) f[src + i] = Math.sin(1 + i) * 1e3 + (i % 7 === 0 ? -0 : 0);
      f.fill(Number.NaN, dst, dst + 4 * kc + 8);
      pk.pack4(src * 8, ld * 8, dst * 8, kc);
      for (let p = 0; p < kc; p++) for (let c = 0; c < 4; c++) expect(Object.is(f[dst + 4 * p + c], f[src + p * ld + c])).toBe(true);
      expect(Number.isNaN(f[dst + 4 * kc])).toBe(true); // nothing written past the panel
      f.fill(Number.NaN, dst, dst + 4 * kc + 8);
      pk.packT4(src * 8, ld * 8, dst * 8, kc);
      for (let p = 0; p < kc; p++) for (let r = 0; r < 4; r++) expect(Object.is(f[dst + 4 * p + r], f[src + r * ld + p])).toBe(true);
      expect(Number.isNaN(f[dst + 4 * kc])).toBe(true);
    }
  });
});
