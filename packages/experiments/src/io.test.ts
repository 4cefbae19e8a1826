import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from './io.js';

describe('atomic write', () => {
  it('writes, overwrites and leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-atomic-'));
    const f = join(dir, 'sub', 'a.json');
    writeJsonAtomic(f, { a: 1 });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ a: 1 });
    writeFileAtomic(f, 'second');
    expect(readFileSync(f, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.json']);
  });
  it('on failure keeps the old content and removes the temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-atomic-'));
    const target = join(dir, 'isdir');
    mkdirSync(join(target, 'child'), { recursive: true }); // rename onto a non-empty directory fails
    expect(() => writeFileAtomic(target, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['isdir']);
  });
});
