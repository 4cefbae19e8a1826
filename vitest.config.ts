import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import sibling packages from source, so `vitest run` needs no build.
const pkgs = readdirSync(resolve(import.meta.dirname, 'packages'));
const alias = pkgs.map((p) => ({
  find: new RegExp(`^@diffusion-theory/${p}$`),
  replacement: resolve(import.meta.dirname, `packages/${p}/src/index.ts`),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tooling/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
