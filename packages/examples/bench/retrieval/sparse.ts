/**
 * The sparse rows of `pnpm bench:retrieval`: Chroma's sparse-vector recipe
 * run embedded. SciFact's abstracts go into a collection created with
 * chromadb's `Schema` holding `SparseVectorIndexConfig({ embeddingFunction:
 * ChromaBm25EmbeddingFunction, sourceKey: K.DOCUMENT, bm25: true })` on
 * `sparse_embedding`, with the scifact-bge dense vectors (cosine) beside
 * them. Each test claim is ranked by `Knn({ query, key: 'sparse_embedding' })`
 * (BM25 through chroma-bm25's hashed tokens) and, where scifact-bge has the
 * claim's vector, by `Rrf([Knn(dense), Knn(sparse)])` (k 60, both lists 100
 * deep, a record missing from a list ranked 100 there, as bench:hybrid does), scored with nDCG@10 and recall@100 as the embedders are.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChromaBm25EmbeddingFunction } from '@chroma-core/chroma-bm25';
import { OmenDB, type Collection } from '@omendb/core';
import { K as Key, Knn, Rrf, Schema, Search, SparseVectorIndexConfig } from 'chromadb-search';
import { mean, ndcgAtK, recallAtK } from './metrics.js';
import { loadBgeVectors, type ScifactDoc, type ScifactQuery } from './scifact.js';

const ADD_BATCH = 256;
const K = 100;
const SPARSE_KEY = 'sparse_embedding';

type Scores = { queries: number; ndcg10: number; recall100: number };

export interface SparseRow {
  docs: number;
  /** Query set → mode (`sparse`: BM25 via chroma-bm25; `rrf`: Rrf of bge dense and sparse; `dense`: bge alone, same claims) → scores. */
  scores: Record<string, Partial<Record<'sparse' | 'rrf' | 'dense', Scores>>>;
  /** Whether every claim's sparse ranking was the same from the memtable and after a checkpoint. */
  sameAfterCheckpoint: boolean;
  indexSeconds: number;
  /** `col.search` of one claim's sparse Knn (query embedding included), after the checkpoint. */
  queryMs: { p50: number; p99: number };
  bytesPerDoc: { disk: number; memory: number };
}

export async function measureSparse(docs: ScifactDoc[], queries: ScifactQuery[], sets: Record<string, string[]>): Promise<SparseRow> {
  const bge = loadBgeVectors();
  const dir = mkdtempSync(join(tmpdir(), 'omendb-sparse-'));
  const db = await OmenDB.open(dir, { durability: 'none' });
  try {
    const schema = new Schema().createIndex(
      new SparseVectorIndexConfig({ embeddingFunction: new ChromaBm25EmbeddingFunction(), sourceKey: Key.DOCUMENT, bm25: true }),
      SPARSE_KEY,
    );
    const col = await db.createCollection({ name: 'sparse', metric: 'cosine', schema, embeddingFunction: null });
    const t = performance.now();
    for (let i = 0; i < docs.length; i += ADD_BATCH) {
      const batch = docs.slice(i, i + ADD_BATCH);
      await col.add({ ids: batch.map((d) => d.id), documents: batch.map((d) => d.text), embeddings: batch.map((d) => bge.docs.get(d.id)!) });
    }
    const indexSeconds = (performance.now() - t) / 1000;
    const fromMemtable = await rankAll(col, queries, (q) => sparseSearch(q.text));
    await db.checkpoint();
    const latencies: number[] = [];
    const sparse = await rankAll(col, queries, (q) => sparseSearch(q.text), latencies);
    const sameAfterCheckpoint = queries.every((q) => JSON.stringify(fromMemtable.get(q.id)) === JSON.stringify(sparse.get(q.id)));
    const withDense = queries.filter((q) => bge.queries.has(q.id));
    const rrf = await rankAll(col, withDense, (q) => rrfSearch(q.text, bge.queries.get(q.id)!));
    const dense = await rankAll(col, withDense, (q) => new Search().rank(Knn({ query: Array.from(bge.queries.get(q.id)!), limit: K })).limit(K));
    const scores: SparseRow['scores'] = {};
    for (const [set, ids] of Object.entries(sets)) {
      scores[set] = { sparse: score(sparse, queries, ids) };
      const r = score(rrf, queries, ids);
      const d = score(dense, queries, ids);
      if (r.queries === ids.length) scores[set].rrf = r;
      if (d.queries === ids.length) scores[set].dense = d;
    }
    const stats = col.stats();
    return {
      docs: docs.length,
      scores,
      sameAfterCheckpoint,
      indexSeconds: round(indexSeconds, 2),
      queryMs: percentiles(latencies),
      bytesPerDoc: { disk: Math.round((stats.diskComponents.sparse ?? 0) / docs.length), memory: Math.round(stats.components.sparse / docs.length) },
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function sparseSearch(text: string): Search {
  return new Search().rank(Knn({ query: text, key: SPARSE_KEY, limit: K })).limit(K);
}

function rrfSearch(text: string, vector: Float32Array): Search {
  return new Search()
    .rank(Rrf({ ranks: [Knn({ query: Array.from(vector), returnRank: true, limit: K, default: K }), Knn({ query: text, key: SPARSE_KEY, returnRank: true, limit: K, default: K })], k: 60 }))
    .limit(K);
}

async function rankAll(col: Collection, queries: ScifactQuery[], search: (q: ScifactQuery) => Search, latencies?: number[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const q of queries) {
    const t = performance.now();
    out.set(q.id, (await col.search(search(q))).ids[0]);
    latencies?.push(performance.now() - t);
  }
  return out;
}

function percentiles(ms: number[]): { p50: number; p99: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: round(at(0.5), 3), p99: round(at(0.99), 3) };
}

function score(ranked: Map<string, string[]>, queries: ScifactQuery[], ids: string[]): Scores {
  const per = ids.flatMap((id) => {
    const r = ranked.get(id);
    const q = queries.find((x) => x.id === id)!;
    return r ? [{ ndcg10: ndcgAtK(r, q.relevant, 10), recall100: recallAtK(r, q.relevant, K) }] : [];
  });
  return { queries: per.length, ndcg10: round(mean(per.map((p) => p.ndcg10)), 4), recall100: round(mean(per.map((p) => p.recall100)), 4) };
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
