import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // The library, and the `omendb` command (src/cli/main.ts starts with its #! line, which esbuild keeps).
  // The parallel HNSW build's and the batched queries' workers are entries of their own: hnsw-build.ts and
  // hnsw-search-pool.ts start them from beside the bundle.
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
    'hnsw-build-worker': 'src/ann/hnsw/hnsw-build-worker.ts',
    'hnsw-search-worker': 'src/ann/hnsw/hnsw-search-worker.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CommonJS build (createRequire of the optional mmap binding).
  shims: true,
  tsconfig: 'tsconfig.build.json',
  define: { OMENDB_VERSION: JSON.stringify(version) },
  // `stemmer` ships ESM only: bundled, so the CommonJS build needs no require() of an ES module.
  noExternal: ['stemmer'],
});
