#!/usr/bin/env node
// Draws docs/layers.svg, the picture of which package imports which, from the workspace
// dependencies of packages/*/package.json (runtime dependencies solid, test-only devDependencies
// dashed), and checks that every runtime arrow points down a layer or within the domain layer
// (never up). `--check` writes nothing and exits 1 when the SVG is stale or an arrow points up.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const out = join(root, 'docs', 'layers.svg');
const SCOPE = '@diffusion-theory/';
/** The layers, bottom first (docs/layers.md explains them); a package not listed is reported. */
const LAYERS = [
  ['kernel', ['kernel']],
  ['domain', ['targets', 'denoisers', 'trainers', 'ode-theory', 'samplers', 'metrics', 'rmt-spectra']],
  ['figures', ['plots']],
  ['paper reproductions', ['experiments']],
  ['shell', ['cli']],
];

const pkgs = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => {
    const j = JSON.parse(readFileSync(join(root, 'packages', e.name, 'package.json'), 'utf8'));
    const local = (deps) => Object.keys(deps ?? {}).filter((k) => k.startsWith(SCOPE)).map((k) => k.slice(SCOPE.length));
    return { name: j.name.slice(SCOPE.length), deps: local(j.dependencies), dev: local(j.devDependencies).filter((k) => !local(j.dependencies).includes(k)) };
  });
const layerOf = new Map(LAYERS.flatMap(([, names], i) => names.map((n) => [n, i])));
const problems = [];
for (const p of pkgs) if (!layerOf.has(p.name)) problems.push(`packages/${p.name}: not in a layer of tooling/docs/layers.mjs`);
for (const p of pkgs) {
  for (const d of p.deps) if (layerOf.get(d) > layerOf.get(p.name)) problems.push(`${p.name} imports ${d}, a higher layer`);
}

// Rows: each layer, split by the longest chain of runtime imports inside it (trainers above denoisers).
const byName = new Map(pkgs.map((p) => [p.name, p]));
const depth = (n, seen = new Set()) => {
  if (seen.has(n)) {
    problems.push(`import cycle through ${n}`);
    return 0;
  }
  const p = byName.get(n);
  const inner = (p?.deps ?? []).filter((d) => layerOf.get(d) === layerOf.get(n));
  return inner.length ? 1 + Math.max(...inner.map((d) => depth(d, new Set([...seen, n])))) : 0;
};
const rows = [];
LAYERS.forEach(([label, names], li) => {
  const present = names.filter((n) => byName.has(n));
  const levels = Math.max(0, ...present.map((n) => depth(n)));
  for (let lv = 0; lv <= levels; lv++) rows.push({ label: lv === 0 ? label : '', layer: li, names: present.filter((n) => depth(n) === lv) });
});

// Layout: bottom row at the bottom; a package sits in a column of a 6-column grid (COLUMN; new
// packages go to the first free column of their row) so that long arrows pass between boxes;
// kernel is a bar under everything (every arrow into it drops straight down).
const COLUMN = { targets: 0, denoisers: 1, trainers: 2, 'ode-theory': 3, samplers: 4, metrics: 5, plots: 5, experiments: 2.5, cli: 3.5 };
const W = 1000;
const BOX = { w: 118, h: 34 };
const ROW_H = 86;
const LEFT = 190;
const COL_W = (W - LEFT - 20) / 6;
const H = rows.length * ROW_H + 40;
const pos = new Map();
rows.forEach((r, i) => {
  r.y = H - 40 - i * ROW_H;
  const used = new Set();
  for (const n of r.names) {
    let c = COLUMN[n];
    if (c === undefined || used.has(c)) for (c = 0; used.has(c); c++);
    used.add(c);
    pos.set(n, { x: LEFT + COL_W * (c + 0.5), y: r.y, w: n === 'kernel' ? W - LEFT - 30 : BOX.w });
  }
  if (r.names.includes('kernel')) pos.get('kernel').x = LEFT + (W - LEFT - 20) / 2;
});
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const parts = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">`,
  '<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
  `<rect width="${W}" height="${H}" fill="#fff"/>`,
];
LAYERS.forEach(([label], li) => {
  const ys = rows.filter((x) => x.layer === li && x.names.length).map((x) => x.y);
  if (!ys.length) return;
  const top = Math.min(...ys) - BOX.h / 2 - 12;
  const bottom = Math.max(...ys) + BOX.h / 2 + (li === 1 ? 26 : 12);
  parts.push(`<rect x="8" y="${top}" width="${W - 16}" height="${bottom - top}" rx="6" fill="${li % 2 ? '#f4f6fa' : '#fafafa'}" stroke="#ddd"/>`);
  parts.push(`<text x="20" y="${(top + bottom) / 2 + 4}" fill="#444" font-weight="bold">${esc(label)}</text>`);
});
const edge = (from, to, dashed) => {
  const a = pos.get(from);
  const b = pos.get(to);
  if (!a || !b) return;
  const style = `stroke="${dashed ? '#999' : '#555'}" stroke-width="1.3" fill="none"${dashed ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#a)"`;
  if (a.y === b.y) {
    // same row: an arc under the boxes
    const y = a.y + BOX.h / 2;
    parts.push(`<path d="M${a.x},${y} Q${(a.x + b.x) / 2},${y + 22 + Math.abs(a.x - b.x) / 12} ${b.x},${y}" ${style}/>`);
    return;
  }
  const down = b.y > a.y;
  const x2 = to === 'kernel' ? a.x : b.x;
  parts.push(`<line x1="${a.x}" y1="${a.y + (down ? BOX.h / 2 : -BOX.h / 2)}" x2="${x2}" y2="${b.y + (down ? -BOX.h / 2 : BOX.h / 2)}" ${style}/>`);
};
for (const p of pkgs) {
  for (const d of p.dev) edge(p.name, d, true);
  for (const d of p.deps) edge(p.name, d, false);
}
for (const [n, { x, y, w }] of pos) {
  parts.push(`<rect x="${x - w / 2}" y="${y - BOX.h / 2}" width="${w}" height="${BOX.h}" rx="5" fill="#fff" stroke="#333"/>`);
  parts.push(`<text x="${x}" y="${y + 4}" text-anchor="middle">${esc(n)}</text>`);
}
parts.push(`<text x="${W - 16}" y="18" text-anchor="end" fill="#555" font-size="11">arrow = imports (solid: dependency; dashed: tests only). Generated by tooling/docs/layers.mjs from packages/*/package.json</text>`);
parts.push('</svg>', '');
const svg = parts.join('\n');

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (current !== svg) problems.push('docs/layers.svg is stale: run node tooling/docs/layers.mjs');
} else {
  writeFileSync(out, svg);
  console.log(`wrote ${out} (${pkgs.length} packages, ${pkgs.reduce((s, p) => s + p.deps.length, 0)} imports)`);
}
if (problems.length) {
  for (const m of problems) console.error(m);
  process.exit(1);
}
