import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetUnavailableError, FASHION_MNIST_DIRS, fashionMnist, mnistDigits, mnistSevensGaussian, parseIdx } from './datasets.js';

function idx(type: number, dims: number[], bytes: number[]): Uint8Array {
  const head = [0, 0, type, dims.length];
  for (const v of dims) head.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  return Uint8Array.from([...head, ...bytes]);
}

describe('parseIdx', () => {
  it('reads a tiny unsigned-byte 2 x 2 x 3 file, plain and gzipped', () => {
    const bytes = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
    const buf = idx(0x08, [2, 2, 3], bytes);
    for (const b of [buf, gzipSync(buf)]) {
      const r = parseIdx(b);
      expect(r.dims).toEqual([2, 2, 3]);
      expect(Array.from(r.data)).toEqual(bytes);
    }
  });
  it('reads big-endian int32 and rejects truncated data', () => {
    const r = parseIdx(idx(0x0c, [2], [0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe]));
    expect(Array.from(r.data)).toEqual([258, -2]);
    expect(() => parseIdx(idx(0x08, [5], [1, 2]))).toThrow(/expected 5 values/);
    expect(() => parseIdx(Uint8Array.of(1, 2, 3, 4))).toThrow(/magic/);
  });
  it('fashionMnist reads a directory of tiny IDX files and scales pixels by 1/255', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(0x08, [3, 1, 2], [0, 255, 51, 102, 10, 20])));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(0x08, [3], [4, 7, 4]));
    const all = fashionMnist({ path: dir });
    expect(all.x.shape).toEqual([3, 2]);
    expect(Array.from(all.labels)).toEqual([4, 7, 4]);
    expect(all.x.data[1]).toBe(1);
    const four = fashionMnist({ path: dir, label: 4 });
    expect(Array.from(four.x.data)).toEqual([0, 1, 10 / 255, 20 / 255]);
    expect(() => fashionMnist({ path: join(dir, 'missing') })).toThrow(DatasetUnavailableError);
    expect(() => fashionMnist({ path: join(dir, 'missing') })).toThrow(/apt-get install dataset-fashion-mnist/);
  });
});

describe('MNIST', () => {
  it('mnistDigits(7) gives ~1000 images of 784 pixels in [0, 1]', () => {
    const x = mnistDigits(7);
    expect(x.shape[1]).toBe(784);
    expect(x.shape[0]).toBeGreaterThan(900);
    let mx = 0;
    let mn = 1;
    for (const v of x.data) {
      mx = Math.max(mx, v);
      mn = Math.min(mn, v);
    }
    expect(mn).toBe(0);
    expect(mx).toBeLessThanOrEqual(1);
    expect(mx).toBeGreaterThan(0.99);
  });

  it('the sevens Gaussian: Sigma symmetric PSD, trace/784 in (0.03, 0.15), groups preserve the trace', () => {
    const t = mnistSevensGaussian();
    const C = t.empiricalCovariance.data;
    const d = 784;
    let tr = 0;
    for (let i = 0; i < d; i++) {
      tr += C[i * d + i];
      for (let j = 0; j < i; j++) expect(C[i * d + j]).toBe(C[j * d + i]);
    }
    for (let j = 1; j < d; j++) expect(t.spectrum[j]).toBeLessThanOrEqual(t.spectrum[j - 1]);
    expect(t.spectrum[d - 1]).toBeGreaterThanOrEqual(0);
    expect(tr / d).toBeGreaterThan(0.03);
    expect(tr / d).toBeLessThan(0.15);
    // grouping preserves Tr Sigma; Lambda (bulk only) is smaller but of the same order
    expect(t.lambdaFinite()).toBeCloseTo(tr / d, 10);
    expect(t.lambda()).toBeGreaterThan(0.01);
    expect(t.lambda()).toBeLessThan(tr / d);
    expect(t.microscopic.filter((m) => m).length).toBe(10);
    // the model covariance restricted to the top PCs is exact: U^T Sigma_model U has the top eigenvalues
    const cov = t.covariance().data;
    const U = t.basis!.data;
    let q = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += U[i * d] * cov[i * d + j] * U[j * d];
    expect(q).toBeCloseTo(t.spectrum[0], 8);
  });
});

describe('FashionMNIST (installed files)', () => {
  let available = true;
  try {
    fashionMnist({ split: 'test', limit: 1 });
  } catch (e) {
    if (!(e instanceof DatasetUnavailableError)) throw e;
    available = false;
  }
  it.skipIf(!available)(`reads the t10k split from ${FASHION_MNIST_DIRS.join(' or ')}`, () => {
    const { x, labels } = fashionMnist({ split: 'test' });
    expect(x.shape).toEqual([10000, 784]);
    const counts = new Array(10).fill(0);
    for (const l of labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });
});
