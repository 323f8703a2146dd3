/**
 * The built package, for tests that start child processes. A child through
 * `node --import tsx` costs about 2 s of CPU (esbuild plus the source graph);
 * the built entry about 0.4 s. `pnpm test` builds before it runs, so children
 * run what a user installs; after editing `src`, run `pnpm build` before a
 * single child-process test file.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function built(name: string): string {
  const path = fileURLToPath(new URL(`../../dist/${name}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`pnpm build\` first (\`pnpm test\` does)`);
  return path;
}

/** Absolute path of the built ESM entry (`@omendb/core`), for `import { OmenDB } from …` in a child script. */
export const DIST_INDEX = built('index.js');

/** Absolute path of the built `omendb` command. */
export const DIST_CLI = built('cli.js');
