import { describe, expect, it } from 'vitest';
import { createProgress, isInteractive } from './progress.js';

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
});
