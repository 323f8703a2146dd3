import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClosedError,
  DimensionMismatchError,
  DuplicateIdError,
  NotFoundError,
  OmenDB,
  ValidationError,
  type Collection,
  type Where,
} from '../src/index.js';
import { reportFigures } from './fixtures/reliability-report.js';
import { tempDir } from './helpers/tmp.js';

const { dir, cleanup } = tempDir('omendb-bad-');
let db: OmenDB;
let l2: Collection;
let cos: Collection;
let free: Collection;

beforeAll(async () => {
  db = await OmenDB.open(dir);
  l2 = await db.createCollection({ name: 'l2', dimension: 3 });
  cos = await db.createCollection({ name: 'cos', dimension: 3, metric: 'cosine' });
  free = await db.createCollection({ name: 'free' });
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
  ['unknown where operator', () => l2.query({ queryEmbeddings: [v], where: { a: { $near: 1 } } as never }), ValidationError],
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
  // Vectors: huge, sparse, typed arrays with NaN, not arrays at all.
  ['huge vector (1,000,000 values)', () => l2.add({ ids: ['x'], embeddings: [new Array(1_000_000).fill(0.5)] }), DimensionMismatchError],
  ['dimension over the maximum', () => db.createCollection({ name: 'big', dimension: 70_000 }), ValidationError],
  ['sparse vector (a hole)', () => l2.add({ ids: ['x'], embeddings: [[1, , 3] as number[]] }), ValidationError],
  ['Float32Array with NaN', () => l2.add({ ids: ['x'], embeddings: [new Float32Array([1, NaN, 3])] }), ValidationError],
  ['embeddings not an array', () => l2.add({ ids: ['x'], embeddings: 'vectors' as never }), ValidationError],
  ['a vector that is an object', () => l2.add({ ids: ['x'], embeddings: [{ 0: 1, 1: 2, 2: 3, length: 3 } as never] }), ValidationError],
  // Ids.
  ['ids not an array', () => l2.add({ ids: 'x' as never, embeddings: [v] }), ValidationError],
  ['object as id', () => l2.add({ ids: [{} as never], embeddings: [v] }), ValidationError],
  ['null id in get', () => l2.get({ ids: [null as never] }), ValidationError],
  ['duplicate ids in one upsert', () => l2.upsert({ ids: ['keep', 'keep'], embeddings: [v, v] }), DuplicateIdError],
  ['update of a missing id', () => l2.update({ ids: ['missing'], documents: ['d'] }), NotFoundError],
  // Metadata: prototype keys, cycles, size, depth, shapes.
  ['metadata key __proto__', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [JSON.parse('{"__proto__": {"polluted": 1}}')] }), ValidationError],
  ['metadata key constructor', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [{ constructor: 'x' } as never] }), ValidationError],
  ['nested metadata key prototype', () => l2.upsert({ ids: ['keep'], embeddings: [v], metadatas: [{ a: { prototype: 1 } } as never] }), ValidationError],
  ['circular metadata', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [circular() as never] }), ValidationError],
  ['10 MB metadata', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [{ big: 'm'.repeat(10_000_000) }] }), ValidationError],
  ['metadata nested 40 levels', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [nested(40) as never] }), ValidationError],
  ['metadata as an array', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [[1, 2] as never] }), ValidationError],
  ['metadata value a function', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [{ f: (() => 1) as never }] }), ValidationError],
  ['metadata value a BigInt', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [{ n: 10n as never }] }), ValidationError],
  ['metadata value a Date', () => l2.update({ ids: ['keep'], metadatas: [{ when: new Date() as never }] }), ValidationError],
  ['metadata key with a dot', () => l2.update({ ids: ['keep'], metadatas: [{ 'a.b': 1 }] }), ValidationError],
  ['document an object', () => l2.upsert({ ids: ['keep'], embeddings: [v], documents: [{ text: 'x' } as never] }), ValidationError],
  // where trees.
  ['where $in not an array', () => l2.get({ where: { a: { $in: 1 } } as never }), ValidationError],
  ['where $and empty', () => l2.get({ where: { $and: [] } }), ValidationError],
  ['where nested 100 levels', () => l2.query({ queryEmbeddings: [v], where: deepWhere(100) }), ValidationError],
  ['where comparing to an object', () => l2.get({ where: { a: { $gt: { b: 1 } } } as never }), ValidationError],
  ['where $in with mixed types', () => l2.delete({ where: { a: { $in: [1, 'x'] } } }), ValidationError],
  ['delete with an invalid where', () => l2.delete({ where: { $or: 'a' } as never }), ValidationError],
  // whereDocument.
  ['regex with a backreference (not RE2)', () => l2.get({ whereDocument: { $regex: '(a)\\1' } }), ValidationError],
  ['regex longer than 1024', () => l2.get({ whereDocument: { $regex: 'a'.repeat(2000) } }), ValidationError],
  ['regex that does not parse', () => l2.get({ whereDocument: { $regex: '(unclosed' } }), ValidationError],
  ['empty $contains', () => l2.get({ whereDocument: { $contains: '' } }), ValidationError],
  // Paging, includes, names, options.
  ['negative limit', () => l2.get({ limit: -1 }), ValidationError],
  ['non-integer nResults', () => l2.query({ queryEmbeddings: [v], nResults: 2.5 }), ValidationError],
  ['unknown include field', () => l2.get({ include: ['vectors' as never] }), ValidationError],
  ['empty queryEmbeddings', () => l2.query({ queryEmbeddings: [] }), ValidationError],
  ['traversal name ../etc', () => db.createCollection({ name: '../etc' }), ValidationError],
  ['traversal name a/../../b', () => db.createCollection({ name: 'a/../../b' }), ValidationError],
  ['unknown createCollection field', () => db.createCollection({ name: 'u', dimensions: 3 } as never), ValidationError],
  ['hnsw M out of range', () => db.createCollection({ name: 'm', hnsw: { M: 1 } }), ValidationError],
  ['unknown open option', () => OmenDB.open(`${dir}-other`, { durability: 'fast' as never }), ValidationError],
  // Holes (sparse arrays) in any input array.
  ['a hole in ids', () => l2.add({ ids: [, 'b'] as string[], embeddings: [v, v] }), ValidationError],
  ['a hole in embeddings', () => l2.add({ ids: ['x', 'y'], embeddings: [v, ,] as number[][] }), ValidationError],
  ['a hole in metadatas', () => l2.upsert({ ids: ['keep', 'y'], embeddings: [v, v], metadatas: [, {}] }), ValidationError],
  ['a hole in documents', () => l2.update({ ids: ['keep'], documents: [,] }), ValidationError],
  ['a hole in get ids', () => l2.get({ ids: [, 'keep'] as string[] }), ValidationError],
  ['a hole in delete ids', () => l2.delete({ ids: ['keep', ,] as string[] }), ValidationError],
  ['a hole in queryEmbeddings', () => l2.query({ queryEmbeddings: [, v] as number[][] }), ValidationError],
  // Lone UTF-16 surrogates.
  ['a lone surrogate id', () => l2.add({ ids: ['\uD800'], embeddings: [v] }), ValidationError],
  ['a lone surrogate metadata key', () => l2.update({ ids: ['keep'], metadatas: [{ '\uDFFF': 1 }] }), ValidationError],
  ['a lone surrogate metadata value', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [{ s: '\uDBFF' }] }), ValidationError],
  ['a lone surrogate document', () => l2.upsert({ ids: ['keep'], embeddings: [v], documents: ['\uD800'] }), ValidationError],
  ['a lone surrogate collection name', () => db.createCollection({ name: 'n\uDC00' }), ValidationError],
  // Collection and record metadata that is not plain data.
  ['cyclic collection metadata', () => db.createCollection({ name: 'cyc', metadata: circular() }), ValidationError],
  ['BigInt collection metadata', () => db.createCollection({ name: 'big', metadata: { n: 1n } as never }), ValidationError],
  ['collection metadata with a throwing getter', () => db.createCollection({ name: 'get', metadata: throwingGetter() }), ValidationError],
  ['a Proxy as collection metadata', () => db.createCollection({ name: 'px', metadata: new Proxy({}, { ownKeys: () => { throw new Error('trap'); } }) }), ValidationError],
  ['record metadata with a throwing getter', () => l2.add({ ids: ['x'], embeddings: [v], metadatas: [throwingGetter() as never] }), ValidationError],
  ['a Proxy as record metadata', () => l2.update({ ids: ['keep'], metadatas: [new Proxy({ a: 1 }, {})] }), ValidationError],
  // Deletes that select everything through empty filters.
  ['delete where {}', () => l2.delete({ where: {} }), ValidationError],
  ['delete whereDocument {}', () => l2.delete({ whereDocument: {} }), ValidationError],
  ['delete where {} and whereDocument {}', () => l2.delete({ where: {}, whereDocument: {} }), ValidationError],
  ['delete where $and of {}', () => l2.delete({ where: { $and: [{}] } }), ValidationError],
  // Size caps.
  ['a document over 1 MiB', () => l2.add({ ids: ['x'], embeddings: [v], documents: ['d'.repeat(1024 * 1024 + 1)] }), ValidationError],
  ['a 1,000,000-d vector with no dimension set', () => free.add({ ids: ['x'], embeddings: [new Array(1_000_000).fill(0.5)] }), ValidationError],
  ['a 65,537-d vector with no dimension set', () => free.add({ ids: ['x'], embeddings: [new Float32Array(65_537).fill(0.5)] }), ValidationError],
];

function throwingGetter(): Record<string, unknown> {
  return {
    get bad(): unknown {
      throw new TypeError('getter');
    },
  };
}

function circular(): Record<string, unknown> {
  const m: Record<string, unknown> = { a: 1 };
  m.self = m;
  return m;
}

function nested(levels: number): Record<string, unknown> {
  let m: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < levels; i++) m = { next: m };
  return m;
}

function deepWhere(levels: number): Where {
  let w: Where = { a: 1 };
  for (let i = 0; i < levels; i++) w = { $and: [w] };
  return w;
}

async function snapshot() {
  return {
    names: (await db.listCollections()).map((c) => c.name),
    l2: await l2.get({ include: ['embeddings', 'metadatas', 'documents'] }),
    cos: await cos.get({ include: ['embeddings'] }),
    free: { dimension: free.dimension, count: await free.count() },
    lsn: [l2.stats().lastLsn, cos.stats().lastLsn, free.stats().lastLsn],
  };
}

describe('bad input gets a typed error and changes nothing', () => {
  it.each(cases)('%s', async (_name, run, error) => {
    const before = await snapshot();
    await expect(run()).rejects.toBeInstanceOf(error);
    expect(await snapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype was polluted').toBeUndefined();
  });

  it(`covers at least 40 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    reportFigures('bad input', { cases: cases.length, typedErrors: cases.length, databaseChanged: 0 });
  });

  it('regex bombs finish (RE2 runs in linear time) and answer correctly', async () => {
    const { dir: d, cleanup: c } = tempDir();
    const db2 = await OmenDB.open(d);
    const col = await db2.createCollection({ name: 'docs', dimension: 2 });
    const evil = 'a'.repeat(50_000) + '!';
    await col.add({ ids: ['evil', 'plain'], embeddings: [[1, 0], [0, 1]], documents: [evil, 'aaa'] });
    // Expected answers are written out: V8's own RegExp would itself take minutes on these.
    const bombs: [pattern: string, matches: string[]][] = [
      ['(a+)+$', ['plain']],
      ['(a|a)*b', []],
      ['.*.*.*.*x', []],
      ['(a*)*$', ['evil', 'plain']],
      ['(?:a|aa)+$', ['plain']],
      ['!$', ['evil']],
    ];
    for (const [pattern, matches] of bombs) {
      const r = await col.get({ whereDocument: { $regex: pattern } });
      expect(r.ids.sort(), pattern).toEqual(matches);
    }
    await db2.close();
    c();
  });

  it('names that look dangerous are only labels: they round-trip and touch no path', async () => {
    const { dir: d, cleanup: c } = tempDir();
    const names = ['.', '__proto__', 'constructor', 'CON', 'NUL', 'LOCK', 'FORMAT', 'MANIFEST-00000000000000000001', ' '];
    const db2 = await OmenDB.open(d);
    for (const name of names) await db2.createCollection({ name, dimension: 2 });
    await db2.close();
    const db3 = await OmenDB.open(d);
    expect((await db3.listCollections()).map((col) => col.name).sort()).toEqual([...names].sort());
    await db3.close();
    c();
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
