import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Check, type ExperimentResult, ResultSchema, writeFileAtomic } from '@diffusion-theory/experiments';
import { ParameterError } from '@diffusion-theory/kernel';

export interface ReportInput {
  results: ExperimentResult[];
  /** Experiments whose last run threw (from DIR/<id>/error.json). */
  errors: Array<{ id: string; title?: string; error: string }>;
  /** Files that could not be read or did not match the schema. */
  invalid: Array<{ file: string; problem: string }>;
}

/**
 * Read the latest outcome of every experiment in `dir`: one entry per `DIR/<id>`, its
 * `result.json` (validated against ResultSchema) or its `error.json` (the run failed). A run
 * replaces `DIR/<id>` as a whole, so a directory holds one of the two; when a directory from an
 * older version holds both, the newer file wins. Hidden entries (staging directories of runs in
 * progress or killed, `.<id>.partial-*`) are skipped.
 * @throws ParameterError when `dir` does not exist or is not a directory.
 */
export function readResults(dir: string): ReportInput {
  if (!existsSync(dir)) throw new ParameterError(`report: no such directory ${dir}`);
  if (!statSync(dir).isDirectory()) throw new ParameterError(`report: ${dir} is a file, expected a results directory`);
  const input: ReportInput = { results: [], errors: [], invalid: [] };
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const sub = join(dir, name);
    if (!statSync(sub).isDirectory()) continue;
    const rf = join(sub, 'result.json');
    const ef = join(sub, 'error.json');
    const hasResult = existsSync(rf);
    const hasError = existsSync(ef);
    if (hasError && (!hasResult || statSync(ef).mtimeMs >= statSync(rf).mtimeMs)) {
      try {
        const e = JSON.parse(readFileSync(ef, 'utf8')) as { id?: string; title?: string; error?: string };
        input.errors.push({ id: e.id ?? name, title: e.title, error: e.error ?? 'unknown error' });
      } catch (err) {
        input.invalid.push({ file: ef, problem: (err as Error).message });
      }
      continue;
    }
    if (!hasResult) continue;
    try {
      const parsed = ResultSchema.safeParse(JSON.parse(readFileSync(rf, 'utf8')));
      if (parsed.success) input.results.push(parsed.data);
      else input.invalid.push({ file: rf, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    } catch (err) {
      input.invalid.push({ file: rf, problem: (err as Error).message });
    }
  }
  return input;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(v: number | null): string {
  if (v === null) return 'NaN';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

function value(v: unknown): string {
  return escapeHtml(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

const CSS = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2.2em; border-bottom: 1px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: .9em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
tr.pass td.status { background: #d9f2d9; color: #135f13; font-weight: bold; }
tr.fail td.status { background: #f8d7d7; color: #8a1212; font-weight: bold; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .9em; color: #444; margin-top: .3em; }
.meta { color: #555; font-size: .9em; } .error { background: #f8d7d7; padding: .6em; border-radius: 4px; }
.summary td.n { text-align: right; } code { font-size: .95em; }
`;

/** The HTML of the report: a summary, then per experiment its figures (PNG) with captions, parameters and checks. */
function expectedCell(c: Check): string {
  if (c.kind === 'agreement') return num(c.expected ?? null);
  if (c.kind === 'bound') return `[${c.lower === undefined ? '-inf' : num(c.lower)}, ${c.upper === undefined ? 'inf' : num(c.upper)}]`;
  return '';
}

export function renderReportHtml(input: ReportInput): string {
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>diffusion-theory report</title><style>${CSS}</style></head><body>`);
  parts.push(`<h1>diffusion-theory: theory vs simulation</h1>`);
  parts.push(`<p class="meta">Generated ${escapeHtml(new Date().toISOString())} from ${input.results.length} result(s).</p>`);
  parts.push('<table class="summary"><tr><th>experiment</th><th>scale</th><th>seed</th><th>checks passed</th><th>time</th></tr>');
  for (const r of input.results) {
    const pass = r.checks.filter((c) => c.pass).length;
    const cls = pass === r.checks.length ? 'pass' : 'fail';
    parts.push(`<tr class="${cls}"><td><a href="#${escapeHtml(r.id)}">${escapeHtml(r.id)}</a></td><td>${r.scale}</td><td>${r.seed}</td><td class="status n">${pass}/${r.checks.length}</td><td class="n">${((r.timings.total ?? 0) / 1000).toFixed(1)} s</td></tr>`);
  }
  for (const e of input.errors) {
    parts.push(`<tr class="fail"><td><a href="#${escapeHtml(e.id)}">${escapeHtml(e.id)}</a></td><td colspan="2"></td><td class="status">error</td><td></td></tr>`);
  }
  parts.push('</table>');
  for (const e of input.errors) {
    parts.push(`<h2 id="${escapeHtml(e.id)}">${escapeHtml(e.title ?? e.id)} <small>(${escapeHtml(e.id)})</small></h2>`);
    parts.push(`<p class="error">The last run failed: <code>${escapeHtml(e.error)}</code></p>`);
  }
  for (const r of input.results) {
    parts.push(`<h2 id="${escapeHtml(r.id)}">${escapeHtml(r.title)} <small>(${escapeHtml(r.id)})</small></h2>`);
    parts.push(`<p class="meta">${r.paper ? `${escapeHtml(r.paper)}. ` : ''}Scale <b>${r.scale}</b>, seed ${r.seed}, cli ${escapeHtml(r.version)}, ${escapeHtml(r.createdAt)}.</p>`);
    for (const f of r.figures) {
      const src = `${encodeURIComponent(r.id)}/${encodeURIComponent(f.file)}`;
      parts.push(`<figure><a href="${f.svg ? `${encodeURIComponent(r.id)}/${encodeURIComponent(f.svg)}` : src}"><img src="${src}" alt="${escapeHtml(f.caption)}"></a><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`);
    }
    parts.push('<h3>Checks</h3><table class="checks"><tr><th>status</th><th>kind</th><th>check</th><th>value</th><th>expected or range</th><th>tolerance</th><th>note</th></tr>');
    for (const c of r.checks) {
      parts.push(`<tr class="${c.pass ? 'pass' : 'fail'}"><td class="status">${c.pass ? 'pass' : 'FAIL'}</td><td>${c.kind}</td><td>${escapeHtml(c.name)}</td><td>${num(c.value)}</td><td>${expectedCell(c)}</td><td>${c.tolerance === undefined ? '' : num(c.tolerance)}</td><td>${escapeHtml(c.note)}</td></tr>`);
    }
    parts.push('</table><h3>Parameters</h3><table class="params"><tr><th>parameter</th><th>value</th></tr>');
    for (const [k, v] of Object.entries(r.parameters)) parts.push(`<tr><td><code>${escapeHtml(k)}</code></td><td>${value(v)}</td></tr>`);
    parts.push('</table><h3>Timings</h3><table class="timings"><tr><th>phase</th><th>ms</th></tr>');
    for (const [k, v] of Object.entries(r.timings)) parts.push(`<tr><td>${escapeHtml(k)}</td><td class="n">${v.toFixed(0)}</td></tr>`);
    parts.push('</table>');
  }
  if (input.invalid.length) {
    parts.push('<h2>Unreadable results</h2><ul>');
    for (const i of input.invalid) parts.push(`<li><code>${escapeHtml(i.file)}</code>: ${escapeHtml(i.problem)}</li>`);
    parts.push('</ul>');
  }
  parts.push('</body></html>\n');
  return parts.join('\n');
}

/**
 * Write DIR/index.html from the latest outcome of each experiment in DIR; returns the path and what was read.
 * @throws ParameterError when DIR does not exist or is not a directory.
 */
export function writeReport(dir: string): { file: string; input: ReportInput } {
  const input = readResults(dir);
  const file = join(dir, 'index.html');
  writeFileAtomic(file, renderReportHtml(input));
  return { file, input };
}
