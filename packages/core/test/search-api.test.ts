import { GroupBy, K, Knn, MinK, Rrf, Search, SearchResult as ChromaSearchResult } from 'chromadb-search';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClosedError, OmenDB, ValidationError, type Collection, type Metadata } from '../src/index.js';
import type { FullTextQuery } from '../src/api/full-text-ranker.js';
import { seededRandom, tempDir } from './helpers/tmp.js';
import { ToyEmbedding } from './helpers/toy-embedding.js';

const SEED = 2115;
const DIM = 8;
const WORDS = ['vector', 'graph', 'index', 'durable', 'search', 'memory'];

let dir: string;
let cleanup: () => void;
let db: OmenDB;
let col: Collection;

/** 4 clusters × 30 points in 8-d (seeded), each with metadata { cluster, i } and a document of two words. */
function clustered(seed: number) {
  const rand = seededRandom(seed);
  const centers = Array.from({ length: 4 }, () => Array.from({ length: DIM }, () => rand() * 10 - 5));
  const ids: string[] = [];
  const embeddings: number[][] = [];
  const metadatas: Metadata[] = [];
  const documents: string[] = [];
  for (let i = 0; i < 120; i++) {
    const c = i % 4;
    ids.push(`r${i}`);
    embeddings.push(centers[c].map((x) => x + (rand() - 0.5)));
    metadatas.push({ cluster: c, i, tag: i % 3 === 0 ? 'even' : 'odd' });
    documents.push(`${WORDS[i % WORDS.length]} ${WORDS[Math.floor(i / 5) % WORDS.length]} ${i}`);
  }
  return { ids, embeddings, metadatas, documents, centers };
}

/**
 * A stand-in for the full-text index: documents containing the query's
 * first word, scored by a fixed rule (higher for smaller i), highest first;
 * it honours where.cluster equality and whereDocument $contains, and records its calls.
 */
function fakeFullText(target: Collection) {
  const calls: FullTextQuery[] = [];
  const fn = async (args: FullTextQuery) => {
    calls.push(args);
    const all = await target.get({ where: args.where, whereDocument: args.whereDocument });
    const word = args.query.split(' ')[0];
    const hits = all.ids
      .map((id, n) => ({ id, doc: all.documents[n]!, i: (all.metadatas[n] as { i: number }).i }))
      .filter((h) => h.doc.includes(word))
      .map((h) => ({ id: h.id, score: 10 / (1 + h.i) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, args.limit);
    return { ids: hits.map((h) => h.id), scores: hits.map((h) => h.score) };
  };
  Object.assign(target, { fullTextSearch: fn });
  return calls;
}

let data: ReturnType<typeof clustered>;
beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  db = await OmenDB.open(dir, { durability: 'none' });
  col = await db.createCollection({ name: 'c', embeddingFunction: new ToyEmbedding(DIM) });
  data = clustered(SEED);
  await col.add({ ids: data.ids, embeddings: data.embeddings, metadatas: data.metadatas, documents: data.documents });
});
afterEach(async () => {
  await db.close();
  cleanup();
});

describe(`Collection.search (seed ${SEED})`, () => {
  it('a dense Knn returns what query returns, scored by distance; the builder and its JSON agree', async () => {
    const q = data.centers[2].map((x) => x + 0.1);
    const search = new Search().rank(Knn({ query: q, limit: 10 })).limit(10).select(K.SCORE, K.DOCUMENT, K.METADATA);
    const r = await col.search(search);
    const expected = await col.query({ queryEmbeddings: [q], nResults: 10 });
    expect(r.ids).toEqual(expected.ids);
    expect(r.scores[0]!.map((s) => s!)).toEqual(expected.distances[0]);
    expect(r.documents).toEqual(expected.documents);
    expect(r.metadatas).toEqual(expected.metadatas);
    expect(r.select).toEqual([['#document', '#metadata', '#score']]);
    const fromJson = await col.search(JSON.parse(JSON.stringify(search.toPayload())));
    expect(fromJson).toEqual(r);
    // The shape is Chroma's: its SearchResult reads ours and gives the same rows.
    const chroma = new ChromaSearchResult({ ...r, ids: r.ids } as never);
    expect(chroma.rows()).toEqual(r.rows());
  });

  it('a text query on #embedding goes through the embedding function', async () => {
    const r = await col.search(new Search().rank(Knn({ query: 'durable graph', limit: 5 })).select(K.SCORE));
    const expected = await col.query({ queryTexts: ['durable graph'], nResults: 5 });
    expect(r.ids).toEqual(expected.ids);
    expect(r.scores[0]).toEqual(expected.distances[0]);
  });

  it('Rrf over dense and full-text leaves equals the fusion computed by hand', async () => {
    const calls = fakeFullText(col);
    const q = data.centers[1];
    const k = 60;
    const search = new Search()
      .rank(
        Rrf({
          ranks: [Knn({ query: q, limit: 20, returnRank: true, default: 1000 }), Knn({ query: 'graph', key: K.DOCUMENT, limit: 20, returnRank: true, default: 1000 })],
          k,
          weights: [0.6, 0.4],
        }),
      )
      .limit(15)
      .select(K.SCORE);
    const r = await col.search(search);
    const dense = (await col.query({ queryEmbeddings: [q], nResults: 20 })).ids[0];
    const text = (await fakeFullTextIds(col, 'graph', 20));
    const fused = new Map<string, number>();
    for (const id of new Set([...dense, ...text])) {
      const rd = dense.includes(id) ? dense.indexOf(id) : 1000;
      const rt = text.includes(id) ? text.indexOf(id) : 1000;
      fused.set(id, -(0.6 / (rd + k) + 0.4 / (rt + k)));
    }
    const expected = [...fused].sort((a, b) => a[1] - b[1]).slice(0, 15);
    expect(r.scores[0]!.map((s) => s!)).toEqual(expected.map(([, s]) => expect.closeTo(s, 12)) as unknown as number[]);
    expect(new Set(r.ids[0])).toEqual(new Set(expected.map(([id]) => id)));
    expect(calls.at(-1)).toMatchObject({ query: 'graph', limit: 20 });
  });

  it('filters both legs: metadata and #document filters reach the full-text index as where / whereDocument', async () => {
    const calls = fakeFullText(col);
    const where = K('cluster').eq(2).and(K.DOCUMENT.contains('index'));
    const r = await col.search(
      new Search().where(where).rank(Rrf({ ranks: [Knn({ query: data.centers[0], returnRank: true }), Knn({ query: 'index', key: '#document', returnRank: true })] })).select(K.METADATA, K.DOCUMENT),
    );
    expect(calls[0]).toMatchObject({ where: { cluster: { $eq: 2 } }, whereDocument: { $contains: 'index' } });
    expect(r.ids[0].length).toBeGreaterThan(0);
    for (const [n, m] of r.metadatas[0]!.entries()) {
      expect(m!.cluster).toBe(2);
      expect(r.documents[0]![n]).toContain('index');
    }
    const dense = await col.search(new Search().where(where).rank(Knn({ query: data.centers[0], limit: 50 })));
    const expected = await col.query({ queryEmbeddings: [data.centers[0]], nResults: 50, where: { cluster: 2 }, whereDocument: { $contains: 'index' } });
    expect(dense.ids).toEqual(expected.ids);
  });

  it('a filter on #id or an $or across metadata and documents applies to every leg', async () => {
    const calls = fakeFullText(col);
    const allowed = ['r1', 'r5', 'r9', 'r13', 'r40', 'r41'];
    const r = await col.search(
      new Search()
        .where(K.ID.isIn(allowed).and(K('tag').eq('odd').or(K.DOCUMENT.contains('vector'))))
        .rank(Rrf({ ranks: [Knn({ query: data.centers[1], returnRank: true, default: 99 }), Knn({ query: 'graph', key: '#document', returnRank: true, default: 99 })] }))
        .select(K.METADATA, K.DOCUMENT),
    );
    const ok = (n: number) => allowed.includes(r.ids[0][n]) && (r.metadatas[0]![n]!.tag === 'odd' || r.documents[0]![n]!.includes('vector'));
    expect(r.ids[0].length).toBeGreaterThan(0);
    r.ids[0].forEach((_, n) => expect(ok(n)).toBe(true));
    // No where/whereDocument form: the full-text leg is asked for every hit and filtered after.
    expect(calls[0]).toMatchObject({ limit: 120 });
    expect(calls[0].where).toBeUndefined();
  });

  it('without a rank: the matching records in storage order, scored by position; offset and limit page', async () => {
    const r = await col.search(new Search().where(K('cluster').eq(2)).limit(3, 2).select(K.SCORE, 'i'));
    expect(r.ids).toEqual([['r10', 'r14', 'r18']]);
    expect(r.scores).toEqual([[0, 1, 2]]);
    expect(r.metadatas).toEqual([[{ i: 10 }, { i: 14 }, { i: 18 }]]);
    expect(r.documents).toEqual([null]);
    expect(r.rows()[0][0]).toEqual({ id: 'r10', metadata: { i: 10 }, score: 0 });
  });

  it('groupBy keeps the best k of each group, then ranks them by score', async () => {
    const q = data.centers[0];
    const r = await col.search(
      new Search({ rank: Knn({ query: q, limit: 120 }), groupBy: new GroupBy([K('cluster')], new MinK([K.SCORE], 2)), select: [K.SCORE, 'cluster'] }),
    );
    const clusters = r.metadatas[0]!.map((m) => m!.cluster);
    expect(clusters).toHaveLength(8);
    for (const c of [0, 1, 2, 3]) expect(clusters.filter((x) => x === c)).toHaveLength(2);
    const scores = r.scores[0]!.map((s) => s!);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    const all = await col.query({ queryEmbeddings: [q], nResults: 120, include: ['metadatas'] });
    const bestOfCluster1 = all.ids[0].filter((_, n) => all.metadatas[0][n]!.cluster === 1).slice(0, 2);
    expect(r.ids[0].filter((_, n) => clusters[n] === 1)).toEqual(bestOfCluster1);
  });

  it('a batch returns one list per search, in order', async () => {
    const r = await col.search([new Search().rank(Knn({ query: data.centers[0], limit: 3 })).select(K.EMBEDDING), { filter: { i: { $lt: 2 } } }]);
    expect(r.ids).toHaveLength(2);
    expect(r.ids[1]).toEqual(['r0', 'r1']);
    expect(r.embeddings[0]).toHaveLength(3);
    expect(r.embeddings[0]![0]).toHaveLength(DIM);
    expect(r.embeddings[1]).toBeNull();
  });

  it('raises clear errors for what it does not support', async () => {
    await expect(col.search(new Search().rank(Knn({ query: 'graph', key: 'sparse_embedding' })))).rejects.toThrow(/no sparse-vector index on key "sparse_embedding"/);
    await expect(col.search(new Search().rank(Knn({ query: { indices: [1], values: [0.5] } })))).rejects.toThrow(/#embedding takes a dense vector or a text; a sparse vector ranks on a key with a sparse-vector index/);
    await expect(col.search(new Search().rank(Knn({ query: [1, 2, 3] })))).rejects.toThrow(/dimension/);
    await expect(col.search({ rank: { $knn: { query: [1] } }, select: ['#vector'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(col.search(new Search(), { readLevel: 'eventually' as never })).rejects.toBeInstanceOf(ValidationError);
  });

  it('an empty collection ranks nothing; a closed one raises ClosedError', async () => {
    const empty = await db.createCollection({ name: 'empty', embeddingFunction: null });
    const r = await empty.search([new Search().rank(Knn({ query: [1, 2] })), new Search()]);
    expect(r.ids).toEqual([[], []]);
    await db.deleteCollection('empty');
    await expect(empty.search(new Search())).rejects.toBeInstanceOf(ClosedError);
  });

  it('a full-text $knn on a collection without a full-text index is a ValidationError', async () => {
    await expect(col.search(new Search().rank(Knn({ query: 'graph', key: '#document' })))).rejects.toBeInstanceOf(ValidationError);
  });
});

async function fakeFullTextIds(target: Collection, query: string, limit: number): Promise<string[]> {
  const fn = (target as unknown as { fullTextSearch(a: FullTextQuery): Promise<{ ids: string[] }> }).fullTextSearch;
  return (await fn({ query, limit })).ids;
}
