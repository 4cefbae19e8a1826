// Library code recognises kernel objects by brand (isNDArray, isRng, isKernelError), never by
// `instanceof` of a class of its own kernel copy: with two kernel versions in one install tree the
// class objects differ. (instanceof also goes through the brand today, via Symbol.hasInstance, but
// a check that reads as identity invites copies that are not.) Scans the library packages' sources.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const LIBRARIES = ['kernel', 'targets', 'denoisers', 'trainers', 'ode-theory', 'samplers', 'metrics', 'rmt-spectra'];
const CLASSES = /\binstanceof\s+(NDArray|Rng|DiffusionTheoryError|ShapeError|DomainError|ParameterError|NonFiniteError|DivergenceError|ConvergenceError|NotPositiveDefiniteError|MissingDependencyError)\b/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (e.endsWith('.ts') && !/\.test\.ts$|test-helpers\.ts$|\.test\.util\.ts$/.test(e)) out.push(p);
  }
  return out;
}

describe('brands, not object identity', () => {
  it('no instanceof NDArray / Rng / kernel error class in library code (use isNDArray, isRng, isKernelError)', () => {
    const hits: string[] = [];
    for (const pkg of LIBRARIES) {
      let files: string[];
      try {
        files = sources(join(root, 'packages', pkg, 'src'));
      } catch {
        continue;
      }
      for (const f of files) {
        readFileSync(f, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '').replace(/\/\*\*.*\*\//, '');
            if (CLASSES.test(code)) hits.push(`${f.slice(root.length + 1)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(hits).toEqual([]);
  });
});
