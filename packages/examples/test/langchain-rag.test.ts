/**
 * The LangChain RAG example: its embeddings adapter, its Markdown loading,
 * the pipeline in-process (with and without a chat model). The command as a
 * child process is in example-processes.long.test.ts. Needs `@omendb/core`
 * and `@omendb/langchain` built (`pnpm build`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeChatModel } from '@langchain/core/utils/testing';
import { OmenDB } from '@omendb/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNotes } from './helpers/notes.js';
import { HashingEmbedder } from '../src/embedder/hashing-embedder.js';
import { HashingEmbeddings } from '../src/langchain/hashing-embeddings.js';
import { chatModelFromEnv } from '../src/langchain/llm-from-env.js';
import { loadMarkdownDirectory, loadProjectDocs } from '../src/langchain/markdown-files.js';
import { COLLECTION, runRag } from '../src/langchain/rag.js';

let work: string;
let notes: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'omendb-langchain-example-'));
  notes = join(work, 'notes');
  writeNotes(notes);
  mkdirSync(join(notes, 'node_modules'), { recursive: true });
  writeFileSync(join(notes, '.hidden.md'), '# Hidden\n\nNever indexed.\n');
  writeFileSync(join(notes, 'node_modules', 'dep.md'), '# Dependency\n\nNever indexed.\n');
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('HashingEmbeddings', () => {
  it('returns the HashingEmbedder vectors as number[]', async () => {
    const embeddings = new HashingEmbeddings();
    const text = 'Water tomatoes deeply twice a week';
    expect(embeddings.dimension).toBe(384);
    expect(await embeddings.embedQuery(text)).toEqual(Array.from(new HashingEmbedder().embed(text)));
    expect(await embeddings.embedDocuments([text, 'bread'])).toEqual([await embeddings.embedQuery(text), await embeddings.embedQuery('bread')]);
  });
});

describe('markdown files', () => {
  it('loads each text file of a folder whole, with its relative path as source, skipping hidden files and node_modules', () => {
    const corpus = loadMarkdownDirectory(notes);
    expect(corpus.documents.map((d) => d.metadata.source)).toEqual(['bikes.md', 'bread.md', 'garden/tomatoes.md']);
    expect(corpus.documents[2].pageContent).toContain('## Tomatoes');
  });

  it("loads the project's README and docs by default", () => {
    const corpus = loadProjectDocs();
    const sources = corpus.documents.map((d) => d.metadata.source);
    expect(sources).toContain('README.md');
    for (const source of sources) expect(source === 'README.md' || /^packages\/[^/]+\/docs\/.+\.md$/.test(source)).toBe(true);
  });

  it('rejects a path that is not a directory', () => {
    expect(() => loadMarkdownDirectory(join(notes, 'bread.md'))).toThrow(/not a directory/);
  });
});

describe('runRag', () => {
  it('splits, stores, retrieves the right chunk, prints the prompt, and is idempotent on a second run', async () => {
    const dbDir = join(work, 'db');
    const lines: string[] = [];
    const options = {
      documents: loadMarkdownDirectory(notes).documents,
      dbDir,
      questions: ['how often should I water tomatoes', 'oiling a bicycle chain'],
      k: 2,
      out: (line: string) => lines.push(line),
    };
    const first = await runRag(options);
    expect(first.chunkCount).toBe(3);
    expect(first.answers.map((a) => a.chunkIds[0])).toEqual(['garden/tomatoes.md#0', 'bikes.md#0']);
    expect(first.answers[0].answer).toBeNull();
    expect(first.answers[0].prompt).toMatch(/^system: Answer the question using only the context below/);
    expect(first.answers[0].prompt).toContain('[garden/tomatoes.md lines 1–5]\n# Garden');
    expect(first.answers[0].prompt).toMatch(/human: how often should I water tomatoes$/);
    const output = lines.join('\n');
    expect(output).toMatch(/^Split: 3 chunks with RecursiveCharacterTextSplitter/m);
    expect(output).toMatch(/^ {2}1\. 0\.\d{4} {2}garden\/tomatoes\.md lines 1–5$/m);
    expect(output).toContain('Prompt that would be sent:\n  | system: Answer the question');

    const second = await runRag({ ...options, out: () => undefined });
    expect(second.answers.map((a) => a.chunkIds)).toEqual(first.answers.map((a) => a.chunkIds));
    const db = await OmenDB.open(dbDir);
    expect(await (await db.getCollection(COLLECTION)).count()).toBe(3);
    await db.close();
  });

  it('with a chat model, sends it the prompt and prints its answer', async () => {
    const lines: string[] = [];
    // FakeChatModel answers with the text of the messages it was sent.
    const { answers } = await runRag({
      documents: loadMarkdownDirectory(notes).documents,
      dbDir: join(work, 'db-llm'),
      questions: ['knead the dough'],
      k: 1,
      llm: new FakeChatModel({}),
      out: (line) => lines.push(line),
    });
    expect(answers[0].answer).toContain('Knead the dough for ten minutes');
    expect(answers[0].answer).toMatch(/knead the dough$/);
    expect(lines.join('\n')).toContain('Answer: Answer the question using only the context below');
    expect(lines.join('\n')).not.toContain('Prompt that would be sent');
  });
});

describe('chatModelFromEnv', () => {
  it('configures no model without OPENAI_API_KEY', async () => {
    const { llm, description } = await chatModelFromEnv({});
    expect(llm).toBeNull();
    expect(description).toMatch(/^none configured \(set OPENAI_API_KEY/);
  });

  it('configures ChatOpenAI from the environment without calling it', async () => {
    const { llm, description } = await chatModelFromEnv({ OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'some-model', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(llm?._llmType()).toBe('openai');
    expect(description).toBe('ChatOpenAI some-model at http://127.0.0.1:9/v1');
  });
});
