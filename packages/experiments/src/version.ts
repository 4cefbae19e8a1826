import { readFileSync } from 'node:fs';

/** Version of @diffusion-theory/experiments (package.json is one level above both src/ and dist/). */
export function experimentsVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
