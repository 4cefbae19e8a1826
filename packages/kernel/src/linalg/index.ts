// Barrel for src/linalg: dense linear algebra (see packages/kernel/README-linalg.md).

export { choleskyInPlace, gemmNT, luInPlace, luSolveInPlace, transposeInto, trsmInPlace } from './base-dense.js';
// Unchecked raw-array ("base") kernels for hot loops on small matrices.
export { eighInPlace } from './base-eigh.js';
export { svdTall as svdTallInPlace } from './base-svd.js';
export { symFunctionInPlace, symPinvInPlace, symSqrtInPlace } from './base-sym.js';
export { cholesky } from './cholesky.js';
export { logdet, slogdet } from './det.js';
export { type EighRangeOptions, type EighResult, type EighSelection, eigh, eighRange, eighTop, eigvalsh } from './eigh.js';
export { orthonormalFrame } from './frame.js';
export { type PinvOptions, pinv } from './pinv.js';
export { qr, qrRaw as qrInPlace } from './qr.js';
export { inv, type LuResult, lu, type SolveTriangularOptions, solve, solveSPD, solveTriangular } from './solve.js';
export { type SvdResult, svd, svdvals } from './svd.js';
export { expSym, type InvSqrtOptions, invSqrtPSD, logSym, PSD_TOL, sqrtPSD, symmetricFunction } from './symfun.js';
export { SYM_RTOL } from './validate.js';
