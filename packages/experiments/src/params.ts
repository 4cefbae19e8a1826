import { ParameterError } from '@diffusion-theory/kernel';
import type { z } from 'zod';
import type { AnyExperiment, Scale } from './experiment.js';

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s && s.length > 60 ? `${s.slice(0, 57)}...` : (s ?? String(v));
}

function getPath(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k as string];
  }
  return cur;
}

/** Human-readable lines, one per zod issue, each naming the parameter. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, known: readonly string[]): string[] {
  const lines: string[] = [];
  for (const is of issues) {
    const key = is.path.map(String).join('.');
    const got = getPath(input, is.path);
    switch (is.code) {
      case 'unrecognized_keys':
        for (const k of is.keys) {
          const full = key ? `${key}.${k}` : k;
          lines.push(`unknown parameter "${full}" (known: ${known.join(', ')})`);
        }
        break;
      case 'too_big':
        lines.push(`parameter "${key}": ${show(got)} is out of range, expected ${is.inclusive === false ? '<' : '<='} ${String(is.maximum)}${is.origin === 'array' ? ' elements' : ''}`);
        break;
      case 'too_small':
        lines.push(`parameter "${key}": ${show(got)} is out of range, expected ${is.inclusive === false ? '>' : '>='} ${String(is.minimum)}${is.origin === 'array' ? ' elements' : ''}`);
        break;
      case 'invalid_type':
        lines.push(`parameter "${key}": expected ${is.expected}, got ${show(got)}`);
        break;
      default:
        lines.push(`parameter "${key}": ${is.message} (got ${show(got)})`);
    }
  }
  return lines;
}

/**
 * Validate parameters against an experiment's zod object schema. The schema is made strict
 * here (unknown keys are errors). Throws ParameterError listing every problem, each naming
 * the parameter, the value given and the allowed range / type.
 */
export function validateParams<S extends z.ZodObject>(experimentId: string, schema: S, input: Record<string, unknown>): z.output<S> {
  assertPlainKeys(experimentId, input);
  const strict = schema.strict();
  const res = strict.safeParse(input);
  if (res.success) return res.data as z.output<S>;
  const known = Object.keys(schema.shape);
  const lines = formatIssues(res.error.issues, input, known);
  throw new ParameterError(`invalid parameters for experiment "${experimentId}":\n  - ${lines.join('\n  - ')}`);
}


const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuse keys that would reach Object.prototype (`__proto__`, `constructor`, `prototype`) at any depth. */
export function assertPlainKeys(experimentId: string, input: unknown, path: string[] = []): void {
  if (input === null || typeof input !== 'object') return;
  for (const k of Object.keys(input)) {
    if (FORBIDDEN_KEYS.has(k)) throw new ParameterError(`invalid parameters for experiment "${experimentId}": key "${[...path, k].join('.')}" is not a parameter name`);
    assertPlainKeys(experimentId, (input as Record<string, unknown>)[k], [...path, k]);
  }
}

/**
 * The parameters of one run: the defaults of `scale`, then `overrides` (shallow), validated
 * against the schema and then against the experiment's cross-parameter constraints. Throws
 * ParameterError naming every problem before any work is done.
 */
export function resolveParams(e: AnyExperiment, scale: Scale, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  assertPlainKeys(e.id, overrides);
  const merged = deepMerge(structuredClone(e.defaults[scale] as Record<string, unknown>), structuredClone(overrides));
  const p = validateParams(e.id, e.params, merged) as Record<string, unknown>;
  const problems = e.validate?.(p) ?? [];
  if (problems.length) throw new ParameterError(`invalid parameters for experiment "${e.id}":\n  - ${problems.join('\n  - ')}`);
  return p;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`: plain objects recursively, anything else replaced. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(over)) {
    base[k] = isPlainObject(v) && isPlainObject(base[k]) ? deepMerge(base[k] as Record<string, unknown>, v) : v;
  }
  return base;
}
