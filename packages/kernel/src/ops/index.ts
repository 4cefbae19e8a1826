// Barrel for src/ops (owned by the ops work; append exports here).
export { dgemm, dgemmJs, setGemmPath, wasmGemmAvailable, wasmGemmFma } from './dgemm.js';
export { dgemv } from './dgemv.js';
export { gemmThreads, hardwareCores, setGemmThreads, startGemmThreads } from './gemm-threads.js';
export { gemm, gemv, matmul, outer, transposeCopy, type GemmOptions } from './gemm.js';
export { add, dot, frobeniusNorm, map, max, mean, min, norm2, scale, sub, sum } from './elementwise.js';
export { addRowVector, batchedAffineMap, rowDot, rowMap, rowNorms, type AffineMapOptions } from './rows.js';
export { sampleCovariance, sampleMean, type CovarianceOptions } from './moments.js';
