/**
 * The three corpus sources of the examples, each turned into passages:
 * - the project's own docs: `README.md` and `packages/*\/docs/**\/*.md` under the repo root;
 * - any folder of `.md` / `.txt` files, recursively;
 * - a JSONL file of ready-made passages, one JSON object per line:
 *   `{ "text": string, "id"?: string, "file"?: string, "headings"?: string[] }`.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { basename, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { splitMarkdown } from '../text/markdown-splitter.js';
import { findRepoRoot, listTextFiles, projectDocFiles, requireDirectory } from './files.js';
import type { Passage } from './passage.js';

/** Passages plus a description of where they came from. */
export interface Corpus {
  passages: Passage[];
  /** Number of distinct source files the passages came from. */
  fileCount: number;
  /** Human-readable origin, e.g. `"README.md + packages/*\/docs/**\/*.md in /repo"`. */
  source: string;
}

export { findRepoRoot };

/**
 * The default corpus: `README.md` at the repo root and every Markdown file under
 * `packages/<name>/docs/`, file paths relative to the root. Missing files are skipped.
 */
export function loadDefaultCorpus(repoRoot: string = findRepoRoot()): Corpus {
  const files = projectDocFiles(repoRoot);
  return {
    passages: splitFiles(files, repoRoot),
    fileCount: files.length,
    source: `README.md + packages/*/docs/**/*.md in ${repoRoot}`,
  };
}

/**
 * Every `.md`, `.markdown` and `.txt` file under `dir`, recursively, in sorted
 * path order; hidden entries and `node_modules` are skipped.
 * @throws Error if `dir` is not a directory.
 */
export function loadDirectory(dir: string): Corpus {
  const root = requireDirectory(dir);
  const files = listTextFiles(root);
  return { passages: splitFiles(files, root), fileCount: files.length, source: root };
}

/**
 * Passages from a JSONL file. Missing fields default: `id` to `<file name>#<line number>`,
 * `file` to the JSONL's own name, `headings` to `[]`. Blank lines are skipped.
 * @throws Error naming the line number on malformed JSON, a missing or empty `text`,
 * a field of the wrong type, or a repeated `id`.
 */
export async function loadJsonl(path: string): Promise<Corpus> {
  const absolute = resolve(path);
  const name = basename(absolute);
  const passages: Passage[] = [];
  const ids = new Set<string>();
  const files = new Set<string>();
  const lines = createInterface({ input: createReadStream(absolute, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const passage = parsePassageLine(line, `${name}:${lineNumber}`, name);
    if (ids.has(passage.id)) throw new Error(`${name}:${lineNumber}: duplicate id ${JSON.stringify(passage.id)}`);
    ids.add(passage.id);
    files.add(passage.file);
    passages.push(passage);
  }
  return { passages, fileCount: files.size, source: absolute };
}

/** Validates one JSONL record; `where` (`file:line`) prefixes every error. */
function parsePassageLine(line: string, where: string, defaultFile: string): Passage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`${where}: invalid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a JSON object`);
  const record = value as Record<string, unknown>;
  const { text, id, file, headings } = record;
  if (typeof text !== 'string' || text.trim() === '') throw new Error(`${where}: "text" must be a non-empty string`);
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') throw new Error(`${where}: "id" must be a string or a number`);
  if (file !== undefined && typeof file !== 'string') throw new Error(`${where}: "file" must be a string`);
  if (headings !== undefined && !(Array.isArray(headings) && headings.every((h) => typeof h === 'string'))) {
    throw new Error(`${where}: "headings" must be an array of strings`);
  }
  return {
    id: id === undefined ? where.replace(/:(\d+)$/, '#$1') : String(id),
    file: file ?? defaultFile,
    headings: (headings as string[] | undefined) ?? [],
    text,
  };
}

/** Splits each file, recording its path relative to `root` with `/` separators. */
function splitFiles(files: string[], root: string): Passage[] {
  return files.flatMap((file) => splitMarkdown(readFileSync(file, 'utf8'), relative(root, file).split(sep).join('/')));
}

