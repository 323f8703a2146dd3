/**
 * Bad input that used to slip through, each a typed error that names where
 * the problem is and writes nothing: holes in input arrays, ill-formed UTF-16,
 * collection and record metadata that cannot be read as plain data, deletes
 * that select everything through empty filters, and vectors longer than the
 * dimension cap in a collection created without a dimension.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_DIMENSION, MAX_WRITE_BYTES } from '../src/api/limits.js';
import { OmenDB, ValidationError, type Collection } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';

const { dir, cleanup } = tempDir('omendb-input-');
let db: OmenDB;
let col: Collection;
const v = [0.1, 0.2, 0.3];

beforeAll(async () => {
  db = await OmenDB.open(dir);
  col = await db.createCollection({ name: 'c', dimension: 3 });
  await col.add({ ids: ['a', 'b'], embeddings: [v, v], metadatas: [{ n: 1 }, { n: 2 }], documents: ['x', 'y'] });
});
afterAll(async () => {
  await db.close();
  cleanup();
});

/** The error `run` rejects with; fails the test when it resolves. */
async function rejection(run: () => Promise<unknown>): Promise<ValidationError> {
  const err: unknown = await run().then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

/** Checks that `run` is refused with an issue of `code` at `path`, and that the collection's log did not move. */
async function refused(run: () => Promise<unknown>, code: string, path: (string | number)[]): Promise<void> {
  const lsn = col.stats().lastLsn;
  const err = await rejection(run);
  expect(err.issues.map((i) => ({ code: i.code, path: i.path }))).toContainEqual({ code, path });
  expect(col.stats().lastLsn).toBe(lsn);
  expect(await col.count()).toBe(2);
}

describe('holes in input arrays are a ValidationError naming the index', () => {
  it('ids: the reported case, where one record was stored and the other dropped', async () => {
    await refused(() => col.add({ ids: [, 'c'] as string[], embeddings: [v, v] }), 'hole', ['ids', 0]);
    await refused(() => col.upsert({ ids: ['c', , 'd'] as string[], embeddings: [v, v, v] }), 'hole', ['ids', 1]);
  });

  it('embeddings, metadatas and documents', async () => {
    await refused(() => col.add({ ids: ['c', 'd'], embeddings: [v, ,] as number[][] }), 'hole', ['embeddings', 1]);
    await refused(() => col.add({ ids: ['c', 'd'], embeddings: [, v] as number[][] }), 'hole', ['embeddings', 0]);
    await refused(() => col.add({ ids: ['c', 'd'], embeddings: [v, v], metadatas: [{}, ,] }), 'hole', ['metadatas', 1]);
    await refused(() => col.add({ ids: ['c', 'd'], embeddings: [v, v], documents: [, 'y'] }), 'hole', ['documents', 0]);
    await refused(() => col.update({ ids: ['a', 'b'], documents: ['z', ,] }), 'hole', ['documents', 1]);
    await refused(() => col.add({ ids: ['c'], embeddings: [[1, , 3] as number[]] }), 'hole', ['embeddings', 0, 1]);
  });

  it('ids of get and delete, query embeddings and include', async () => {
    await refused(() => col.get({ ids: ['a', , 'b'] as string[] }), 'hole', ['ids', 1]);
    await refused(() => col.delete({ ids: [, 'a'] as string[] }), 'hole', ['ids', 0]);
    await refused(() => col.query({ queryEmbeddings: [v, ,] as number[][] }), 'hole', ['queryEmbeddings', 1]);
    await refused(() => col.query({ queryEmbeddings: [[1, , 3] as number[]] }), 'hole', ['queryEmbeddings', 0, 1]);
    await refused(() => col.get({ include: ['metadatas', , 'documents'] as never }), 'hole', ['include', 1]);
  });

  it('an explicit undefined is not a hole: no metadata, no document', async () => {
    await col.upsert({ ids: ['a'], embeddings: [v], metadatas: [undefined], documents: [undefined] });
    expect(await col.get({ ids: ['a'] })).toMatchObject({ metadatas: [null], documents: [null] });
  });
});

describe('ill-formed UTF-16 (a lone surrogate) is a ValidationError', () => {
  it("ids: '\\uD800', '\\uDBFF' and '\\uFFFD' no longer collide", async () => {
    await refused(() => col.add({ ids: ['\uD800'], embeddings: [v] }), 'ill_formed_string', ['ids', 0]);
    await refused(() => col.add({ ids: ['ok', 'x\uDBFF'], embeddings: [v, v] }), 'ill_formed_string', ['ids', 1]);
    await refused(() => col.get({ ids: ['\uDC00'] }), 'ill_formed_string', ['ids', 0]);
    await refused(() => col.delete({ ids: ['\uDC00'] }), 'ill_formed_string', ['ids', 0]);
  });

  it('metadata keys and string values, documents', async () => {
    await refused(() => col.add({ ids: ['c'], embeddings: [v], metadatas: [{ '\uD800': 1 }] }), 'ill_formed_string', ['metadatas', 0, '\uD800']);
    await refused(() => col.add({ ids: ['c'], embeddings: [v], metadatas: [{ s: 'a\uDFFFb' }] }), 'ill_formed_string', ['metadatas', 0, 's']);
    await refused(() => col.update({ ids: ['a'], metadatas: [{ tags: ['\uD83D'] }] }), 'ill_formed_string', ['metadatas', 0, 'tags', 0]);
    await refused(() => col.add({ ids: ['c'], embeddings: [v], documents: ['text \uD800'] }), 'ill_formed_string', ['documents', 0]);
  });

  it('well-formed text round-trips exactly: U+FFFD itself, surrogate pairs', async () => {
    const { dir: d, cleanup: c } = tempDir();
    const db2 = await OmenDB.open(d);
    const col2 = await db2.createCollection({ name: 'u', dimension: 3 });
    const ids = ['\uFFFD', '😀', 'a\uD83D\uDE00b'];
    await col2.add({ ids, embeddings: [v, v, v], metadatas: [{ '😀': '\uFFFD' }, null, null], documents: ['😀 \uFFFD', null, null] });
    await db2.close();
    const db3 = await OmenDB.open(d);
    const got = await (await db3.getCollection('u')).get({ ids });
    expect(got.ids).toEqual(ids);
    expect(got.metadatas[0]).toEqual({ '😀': '\uFFFD' });
    expect(got.documents[0]).toBe('😀 \uFFFD');
    await expect(db3.createCollection({ name: 'n\uD800' })).rejects.toBeInstanceOf(ValidationError);
    await db3.close();
    c();
  });
});

describe('metadata that is not plain data is a ValidationError', () => {
  const cyclic = (): Record<string, unknown> => {
    const m: Record<string, unknown> = { a: 1 };
    m.self = m;
    return m;
  };
  const throwing = () => ({ ok: 1, get bad(): number { throw new TypeError('getter'); } });
  const cases: [name: string, metadata: unknown, code: string, path: (string | number)[]][] = [
    ['cyclic', cyclic(), 'circular', ['self']],
    ['a BigInt', { n: 10n }, 'invalid_type', ['n']],
    ['a throwing getter', throwing(), 'unreadable', ['bad']],
    ['a Proxy', new Proxy({ a: 1 }, {}), 'invalid_type', []],
    ['a Proxy whose traps throw', new Proxy({}, { ownKeys: () => { throw new Error('trap'); } }), 'invalid_type', []],
    ['a nested Proxy', { a: new Proxy({}, {}) }, 'invalid_type', ['a']],
    ['a lone surrogate', { s: '\uD800' }, 'ill_formed_string', ['s']],
  ];

  it.each(cases)('createCollection with %s metadata', async (_name, metadata, code, path) => {
    const err = await rejection(() => db.createCollection({ name: 'meta', metadata: metadata as Record<string, unknown> }));
    expect(err.issues.map((i) => ({ code: i.code, path: i.path }))).toContainEqual({ code, path: ['metadata', ...path] });
    expect((await db.listCollections()).map((c) => c.name)).not.toContain('meta');
  });

  it.each(cases)('a record with %s metadata', async (_name, metadata, code, path) => {
    await refused(() => col.add({ ids: ['c'], embeddings: [v], metadatas: [metadata as never] }), code, ['metadatas', 0, ...path]);
  });

  it('arguments whose getters throw', async () => {
    const args = { get ids(): string[] { throw new Error('no ids'); }, embeddings: [v] };
    await refused(() => col.add(args), 'unreadable', []);
    await rejection(() => db.createCollection({ get name(): string { throw new Error('no name'); } }));
  });

  it('collection metadata keeps keys records may not have, and round-trips', async () => {
    const meta = { 'hnsw:space': 'cosine', 'a.b': 1, nested: { tags: ['x'] } };
    const made = await db.createCollection({ name: 'keys', metadata: meta });
    expect(made.metadata).toEqual(meta);
    expect(made.metric).toBe('cosine');
    await db.deleteCollection('keys');
  });

  it('what is stored is what was given when add was called, whatever changes before it runs', async () => {
    const metadata = { n: 7, tags: ['t'] };
    const ids = ['late'];
    const pending = col.upsert({ ids, embeddings: [v], metadatas: [metadata] });
    metadata.n = NaN;
    metadata.tags.push('later');
    ids[0] = 'other';
    await pending;
    expect(await col.get({ ids: ['late'] })).toMatchObject({ ids: ['late'], metadatas: [{ n: 7, tags: ['t'] }] });
    await col.delete({ ids: ['late'] });
  });
});

describe('a delete must select something, as in Chroma', () => {
  it.each([
    ['{}', {}],
    ['{ where: {} }', { where: {} }],
    ['{ whereDocument: {} }', { whereDocument: {} }],
    ['{ where: {}, whereDocument: {} }', { where: {}, whereDocument: {} }],
    ['{ where: { $and: [{}] } }', { where: { $and: [{}] } }],
    ['{ where: { $or: [{}, { n: 1 }] } }', { where: { $or: [{}, { n: 1 }] } }],
    ['{ whereDocument: { $and: [{}, {}] } }', { whereDocument: { $and: [{}, {}] } }],
    ['{ where: null }', { where: null }],
  ])('%s is refused and deletes nothing', async (_name, args) => {
    await refused(() => col.delete(args as never), 'no_selector', []);
  });

  it('a filter is obeyed even when it matches every record; ids: [] deletes nothing', async () => {
    const { dir: d, cleanup: c } = tempDir();
    const db2 = await OmenDB.open(d);
    const col2 = await db2.createCollection({ name: 'd', dimension: 3 });
    await col2.add({ ids: ['a', 'b'], embeddings: [v, v], metadatas: [{ n: 1 }, { n: 2 }] });
    await col2.delete({ ids: [] });
    await col2.delete({ ids: [], where: {} });
    expect(await col2.count()).toBe(2);
    await col2.delete({ where: { $and: [{}, { n: 1 }] } });
    expect((await col2.get()).ids).toEqual(['b']);
    await col2.delete({ where: { n: { $ne: -1 } } });
    expect(await col2.count()).toBe(0);
    await db2.close();
    c();
  });
});

describe(`one dimension cap (${MAX_DIMENSION}) for createCollection and the first add`, () => {
  it('a collection created without a dimension refuses a longer first vector and stays unset', async () => {
    const free = await db.createCollection({ name: 'free' });
    const lsn = free.stats().lastLsn;
    const err = await rejection(() => free.add({ ids: ['x'], embeddings: [new Float32Array(MAX_DIMENSION + 1).fill(0.5)] }));
    expect(err.issues[0]).toMatchObject({ code: 'too_big', path: ['embeddings', 0] });
    await rejection(() => free.add({ ids: ['x'], embeddings: [new Array(1_000_000).fill(0.5)] }));
    expect(free.dimension).toBeNull();
    expect(free.stats().lastLsn).toBe(lsn);
    await free.add({ ids: ['max'], embeddings: [new Float32Array(MAX_DIMENSION).fill(0.25)] });
    expect(free.dimension).toBe(MAX_DIMENSION);
    await db.deleteCollection('free');
  });

  it('createCollection takes the same cap', async () => {
    const err = await rejection(() => db.createCollection({ name: 'wide', dimension: MAX_DIMENSION + 1 }));
    expect(err.issues[0].path).toEqual(['dimension']);
    const wide = await db.createCollection({ name: 'wide', dimension: MAX_DIMENSION });
    expect(wide.dimension).toBe(MAX_DIMENSION);
    await db.deleteCollection('wide');
  });
});

describe(`one call writes at most ${MAX_WRITE_BYTES} bytes (its WAL record frames its length in 32 bits)`, () => {
  // Inputs repeat one vector or one string by reference, so the test itself stays small.
  it('vectors: refused before the packed copy is allocated', async () => {
    const free = await db.createCollection({ name: 'bulk' });
    const rows = MAX_WRITE_BYTES / (MAX_DIMENSION * 4) + 1;
    const vector = new Float32Array(MAX_DIMENSION).fill(0.5);
    const err = await rejection(() => free.add({ ids: Array.from({ length: rows }, (_, i) => `v${i}`), embeddings: new Array(rows).fill(vector) }));
    expect(err.issues[0]).toMatchObject({ code: 'too_large', path: [] });
    expect(free.dimension).toBeNull();
    await db.deleteCollection('bulk');
  });

  it('documents: each under the cap, together over the call limit', async () => {
    const doc = 'd'.repeat(DEFAULT_MAX_DOCUMENT_BYTES);
    const n = MAX_WRITE_BYTES / DEFAULT_MAX_DOCUMENT_BYTES + 1;
    const ids = Array.from({ length: n }, (_, i) => `d${i}`);
    await refused(() => col.add({ ids, embeddings: new Array(n).fill(v), documents: new Array(n).fill(doc) }), 'too_large', []);
  });
});
