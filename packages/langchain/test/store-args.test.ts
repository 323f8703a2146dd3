/**
 * Constructor arguments: Chroma's shapes work, server arguments are refused
 * with an error that says what to pass instead, defaults are `./omendb` and
 * `langchain`, and the static constructors take Chroma's argument order.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from '@langchain/core/documents';
import { OmenDB, ValidationError } from '@omendb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTION_NAME, DEFAULT_PATH, OmenVectorStore, type OmenVectorStoreArgs } from '../src/index.js';
import { DeterministicFakeEmbeddings } from './fake-embeddings.js';
import { storeFixture } from './fixture.js';

const t = storeFixture();
const embeddings = new DeterministicFakeEmbeddings();
const build = (args: unknown) => () => new OmenVectorStore(embeddings, args as OmenVectorStoreArgs);

describe('server arguments', () => {
  it('url is rejected: OmenDB is embedded, pass path or db', () => {
    expect(build({ url: 'http://localhost:8000', collectionName: 'a' })).toThrow(ValidationError);
    expect(build({ url: 'http://localhost:8000' })).toThrow(/embedded.*pass `path`.*or `db`/s);
  });

  for (const key of ['index', 'clientParams', 'chromaCloudAPIKey']) {
    it(`${key} is rejected the same way`, () => {
      expect(build({ [key]: {} })).toThrow(new RegExp(`does not take \`${key}\`: OmenDB is embedded`));
    });
  }

  it('the static constructors reject url before embedding anything', async () => {
    const counting = new DeterministicFakeEmbeddings();
    await expect(OmenVectorStore.fromTexts(['a'], {}, counting, { url: 'http://localhost:8000' } as OmenVectorStoreArgs)).rejects.toThrow(/embedded/);
    await expect(OmenVectorStore.fromExistingCollection(counting, { url: 'http://x' } as OmenVectorStoreArgs)).rejects.toThrow(/embedded/);
    expect(counting.calls).toEqual([]);
  });
});

describe('argument validation', () => {
  it('an unknown key is rejected, naming the accepted ones', () => {
    expect(build({ collection_name: 'x' })).toThrow(/collection_name: unknown argument; expected one of path, collectionName/);
  });

  it('path and db together are rejected', async () => {
    const db = t.track(await OmenDB.open(t.dir()));
    expect(build({ path: t.dir(), db })).toThrow(/either path .* or db/);
  });

  it('values of the wrong type are rejected with their path', () => {
    expect(build({ metric: 'euclidean' })).toThrow(/metric: expected "l2", "cosine" or "ip"/);
    expect(build({ numDimensions: 0 })).toThrow(/numDimensions/);
    expect(build({ filter: 'genre = scifi' })).toThrow(/filter: expected a Chroma where object/);
    expect(build({ db: {} })).toThrow(/db: expected an open OmenDB/);
  });

  it('an invalid collection name is rejected by core on first use', async () => {
    await expect(t.store({ collectionName: '../escape' }).ensureCollection()).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('defaults', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it(`path defaults to ${DEFAULT_PATH} under the cwd and collectionName to "${DEFAULT_COLLECTION_NAME}"`, async () => {
    const dir = t.dir();
    process.chdir(dir);
    const store = t.track(new OmenVectorStore(embeddings));
    expect(store.collectionName).toBe('langchain');
    await store.addDocuments([new Document({ pageContent: 'x' })]);
    await store.close();
    expect(existsSync(join(dir, 'omendb'))).toBe(true);
    const db = await OmenDB.open(join(dir, 'omendb'));
    expect(await (await db.getCollection('langchain')).count()).toBe(1);
    expect((await db.getCollection('langchain')).metric).toBe('l2');
    await db.close();
  });
});

describe('static constructors', () => {
  it('fromTexts with one metadata object per text', async () => {
    const store = t.track(await OmenVectorStore.fromTexts(['Hello world', 'Bye bye'], [{ id: 2 }, { id: 1 }], embeddings, { path: t.dir() }));
    expect((await store.similaritySearch('Bye bye', 1))[0].metadata).toEqual({ id: 1 });
  });

  it('fromTexts with one metadata object shared by all texts, left unmodified', async () => {
    const shared = Object.freeze({ source: 'one.md' });
    const store = t.track(await OmenVectorStore.fromTexts(['a', 'b'], shared, embeddings, { path: t.dir() }));
    expect((await store.similaritySearch('b', 2)).map((d) => d.metadata)).toEqual([{ source: 'one.md' }, { source: 'one.md' }]);
  });

  it("fromDocuments with Chroma's arguments { collectionName, collectionMetadata }", async () => {
    const store = t.track(
      await OmenVectorStore.fromDocuments([new Document({ pageContent: 'x', metadata: { a: 1 } })], embeddings, {
        path: t.dir(),
        collectionName: 'a-test-collection',
        collectionMetadata: { 'hnsw:space': 'cosine' },
      }),
    );
    const collection = await store.ensureCollection();
    expect([collection.name, collection.metric]).toEqual(['a-test-collection', 'cosine']);
  });

  it('fromDocuments closes the store again when adding fails', async () => {
    const path = t.dir();
    const bad = [new Document({ pageContent: 'x', metadata: { 'a.b': 1 } })];
    await expect(OmenVectorStore.fromDocuments(bad, embeddings, { path })).rejects.toBeInstanceOf(ValidationError);
    const db = await OmenDB.open(path);
    await db.close();
  });

  it("_vectorstoreType is 'omendb' and asRetriever tags the retriever with it", () => {
    const store = t.store();
    expect(store._vectorstoreType()).toBe('omendb');
    expect(store.asRetriever().tags).toContain('omendb');
  });
});
