import { readFileSync } from 'node:fs';
import { ParameterError } from '@diffusion-theory/kernel';
import { z } from 'zod';
export { formatIssues, validateParams } from '@diffusion-theory/experiments';

/** A parameter override from `--set key=value` (optionally scoped: `experiment-id:key=value`). */
export interface SetOverride {
  /** Experiment id the override is restricted to, or undefined for "every selected experiment". */
  scope?: string;
  /** Parameter path, dot-separated for nested objects (`mixture.weights`). */
  path: string[];
  value: unknown;
}

/**
 * Parse one value of `--set`: JSON when it parses (numbers `1e4`, booleans `true`, arrays
 * `[1,2]`, objects, `null`), otherwise the raw string (`euler-maruyama`).
 */
export function parseSetValue(raw: string): unknown {
  const s = raw.trim();
  try {
    return JSON.parse(s);
  } catch {
    return raw;
  }
}

/** Parse `key=value` or `id:key=value`; throws ParameterError on a missing `=` or empty key. */
export function parseSet(arg: string): SetOverride {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new ParameterError(`--set "${arg}": expected key=value (e.g. --set n=1000 or --set exact-score-sampling:n=1000)`);
  let key = arg.slice(0, eq).trim();
  const raw = arg.slice(eq + 1);
  const value = parseSetValue(raw);
  const inf = nonFinitePath(value);
  if (inf !== undefined) {
    const r = raw.trim();
    throw new ParameterError(`--set "${arg}": ${inf ? `${r} holds a number that is not finite (at ${inf})` : `${r} is not a finite number (it overflows a double)`}`);
  }
  let scope: string | undefined;
  const colon = key.indexOf(':');
  if (colon >= 0) {
    scope = key.slice(0, colon).trim();
    key = key.slice(colon + 1).trim();
  }
  const path = key.split('.').map((p) => p.trim());
  if (path.some((p) => p === '')) throw new ParameterError(`--set "${arg}": empty parameter name`);
  const bad = path.find((p) => FORBIDDEN_KEYS.has(p));
  if (bad !== undefined) throw new ParameterError(`--set "${arg}": "${bad}" is not a parameter name`);
  return { scope, path, value };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first key `__proto__`, `constructor` or `prototype` at any depth, or undefined. */
export function forbiddenPath(v: unknown, path: string[] = []): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (FORBIDDEN_KEYS.has(k)) return [...path, k].join('.');
    const p = forbiddenPath(x, [...path, k]);
    if (p !== undefined) return p;
  }
  return undefined;
}

/**
 * Where a parsed JSON value holds a number that is not finite (JSON.parse reads `1e400` as
 * Infinity): `''` for the value itself, `'2'` or `'a.b'` for a nested one, undefined when every
 * number is finite.
 */
export function nonFinitePath(v: unknown, path: string[] = []): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path.join('.');
  if (v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const p = nonFinitePath(x, [...path, k]);
    if (p !== undefined) return p;
  }
  return undefined;
}

/** Set a nested value (creating objects on the way, own properties only); returns obj. */
export function setPath(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const bad = path.find((p) => FORBIDDEN_KEYS.has(p));
  if (bad !== undefined) throw new ParameterError(`"${path.join('.')}": "${bad}" is not a parameter name`);
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
  return obj;
}

/**
 * Read a `--config` JSON file: either flat parameters (applied to every selected experiment)
 * or an object keyed by experiment id (`{ "exact-score-sampling": { "n": 1000 } }`).
 */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ParameterError(`--config ${file}: cannot read (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ParameterError(`--config ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ParameterError(`--config ${file}: expected a JSON object of parameters`);
  }
  const bad = forbiddenPath(data);
  if (bad !== undefined) throw new ParameterError(`--config ${file}: key "${bad}" is not a parameter name`);
  const inf = nonFinitePath(data);
  if (inf !== undefined) throw new ParameterError(`--config ${file}: "${inf}" is not a finite number (a literal such as 1e400 overflows a double)`);
  return data as Record<string, unknown>;
}

/** The part of a config object that applies to experiment `id` (its own section, else the flat keys that are not ids). */
export function configFor(config: Record<string, unknown> | undefined, id: string, allIds: readonly string[]): Record<string, unknown> {
  if (!config) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!allIds.includes(k)) out[k] = v;
  }
  const own = config[id];
  if (own && typeof own === 'object' && !Array.isArray(own)) Object.assign(out, own);
  return out;
}

/** One row of `describe`: a parameter with its type, description (units), range and defaults. */
export interface ParamInfo {
  name: string;
  type: string;
  description: string;
  range: string;
  defaults: Record<string, unknown>;
}

type JsonSchema = {
  type?: string | string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
};

function rangeOf(js: JsonSchema): string {
  if (js.enum) return `one of ${js.enum.map((e) => JSON.stringify(e)).join(' | ')}`;
  const lo = js.exclusiveMinimum !== undefined ? `(${js.exclusiveMinimum}` : js.minimum !== undefined ? `[${js.minimum}` : '(-inf';
  const hi = js.exclusiveMaximum !== undefined ? `${js.exclusiveMaximum})` : js.maximum !== undefined ? `${js.maximum}]` : 'inf)';
  if (js.type === 'number' || js.type === 'integer') return `${lo}, ${hi}`;
  if (js.type === 'array') {
    const n = js.minItems !== undefined || js.maxItems !== undefined ? ` length ${js.minItems ?? 0}..${js.maxItems ?? 'inf'}` : '';
    const inner = js.items ? rangeOf(js.items) : '';
    return `array${n}${inner ? ` of ${inner}` : ''}`;
  }
  if (js.anyOf) return js.anyOf.map(rangeOf).filter(Boolean).join(' or ');
  return '';
}

function typeOf(js: JsonSchema): string {
  if (js.enum) return 'enum';
  if (js.anyOf) return js.anyOf.map(typeOf).join(' | ');
  if (js.type === 'array') return `${js.items ? typeOf(js.items) : 'any'}[]`;
  return Array.isArray(js.type) ? js.type.join(' | ') : (js.type ?? 'any');
}

/** Parameter table of a schema, for `describe`. */
export function describeParams(schema: z.ZodObject, defaults: Record<string, Record<string, unknown>>): ParamInfo[] {
  const js = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
  const props = js.properties ?? {};
  return Object.entries(props).map(([name, p]) => ({
    name,
    type: typeOf(p),
    description: p.description ?? '',
    range: rangeOf(p),
    defaults: Object.fromEntries(Object.entries(defaults).map(([scale, d]) => [scale, d[name]])),
  }));
}
