/**
 * Markdown files as LangChain `Document`s, one per file, unsplit (splitting
 * is LangChain's job in this example). The same corpora as the demo:
 * - the project's docs: `README.md` and `packages/<name>/docs/**\/*.md` under the repo root;
 * - any folder: every `.md`, `.markdown` and `.txt` file in it, recursively
 *   (hidden entries, `node_modules` and symbolic links skipped).
 * `metadata.source` is the path relative to the corpus root, `/`-separated.
 */
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { Document } from '@langchain/core/documents';
import { findRepoRoot, listTextFiles, projectDocFiles, requireDirectory } from '../corpus/files.js';

/** Documents plus a description of where they came from. */
export interface MarkdownCorpus {
  documents: Document[];
  /** Human-readable origin. */
  source: string;
}

/** The demo's default corpus; missing files are skipped. */
export function loadProjectDocs(repoRoot: string = findRepoRoot()): MarkdownCorpus {
  return { documents: toDocuments(projectDocFiles(repoRoot), repoRoot), source: `README.md + packages/*/docs/**/*.md in ${repoRoot}` };
}

/**
 * Every text file under `dir`, in sorted path order.
 * @throws Error if `dir` is not a directory.
 */
export function loadMarkdownDirectory(dir: string): MarkdownCorpus {
  const root = requireDirectory(dir);
  return { documents: toDocuments(listTextFiles(root), root), source: root };
}

function toDocuments(files: string[], root: string): Document[] {
  return files.map(
    (file) => new Document({ pageContent: readFileSync(file, 'utf8'), metadata: { source: relative(root, file).split(sep).join('/') } }),
  );
}
