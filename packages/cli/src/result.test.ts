import { describe, expect, it } from 'vitest';
import { check, checkBelow, ResultSchema } from './result.js';

const valid = {
  id: 'x',
  title: 'X',
  parameters: { n: 1 },
  scale: 'quick',
  seed: 1,
  series: [{ name: 'theory', kind: 'theory', x: [0, 1], y: [1, 2] }, { name: 'samples', kind: 'simulation', points: [[0, 1]] }],
  checks: [check('c', 1, 1, 0.1, 'exact')],
  timings: { total: 3 },
  figures: [{ file: 'a.png', svg: 'a.svg', caption: 'c' }],
  version: '0.0.0',
  createdAt: '2025-01-01T00:00:00.000Z',
};

describe('result schema', () => {
  it('accepts a complete record', () => {
    expect(ResultSchema.safeParse(valid).success).toBe(true);
  });
  it('rejects a bad series kind, a missing field and a bad scale', () => {
    expect(ResultSchema.safeParse({ ...valid, series: [{ name: 's', kind: 'guess' }] }).success).toBe(false);
    const { checks: _c, ...noChecks } = valid;
    expect(ResultSchema.safeParse(noChecks).success).toBe(false);
    expect(ResultSchema.safeParse({ ...valid, scale: 'huge' }).success).toBe(false);
  });
  it('check() passes iff |value - expected| <= tolerance; NaN fails and is stored as null', () => {
    expect(check('a', 1.05, 1, 0.1).pass).toBe(true);
    expect(check('a', 1.2, 1, 0.1).pass).toBe(false);
    const n = check('a', Number.NaN, 1, 0.1);
    expect(n.pass).toBe(false);
    expect(n.value).toBeNull();
    expect(checkBelow('b', 0.01, 0.02).pass).toBe(true);
    expect(checkBelow('b', 0.03, 0.02).pass).toBe(false);
  });
});
