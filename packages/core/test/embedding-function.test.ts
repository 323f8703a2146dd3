import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CorruptionError, EmbeddingFunctionError, OmenDB, registerEmbeddingFunction, ValidationError } from '../src/index.js';
import { setDefaultEmbeddingLoader } from '../src/api/default-embedding.js';
import { decodeManifest, encodeManifest } from '../src/format/manifest.js';
import { tempDir } from './helpers/tmp.js';
import { ToyEmbedding } from './helpers/toy-embedding.js';

const tmp = tempDir('omendb-embedding-');
afterAll(tmp.cleanup);
let n = 0;
const freshDir = () => join(tmp.dir, `db${n++}`);
afterEach(() => setDefaultEmbeddingLoader(undefined));

const DOCS = ['a pineapple grows in hawaii', 'oranges come from spain', 'the database stores vectors'];

describe('text-first calls with an embedding function', () => {
  it('add, upsert and update embed documents with one generate call each; query embeds queryTexts', async () => {
    const db = await OmenDB.open(freshDir());
    const ef = new ToyEmbedding();
    const col = await db.createCollection({ name: 'c', embeddingFunction: ef });
    await col.add({ ids: ['p', 'o', 'd'], documents: DOCS, metadatas: [{ k: 1 }, { k: 2 }, { k: 3 }] });
    expect(ef.calls).toBe(1);
    expect(col.dimension).toBe(32);
    const got = await col.get({ ids: ['o'], include: ['embeddings'] });
    expect(got.embeddings).toEqual(await ef.generate([DOCS[1]]));

    const r = await col.query({ queryTexts: ['pineapple from hawaii', 'vectors in a database'], nResults: 1 });
    expect(r.ids).toEqual([['p'], ['d']]);

    await col.upsert({ ids: ['o', 'n'], documents: ['oranges and lemons', 'new text'] });
    await col.update({ ids: ['p'], documents: ['database of vectors'] });
    const after = await col.get({ ids: ['o', 'p'], include: ['embeddings', 'documents', 'metadatas'] });
    expect(after.embeddings).toEqual(await ef.generate(['oranges and lemons', 'database of vectors']));
    // A documents-only update keeps the metadata, as in Chroma.
    expect(after.metadatas).toEqual([null, { k: 1 }]);
    await db.close();
  });

  const bad: [string, (texts: string[]) => Promise<unknown>][] = [
    ['throws', async () => Promise.reject(new Error('rate limited'))],
    ['returns too few vectors', async (t) => t.slice(1).map(() => [1, 2])],
    ['returns ragged vectors', async (t) => t.map((_, i) => (i === 0 ? [1, 2] : [1, 2, 3]))],
    ['returns NaN', async (t) => t.map(() => [1, Number.NaN])],
    ['returns a vector of another dimension than the collection', async (t) => t.map(() => [1, 2, 3])],
  ];
  it.each(bad)('a function that %s is an EmbeddingFunctionError and nothing is written', async (_name, generate) => {
    const dir = freshDir();
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', dimension: 2, embeddingFunction: { generate } as never });
    await expect(col.add({ ids: ['a', 'b'], documents: ['x', 'y'] })).rejects.toBeInstanceOf(EmbeddingFunctionError);
    await expect(col.upsert({ ids: ['a', 'b'], documents: ['x', 'y'] })).rejects.toBeInstanceOf(EmbeddingFunctionError);
    await expect(col.query({ queryTexts: ['x', 'y'] })).rejects.toBeInstanceOf(EmbeddingFunctionError);
    expect(await col.count()).toBe(0);
    await db.close();
    const again = await OmenDB.open(dir);
    expect(await (await again.getCollection('c')).count()).toBe(0);
    await again.close();
  });

  it('checks ids and metadata before calling the function, and rejects a document that is not a string', async () => {
    const db = await OmenDB.open(freshDir());
    const ef = new ToyEmbedding();
    const col = await db.createCollection({ name: 'c', embeddingFunction: ef });
    await expect(col.add({ ids: ['a', 'a'], documents: ['x', 'y'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(col.update({ ids: ['missing'], documents: ['x'] })).rejects.toThrow(/missing/);
    await expect(col.add({ ids: ['a', 'b'], documents: ['x', null] })).rejects.toBeInstanceOf(ValidationError);
    expect(ef.calls).toBe(0);
    await expect(col.query({ queryTexts: ['x'], queryEmbeddings: [[1]] })).rejects.toBeInstanceOf(ValidationError);
    await db.close();
  });

  it('a collection created with embeddingFunction null has none: text calls say what to pass, a documents-only update keeps the vector', async () => {
    const db = await OmenDB.open(freshDir());
    const col = await db.createCollection({ name: 'c', embeddingFunction: null });
    await expect(col.add({ ids: ['a'], documents: ['x'] })).rejects.toThrow(/has no embedding function: pass `embeddingFunction`/);
    await col.add({ ids: ['a'], embeddings: [[1, 2]], documents: ['x'] });
    await col.update({ ids: ['a'], documents: ['y'] });
    expect((await col.get({ include: ['embeddings', 'documents'] })).rows()).toEqual([{ id: 'a', embedding: [1, 2], document: 'y', metadata: undefined }]);
    await db.close();
  });
});

describe('the function a collection was created with', () => {
  class Unregistered extends ToyEmbedding {
    override readonly name = 'not-registered' as never;
  }

  it('is recorded (name + config): reopened, the same function works, another one is an error, none rebuilds a registered class', async () => {
    const dir = freshDir();
    const db = await OmenDB.open(dir);
    await db.createCollection({ name: 'toy', embeddingFunction: new ToyEmbedding(16) });
    await db.createCollection({ name: 'other', embeddingFunction: new Unregistered(16) });
    await (await db.getCollection('toy')).add({ ids: ['p', 'o'], documents: DOCS.slice(0, 2) });
    await db.close();

    const again = await OmenDB.open(dir);
    await expect(again.getCollection({ name: 'toy', embeddingFunction: new ToyEmbedding(8) })).rejects.toThrow(/configured as \{"dim":16\}/);
    await expect(again.getCollection({ name: 'toy', embeddingFunction: new Unregistered(16) })).rejects.toBeInstanceOf(EmbeddingFunctionError);
    await expect(again.getOrCreateCollection({ name: 'toy', embeddingFunction: new Unregistered(16) })).rejects.toBeInstanceOf(EmbeddingFunctionError);

    // Not registered, none passed: the error names the function.
    const other = await again.getCollection({ name: 'other' });
    await expect(other.query({ queryTexts: ['x'] })).rejects.toThrow(/created with embedding function "not-registered": pass it/);

    registerEmbeddingFunction('toy-trigram', ToyEmbedding);
    const toy = await again.getCollection({ name: 'toy' });
    expect((await toy.query({ queryTexts: ['pineapple'], nResults: 1 })).ids).toEqual([['p']]);
    expect(toy.embeddingFunction).toBeInstanceOf(ToyEmbedding);

    const same = await again.getCollection({ name: 'other', embeddingFunction: new Unregistered(16) });
    await same.add({ ids: ['x'], documents: ['x'] });
    expect(await same.count()).toBe(1);
    await again.close();
  });

  it('a function without name or config is recorded as such: reopened, it must be passed again', async () => {
    const dir = freshDir();
    const generate = async (texts: string[]) => texts.map((t) => [t.length, 1]);
    const db = await OmenDB.open(dir);
    await db.createCollection({ name: 'c', embeddingFunction: { generate } });
    await db.close();
    const again = await OmenDB.open(dir);
    const col = await again.getCollection('c');
    await expect(col.add({ ids: ['a'], documents: ['x'] })).rejects.toThrow(/no name or config, so it cannot be rebuilt: pass it again/);
    await (await again.getCollection({ name: 'c', embeddingFunction: { generate } })).add({ ids: ['a'], documents: ['xyz'] });
    expect((await col.get({ include: ['embeddings'] })).embeddings).toEqual([[3, 1]]);
    await again.close();
  });
});

// Once the workspace has the package, the not-installed path cannot be reached from here.
const installed = await import('@omendb/default-embed' as string).then(
  () => true,
  () => false,
);

describe('the default embedding function', () => {
  it.skipIf(installed)('when @omendb/default-embed is not installed, a text call says to install it or pass a function; vectors still work', async () => {
    const db = await OmenDB.open(freshDir());
    const col = await db.createCollection({ name: 'c' });
    await col.add({ ids: ['v'], embeddings: [[1, 2, 3]] });
    const err = await col.add({ ids: ['a'], documents: ['x'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingFunctionError);
    expect((err as Error).message).toMatch(/npm install @omendb\/default-embed.*or pass `embeddingFunction`/);
    expect(await col.count()).toBe(1);
    await db.close();
  });

  it('is imported on the first text call only, registered as omendb-default, and rebuilt on reopen', async () => {
    // A fake package in a temp node_modules: the real module resolution is replaced only in where it looks.
    const pkg = join(tmp.dir, 'node_modules', '@omendb', 'default-embed');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'index.mjs'),
      `export class DefaultEmbeddingFunction {
        name = 'omendb-default';
        async generate(texts) { return texts.map((t) => [t.length, t.split(' ').length, 1]); }
        defaultSpace() { return 'cosine'; }
        supportedSpaces() { return ['cosine', 'l2', 'ip']; }
        getConfig() { return {}; }
        static buildFromConfig() { return new DefaultEmbeddingFunction(); }
      }`,
    );
    const loads: string[] = [];
    setDefaultEmbeddingLoader(async (specifier) => {
      loads.push(specifier);
      return import(pathToFileURL(join(tmp.dir, 'node_modules', specifier, 'index.mjs')).href);
    });
    const dir = freshDir();
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'my_collection' });
    expect(loads).toEqual([]);
    await col.add({ ids: ['id1', 'id2'], documents: ['one two three', 'four'] });
    expect(loads).toEqual(['@omendb/default-embed']);
    expect(col.embeddingFunction?.name).toBe('omendb-default');
    await db.close();

    const again = await OmenDB.open(dir);
    const r = await (await again.getCollection({ name: 'my_collection' })).query({ queryTexts: ['five'], nResults: 1 });
    expect(r.ids).toEqual([['id2']]);
    await expect(again.getCollection({ name: 'my_collection', embeddingFunction: new ToyEmbedding() })).rejects.toThrow(/created with embedding function "omendb-default"/);
    await again.close();
  });
});

describe('the manifest field', () => {
  const state = {
    id: 'x',
    name: 'c',
    dimension: null,
    metric: 'l2' as const,
    metadata: null,
    hnsw: { M: 16, efConstruction: 200, efSearch: 64 },
    checkpointLsn: 0,
    nextSegmentId: 1,
    segments: [],
  };

  it('is optional (manifests written before it decode as none recorded) and round-trips', () => {
    expect(decodeManifest(encodeManifest({ state, tombstones: [] }), 'M').state.embeddingFunction).toBeUndefined();
    const known = { type: 'known' as const, name: 'toy-trigram', config: { dim: 8 } };
    expect(decodeManifest(encodeManifest({ state: { ...state, embeddingFunction: known }, tombstones: [] }), 'M').state.embeddingFunction).toEqual(known);
  });

  it('a malformed record is a CorruptionError', () => {
    const bad = { ...state, embeddingFunction: { type: 'known', name: 3 } } as never;
    expect(() => decodeManifest(encodeManifest({ state: bad, tombstones: [] }), 'M')).toThrow(CorruptionError);
  });
});
