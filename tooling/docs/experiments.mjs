#!/usr/bin/env node
// Writes docs/experiments.md, the catalogue of every registered experiment (id, paper, default set,
// description, parameters with their meaning and both scales, perturbation hooks), from the
// experiments registry itself, so it cannot drift: tooling/docs/experiments.test.ts re-renders it
// from source and fails when the file is stale. Run after `pnpm build`:
//   node tooling/docs/experiments.mjs
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const docPath = join(root, 'docs', 'experiments.md');

const cell = (v) => (v === undefined ? '–' : Array.isArray(v) ? v.join(', ') : String(v)).replace(/\|/g, '\\|');
const oneLine = (s) => String(s ?? '').replace(/\s+/g, ' ').trim();

/** The markdown catalogue of `experiments` (the registry array, in `list` order). */
export function renderExperimentsDoc(experiments) {
  const out = [
    '# Experiments',
    '',
    'Generated from the registry by `node tooling/docs/experiments.mjs` (checked by the tests). Run one with',
    '`diffusion-theory run <id> [--scale quick|paper] [--set name=value]`; `diffusion-theory describe <id>` prints the same.',
    '',
    '| id | paper | default set |',
    '| --- | --- | --- |',
    ...experiments.map((e) => `| [\`${e.id}\`](#${e.id}) | ${cell(oneLine(e.paper))} | ${e.default ? 'yes' : 'no'} |`),
    '',
  ];
  for (const e of experiments) {
    out.push(`## ${e.id}`, '', `**${oneLine(e.title)}**. ${oneLine(e.paper)}.`, '', oneLine(e.description), '');
    out.push('| parameter | meaning | quick | paper |', '| --- | --- | --- | --- |');
    for (const [name, schema] of Object.entries(e.params.shape)) {
      out.push(`| \`${name}\` | ${cell(oneLine(schema.description))} | ${cell(e.defaults.quick[name])} | ${cell(e.defaults.paper[name])} |`);
    }
    out.push('');
    const perturb = Object.entries(e.perturbations ?? {});
    if (perturb.length) out.push(`Perturbation hooks (tests break the theory through these): ${perturb.map(([k, v]) => `\`${k}\` (${oneLine(v)})`).join('; ')}.`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { experiments } = await import(pathToFileURL(join(root, 'packages/experiments/dist/index.js')).href);
  const text = renderExperimentsDoc(experiments);
  let old = '';
  try {
    old = readFileSync(docPath, 'utf8');
  } catch {}
  if (old === text) console.log('docs/experiments.md is up to date');
  else {
    writeFileSync(`${docPath}.tmp`, text);
    renameSync(`${docPath}.tmp`, docPath);
    console.log(`wrote docs/experiments.md (${experiments.length} experiments)`);
  }
}
