/**
 * README snippets are complete programs (issue 7): every ```ts block of every package README is
 * extracted to .tmp/readme-snippets/<package>-<n>.ts, type-checked as a strict NodeNext module
 * against the packages' sources, and run. A block that is not meant to be a program must use
 * another info string (```text for signatures, ```sh for commands).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const out = join(root, '.tmp', 'readme-snippets');

export interface Snippet {
  pkg: string;
  index: number;
  /** 1-based line of the opening fence in the README. */
  line: number;
  code: string;
  file: string;
}

/** The ```ts blocks of packages/<pkg>/README.md. */
export function extractSnippets(pkg: string): Snippet[] {
  const text = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8');
  const lines = text.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    const index = snippets.length;
    snippets.push({ pkg, index, line: start + 1, code: `${body.join('\n')}\n`, file: join(out, `${pkg}-${index}.ts`) });
  }
  return snippets;
}

const packages = readdirSync(join(root, 'packages')).filter((p) => {
  try {
    readFileSync(join(root, 'packages', p, 'README.md'));
    return true;
  } catch {
    return false;
  }
});
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const all = packages.flatMap(extractSnippets);
for (const s of all) writeFileSync(s.file, `export {};\n${s.code}`);

/** Type errors of every snippet, keyed by file (one program: tsc cost is paid once). */
function typeErrors(): Map<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const p of packages) paths[`@diffusion-theory/${p}`] = [join(root, 'packages', p, 'src', 'index.ts')];
  const program = ts.createProgram(
    all.map((s) => s.file),
    {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      baseUrl: root,
      paths,
    },
  );
  const errors = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? '';
    if (!file.startsWith(out)) continue;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    const msg = `line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    errors.set(file, [...(errors.get(file) ?? []), msg]);
  }
  return errors;
}

/**
 * Blocks written as fragments in README sections added while the paper packages are being built
 * (their authors complete them): recognised by a line they contain. A pending block that has become
 * a complete program fails the test until it leaves this list, so the list only shrinks.
 */
const PENDING: Array<{ pkg: string; contains: string; why: string }> = [
  { pkg: 'denoisers', contains: 'const g = graph();', why: 'nn layer graph (section of the nn helper): xs, ts, n, dLdy, vx undefined' },
  { pkg: 'denoisers', contains: 'linearManifoldScore(lm.embedding)', why: 'linear-manifold score (ventura25 section): lm, rng, x0 undefined' },
  { pkg: 'denoisers', contains: 'mlpUnet({', why: 'EDM network (wang25 section): rng, data, x, n undefined' },
  { pkg: 'experiments', contains: 'defineExperiment({', why: 'a file template for src/<paper>/: relative imports, type-checked only in place' },
  { pkg: 'metrics', contains: 'jacobianSpectrumAlgorithm2(score', why: 'jacobian spectra (ventura25 section): score, x0, rng, eigs, law undefined' },
  { pkg: 'samplers', contains: 'veProbabilityFlowDiscrete({ denoiser: family', why: 'VE flows (zeno25 section): family, yT undefined' },
  { pkg: 'targets', contains: 'linearManifold({ d: 100', why: 'linear manifold (ventura25 section): rng undefined' },
  { pkg: 'trainers', contains: 'adam(net.nParams', why: 'Adam (nn helper section): net, rng, nTrain undefined' },
  { pkg: 'trainers', contains: 'minNormAugmentedLagrangian({', why: 'min-norm training (zeno25 section): set, rng undefined' },
  { pkg: 'trainers', contains: 'trainVeScoreMatching(net', why: 'VE score matching (ventura25 section): net, lm, rng undefined' },
];
const pendingOf = (s: Snippet) => PENDING.find((p) => p.pkg === s.pkg && s.code.includes(p.contains));

describe('README snippets type-check (strict, NodeNext)', () => {
  const errors = typeErrors();
  for (const s of all) {
    const pending = pendingOf(s);
    it(`types: ${s.pkg}/README.md block ${s.index} (line ${s.line})${pending ? ' [pending]' : ''}`, () => {
      const errs = errors.get(s.file) ?? [];
      if (pending) expect(errs.length, `now type-checks: remove it from PENDING (${pending.why})`).toBeGreaterThan(0);
      else expect(errs, `type errors in packages/${s.pkg}/README.md block at line ${s.line}`).toEqual([]);
    });
  }
});

describe('README snippets run', () => {
  for (const s of all.filter((x) => !pendingOf(x))) {
    it(`run: ${s.pkg}/README.md block ${s.index} (line ${s.line})`, { timeout: 60_000 }, async () => {
      await import(s.file);
    });
  }
});
