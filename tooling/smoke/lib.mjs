// Shared helpers of the consumer smoke tests: pack the workspace packages the way they are
// published, make fresh npm projects from the tarballs, measure what an install brings.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** Run a command, return its stdout; on failure the error carries stdout and stderr. */
export function run(cmd, args, cwd, env) {
  try {
    return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, ...env } });
  } catch (e) {
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${out.slice(-4000)}`);
  }
}

export const pkgJson = (name) => JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));

/** Short names of the workspace packages (folders under packages/). */
export function workspacePackages() {
  return readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'package.json')));
}

/**
 * `pnpm pack` every package (workspace: ranges become real ones) into `dir`; returns short name ->
 * tarball path. Needs the packages built (dist/).
 */
export function packAll(dir, names = workspacePackages()) {
  for (const name of names) {
    if (!existsSync(join(root, 'packages', name, 'dist', 'index.js'))) {
      throw new Error(`packages/${name}/dist is missing: build first (pnpm build)`);
    }
  }
  mkdirSync(dir, { recursive: true });
  run('npx', ['-y', 'pnpm@10', '-r', '--filter', './packages/*', 'pack', '--pack-destination', dir], root);
  const out = {};
  for (const name of names) {
    const { version } = pkgJson(name);
    const file = join(dir, `diffusion-theory-${name}-${version}.tgz`);
    if (!existsSync(file)) throw new Error(`pnpm pack made no ${file}`);
    out[name] = file;
  }
  return out;
}

/** The workspace packages `name` needs installed beside it (dependencies and required peers, transitively). */
export function closure(name) {
  const seen = new Set();
  const visit = (n) => {
    if (seen.has(n)) return;
    seen.add(n);
    const pj = pkgJson(n);
    const optional = pj.peerDependenciesMeta ?? {};
    const deps = { ...pj.dependencies, ...Object.fromEntries(Object.entries(pj.peerDependencies ?? {}).filter(([k]) => !optional[k]?.optional)) };
    for (const dep of Object.keys(deps)) if (dep.startsWith('@diffusion-theory/')) visit(dep.slice('@diffusion-theory/'.length));
  };
  visit(name);
  return [...seen];
}

/** A fresh npm project in `dir` with `tarballs` installed (dependencies from the npm registry/cache). */
export function npmProject(dir, tarballs, extra = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', ...extra }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', ...tarballs], dir);
}

/** Bytes of files (apparent size) and number of installed packages (`installed`) under `dir/node_modules`. */
export function measure(dir) {
  let bytes = 0;
  let installed = 0;
  const walk = (d, isModules) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (isModules && e.name.startsWith('@')) {
          walk(p, true);
          continue;
        }
        if (isModules && e.name !== '.bin' && e.name !== '.cache' && existsSync(join(p, 'package.json'))) installed++;
        walk(p, e.name === 'node_modules');
      } else bytes += statSync(p).size;
    }
  };
  const nm = join(dir, 'node_modules');
  if (existsSync(nm)) walk(nm, true);
  return { bytes, installed };
}

export const mb = (bytes) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;

/** A TypeScript-strict, nodenext tsconfig for a consumer project. */
export const strictTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: false,
    skipLibCheck: false,
    types: [],
    outDir: 'out',
  },
};
