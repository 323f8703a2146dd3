/**
 * The demo end to end, as CI runs it: a child process with a pipe for stdout
 * (no TTY), on a small folder of Markdown written here. Needs `@omendb/core`
 * and `@omendb/default-embed` built (`pnpm build`). The plumbing tests run
 * with `--embedder hashing` (instant); one runs the semantic default.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample, writeNotes } from './helpers/notes.js';

const demo = (...args: string[]) => runExample('src/demo.ts', args);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'omendb-demo-test-'));
  writeNotes(join(work, 'notes'), 'txt');
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('pnpm demo', () => {
  it('indexes a folder, answers questions and removes its temporary database', async () => {
    const { code, stdout, stderr } = await demo('--', '--embedder', 'hashing', '--dir', join(work, 'notes'), '--query', 'how often should I water tomatoes', '-q', 'oiling a bicycle chain', '--k', '2');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Embedder: HashingEmbedder, 384-d .*lexical, not semantic/);
    expect(lines[1]).toMatch(/^Corpus: 3 passages from 3 files in /);
    expect(stdout).toMatch(/^Embedding \+ storing: 3\/3 passages \(100%/m);
    expect(stdout).toMatch(/^Ingest: 3 passages in \d+\.\d\d s \([\d,]+ passages\/s/m);
    expect(stdout).not.toContain('\r');
    const q1 = stdout.slice(stdout.indexOf('Q1: how often should I water tomatoes'));
    expect(q1).toMatch(/^ {2}1\. 0\.\d{4} {2}garden\/tomatoes\.md › Garden › Tomatoes$/m);
    expect(stdout.slice(stdout.indexOf('Q2: oiling a bicycle chain'))).toMatch(/^ {2}1\. 0\.\d{4} {2}bikes\.txt$/m);
    expect(stdout).toMatch(/^Query latency over 200 queries \(k=2.*median \d+\.\d{3} ms, p95 \d+\.\d{3} ms/m);
    expect(stdout).toMatch(/^db\.stats\(\): count 3, memoryBytes [\d,]+ .*diskBytes [\d,]+/m);
    const dbDir = /^Database: (\S+) \(temporary/m.exec(stdout)?.[1];
    expect(dbDir).toBeDefined();
    expect(existsSync(dbDir as string)).toBe(false);
  });

  it('answers by meaning with the default embedder, not by shared words', async () => {
    // The notes plus a decoy that shares the questions' words but not their meaning:
    // the hashing embedder ranks the decoy first for both questions.
    const dir = join(work, 'decoy');
    cpSync(join(work, 'notes'), dir, { recursive: true });
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
