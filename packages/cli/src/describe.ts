import type { AnyExperiment } from '@diffusion-theory/experiments';
import { describeParams } from './params.js';

export function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Render describe's text for one experiment. */
export function describeText(e: AnyExperiment): string {
  const rows = describeParams(e.params, e.defaults as Record<string, Record<string, unknown>>);
  const lines = [`${e.id}: ${e.title}${e.default ? '  [default set]' : ''}`, `paper: ${e.paper}`, '', e.description, '', 'parameters (override with --set key=value):'];
  const show = (v: unknown) => (v === undefined ? '-' : JSON.stringify(v));
  const w = Math.max(...rows.map((r) => r.name.length), 4);
  for (const r of rows) {
    lines.push(`  ${pad(r.name, w)}  ${r.type}${r.range ? (r.range.startsWith('one of') ? `: ${r.range}` : `  in ${r.range}`) : ''}`);
    if (r.description) lines.push(`  ${pad('', w)}  ${r.description}`);
    lines.push(`  ${pad('', w)}  default: quick ${show(r.defaults.quick)}, paper ${show(r.defaults.paper)}`);
  }
  return lines.join('\n');
}
