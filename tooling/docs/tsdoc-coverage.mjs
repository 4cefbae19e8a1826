// TSDoc coverage of the exported functions of the existing packages (issue 7): how many have a doc
// comment, how many have @param/@returns/@throws, how many an @example. `--list` names the missing ones.
// The subfolders of the domain packages (paper code added later) are left out. Usage: node tooling/docs/tsdoc-coverage.mjs
import ts from 'typescript';
import { resolve } from 'node:path';
const root = resolve(import.meta.dirname, '../..');
const pk = ['kernel','targets','denoisers','trainers','ode-theory','samplers','metrics'];
const paths = {}; for (const p of pk) paths[`@diffusion-theory/${p}`] = [`${root}/packages/${p}/src/index.ts`];
const program = ts.createProgram(pk.map((p) => `${root}/packages/${p}/src/index.ts`), { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, paths, baseUrl: root, noEmit: true, skipLibCheck: true });
const checker = program.getTypeChecker();
const list = process.argv.includes('--list');
for (const p of pk) {
  const sf = program.getSourceFile(`${root}/packages/${p}/src/index.ts`);
  const sym = checker.getSymbolAtLocation(sf);
  let n = 0, doc = 0, full = 0, ex = 0; const missing = [];
  for (const e of checker.getExportsOfModule(sym)) {
    const s = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    const d = s.declarations?.[0];
    if (!d || !ts.isFunctionDeclaration(d)) continue;
    const file = d.getSourceFile().fileName;
    if (p !== 'kernel' && /\/src\/[^/]+\//.test(file.replace(`${root}/packages/${p}`, ''))) continue; // new folders
    n++;
    const tags = ts.getJSDocTags(d).map((t) => t.tagName.text);
    const hasDoc = ts.getJSDocCommentsAndTags(d).length > 0;
    if (hasDoc) doc++;
    const needParams = d.parameters.length > 0;
    const ok = hasDoc && (!needParams || tags.includes('param')) && tags.includes('returns') && tags.includes('throws');
    if (ok) full++; else missing.push(s.name);
    if (tags.includes('example')) ex++;
  }
  console.log(`${p}: ${n} functions, ${doc} with a doc comment (${Math.round(100*doc/n)} %), ${full} with @param/@returns/@throws (${Math.round(100*full/n)} %), ${ex} with @example`);
  if (list) console.log('  missing:', missing.join(' '));
}
