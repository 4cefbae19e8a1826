import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { experiments } from '@diffusion-theory/experiments';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM tooling script without type declarations
import { docPath, renderExperimentsDoc } from './experiments.mjs';

describe('docs/experiments.md', () => {
  it('is the catalogue rendered from the current registry (when this fails: UPDATE_DOCS=1 npx vitest run tooling/docs/experiments.test.ts, or node tooling/docs/experiments.mjs after pnpm build)', () => {
    const text = renderExperimentsDoc(experiments);
    if (process.env.UPDATE_DOCS) {
      writeFileSync(`${docPath}.tmp`, text);
      renameSync(`${docPath}.tmp`, docPath);
    }
    for (const e of experiments) expect(text).toContain(`## ${e.id}`);
    expect(readFileSync(docPath, 'utf8')).toBe(text);
  });
});
