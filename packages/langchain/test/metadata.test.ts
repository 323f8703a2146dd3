/**
 * Metadata as LangChain's loaders and splitters produce it round-trips
 * unchanged — nested objects, arrays, nulls, booleans — and the documents
 * given to the store are never modified.
 */
import { Document } from '@langchain/core/documents';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { ValidationError } from '@omendb/core';
import { describe, expect, it } from 'vitest';
import { storeFixture } from './fixture.js';

const t = storeFixture();

/** Freezes `value` and everything inside it, so that any write to it throws (tests run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Shaped like the metadata of LangChain's PDF, text-splitter, JSON and GitHub loaders. */
const LOADER_METADATA = {
  source: 'docs/manual.pdf',
  pdf: {
    version: '1.10.100',
    info: { PDFFormatVersion: '1.4', IsAcroFormPresent: false, Title: 'Manual', Pages: 3 },
    metadata: null,
    totalPages: 3,
  },
  loc: { pageNumber: 2, lines: { from: 14, to: 37 } },
  line: 12,
  repository: 'https://github.com/example/repo',
  branch: 'main',
  tags: ['guide', 'install', 3, true, null],
  score: 0.25,
  empty: {},
};

describe('metadata round trip', () => {
  it('nested loader metadata comes back deep-equal from search and getByIds', async () => {
    const store = t.store();
    const doc = deepFreeze(new Document({ pageContent: 'How to install', metadata: structuredClone(LOADER_METADATA) }));
    const [id] = await store.addDocuments([doc]);
    expect((await store.similaritySearch('How to install', 1))[0]).toEqual(new Document({ pageContent: 'How to install', metadata: LOADER_METADATA, id }));
    expect((await store.getByIds([id]))[0].metadata).toEqual(LOADER_METADATA);
    expect(doc.id).toBeUndefined();
  });

  it('text-splitter output (loc.lines) round-trips and is filterable by a dotted key', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of the guide talks about topic ${i % 7}.`).join('\n');
    const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 200, chunkOverlap: 20 });
    const chunks = await splitter.splitDocuments([new Document({ pageContent: text, metadata: { source: 'guide.md' } })]);
    expect(chunks.length).toBeGreaterThan(3);
    const given = deepFreeze(structuredClone(chunks));
    const store = t.store();
    const ids = await store.addDocuments(given, { ids: chunks.map((_, i) => `chunk-${i}`) });
    const back = await store.getByIds(ids);
    expect(back.map((d) => ({ pageContent: d.pageContent, metadata: d.metadata }))).toEqual(
      chunks.map((d) => ({ pageContent: d.pageContent, metadata: d.metadata })),
    );
    expect(back[1].metadata.loc.lines.from).toBeGreaterThan(1);

    const late = await store.similaritySearch('topic', chunks.length, { 'loc.lines.from': { $gte: 20 } });
    const expected = chunks.filter((c) => c.metadata.loc.lines.from >= 20).length;
    expect(late).toHaveLength(expected);
    for (const d of late) expect(d.metadata.loc.lines.from).toBeGreaterThanOrEqual(20);
  });

  it('addVectors leaves frozen vectors and documents untouched', async () => {
    const store = t.store();
    const vectors = deepFreeze([[1, 2, 3]]);
    const docs = deepFreeze([new Document({ pageContent: 'p', metadata: { a: { b: [1, 2] } } })]);
    await expect(store.addVectors(vectors as number[][], docs)).resolves.toHaveLength(1);
  });

  it('a returned document is a copy: changing it does not change the store', async () => {
    const store = t.store();
    const [id] = await store.addDocuments([new Document({ pageContent: 'p', metadata: { a: { b: 1 } } })]);
    const [first] = await store.getByIds([id]);
    first.metadata.a.b = 2;
    expect((await store.getByIds([id]))[0].metadata).toEqual({ a: { b: 1 } });
  });

  it('metadata that is not plain data (a Date) is a ValidationError naming the field', async () => {
    const store = t.store();
    const bad = [new Document({ pageContent: 'p', metadata: { when: new Date(0) } })];
    await expect(store.addDocuments(bad)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.addDocuments(bad)).rejects.toThrow(/metadatas\.0\.when/);
  });
});
