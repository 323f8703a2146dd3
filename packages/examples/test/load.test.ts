import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRepoRoot, loadDefaultCorpus, loadDirectory, loadJsonl } from '../src/corpus/load.js';
import { HAS_RUST_BOOK, RUST_BOOK_JSONL } from './rust-book.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omendb-examples-load-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const paragraph = 'This paragraph has enough prose in it to count as a passage.';

describe('loadJsonl', () => {
  it.skipIf(!HAS_RUST_BOOK)('reads all 1,083 Rust book passages with their fields', async () => {
    const corpus = await loadJsonl(RUST_BOOK_JSONL);
    expect(corpus.passages).toHaveLength(1083);
    expect(corpus.fileCount).toBe(111);
    expect(new Set(corpus.passages.map((p) => p.id)).size).toBe(1083);
    expect(corpus.passages[0]).toMatchObject({ id: 'rustbook-00000', file: 'src/title-page.md', headings: ['The Rust Programming Language'] });
  });

  it('fills in missing id, file and headings and skips blank lines', async () => {
    const path = join(dir, 'p.jsonl');
    writeFileSync(path, '{"text":"first"}\n\n{"text":"second","id":7,"file":"x.md","headings":["A","B"]}\n');
    const { passages, fileCount } = await loadJsonl(path);
    expect(passages).toEqual([
      { id: 'p.jsonl#1', file: 'p.jsonl', headings: [], text: 'first' },
      { id: '7', file: 'x.md', headings: ['A', 'B'], text: 'second' },
    ]);
    expect(fileCount).toBe(2);
  });

  it('names the line of a malformed record', async () => {
    const cases: [string, RegExp][] = [
      ['{"text":"ok"}\n{"text":', /p\.jsonl:2: invalid JSON/],
      ['{"text":"ok"}\n{"id":"x"}', /p\.jsonl:2: "text" must be a non-empty string/],
      ['[1]', /p\.jsonl:1: expected a JSON object/],
      ['{"text":"a","headings":"h"}', /p\.jsonl:1: "headings" must be an array of strings/],
      ['{"text":"a","id":"x"}\n{"text":"b","id":"x"}', /p\.jsonl:2: duplicate id "x"/],
    ];
    for (const [content, error] of cases) {
      const path = join(dir, 'p.jsonl');
      writeFileSync(path, content);
      await expect(loadJsonl(path)).rejects.toThrow(error);
    }
  });
});

describe('loadDirectory', () => {
  it('reads .md and .txt files recursively in path order, skipping hidden folders and node_modules', () => {
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    mkdirSync(join(dir, '.hidden'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'b.md'), `# B\n\n${paragraph}`);
    writeFileSync(join(dir, 'a.txt'), paragraph);
    writeFileSync(join(dir, 'sub', 'deeper', 'c.md'), `# C\n\n${paragraph}`);
    writeFileSync(join(dir, 'image.png'), 'not text');
    writeFileSync(join(dir, '.hidden', 'h.md'), paragraph);
    writeFileSync(join(dir, 'node_modules', 'n.md'), paragraph);
    const corpus = loadDirectory(dir);
    expect(corpus.fileCount).toBe(3);
    expect(corpus.passages.map((p) => p.id)).toEqual(['a.txt#0', 'b.md#0', 'sub/deeper/c.md#0']);
    expect(corpus.passages[2].headings).toEqual(['C']);
  });

  it('rejects a path that is not a directory', () => {
    expect(() => loadDirectory(join(dir, 'missing'))).toThrow(/not a directory/);
  });
});

describe('loadDefaultCorpus', () => {
  it('reads README.md and packages/*/docs/**/*.md, paths relative to the root', () => {
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages: []\n');
    writeFileSync(join(dir, 'README.md'), `# Project\n\n${paragraph}`);
    mkdirSync(join(dir, 'packages', 'core', 'docs', 'format'), { recursive: true });
    mkdirSync(join(dir, 'packages', 'core', 'src'), { recursive: true });
    writeFileSync(join(dir, 'packages', 'core', 'docs', 'format', 'wal.md'), `# WAL\n\n${paragraph}`);
    writeFileSync(join(dir, 'packages', 'core', 'docs', 'notes.txt'), paragraph);
    writeFileSync(join(dir, 'packages', 'core', 'src', 'x.md'), paragraph);
    const corpus = loadDefaultCorpus(dir);
    expect(corpus.passages.map((p) => p.file)).toEqual(['README.md', 'packages/core/docs/format/wal.md']);
    expect(corpus.fileCount).toBe(2);
    expect(findRepoRoot(join(dir, 'packages', 'core', 'docs'))).toBe(dir);
  });

  it('finds this repository from the module, whatever the cwd', () => {
    const root = findRepoRoot();
    expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true);
    expect(existsSync(join(root, 'packages', 'examples', 'src', 'corpus', 'load.ts'))).toBe(true);
    expect(loadDefaultCorpus().source).toContain(root);
  });
});
