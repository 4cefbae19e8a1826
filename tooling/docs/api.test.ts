// The API reference builds without warnings (issue 7): TypeDoc over the library packages with
// treatWarningsAsErrors, validation only (no HTML written), the configuration of `pnpm docs:api`.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

test('pnpm docs:api: TypeDoc validates every exported doc comment without a warning', () => {
  const r = spawnSync(join(root, 'node_modules/.bin/typedoc'), ['--options', 'tooling/docs/typedoc.json', '--emit', 'none'], { cwd: root, encoding: 'utf8' });
  const output = `${r.stdout}\n${r.stderr}`;
  expect(output).not.toMatch(/\[warning\]|\[error\]/);
  expect(r.status, output).toBe(0);
});
