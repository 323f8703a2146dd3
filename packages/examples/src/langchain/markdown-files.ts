/**
 * Markdown files as LangChain `Document`s, one per file, unsplit (splitting
 * is LangChain's job in this example). The same corpora as the demo:
 * - the project's docs: `README.md` and `packages/<name>/docs/**\/*.md` under the repo root;
 * - any folder: every `.md`, `.markdown` and `.txt` file in it, recursively
 *   (hidden entries, `node_modules` and symbolic links skipped).
 * `metadata.source` is the path relative to the corpus root, `/`-separated.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { Document } from '@langchain/core/documents';
import { findRepoRoot } from '../corpus/load.js';

/** Documents plus a description of where they came from. */
export interface MarkdownCorpus {
  documents: Document[];
  /** Human-readable origin. */
  source: string;
}

const TEXT_EXTENSIONS = ['.md', '.markdown', '.txt'];

/** The demo's default corpus; missing files are skipped. */
export function loadProjectDocs(repoRoot: string = findRepoRoot()): MarkdownCorpus {
  const files: string[] = [];
  const readme = join(repoRoot, 'README.md');
  if (existsSync(readme)) files.push(readme);
  const packagesDir = join(repoRoot, 'packages');
  if (existsSync(packagesDir)) {
    for (const name of readdirSync(packagesDir).sort()) {
      const docs = join(packagesDir, name, 'docs');
      if (existsSync(docs) && statSync(docs).isDirectory()) files.push(...listTextFiles(docs).filter((f) => !f.endsWith('.txt')));
    }
  }
  return { documents: toDocuments(files, repoRoot), source: `README.md + packages/*/docs/**/*.md in ${repoRoot}` };
}

/**
 * Every text file under `dir`, in sorted path order.
 * @throws Error if `dir` is not a directory.
 */
export function loadMarkdownDirectory(dir: string): MarkdownCorpus {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`not a directory: ${dir}`);
  return { documents: toDocuments(listTextFiles(root), root), source: root };
}

function toDocuments(files: string[], root: string): Document[] {
  return files.map(
    (file) => new Document({ pageContent: readFileSync(file, 'utf8'), metadata: { source: relative(root, file).split(sep).join('/') } }),
  );
}

function listTextFiles(dir: string): string[] {
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
