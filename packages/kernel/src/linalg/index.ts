// Barrel for src/linalg: dense linear algebra (see packages/kernel/README-linalg.md).
export { eigh, eighTop, eigvalsh, type EighResult } from './eigh.js';
export { svd, type SvdResult } from './svd.js';
export { cholesky } from './cholesky.js';
export { solve, solveSPD, solveTriangular, inv, lu, type LuResult, type SolveTriangularOptions } from './solve.js';
export { pinv, type PinvOptions } from './pinv.js';
export { sqrtPSD, invSqrtPSD, symmetricFunction, expSym, logSym, PSD_TOL, type InvSqrtOptions } from './symfun.js';
export { logdet, slogdet } from './det.js';
export { qr } from './qr.js';
export { orthonormalFrame } from './frame.js';
export { SYM_RTOL } from './validate.js';
// Unchecked raw-array ("base") kernels for hot loops on small matrices.
export { eighInPlace } from './base-eigh.js';
export { choleskyInPlace, luInPlace, luSolveInPlace, trsmInPlace, gemmNT, transposeInto } from './base-dense.js';
export { symFunctionInPlace, symPinvInPlace, symSqrtInPlace } from './base-sym.js';
export { svdTall as svdTallInPlace } from './base-svd.js';
export { qrRaw as qrInPlace } from './qr.js';
