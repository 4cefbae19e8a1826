import { describe, expect, it } from 'vitest';
import { agreement, bound, property, ResultSchema } from './result.js';

const valid = {
  id: 'x',
  title: 'X',
  parameters: { n: 1 },
  scale: 'quick',
  seed: 1,
  series: [{ name: 'theory', kind: 'theory', x: [0, 1], y: [1, 2] }, { name: 'samples', kind: 'simulation', points: [[0, 1]] }],
  checks: [agreement('c', 1, 1, 0.1, 'exact')],
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
  it('agreement passes iff |value - expected| <= tolerance; NaN fails and is stored as null', () => {
    expect(agreement('a', 1.05, 1, 0.1, 'e').pass).toBe(true);
    expect(agreement('a', 1.2, 1, 0.1, 'e').pass).toBe(false);
    expect(agreement('a', 0.85, 1, 0.1, 'e').pass).toBe(false);
    const n = agreement('a', Number.NaN, 1, 0.1, 'e');
    expect(n.pass).toBe(false);
    expect(n.value).toBeNull();
    expect(() => agreement('a', 1, 1, -1, 'e')).toThrow(/tolerance/);
  });
  it('a bound is stored as a bound, one- or two-sided', () => {
    const b = bound('b', 0.01, { upper: 0.02 }, 'n');
    expect(b).toMatchObject({ kind: 'bound', pass: true, upper: 0.02, lower: undefined });
    expect(b.expected).toBeUndefined();
    expect(bound('b', 0.03, { upper: 0.02 }, 'n').pass).toBe(false);
    expect(bound('b', 0.5, { lower: 1 }, 'n').pass).toBe(false);
    expect(bound('b', 1.5, { lower: 1, upper: 2 }, 'n').pass).toBe(true);
    expect(bound('b', Number.POSITIVE_INFINITY, { lower: 1 }, 'n').pass).toBe(false);
    expect(() => bound('b', 1, {}, 'n')).toThrow(/lower, upper/);
    expect(property('p', false, 'n').pass).toBe(false);
  });
});
