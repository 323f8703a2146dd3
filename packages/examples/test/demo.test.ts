/**
 * The demo end to end, as CI runs it: a child process with a pipe for stdout
 * (no TTY), on a small folder of Markdown written here. Needs `@omendb/core`
 * and `@omendb/default-embed` built (`pnpm build`). It runs with
 * `--embedder hashing` (instant); the semantic default's run and the
 * argument errors are further children (seconds of CPU each), in
 * example-processes.long.test.ts; the model itself is tested in-process in
 * default-embed's tests.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
});
