import { existsSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ParameterError } from '@diffusion-theory/kernel';

/** Largest seed accepted (the kernel's Rng takes 32-bit seeds). */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Parse a seed flag: plain decimal digits only, in [0, 2^32 - 1]. `""`, `0x10`, `1e3`, `-1`,
 * `1.5` and ` 7` are refused rather than read as 0, 16, 1000, ...
 * @param flag the flag name for the message (`--seed`).
 * @throws ParameterError naming the flag and the text given.
 */
export function parseSeed(flag: string, raw: string): number {
  if (!/^[0-9]+$/.test(raw)) throw new ParameterError(`${flag}: expected a non-negative integer written in decimal digits, got "${raw}"`);
  const n = Number(raw);
  if (n > MAX_SEED) throw new ParameterError(`${flag}: expected an integer in [0, 2^32 - 1], got "${raw}"`);
  return n;
}

/**
 * Parse a count flag (`--seeds`): decimal digits, in [min, max].
 * @throws ParameterError naming the flag and the text given.
 */
export function parseCount(flag: string, raw: string, min = 1, max = 1_000_000): number {
  if (!/^[0-9]+$/.test(raw)) throw new ParameterError(`${flag}: expected a positive integer written in decimal digits, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ParameterError(`${flag}: expected an integer in [${min}, ${max}], got "${raw}"`);
  return n;
}

const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * Parse a finite decimal number (`0.02`, `1.5e-3`); hexadecimal, empty text, `Infinity` and
 * numbers that overflow (`1e400`) are refused, named as given.
 * @throws ParameterError naming the flag and the text given.
 */
export function parseFiniteNumber(flag: string, raw: string): number {
  const n = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(n)) throw new ParameterError(`${flag}: expected a finite decimal number, got "${raw}"`);
  return n;
}

/** Parse a rate in [0, 1] (`--max-false-alarm 0.02`). */
export function parseRate(flag: string, raw: string): number {
  const r = parseFiniteNumber(flag, raw);
  if (r < 0 || r > 1) throw new ParameterError(`${flag}: expected a rate in [0, 1], got "${raw}"`);
  return r;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** One `--perturb name=factor`: the name of a theory coefficient and the factor it is multiplied by. */
export interface Perturbation {
  name: string;
  factor: number;
}

/**
 * Parse `--perturb name=factor` (factor a finite decimal number).
 * @throws ParameterError on a missing `=`, an empty or reserved name, or a factor that is not finite.
 */
export function parsePerturb(raw: string): Perturbation {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new ParameterError(`--perturb "${raw}": expected name=factor (e.g. --perturb variance=2)`);
  const name = raw.slice(0, eq).trim();
  if (name === '' || FORBIDDEN_KEYS.has(name)) throw new ParameterError(`--perturb "${raw}": "${name}" is not a perturbation name`);
  return { name, factor: parseFiniteNumber(`--perturb ${name}`, raw.slice(eq + 1).trim()) };
}

/**
 * The perturbations as a record, checked against the experiment's declared `perturbations`
 * (own keys only) and for duplicates.
 * @throws ParameterError naming the unknown or repeated name and the known ones.
 */
export function perturbRecord(id: string, declared: Record<string, string> | undefined, list: readonly Perturbation[]): Record<string, number> | undefined {
  if (list.length === 0) return undefined;
  const known = Object.keys(declared ?? {});
  const out: Record<string, number> = {};
  for (const p of list) {
    if (!declared || !Object.hasOwn(declared, p.name)) throw new ParameterError(`--perturb ${p.name}: experiment "${id}" has no perturbation "${p.name}" (known: ${known.join(', ') || 'none'})`);
    if (Object.hasOwn(out, p.name)) throw new ParameterError(`--perturb ${p.name}: given twice`);
    out[p.name] = p.factor;
  }
  return out;
}

/** The nearest path at or above `p` that exists. */
function nearestExisting(p: string): string {
  let cur = p;
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

/** Whether this process can create entries in directory `dir` (tried, not guessed from mode bits: root, read-only mounts). */
function canCreateIn(dir: string): boolean {
  try {
    rmdirSync(mkdtempSync(join(dir, '.diffusion-theory-probe-')));
    return true;
  } catch {
    return false;
  }
}

/**
 * Check an output directory flag before any work: not empty, not an existing file, and
 * either an existing writable directory or creatable under its nearest existing ancestor.
 * Nothing is created (a probe directory is made and removed at once).
 * @returns the absolute path.
 * @throws ParameterError with a one-line message naming the flag and the path.
 */
export function checkOutDir(flag: string, raw: string): string {
  if (raw.trim() === '') throw new ParameterError(`${flag}: expected a directory, got an empty path`);
  const dir = resolve(raw);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ParameterError(`${flag} ${raw}: is a file, expected a directory`);
    if (!canCreateIn(dir)) throw new ParameterError(`${flag} ${raw}: directory is not writable`);
    return dir;
  }
  const base = nearestExisting(dir);
  if (!statSync(base).isDirectory()) throw new ParameterError(`${flag} ${raw}: ${base} is a file, expected a directory`);
  if (!canCreateIn(base)) throw new ParameterError(`${flag} ${raw}: cannot create it (${base} is not writable)`);
  return dir;
}

/**
 * Check an output file flag (`--json FILE`) before any work: not empty, not a directory, and
 * its directory writable or creatable.
 * @returns the absolute path.
 * @throws ParameterError with a one-line message naming the flag and the path.
 */
export function checkOutFile(flag: string, raw: string): string {
  if (raw.trim() === '') throw new ParameterError(`${flag}: expected a file name, got an empty path`);
  const file = resolve(raw);
  if (existsSync(file) && statSync(file).isDirectory()) throw new ParameterError(`${flag} ${raw}: is a directory, expected a file`);
  checkOutDir(flag, dirname(file));
  return file;
}

/**
 * Check a results directory to read (`report --out DIR`): it must exist and be a directory.
 * @throws ParameterError naming the flag and the path.
 */
export function checkInDir(flag: string, raw: string): string {
  if (raw.trim() === '') throw new ParameterError(`${flag}: expected a directory, got an empty path`);
  const dir = resolve(raw);
  if (!existsSync(dir)) throw new ParameterError(`${flag} ${raw}: no such directory (run experiments into it first)`);
  if (!statSync(dir).isDirectory()) throw new ParameterError(`${flag} ${raw}: is a file, expected a directory`);
  return dir;
}
