// Barrel for src/backend (owned by the backend work; append exports here).
export type { Backend, ElementwiseFn } from './types.js';
export { ELEMENTWISE_FNS } from './types.js';
export { cpuBackend } from './cpu.js';
export { clearGpujsKernelCache, gpujsBackend, gpujsKernelInfo, provideGpujs } from './gpujs.js';
export {
  BACKEND_ENV_VAR,
  availableBackends,
  defaultBackendName,
  getBackend,
  listBackends,
  registerBackend,
  resolveBackend,
} from './registry.js';
