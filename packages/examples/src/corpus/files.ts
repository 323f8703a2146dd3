/**
 * Which files make up a corpus: the project's own docs (`README.md` and
 * `packages/<name>/docs/**\/*.md` under the repo root) or every text file
 * under a folder. Shared by the demo's passage loader and the LangChain
 * example's document loader.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEXT_EXTENSIONS = ['.md', '.markdown', '.txt'];

/**
 * The workspace root: the nearest ancestor of `from` holding `pnpm-workspace.yaml`.
 * @param from a directory; defaults to this module's directory, so the answer does not depend on the cwd.
 * @throws Error if no ancestor has the file.
 */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
}

/** The default corpus files: the root README and Markdown under `packages/<name>/docs/`; missing ones are skipped. */
export function projectDocFiles(repoRoot: string): string[] {
  const files: string[] = [];
  const readme = join(repoRoot, 'README.md');
  if (existsSync(readme)) files.push(readme);
  const packagesDir = join(repoRoot, 'packages');
  if (existsSync(packagesDir)) {
    for (const name of readdirSync(packagesDir).sort()) {
      const docs = join(packagesDir, name, 'docs');
      if (existsSync(docs) && statSync(docs).isDirectory()) {
        files.push(...listTextFiles(docs).filter((file) => !file.endsWith('.txt')));
      }
    }
  }
  return files;
}

/** The absolute path of `dir`; throws Error when it is not a directory. */
export function requireDirectory(dir: string): string {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`not a directory: ${dir}`);
  return root;
}

/** Symbolic links are not followed, so a link back to an ancestor cannot loop. */
export function listTextFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTextFiles(path));
    else if (entry.isFile() && TEXT_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext))) out.push(path);
  }
  return out;
}
