import { ParameterError } from '../errors.js';
import { cpuBackend } from './cpu.js';
import { gpujsBackend } from './gpujs.js';
import type { Backend } from './types.js';

/** Environment variable naming the default backend (default 'cpu'). */
export const BACKEND_ENV_VAR = 'DIFFUSION_THEORY_BACKEND';

const registry = new Map<string, Backend>([
  [cpuBackend.name, cpuBackend],
  [gpujsBackend.name, gpujsBackend],
]);

/** Register (or replace) a backend under `b.name`. */
export function registerBackend(b: Backend): void {
  if (!b || typeof b.name !== 'string' || b.name.length === 0) {
    throw new ParameterError('backend.name: expected a non-empty string');
  }
  if (b.precision !== 'f64' && b.precision !== 'f32') {
    throw new ParameterError(`backend.precision: expected 'f64' or 'f32', got ${String(b.precision)}`);
  }
  if (typeof b.gemm !== 'function') throw new ParameterError(`backend '${b.name}': expected a gemm function`);
  registry.set(b.name, b);
}

function isAvailable(b: Backend): boolean {
  try {
    return b.available ? b.available() : true;
  } catch {
    return false;
  }
}

/** Every registered backend (available or not). */
export function listBackends(): Backend[] {
  return [...registry.values()];
}

/** The registered backends that can run in this process. */
export function availableBackends(): Backend[] {
  return listBackends().filter(isAvailable);
}

/** The name of the default backend: `$DIFFUSION_THEORY_BACKEND`, else 'cpu'. */
export function defaultBackendName(): string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.[BACKEND_ENV_VAR];
  return v && v.length > 0 ? v : 'cpu';
}

/**
 * The backend called `name` (default: `defaultBackendName()`). Throws ParameterError for an
 * unknown or unavailable backend, naming the registered ones, and the backend's own error when it
 * says why it is unavailable (gpu.js not installed: a MissingDependencyError naming what to install).
 */
export function getBackend(name?: string): Backend {
  const key = name ?? defaultBackendName();
  const b = registry.get(key);
  if (!b) {
    const src = name === undefined ? ` (from ${BACKEND_ENV_VAR})` : '';
    throw new ParameterError(`backend: unknown backend '${key}'${src}; registered: ${[...registry.keys()].join(', ')}`);
  }
  if (!isAvailable(b)) {
    const why = b.whyUnavailable?.();
    if (why) throw why;
    throw new ParameterError(`backend: '${key}' is registered but not available in this process`);
  }
  return b;
}

/** Resolve an option value (a name, a Backend, or undefined for the default) to a Backend. */
export function resolveBackend(b: string | Backend | undefined): Backend {
  if (b === undefined || typeof b === 'string') return getBackend(b);
  if (typeof b === 'object' && typeof b.gemm === 'function') return b;
  throw new ParameterError('backend: expected a backend name or a Backend object');
}
