import { describe, expect, it } from 'vitest';
import { createProgress, createSeedProgress, isInteractive } from './progress.js';

describe('progress', () => {
  it('is interactive only on a TTY without CI', () => {
    expect(isInteractive({}, { isTTY: true })).toBe(true);
    expect(isInteractive({ CI: 'true' }, { isTTY: true })).toBe(false);
    expect(isInteractive({}, { isTTY: false })).toBe(false);
  });
  it('prints one line at the start and end of a phase and reports its duration once', () => {
    const lines: string[] = [];
    const done: string[] = [];
    const p = createProgress({ label: 'x', interactive: false, write: (l) => lines.push(l), onPhaseDone: (n) => done.push(n) });
    const ph = p.phase('train', 10);
    for (let i = 0; i < 10; i++) ph.tick();
    ph.done();
    ph.done();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('x | train ...');
    expect(lines[1]).toMatch(/^x \| train done in \d+ ms$/);
    expect(done).toEqual(['train']);
  });
  it('over seeds, prints a line every `every` seeds and after the last, counting runs with a failing check', () => {
    const lines: string[] = [];
    const p = createSeedProgress({ label: 'coin', total: 7, interactive: false, write: (l) => lines.push(l), every: 3 });
    for (let s = 0; s < 7; s++) p.update(100 + s, s !== 1 && s !== 5);
    p.stop();
    expect(p.done).toBe(7);
    expect(p.failing).toBe(2);
    expect(lines.map((l) => l.replace(/, [\d.]+ m?s$/, ''))).toEqual([
      'coin | 3/7 seeds (last 102), 1 with a failing check',
      'coin | 6/7 seeds (last 105), 2 with a failing check',
      'coin | 7/7 seeds (last 106), 2 with a failing check',
    ]);
  });
});
