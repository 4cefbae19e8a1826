// Browser bundles: every library package, installed from its tarball, bundles with esbuild for
// platform 'browser' (a static import of a Node built-in fails the build). The kernel bundle is
// also run in a bare V8 context (no process, no require): eigh and a seeded Rng work there, and
// the gemm thread pool stays single-threaded.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { mb, npmProject } from './lib.mjs';

export async function browserBundles(work, tarballs) {
  const { build } = await import('esbuild');
  const dir = join(work, 'browser');
  npmProject(dir, tarballs);
  const names = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies;
  const sizes = [];
  for (const name of Object.keys(names)) {
    const entry = join(dir, `entry-${name.split('/')[1]}.js`);
    writeFileSync(entry, `export * from '${name}';\n`);
    const res = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' });
    const text = res.outputFiles[0].text;
    // (a failed resolution of a static node: import already fails the build; this catches externals
    // and literal dynamic imports; the gemm worker's source text, a string run only in Node, is exempt)
    if (/(?:^|[;}\n])import[^;"'`]*?from\s*["']node:|import\(\s*["']node:/.test(text)) throw new Error(`${name}: the browser bundle imports a node: built-in`);
    sizes.push(`${name.split('/')[1]} ${mb(text.length)}`);
  }
  // run kernel's bundle without Node globals
  const entry = join(dir, 'run-kernel.js');
  writeFileSync(
    entry,
    `import { Rng, eigh, fromNested, gemm, gemmThreads } from '@diffusion-theory/kernel';
const { values } = eigh(fromNested([[2, 1], [1, 2]]));
const r = new Rng(3).normals(200 * 200);
const a = new (fromNested([[0]]).constructor)(r, [200, 200]);
const c = gemm(a, a);
globalThis.result = { values: Array.from(values), threads: gemmThreads(), c00: c.get(0, 0) };
// after the (failed) attempt to load worker_threads has settled, gemm still runs, on this thread
globalThis.again = () => gemm(a, a).get(0, 0);
`,
  );
  const res = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent' });
  // a browser-like global: navigator says 8 cores, so gemm asks for worker threads it cannot get
  const ctx = { console, WebAssembly, TextDecoder, TextEncoder, performance, Atomics, SharedArrayBuffer, setTimeout, queueMicrotask, navigator: { hardwareConcurrency: 8 } };
  runInNewContext(res.outputFiles[0].text, ctx);
  await new Promise((r) => setTimeout(r, 100));
  const out = ctx.result;
  const again = ctx.again();
  if (!out || Math.abs(out.values[0] - 1) > 1e-12 || Math.abs(out.values[1] - 3) > 1e-12 || out.threads !== 4 || !Number.isFinite(out.c00) || again !== out.c00) {
    throw new Error(`kernel bundle in a bare context gave ${JSON.stringify(out)}`);
  }
  return `browser bundles (esbuild, minified): ${sizes.join(', ')}; kernel bundle runs without Node globals (eigh ok; gemm asked for ${out.threads} threads, got none, same result on one)`;
}
