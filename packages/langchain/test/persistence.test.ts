/**
 * Durability and sharing: what a store wrote is there for a new store on the
 * same path after `close()`; stores in one process share a directory; the
 * lock is released when the last one closes; `db` is never closed by a store.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from '@langchain/core/documents';
import { ClosedError, DimensionMismatchError, NotFoundError, OmenDB, ValidationError } from '@omendb/core';
import { describe, expect, it } from 'vitest';
import { OmenVectorStore } from '../src/index.js';
import { DeterministicFakeEmbeddings } from './fake-embeddings.js';
import { storeFixture } from './fixture.js';

const t = storeFixture();
const embeddings = new DeterministicFakeEmbeddings();
const threeDocs = () => [
  new Document({ pageContent: 'alpha', metadata: { n: 1, loc: { lines: { from: 1, to: 2 } } } }),
  new Document({ pageContent: 'beta', metadata: { n: 2 } }),
  new Document({ pageContent: 'gamma', metadata: { n: 3 } }),
];

describe('persistence', () => {
  it('documents, ids, metadata and scores survive close() and a new store on the same path', async () => {
    const path = t.dir();
    const first = new OmenVectorStore(embeddings, { path, collectionName: 'notes' });
    const ids = await first.addDocuments(threeDocs());
    await first.delete({ ids: [ids[2]] });
    const before = await first.similaritySearchWithScore('alpha', 3);
    await first.close();

    const second = t.store({ path, collectionName: 'notes' });
    expect(await second.similaritySearchWithScore('alpha', 3)).toEqual(before);
    expect(before.map(([d]) => d.id)).toEqual([ids[0], ids[1]]);
    expect(await second.getByIds(ids)).toEqual([
      new Document({ pageContent: 'alpha', metadata: { n: 1, loc: { lines: { from: 1, to: 2 } } }, id: ids[0] }),
      new Document({ pageContent: 'beta', metadata: { n: 2 }, id: ids[1] }),
    ]);
  });

  it('fromExistingCollection opens what fromDocuments wrote', async () => {
    const path = t.dir();
    const written = await OmenVectorStore.fromDocuments(threeDocs(), embeddings, { path, collectionName: 'c' });
    await written.close();
    const reopened = t.track(await OmenVectorStore.fromExistingCollection(embeddings, { path, collectionName: 'c' }));
    expect((await reopened.similaritySearch('beta', 1))[0].pageContent).toBe('beta');
  });

  it('fromExistingCollection on a missing collection is a NotFoundError naming the directory and what is there', async () => {
    const path = t.dir();
    await (await OmenVectorStore.fromDocuments(threeDocs(), embeddings, { path, collectionName: 'present' })).close();
    const attempt = OmenVectorStore.fromExistingCollection(embeddings, { path, collectionName: 'absent' });
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toThrow(path);
    await expect(attempt).rejects.toThrow('"present"');
    // The failed open released the directory.
    const db = await OmenDB.open(path);
    expect((await db.listCollections()).map((c) => c.name)).toEqual(['present']);
    await db.close();
  });

  it('two stores on one path in one process share the database and see each other’s writes', async () => {
    const path = t.dir();
    const writer = new OmenVectorStore(embeddings, { path, collectionName: 'shared' });
    const reader = new OmenVectorStore(embeddings, { path, collectionName: 'shared' });
    const [ids] = await Promise.all([writer.addDocuments(threeDocs()), reader.ensureCollection()]);
    expect((await reader.getByIds(ids)).map((d) => d.pageContent)).toEqual(['alpha', 'beta', 'gamma']);

    await writer.close();
    await expect(writer.similaritySearch('alpha', 1)).rejects.toBeInstanceOf(ClosedError);
    expect((await reader.similaritySearch('alpha', 1))[0].id).toBe(ids[0]);

    // A direct open in this process shares the database the store holds; the last close releases it.
    const direct = await OmenDB.open(path);
    expect(await (await direct.getCollection('shared')).count()).toBe(3);
    await direct.close();
    expect((await reader.similaritySearch('alpha', 1))[0].id).toBe(ids[0]);
    await reader.close();
    expect(existsSync(join(path, 'LOCK'))).toBe(false);
    const db = await OmenDB.open(path);
    expect(await (await db.getCollection('shared')).count()).toBe(3);
    await db.close();
  });

  it('a store on a path this process opened directly shares that database', async () => {
    const path = t.dir();
    const db = t.track(await OmenDB.open(path));
    const store = t.store({ path, collectionName: 'direct' });
    await store.addDocuments(threeDocs());
    expect(await (await db.getCollection('direct')).count()).toBe(3);
  });

  it('a store never closes a database passed as db', async () => {
    const db = t.track(await OmenDB.open(t.dir()));
    const store = new OmenVectorStore(embeddings, { db, collectionName: 'c' });
    await store.addDocuments(threeDocs());
    await store.close();
    await store.close();
    expect(await (await db.getCollection('c')).count()).toBe(3);
    const again = t.store({ db, collectionName: 'c' });
    expect(await again.similaritySearch('gamma', 1)).toHaveLength(1);
  });

  it('every call after close() is a ClosedError', async () => {
    const store = t.store();
    await store.addDocuments(threeDocs());
    await store.close();
    await expect(store.addDocuments(threeDocs())).rejects.toBeInstanceOf(ClosedError);
    await expect(store.similaritySearch('alpha', 1)).rejects.toBeInstanceOf(ClosedError);
    await expect(store.delete({ ids: ['x'] })).rejects.toBeInstanceOf(ClosedError);
    await expect(store.getByIds(['x'])).rejects.toBeInstanceOf(ClosedError);
  });

  it('reopening with another metric is a ValidationError; without one, the stored metric applies', async () => {
    const path = t.dir();
    await (await OmenVectorStore.fromDocuments(threeDocs(), embeddings, { path, metric: 'cosine' })).close();
    const l2 = new OmenVectorStore(embeddings, { path, collectionMetadata: { 'hnsw:space': 'l2' } });
    await expect(l2.similaritySearch('alpha', 1)).rejects.toBeInstanceOf(ValidationError);
    await l2.close();
    const plain = t.store({ path });
    expect((await plain.ensureCollection()).metric).toBe('cosine');
  });

  it('creates a quantized collection that answers after reopening; another quantization on reopen is a ValidationError', async () => {
    const path = t.dir();
    const pq = { type: 'pq', subvectors: 3, bits: 8 } as const;
    // close() checkpoints: the reopened store searches a quantized segment.
    await (await OmenVectorStore.fromDocuments(threeDocs(), embeddings, { path, quantization: pq })).close();
    const same = t.store({ path, quantization: { bits: 8, subvectors: 3, type: 'pq' } });
    const collection = await same.ensureCollection();
    expect(collection.stats().quantization).toEqual(pq);
    expect(collection.stats().components.codes).toBeGreaterThan(0);
    expect((await same.similaritySearch('beta', 1))[0].pageContent).toBe('beta');
    await same.close();
    const other = new OmenVectorStore(embeddings, { path, quantization: 'sq8' });
    await expect(other.ensureCollection()).rejects.toThrow(/exists with quantization pq\/3\/8, not sq8/);
    await other.close();
  });

  it('reopening with another numDimensions is a DimensionMismatchError', async () => {
    const path = t.dir();
    await (await OmenVectorStore.fromDocuments(threeDocs(), embeddings, { path })).close();
    const store = t.store({ path, numDimensions: 7 });
    await expect(store.ensureCollection()).rejects.toBeInstanceOf(DimensionMismatchError);
  });
});
