#!/usr/bin/env node
// Consumer smoke test: pack `kernel` and `targets` the way they would be published, install the
// tarballs into a fresh temporary project (dependencies from the npm registry, nothing from the
// workspace), import them there and compute something. Proves the packages work installed alone.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'dt-consumer-'));
const packDir = join(work, 'tarballs');
const pnpm = ['-y', 'pnpm@10'];
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  for (const pkg of ['kernel', 'targets']) {
    run('npx', [...pnpm, 'pack', '--pack-destination', packDir], join(root, 'packages', pkg));
  }
  const tarballs = readdirSync(packDir).map((f) => join(packDir, f));
  const app = join(work, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
  writeFileSync(
    join(app, 'main.mjs'),
    `import { Rng, fromNested, eigh, linearInterpolant } from '@diffusion-theory/kernel';
import { gaussian } from '@diffusion-theory/targets';
const a = fromNested([[2, 1], [1, 2]]);
const { values } = eigh(a);
if (Math.abs(values[0] - 1) > 1e-12 || Math.abs(values[1] - 3) > 1e-12) throw new Error('eigh gave ' + values);
const target = gaussian({ mean: new Float64Array([1, -1]), covariance: a });
const x = target.sample(20000, new Rng(7));
let m0 = 0; for (let i = 0; i < 20000; i++) m0 += x.data[2 * i] / 20000;
if (Math.abs(m0 - 1) > 0.05) throw new Error('sample mean ' + m0);
const f = target.denoiser(linearInterpolant()).denoise(new Float64Array([0.5, 0.5]), 1, 0.5);
if (!f.every(Number.isFinite)) throw new Error('denoiser not finite');
console.log('consumer smoke test: ok (eigenvalues ' + Array.from(values).join(', ') + ', sample mean ' + m0.toFixed(3) + ')');
`,
  );
  process.stdout.write(run('node', ['main.mjs'], app));
} finally {
  rmSync(work, { recursive: true, force: true });
}
