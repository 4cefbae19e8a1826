import { ShapeError, assertFinite, assertObject, assertArrayLike, assertNumber } from '@diffusion-theory/kernel';
import { type DaeStateLayout, daeStateLayout } from './dae-layout.js';
import { microFactorsFromStats } from './dae-micro.js';
import type { SpectralMixtureSpec } from './spectral-mixture.js';

export { type DaeStateLayout, daeStateLayout };

/** The closed state in named blocks (all row-major, shapes as in DaeStateLayout). */
export interface DaeState {
  /** q_s, Ng x r x r. */
  q: Float64Array;
  /** m_{c,s}, K x Ng x r. */
  m: Float64Array;
  /** g_s, Ng x r x R. */
  g: Float64Array;
  /** v, length r (time-encoding weights). */
  v: Float64Array;
  /** Skip-connection strength b. */
  b: number;
  /** Factor rows u_p = w_{i,:}/sqrt d of the micro coordinates (nMicro x r, order of spec.micro.coords); only with spec.micro. */
  u?: Float64Array;
}

/**
 * Pack named blocks into the flat state; checks every block's length and finiteness. `u` (factor rows)
 * is required when layout.nMicro > 0 (unless the layout is daeOdeRhs's, which can rebuild the rows of
 * one-coordinate groups from q_s, m, g: microFactorsFromStats) and ignored otherwise.
 */
export function packState(
  layout: DaeStateLayout,
  st: { q: ArrayLike<number>; m: ArrayLike<number>; g?: ArrayLike<number>; v?: ArrayLike<number>; b?: number; u?: ArrayLike<number> },
): Float64Array {
  assertObject(layout, 'layout');
  assertObject(st, 'st');
  let s = st;
  const { r, K, Ng, R } = layout;
  const y = new Float64Array(layout.length);
  const put = (a: ArrayLike<number> | undefined, len: number, off: number, name: string) => {
    if (a === undefined) {
      if (len === 0) return;
      if (name === 'v') return;
      if (name === 'g' && R === 0) return;
      throw new ShapeError(`init.${name}: expected length ${len}, got undefined`);
    }
    if (a.length !== len) throw new ShapeError(`init.${name}: expected length ${len} (${shapeText(name, layout)}), got ${a.length}`);
    assertFinite(a, `init.${name}`);
    for (let i = 0; i < len; i++) y[off + i] = a[i];
  };
  put(s.q, Ng * r * r, 0, 'q');
  put(s.m, K * Ng * r, layout.oM, 'm');
  put(s.g, Ng * r * R, layout.oG, 'g');
  put(s.v, r, layout.oV, 'v');
  const b = s.b ?? 0;
  assertFinite([b], 'init.b');
  y[layout.oB] = b;
  const nu = (layout.nMicro ?? 0) * r;
  if (nu > 0) {
    const spec = (layout as { spec?: SpectralMixtureSpec }).spec;
    // a layout from daeOdeRhs carries its spec (non-enumerable): rebuild one-coordinate factors from q_s, m, g
    if (s.u === undefined && spec?.micro) s = { ...s, u: microFactorsFromStats(spec, r, s) };
    if (s.u === undefined) throw new ShapeError(`init.u: expected the factor rows of the ${layout.nMicro} micro coordinates (nMicro x r = ${layout.nMicro} x ${r}), got undefined`);
    put(s.u, nu, layout.oU, 'u');
  }
  return y;
}

function shapeText(name: string, l: DaeStateLayout): string {
  switch (name) {
    case 'q':
      return `Ng x r x r = ${l.Ng} x ${l.r} x ${l.r}`;
    case 'm':
      return `K x Ng x r = ${l.K} x ${l.Ng} x ${l.r}`;
    case 'g':
      return `Ng x r x R = ${l.Ng} x ${l.r} x ${l.R}`;
    case 'u':
      return `nMicro x r = ${l.nMicro} x ${l.r}`;
    default:
      return `r = ${l.r}`;
  }
}

/** Split a flat state into copies of its blocks (u only when layout.nMicro > 0). */
export function unpackState(layout: DaeStateLayout, y: Float64Array): DaeState {
  assertObject(layout, 'layout');
  assertArrayLike(y, 'y');
  if (y.length !== layout.length) throw new ShapeError(`y: expected length ${layout.length}, got ${y.length}`);
  const out: DaeState = {
    q: y.slice(0, layout.oM),
    m: y.slice(layout.oM, layout.oG),
    g: y.slice(layout.oG, layout.oV),
    v: y.slice(layout.oV, layout.oB),
    b: y[layout.oB],
  };
  if ((layout.nMicro ?? 0) > 0) out.u = y.slice(layout.oU, layout.length);
  return out;
}

/** Q = sum_s q_s (r x r). */
export function stateQ(layout: DaeStateLayout, y: Float64Array, out?: Float64Array): Float64Array {
  assertObject(layout, 'layout');
  assertArrayLike(y, 'y');
  out ??= new Float64Array(layout.r * layout.r);
  const rr = layout.r * layout.r;
  out.fill(0);
  for (let s = 0; s < layout.Ng; s++) for (let i = 0; i < rr; i++) out[i] += y[s * rr + i];
  return out;
}

/** S^c = sum_s ell_{c,s} q_s (r x r), ell row-major K x Ng. */
export function stateS(layout: DaeStateLayout, y: Float64Array, ell: ArrayLike<number>, c: number, out?: Float64Array): Float64Array {
  assertObject(layout, 'layout');
  assertArrayLike(y, 'y');
  assertArrayLike(ell, 'ell');
  assertNumber(c, 'c');
  out ??= new Float64Array(layout.r * layout.r);
  const rr = layout.r * layout.r;
  out.fill(0);
  for (let s = 0; s < layout.Ng; s++) {
    const l = ell[c * layout.Ng + s];
    for (let i = 0; i < rr; i++) out[i] += l * y[s * rr + i];
  }
  return out;
}

/** M^c = sum_s m_{c,s} (length r). */
export function stateM(layout: DaeStateLayout, y: Float64Array, c: number, out?: Float64Array): Float64Array {
  assertObject(layout, 'layout');
  assertArrayLike(y, 'y');
  assertNumber(c, 'c');
  out ??= new Float64Array(layout.r);
  const { r, Ng, oM } = layout;
  out.fill(0);
  for (let s = 0; s < Ng; s++) for (let k = 0; k < r; k++) out[k] += y[oM + (c * Ng + s) * r + k];
  return out;
}

/** G = sum_s g_s (r x R). */
export function stateG(layout: DaeStateLayout, y: Float64Array, out?: Float64Array): Float64Array {
  assertObject(layout, 'layout');
  assertArrayLike(y, 'y');
  out ??= new Float64Array(layout.r * layout.R);
  const n = layout.r * layout.R;
  out.fill(0);
  for (let s = 0; s < layout.Ng; s++) for (let i = 0; i < n; i++) out[i] += y[layout.oG + s * n + i];
  return out;
}
