#!/usr/bin/env node
// Run after `changeset version` (root script `version-packages`). Every domain package declares
// kernel as a peer with a range `workspace:>=X <M` (not `workspace:^`: changesets turns a peer that
// leaves its range into a *major* bump of the dependent, which in 0.x means 0.1.0 -> 1.0.0). All
// packages are in one `fixed` group, so after versioning they share one version V; this script
// raises the floor X to V (the code of a release needs the kernel of that release) and M to the
// next major, so the published peer range is `>=V <M`.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const kernel = JSON.parse(readFileSync(join(root, 'packages/kernel/package.json'), 'utf8')).version;
const [major] = kernel.split('.').map(Number);
const range = `workspace:>=${kernel} <${major + 1}`;
for (const name of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', name, 'package.json');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue;
  }
  const pj = JSON.parse(text);
  const peer = pj.peerDependencies?.['@diffusion-theory/kernel'];
  if (!peer || peer === range) continue;
  pj.peerDependencies['@diffusion-theory/kernel'] = range;
  writeFileSync(file, `${JSON.stringify(pj, null, 2)}\n`);
  console.log(`${pj.name}: peer @diffusion-theory/kernel ${peer} -> ${range}`);
}
