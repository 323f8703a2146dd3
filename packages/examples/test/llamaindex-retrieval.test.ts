/**
 * The LlamaIndex example: its embedding adapter, its documents, and the run
 * end to end in-process (as a child process: example-processes.long.test.ts). Needs
 * `@omendb/core` and `@omendb/llamaindex` built (`pnpm build`).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetadataMode } from 'llamaindex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNotes } from './helpers/notes.js';
import { loadDirectory } from '../src/corpus/load.js';
import { HashingEmbedder } from '../src/embedder/hashing-embedder.js';
import { HashingEmbedding } from '../src/llamaindex/hashing-embedding.js';
import { passageDocuments } from '../src/llamaindex/passage-documents.js';
import { runRetrieval } from '../src/llamaindex/retrieval.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'omendb-llamaindex-example-'));
  writeNotes(join(work, 'notes'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('HashingEmbedding', () => {
  it('returns the HashingEmbedder vector as number[]', async () => {
    const embedding = new HashingEmbedding();
    const text = 'Water tomatoes deeply twice a week';
    expect(embedding.dimension).toBe(384);
    expect(await embedding.getTextEmbedding(text)).toEqual(Array.from(new HashingEmbedder().embed(text)));
    expect(await embedding.getQueryEmbedding({ type: 'text', text })).toEqual(await embedding.getTextEmbedding(text));
  });
});

describe('passageDocuments', () => {
  it('makes one document per passage with file and section metadata, embedding the section but not the file', () => {
    const corpus = loadDirectory(join(work, 'notes'));
    const documents = passageDocuments(corpus.passages);
    const tomatoes = documents.find((d) => d.metadata.file === 'garden/tomatoes.md')!;
    expect(documents.map((d) => d.id_).sort()).toEqual(corpus.passages.map((p) => p.id).sort());
    expect(tomatoes.metadata.section).toBe('Garden › Tomatoes');
    expect(tomatoes.getContent(MetadataMode.EMBED)).toContain('Garden › Tomatoes');
    expect(tomatoes.getContent(MetadataMode.EMBED)).not.toContain('garden/tomatoes.md');
  });
});

describe('runRetrieval', () => {
  it('indexes, retrieves with scores, filters, and reopens to the same answer', async () => {
    const corpus = loadDirectory(join(work, 'notes'));
    const dbDir = join(work, 'db-in-process');
    const lines: string[] = [];
    const summary = await runRetrieval({
      corpus,
      dbDir,
      questions: ['how often should I water tomatoes', 'oiling a bicycle chain'],
      k: 2,
      out: (line) => lines.push(line),
    });
    expect(summary.nodeCount).toBe(corpus.passages.length);
    expect(summary.answers[0][0]).toBe(corpus.passages.find((p) => p.file === 'garden/tomatoes.md')!.id);
    expect(summary.answers[1][0]).toBe(corpus.passages.find((p) => p.file === 'bikes.md')!.id);
    expect(summary.reopenedAnswer).toEqual(summary.answers[0]);
    const output = lines.join('\n');
    expect(output).toMatch(/^ {2}1\. 0\.\d{4} {2}garden\/tomatoes\.md › Garden › Tomatoes$/m);
    expect(output).toMatch(/^Q2 again, filtered to file != "bikes\.md":$/m);
    const filtered = output.slice(output.indexOf('Q2 again'));
    expect(filtered).not.toMatch(/ {2}bikes\.md/);
    expect(output).toContain('Reopened with VectorStoreIndex.fromVectorStore: Q1 returns the same 2 nodes');
    expect(existsSync(dbDir)).toBe(true);

    const again: string[] = [];
    const second = await runRetrieval({ corpus, dbDir, questions: ['how often should I water tomatoes'], k: 2, out: (line) => again.push(line) });
    expect(again[2]).toMatch(/^Reusing: \d+ nodes already in OmenDB collection "llamaindex" \(cosine\) at /);
    expect(second.nodeCount).toBe(summary.nodeCount);
    expect(second.answers[0]).toEqual(summary.answers[0]);
  });
});
