/**
 * `Collection.query` checks arguments of the common shape by hand and sends
 * everything else through zod (api/schemas.ts, `parseQuery`). The contract:
 * the hand check never changes an answer. Every input here parses to the
 * schema's output, or fails with the schema's ValidationError (message and
 * issues); and queries through the public API give the same rows whatever
 * shape their vectors come in, leaving the caller's arrays untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB, ValidationError, type Collection } from '../src/index.js';
import { parse, parseQuery, querySchema } from '../src/api/schemas.js';
import { randomVectors, tempDir } from './helpers/tmp.js';

const v = [0.1, 0.2, 0.3];
const f = new Float32Array(v);

function withInherited(own: Record<string, unknown>, inherited: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(inherited) as Record<string, unknown>, own);
}

class QueryObject {
  queryEmbeddings = [v];
}

const inputs: [name: string, input: unknown][] = [
  ['number[] vector', { queryEmbeddings: [v] }],
  ['Float32Array vector', { queryEmbeddings: [f] }],
  ['several vectors, mixed', { queryEmbeddings: [v, f, [1, 2, 3]] }],
  ['every field', { queryEmbeddings: [v], nResults: 3, where: { a: 1 }, whereDocument: { $contains: 'x' }, include: ['distances'], efSearch: 40, exact: false }],
  ['fields present but undefined', { queryEmbeddings: [v], nResults: undefined, include: undefined, efSearch: undefined, exact: undefined }],
  ['where of any shape (checked later)', { queryEmbeddings: [v], where: 'not a filter', whereDocument: null }],
  ['include empty', { queryEmbeddings: [v], include: [] }],
  ['include repeated', { queryEmbeddings: [v], include: ['distances', 'distances'] }],
  ['nResults at its maximum', { queryEmbeddings: [v], nResults: 100_000 }],
  ['null prototype', Object.assign(Object.create(null) as object, { queryEmbeddings: [v] })],
  ['class instance', new QueryObject()],
  ['value beyond float32 (rejected later)', { queryEmbeddings: [[1e300, 0, 0]] }],
  ['Float32Array with NaN (rejected later)', { queryEmbeddings: [new Float32Array([1, NaN, 3])] }],
  ['empty vector (rejected later)', { queryEmbeddings: [[]] }],
  // Bad input.
  ['null', null],
  ['an array', [v]],
  ['a string', 'query'],
  ['no queryEmbeddings', {}],
  ['queryEmbeddings empty', { queryEmbeddings: [] }],
  ['queryEmbeddings not an array', { queryEmbeddings: v }],
  ['a hole among the vectors', { queryEmbeddings: [, v] }],
  ['a hole in a vector', { queryEmbeddings: [[1, , 3]] }],
  ['NaN in a number[]', { queryEmbeddings: [[1, NaN, 3]] }],
  ['Infinity in a number[]', { queryEmbeddings: [[1, Infinity, 3]] }],
  ['a string in a vector', { queryEmbeddings: [[1, '2', 3]] }],
  ['Float64Array vector', { queryEmbeddings: [new Float64Array(v)] }],
  ['array-like object vector', { queryEmbeddings: [{ 0: 1, 1: 2, 2: 3, length: 3 }] }],
  ['unknown field', { queryEmbeddings: [v], n_results: 3 }],
  ['unknown field set to undefined', { queryEmbeddings: [v], limit: undefined }],
  ['inherited unknown field', withInherited({ queryEmbeddings: [v] }, { polluted: 1 })],
  ['nResults 0', { queryEmbeddings: [v], nResults: 0 }],
  ['nResults 2.5', { queryEmbeddings: [v], nResults: 2.5 }],
  ['nResults over the maximum', { queryEmbeddings: [v], nResults: 100_001 }],
  ['nResults a string', { queryEmbeddings: [v], nResults: '3' }],
  ['nResults null', { queryEmbeddings: [v], nResults: null }],
  ['efSearch 0', { queryEmbeddings: [v], efSearch: 0 }],
  ['efSearch NaN', { queryEmbeddings: [v], efSearch: NaN }],
  ['efSearch null', { queryEmbeddings: [v], efSearch: null }],
  ['exact a string', { queryEmbeddings: [v], exact: 'yes' }],
  ['include unknown field', { queryEmbeddings: [v], include: ['vectors'] }],
  ['include with a hole', { queryEmbeddings: [v], include: [, 'distances'] }],
  ['include not an array', { queryEmbeddings: [v], include: 'distances' }],
  ['several problems at once', { queryEmbeddings: [[NaN]], nResults: 0, include: ['x'], extra: 1 }],
];

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { error: error.constructor.name, message: error.message, issues: error.issues };
  }
}

describe('parseQuery agrees with querySchema', () => {
  it.each(inputs)('%s', (_name, input) => {
    expect(outcome(() => parseQuery(input))).toEqual(outcome(() => parse(querySchema, input, 'query arguments')));
  });

  it('hands back a copy of include, not the caller’s array', () => {
    const include: ('distances' | 'metadatas')[] = ['distances'];
    const parsed = parseQuery({ queryEmbeddings: [v], include });
    expect(parsed.include).toEqual(include);
    expect(parsed.include).not.toBe(include);
  });
});

describe('query through the public API', () => {
  const { dir, cleanup } = tempDir('omendb-query-parse-');
  const dim = 8;
  const rows = randomVectors(300, dim, 7);
  let db: OmenDB;
  let col: Collection;

  beforeAll(async () => {
    db = await OmenDB.open(dir, { durability: 'none' });
    col = await db.createCollection({ name: 'c', metric: 'cosine' });
    // Two segments and a memtable, so the search merges three sources.
    const ids = rows.map((_, i) => `r${i}`);
    await col.add({ ids: ids.slice(0, 100), embeddings: rows.slice(0, 100), metadatas: rows.slice(0, 100).map((_, i) => ({ i })) });
    await db.checkpoint();
    await col.add({ ids: ids.slice(100, 200), embeddings: rows.slice(100, 200) });
    await db.checkpoint();
    await col.add({ ids: ids.slice(200), embeddings: rows.slice(200), documents: rows.slice(200).map((_, i) => `doc ${i}`) });
    await col.delete({ ids: ['r3', 'r150', 'r250'] });
  });
  afterAll(async () => {
    await db.close();
    cleanup();
  });

  it('gives the same rows for number[] and Float32Array vectors, and leaves them as they were', async () => {
    const queries = randomVectors(5, dim, 11);
    const asFloat32 = queries.map((q) => new Float32Array(q));
    const copies = asFloat32.map((q) => q.slice());
    const include = ['distances', 'metadatas', 'documents'] as const;
    const fromNumbers = await col.query({ queryEmbeddings: queries, nResults: 12, include: [...include] });
    const fromFloat32 = await col.query({ queryEmbeddings: asFloat32, nResults: 12, include: [...include] });
    // number[] values are rounded to float32 before searching, so both search the same vectors.
    expect(fromFloat32).toEqual(fromNumbers);
    expect(asFloat32).toEqual(copies);
    for (const distances of fromNumbers.distances) expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(fromNumbers.ids.flat()).not.toContain('r3');
  });

  it('merges the sources into the exact top k when every row is searched exactly', async () => {
    const query = new Float32Array(randomVectors(1, dim, 13)[0]);
    const r = await col.query({ queryEmbeddings: [query], nResults: 20, exact: true, include: ['distances'] });
    const live = rows.map((row, i) => ({ id: `r${i}`, row })).filter(({ id }) => !['r3', 'r150', 'r250'].includes(id));
    const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
      }
      return 1 - dot / Math.sqrt(na * nb);
    };
    const expected = live.map(({ id, row }) => ({ id, d: cosine(query, new Float32Array(row)) })).sort((a, b) => a.d - b.d);
    expect(r.ids[0]).toEqual(expected.slice(0, 20).map((e) => e.id));
  });

  it('rejects a bad vector with the same error as before the fast path', async () => {
    const bad = await col.query({ queryEmbeddings: [new Float32Array(dim)] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues).toEqual([{ code: 'zero_vector', path: ['queryEmbeddings', 0], message: 'a zero vector has no cosine distance' }]);
    const nan = await col.query({ queryEmbeddings: [v.concat([1, 1, 1, 1, 1]), Object.assign(new Float32Array(dim).fill(1), { 2: NaN })] }).catch((e: unknown) => e);
    expect((nan as ValidationError).issues).toEqual([{ code: 'non_finite', path: ['queryEmbeddings', 1, 2], message: 'NaN is not a finite float32' }]);
  });
});
