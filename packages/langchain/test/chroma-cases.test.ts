/**
 * The cases of LangChain JS's own Chroma store tests (`chroma.int.test.ts`
 * and `chroma.test.ts` in `@langchain/community`), run against
 * OmenVectorStore with the same calls. Where OmenDB deliberately differs
 * (nested `loc` metadata is kept instead of flattened), the test says so.
 */
import { Document } from '@langchain/core/documents';
import { DimensionMismatchError, OmenDB } from '@omendb/core';
import { describe, expect, it } from 'vitest';
import { OmenVectorStore } from '../src/index.js';
import { DeterministicFakeEmbeddings } from './fake-embeddings.js';
import { storeFixture } from './fixture.js';

const t = storeFixture();
const pageContent = 'Lorem ipsum dolor sit amet';

describe('LangChain JS Chroma cases', () => {
  it('auto-generated ids: the document comes back with its metadata and generated id', async () => {
    const store = t.store({ collectionName: 'test-collection' });
    const [id] = await store.addDocuments([{ pageContent, metadata: { foo: 'bar' } }]);
    expect(await store.similaritySearch(pageContent, 1)).toEqual([new Document({ metadata: { foo: 'bar' }, pageContent, id })]);
  });

  it('metadata filtering: only the matching document of three identical texts', async () => {
    const store = t.store();
    const ids = await store.addDocuments([
      { pageContent, metadata: { foo: 'bar' } },
      { pageContent, metadata: { foo: 'wanted' } },
      { pageContent, metadata: { foo: 'qux' } },
    ]);
    expect(await store.similaritySearch(pageContent, 3, { foo: 'wanted' })).toEqual([
      new Document({ metadata: { foo: 'wanted' }, pageContent, id: ids[1] }),
    ]);
  });

  it('upsert: re-adding with the returned ids replaces instead of duplicating', async () => {
    const store = t.store();
    const docs = [
      { pageContent, metadata: { foo: 'x' } },
      { pageContent, metadata: { foo: 'x' } },
    ];
    const ids = await store.addDocuments(docs);
    expect(await store.similaritySearch(pageContent, 4, { foo: 'x' })).toHaveLength(2);
    const ids2 = await store.addDocuments(docs, { ids });
    expect(ids2).toEqual(ids);
    expect(await store.similaritySearch(pageContent, 4, { foo: 'x' })).toHaveLength(2);
  });

  it('delete by ids', async () => {
    const store = t.store();
    const ids = await store.addDocuments([
      { pageContent, metadata: { foo: 'x' } },
      { pageContent, metadata: { foo: 'x' } },
    ]);
    expect(await store.similaritySearch(pageContent, 2, { foo: 'x' })).toHaveLength(2);
    await store.delete({ ids: ids.slice(0, 1) });
    const left = await store.similaritySearch(pageContent, 2, { foo: 'x' });
    expect(left.map((d) => d.id)).toEqual([ids[1]]);
  });

  it('delete by filter', async () => {
    const store = t.store();
    const ids = await store.addDocuments([
      { pageContent, metadata: { foo: 'x' } },
      { pageContent, metadata: { foo: 'x', bar: 'y' } },
    ]);
    expect(await store.similaritySearch(pageContent, 2, { foo: 'x' })).toHaveLength(2);
    await store.delete({ filter: { bar: 'y' } });
    const left = await store.similaritySearch(pageContent, 2, { foo: 'x' });
    expect(left.map((d) => d.id)).toEqual([ids[0]]);
  });

  it('delete with both ids and filter is refused (Chroma would ignore the filter)', async () => {
    const store = t.store();
    await store.addDocuments(
      [
        { pageContent, metadata: { keep: true } },
        { pageContent, metadata: { keep: false } },
        { pageContent, metadata: { keep: false } },
      ],
      { ids: ['a', 'b', 'c'] },
    );
    // Chroma's store would delete a and b (it ignores the filter): refused rather than answered differently.
    await expect(store.delete({ ids: ['a', 'b'], filter: { keep: false } })).rejects.toThrow(/not both/);
    expect((await store.getByIds(['a', 'b', 'c'])).map((d) => d.id)).toEqual(['a', 'b', 'c']);
  });

  it('delete without ids or filter is rejected', async () => {
    await expect(t.store().delete({})).rejects.toThrow(/ids.*filter/);
    await expect(t.store().delete({ filter: {} })).rejects.toThrow(/ids.*filter/);
  });

  it('load from a client instance: a store on an already open database (`db`)', async () => {
    const db = t.track(await OmenDB.open(t.dir()));
    const store = t.store({ db, collectionName: 'test-collection' });
    await store.addDocuments([
      { pageContent, metadata: { foo: 'bar' } },
      { pageContent, metadata: { foo: 'baz' } },
      { pageContent, metadata: { foo: 'qux' } },
    ]);
    expect(await store.similaritySearch(pageContent, 3)).toHaveLength(3);
    expect(await (await db.getCollection('test-collection')).count()).toBe(3);
  });

  it('adds with collectionMetadata { "hnsw:space": "cosine" }: the collection uses cosine distance', async () => {
    const store = t.store({ collectionName: 'testCollection', collectionMetadata: { 'hnsw:space': 'cosine' } });
    await store.addDocuments([{ pageContent: 'Document 1', metadata: {} }, { pageContent: 'Document 2', metadata: {} }]);
    const collection = await store.ensureCollection();
    expect(collection.metric).toBe('cosine');
    expect(collection.metadata).toEqual({ 'hnsw:space': 'cosine' });
    const [[, distance]] = await store.similaritySearchWithScore('Document 1', 1);
    expect(distance).toBeCloseTo(0, 6);
  });

  it('loc.lines metadata is kept nested (Chroma flattens it to locFrom/locTo) and round-trips', async () => {
    const store = t.store();
    const metadata = { source: 'source.html', loc: { lines: { from: 0, to: 4 } } };
    await store.addDocuments([{ pageContent: 'Document 1', metadata }]);
    const [doc] = await store.similaritySearch('Document 1', 1);
    expect(doc.metadata).toEqual({ source: 'source.html', loc: { lines: { from: 0, to: 4 } } });
  });

  it('vectors of the wrong length for numDimensions are rejected', async () => {
    const store = t.store({ collectionName: 'testCollection', numDimensions: 3 });
    const documents = [
      { metadata: { id: 1 }, pageContent: 'Document 1' },
      { metadata: { id: 2 }, pageContent: 'Document 2' },
    ];
    await expect(store.addVectors([[1, 2], [3, 4]], documents)).rejects.toBeInstanceOf(DimensionMismatchError);
  });

  it('similarity search returns up to k results with their scores', async () => {
    const store = t.store();
    await store.addVectors(
      [[1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0]],
      [1, 2, 3, 4, 5, 6].map((i) => ({ pageContent: `Document ${i}`, metadata: { id: i } })),
    );
    const results = await store.similaritySearchVectorWithScore([1, 2], 5);
    expect(results).toHaveLength(5);
    expect(results.map(([doc]) => doc.metadata.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('returns the id given at add time', async () => {
    const store = t.store({ collectionName: 'new-test-collection' });
    const document1 = { pageContent: 'Document 1', metadata: { source: 'https://example.com' } };
    await store.addDocuments([document1], { ids: ['0'] });
    const result = await store.similaritySearch(document1.pageContent, 1);
    expect(result[0]).toHaveProperty('id', '0');
  });

  it('a store built like a Chroma one with fromDocuments is reopened with fromExistingCollection', async () => {
    const path = t.dir();
    const embeddings = new DeterministicFakeEmbeddings();
    const args = { path, collectionName: 'godel-escher-bach', collectionMetadata: { 'hnsw:space': 'cosine' } };
    const written = t.track(await OmenVectorStore.fromTexts(['Hello world', 'Bye bye', 'hello nice world'], [{ id: 2 }, { id: 1 }, { id: 3 }], embeddings, args));
    const reader = t.track(await OmenVectorStore.fromExistingCollection(embeddings, { path, collectionName: 'godel-escher-bach' }));
    const [hit] = await reader.similaritySearch('Bye bye', 1);
    expect(hit.metadata).toEqual({ id: 1 });
    await written.close();
    expect((await reader.similaritySearch('Hello world', 1))[0].metadata).toEqual({ id: 2 });
  });
});
