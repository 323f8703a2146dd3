import { defineConfig } from 'tsup';

/**
 * The build of a workspace package with one entry (`src/index.ts`): ESM and
 * CommonJS for Node 20, type declarations and source maps. The adapters and
 * `@omendb/default-embed` use it as is; `@omendb/core` has its own config
 * (several entries, a worker, a version define).
 */
export const packageBuild = defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
