/**
 * The demo's --db reuse, its semantic default and its argument errors, and
 * the LlamaIndex and LangChain examples as CI runs them: child processes
 * through tsx, no TTY, no network, the lexical embedder unless a test names
 * the semantic default. Each start costs
 * seconds of CPU (tsx with a cold cache), so they live in the long tier; the
 * fast tier runs the same pipelines in-process (llamaindex-retrieval.test.ts,
 * langchain-rag.test.ts). Needs the packages built (`pnpm build`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample, writeNotes } from './helpers/notes.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'omendb-example-processes-'));
  writeNotes(join(work, 'notes'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('pnpm llamaindex (src/llamaindex/main.ts)', () => {
  it('runs as a child process without a TTY and removes its temporary database', async () => {
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/llamaindex/main.ts', '--', '--embedder', 'hashing', '--dir', join(work, 'notes'), '-q', 'knead the dough', '--k', '1'],
      { cwd: packageDir, env: { ...process.env, INIT_CWD: '', TMPDIR: tmp } },
    );
    // tsx keeps its own cache (tsx-<uid>) in the temp directory; nothing of OmenDB's may remain.
    expect(readdirSync(tmp).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Embedder: HashingEmbedding .*384-d, lexical, not semantic/);
    expect(lines[1]).toMatch(/^Corpus: 3 passages from 3 files in /);
    expect(lines[2]).toMatch(/^Indexed: 3 nodes into OmenDB collection "llamaindex" \(cosine\) in \d+\.\d\d s$/);
    expect(stdout).toMatch(/^Q1: knead the dough\n {2}1\. 0\.\d{4} {2}bread\.md › Bread\n {5}Knead the dough/m);
    expect(stdout).toContain('Q1 returns the same 1 nodes');
  });
});

describe('pnpm langchain (src/langchain/main.ts)', () => {
  it('runs as a child process without a TTY or network and removes its temporary database', async () => {
    const env = { ...process.env, INIT_CWD: '', OPENAI_API_KEY: '' };
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/langchain/main.ts', '--', '--embedder', 'hashing', '--dir', join(work, 'notes'), '-q', 'knead the dough', '--k', '1'],
      { cwd: packageDir, env },
    );
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Embedder: HashingEmbeddings (local feature hashing, 384-d, lexical, not semantic)');
    expect(lines[1]).toMatch(/^LLM: none configured/);
    expect(lines[2]).toBe(`Corpus: 3 files from ${join(work, 'notes')}`);
    expect(lines[3]).toMatch(/^Split: 3 chunks/);
    expect(lines[4]).toMatch(/^Stored: 3 chunks in OmenVectorStore "langchain-rag" \(cosine\) at .+ in \d+\.\d\d s$/);
    expect(stdout).toMatch(/^Q1: knead the dough\nRetrieved context \(cosine distance, lower is closer\):\n {2}1\. 0\.\d{4} {2}bread\.md lines 1–3\n/m);
    expect(stdout).toContain('  | human: knead the dough');
    const dbDir = lines[4].match(/ at (.+) in \d/)![1];
    expect(existsSync(dbDir)).toBe(false);
  });
});

const demo = (...args: string[]) => runExample('src/demo.ts', args);

describe('pnpm demo (src/demo.ts)', () => {
  it('keeps a --db directory and reuses its records on the next run', async () => {
    const dbDir = join(work, 'kept-db');
    const first = await demo('--embedder', 'hashing', '--dir', join(work, 'notes'), '--db', dbDir, '-q', 'bread dough');
    expect(first.code).toBe(0);
    expect(existsSync(dbDir)).toBe(true);
    const second = await demo('--embedder', 'hashing', '--dir', join(work, 'notes'), '--db', dbDir, '-q', 'bread dough');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Reusing 3 records already in collection 'passages'");
    expect(second.stdout).toMatch(/^ {2}1\. 0\.\d{4} {2}bread\.md › Bread$/m);
  });

  it('answers by meaning with the default embedder, not by shared words', async () => {
    // The notes plus a decoy that shares the questions' words but not their meaning:
    // the hashing embedder ranks the decoy first for both questions.
    const dir = join(work, 'decoy');
    writeNotes(dir, 'txt');
    writeFileSync(
      join(dir, 'office.md'),
      '# Office\n\nThe plants in the lobby are plastic; how frequently the building gets maintenance is on the notice board, and there is no bike parking.\n',
    );
    const { code, stdout, stderr } = await demo('--dir', dir, '-q', 'how frequently to irrigate the plants', '-q', 'maintenance for my bike', '--k', '1');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^Embedder: @omendb\/default-embed \(omendb-default\): Universal Sentence Encoder lite, 512-d, semantic, offline/);
    expect(stdout.slice(stdout.indexOf('Q1:'))).toMatch(/^ {2}1\. 0\.\d{4} {2}garden\/tomatoes\.md › Garden › Tomatoes$/m);
    expect(stdout.slice(stdout.indexOf('Q2:'))).toMatch(/^ {2}1\. 0\.\d{4} {2}bikes\.txt$/m);
  });

  it('rejects bad arguments with a message and a non-zero exit', async () => {
    const both = await demo('--dir', work, '--jsonl', join(work, 'x.jsonl'));
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/cannot be used with/);
    // The other option errors (--k, --embedder) are parsed in-process in cli.test.ts: a child costs ~2 s of CPU.
    const missing = await demo('--dir', join(work, 'missing'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^demo failed: Error: not a directory/);
  });
});
