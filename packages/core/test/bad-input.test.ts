import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClosedError,
  DimensionMismatchError,
  DuplicateIdError,
  OmenDB,
  ValidationError,
  type Collection,
} from '../src/index.js';
import { tempDir } from './helpers/tmp.js';

const { dir, cleanup } = tempDir('omendb-bad-');
let db: OmenDB;
let l2: Collection;
let cos: Collection;

beforeAll(async () => {
  db = await OmenDB.open(dir);
  l2 = await db.createCollection({ name: 'l2', dimension: 3 });
  cos = await db.createCollection({ name: 'cos', dimension: 3, metric: 'cosine' });
  await l2.add({ ids: ['keep'], embeddings: [[1, 2, 3]], metadatas: [{ a: 1 }], documents: ['kept'] });
  await cos.add({ ids: ['keep'], embeddings: [[1, 2, 3]] });
});
afterAll(async () => {
  await db.close();
  cleanup();
});

type Case = [name: string, run: () => Promise<unknown>, error: new (...args: never[]) => Error];
const v = [0.1, 0.2, 0.3];
const cases: Case[] = [
  ['wrong dimension', () => l2.add({ ids: ['x'], embeddings: [[1, 2]] }), DimensionMismatchError],
  ['ragged rows', () => l2.add({ ids: ['x', 'y'], embeddings: [v, [1, 2, 3, 4]] }), DimensionMismatchError],
  ['NaN', () => l2.add({ ids: ['x'], embeddings: [[1, NaN, 3]] }), ValidationError],
  ['+Infinity', () => l2.add({ ids: ['x'], embeddings: [[1, Infinity, 3]] }), ValidationError],
  ['-Infinity', () => l2.upsert({ ids: ['x'], embeddings: [[-Infinity, 1, 3]] }), ValidationError],
  ['beyond float32', () => l2.add({ ids: ['x'], embeddings: [[1e300, 1, 3]] }), ValidationError],
  ['string in vector', () => l2.add({ ids: ['x'], embeddings: [[1, '2' as unknown as number, 3]] }), ValidationError],
  ['empty id', () => l2.add({ ids: [''], embeddings: [v] }), ValidationError],
  ['non-string id', () => l2.add({ ids: [7 as unknown as string], embeddings: [v] }), ValidationError],
  ['very long id', () => l2.add({ ids: ['x'.repeat(5000)], embeddings: [v] }), ValidationError],
  ['duplicate ids in one add', () => l2.add({ ids: ['x', 'x'], embeddings: [v, v] }), DuplicateIdError],
  ['add of an existing id', () => l2.add({ ids: ['new', 'keep'], embeddings: [v, v] }), DuplicateIdError],
  ['fewer embeddings than ids', () => l2.add({ ids: ['x', 'y'], embeddings: [v] }), ValidationError],
  ['more metadatas than ids', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [{}, {}] }), ValidationError],
  ['documents not strings', () => l2.add({ ids: ['x'], embeddings: [v], documents: [5 as unknown as string] }), ValidationError],
  ['missing embeddings on add', () => l2.add({ ids: ['x'] }), ValidationError],
  ['zero vector with cosine', () => cos.add({ ids: ['z'], embeddings: [[0, 0, 0]] }), ValidationError],
  ['zero query with cosine', () => cos.query({ queryEmbeddings: [[0, 0, 0]] }), ValidationError],
  ['query of wrong dimension', () => l2.query({ queryEmbeddings: [[1, 2]] }), DimensionMismatchError],
  ['metadata with NaN', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [{ a: NaN }] }), ValidationError],
  ['unknown where operator', () => l2.query({ queryEmbeddings: [v], where: { a: { $near: 1 } } }), ValidationError],
  ['malformed where', () => l2.get({ where: { $and: 'a' } as never }), ValidationError],
  ['unknown whereDocument operator', () => l2.get({ whereDocument: { $like: 'x' } as never }), ValidationError],
  ['delete without selector', () => l2.delete({}), ValidationError],
  ['nResults zero', () => l2.query({ queryEmbeddings: [v], nResults: 0 }), ValidationError],
  ['unknown query field', () => l2.query({ queryEmbeddings: [v], n_results: 3 } as never), ValidationError],
  ['empty collection name', () => db.createCollection({ name: '' }), ValidationError],
  ['name over 128 characters', () => db.createCollection({ name: 'n'.repeat(129) }), ValidationError],
  ['name with /', () => db.createCollection({ name: 'a/b' }), ValidationError],
  ['name with \\', () => db.createCollection({ name: 'a\\b' }), ValidationError],
  ['name with ..', () => db.createCollection({ name: '..' }), ValidationError],
  ['name with NUL', () => db.createCollection({ name: 'a\0b' }), ValidationError],
  ['bad hnsw:space', () => db.createCollection({ name: 'sp', metadata: { 'hnsw:space': 'manhattan' } }), ValidationError],
];

async function snapshot() {
  return {
    names: (await db.listCollections()).map((c) => c.name),
    l2: await l2.get({ include: ['embeddings', 'metadatas', 'documents'] }),
    cos: await cos.get({ include: ['embeddings'] }),
    lsn: [l2.stats().lastLsn, cos.stats().lastLsn],
  };
}

describe('bad input gets a typed error and changes nothing', () => {
  it.each(cases)('%s', async (_name, run, error) => {
    const before = await snapshot();
    await expect(run()).rejects.toBeInstanceOf(error);
    expect(await snapshot()).toEqual(before);
  });

  it('operations on a deleted collection or closed database throw ClosedError', async () => {
    const { dir: d2, cleanup: c2 } = tempDir();
    const db2 = await OmenDB.open(d2);
    const gone = await db2.createCollection({ name: 'gone' });
    await db2.deleteCollection('gone');
    await expect(gone.add({ ids: ['x'], embeddings: [v] })).rejects.toBeInstanceOf(ClosedError);
    const c = await db2.createCollection({ name: 'c' });
    await db2.close();
    await expect(c.count()).rejects.toBeInstanceOf(ClosedError);
    await expect(db2.createCollection({ name: 'd' })).rejects.toBeInstanceOf(ClosedError);
    c2();
  });
});
