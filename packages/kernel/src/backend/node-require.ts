/**
 * A CommonJS `require` relative to `base` (an `import.meta.url`), obtained without importing any
 * `node:` module statically: through `process.getBuiltinModule('node:module')` (Node >= 20.16).
 * Undefined where there is none (browsers, Deno without Node compatibility), so callers degrade.
 */
export function nodeRequire(base: string): ((id: string) => unknown) | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as { createRequire?: (u: string) => (id: string) => unknown } | undefined;
  return mod?.createRequire?.(base);
}

/** True when `e` says that module `id` itself (not one of its dependencies) could not be found. */
export function isModuleNotFound(e: unknown, id: string): boolean {
  const err = e as { code?: string; message?: string } | null;
  return !!err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND') && String(err.message).includes(`'${id}'`);
}
