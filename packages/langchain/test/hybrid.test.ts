/**
 * `hybridSearch` and `OmenHybridRetriever` on a small real corpus: SciFact
 * abstracts with their BGE vectors, queried with judged test claims
 * (../shared/data, read in place).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document } from '@langchain/core/documents';
import { OmenDB, ValidationError } from '@omendb/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScifactSubset, type SubsetClaim, type SubsetDoc } from '../../core/test/helpers/scifact-subset.js';
import { OmenHybridRetriever, OmenVectorStore } from '../src/index.js';
import { TableEmbeddings } from './fake-embeddings.js';

let dir: string;
let db: OmenDB;
let docs: SubsetDoc[];
let claims: SubsetClaim[];
let store: OmenVectorStore;
let plain: OmenVectorStore;
const halfOf = new Map<string, number>();

/** The RRF the store should compute, from the two rankings read separately: id → score. */
async function expectedRrf(claim: SubsetClaim, fetchK: number, rrfK = 60, weights = [1, 1]): Promise<Map<string, number>> {
  const dense = (await store.similaritySearchVectorWithScore(claim.embedding, fetchK)).map(([d]) => d.id!);
  const collection = await store.ensureCollection();
  const [bm25] = (await collection.search({ rank: { $knn: { query: claim.text, key: '#document', limit: fetchK } }, limit: fetchK })).ids;
  const scores = new Map<string, number>();
  const rankIn = (list: string[], id: string) => (list.includes(id) ? list.indexOf(id) : fetchK);
  for (const id of new Set([...dense, ...bm25])) {
    scores.set(id, weights[0] / (rrfK + rankIn(dense, id)) + weights[1] / (rrfK + rankIn(bm25, id)));
  }
  return scores;
}

beforeAll(async () => {
  ({ docs, claims } = loadScifactSubset(20, 300));
  docs.forEach((d, i) => halfOf.set(d.id, i % 2));
  dir = mkdtempSync(join(tmpdir(), 'omendb-langchain-hybrid-'));
  db = await OmenDB.open(dir, { durability: 'none' });
  const embeddings = new TableEmbeddings(Object.fromEntries(claims.map((c) => [c.text, c.embedding])));
  store = new OmenVectorStore(embeddings, { db, collectionName: 'scifact', metric: 'cosine', fullText: true });
  plain = new OmenVectorStore(embeddings, { db, collectionName: 'plain', metric: 'cosine' });
  const documents = docs.map((d) => new Document({ pageContent: d.text, metadata: { half: halfOf.get(d.id)!, title: d.title }, id: d.id }));
  await store.addVectors(docs.map((d) => d.embedding), documents);
  await plain.addVectors(docs.slice(0, 20).map((d) => d.embedding), documents.slice(0, 20));
});

afterAll(async () => {
  await store?.close();
  await plain?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hybridSearch (dense + BM25, RRF)', () => {
  it('scores each document by reciprocal rank fusion of the two rankings', async () => {
    for (const claim of claims.slice(0, 8)) {
      const found = await store.hybridSearchWithScore(claim.text, { k: 10, fetchK: 50 });
      const expected = await expectedRrf(claim, 50);
      const best = [...expected.values()].sort((a, b) => b - a).slice(0, 10);
      expect(found.map(([, score]) => score)).toEqual(best.map((s) => expect.closeTo(s, 12)));
      for (const [doc, score] of found) expect(score).toBeCloseTo(expected.get(doc.id!)!, 12);
    }
  });

  it('weights [1, 0] is the dense order', async () => {
    for (const claim of claims.slice(0, 5)) {
      const dense = (await store.similaritySearchVectorWithScore(claim.embedding, 10)).map(([d]) => d.id);
      expect((await store.hybridSearch(claim.text, { k: 10, weights: [1, 0] })).map((d) => d.id)).toEqual(dense);
    }
  });

  it('returns Documents with their text, metadata and id; k defaults to 4', async () => {
    const found = await store.hybridSearch(claims[0].text);
    expect(found).toHaveLength(4);
    const byId = new Map(docs.map((d) => [d.id, d]));
    for (const doc of found) {
      expect(doc.pageContent).toBe(byId.get(doc.id!)!.text);
      expect(doc.metadata).toEqual({ half: halfOf.get(doc.id!), title: byId.get(doc.id!)!.title });
    }
  });

  it('finds judged abstracts for most claims', async () => {
    let hit = 0;
    for (const claim of claims) if ((await store.hybridSearch(claim.text, { k: 10 })).some((d) => claim.relevant.includes(d.id!))) hit++;
    expect(hit).toBeGreaterThanOrEqual(claims.length * 0.6);
  });

  it('applies the filter inside both rankings, ANDed with the store filter', async () => {
    for (const claim of claims.slice(0, 5)) {
      const found = await store.hybridSearch(claim.text, { k: 10, filter: { half: 1 } });
      expect(found).toHaveLength(10);
      expect(found.every((d) => d.metadata.half === 1)).toBe(true);
    }
    const narrowed = new OmenVectorStore(store.embeddings, { db, collectionName: 'scifact', filter: { half: 0 } });
    const none = await narrowed.hybridSearch(claims[0].text, { k: 10, filter: { half: 1 } });
    expect(none).toEqual([]);
    await narrowed.close();
  });

  it('without the full-text index: an error naming fullText, unless the text weight is 0', async () => {
    const err = await plain.hybridSearch(claims[0].text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/fullText: true/);
    expect((err as ValidationError).issues[0].code).toBe('no_full_text_index');
    expect(await plain.hybridSearch(claims[0].text, { k: 3, weights: [1, 0] })).toHaveLength(3);
  });

  it('an empty collection returns nothing', async () => {
    const empty = new OmenVectorStore(store.embeddings, { db, collectionName: 'empty', fullText: true });
    expect(await empty.hybridSearch(claims[0].text, { k: 3 })).toEqual([]);
    await empty.close();
  });

  it('bad options are ValidationErrors', async () => {
    const text = claims[0].text;
    await expect(store.hybridSearch(text, { k: 0 })).rejects.toThrow(ValidationError);
    await expect(store.hybridSearch(text, { k: 10, fetchK: 5 })).rejects.toThrow(/fetchK/);
    await expect(store.hybridSearch(text, { rrfK: 0 })).rejects.toThrow(/rrfK/);
    await expect(store.hybridSearch(text, { weights: [0, 0] })).rejects.toThrow(/weights/);
    await expect(store.hybridSearch('   ')).rejects.toThrow(/query/);
  });
});

describe('OmenHybridRetriever', () => {
  it('returns the store hybrid search as Documents, honouring k and filter', async () => {
    const claim = claims[1];
    const retriever = new OmenHybridRetriever({ vectorStore: store, k: 6, filter: { half: 0 } });
    const found = await retriever.invoke(claim.text);
    expect(found).toHaveLength(6);
    expect(found.every((d) => d.metadata.half === 0 && typeof d.metadata.title === 'string')).toBe(true);
    expect(found.map((d) => d.id)).toEqual((await store.hybridSearch(claim.text, { k: 6, filter: { half: 0 } })).map((d) => d.id));
  });

  it('checks its options when constructed', () => {
    expect(() => new OmenHybridRetriever({ vectorStore: store, k: -1 })).toThrow(ValidationError);
  });
});
