/**
 * Bundles bench/ann-worker.ts into plain JavaScript (bench/.build), so each
 * worker runs on Node alone. Run through tsx, a worker would carry tsx's
 * module-loader thread: an isolate of its own that no `gc()` of the main
 * thread reaches, which held ≈ 55 MB after loading the sources and let it go
 * at a moment of its own choosing (measured: 30 s into an idle process, or
 * not within 45 s). Falling during a build, it took ≈ 500 B/vector off the
 * RSS delta of a 100k build, whichever the engine.
 *
 * Packages stay imports (resolved from node_modules as usual); the built
 * OmenDB package (dist) stays an import of dist, so the API engines run it
 * as applications do, with its linking workers started from beside it.
 */
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Writes bench/.build/ann-worker.js and returns its path. */
export async function bundleAnnWorker(): Promise<string> {
  const outdir = join(here, '.build');
  const dist = pathToFileURL(join(here, '..', 'dist', 'index.js')).href;
  await build({
    entryPoints: [join(here, 'ann-worker.ts')],
    outdir,
    bundle: true,
    format: 'esm',
    // The framework baselines (bench/ann-baselines.ts, imported on demand) become a chunk of their own:
    // bundled inline, their packages' imports would be hoisted and load in every worker (≈ 60 MB of heap).
    splitting: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    plugins: [
      {
        name: 'dist-stays-external',
        setup(b) {
          b.onResolve({ filter: /\/dist\/index\.js$/ }, () => ({ path: dist, external: true }));
        },
      },
    ],
  });
  return join(outdir, 'ann-worker.js');
}
