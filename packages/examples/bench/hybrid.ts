/**
 * `pnpm bench:hybrid`: hybrid retrieval through Chroma's Search API on BEIR
 * SciFact (Wadden et al. 2020; Thakur et al. 2021). The 5,183 abstracts go
 * into one collection (cosine) with their precomputed BGE vectors
 * (scifact-bge) and their text in the full-text index. Each of the test
 * claims that scifact-bge embeds (138) is searched three ways with
 * `collection.search`: dense `Knn` on the BGE vector, BM25 `Knn` on
 * `#document` with the claim's text, and `Rrf` of the two (Cormack et al.
 * 2009, k = 60). Reports nDCG@10 and recall@100 per mode, a table and
 * then one JSON object. A script, not a test.
 *
 * `LIMIT` (default 100): candidates per leg; `RRF_DEFAULT` (default
 * `LIMIT`): the rank a record missing from one leg takes in the fusion.
 * `DENSE=default` (or `hashing`) embeds abstracts and claims with that
 * embedder of the retrieval bench instead of reading the BGE vectors, and
 * then scores all 300 test claims (the default model takes minutes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OmenDB } from '@omendb/core';
import { K as Key, Knn, Rrf, Search } from 'chromadb-search';
import { mean, ndcgAtK, recallAtK } from './retrieval/metrics.js';
import { EMBEDDERS } from './retrieval/embedders.js';
import { loadCorpus, loadTestQueries, requireScifact } from './retrieval/scifact.js';

const LIMIT = Number(process.env.LIMIT ?? 100);
const RRF_DEFAULT = Number(process.env.RRF_DEFAULT ?? LIMIT);
const ADD_BATCH = 256;

type Mode = 'dense' | 'bm25' | 'rrf';

function searches(vector: number[] | Float32Array, text: string): Record<Mode, Search> {
  const dense = (returnRank: boolean) => Knn({ query: Array.from(vector), limit: LIMIT, returnRank, ...(returnRank ? { default: RRF_DEFAULT } : {}) });
  const bm25 = (returnRank: boolean) => Knn({ query: text, key: Key.DOCUMENT, limit: LIMIT, returnRank, ...(returnRank ? { default: RRF_DEFAULT } : {}) });
  return {
    dense: new Search().rank(dense(false)).limit(LIMIT),
    bm25: new Search().rank(bm25(false)).limit(LIMIT),
    rrf: new Search().rank(Rrf({ ranks: [dense(true), bm25(true)], k: 60 })).limit(LIMIT),
  };
}

async function main(): Promise<void> {
  requireScifact();
  const dense = process.env.DENSE ?? 'bge';
  if (!(dense in EMBEDDERS)) throw new Error(`unknown DENSE '${dense}'; known: ${Object.keys(EMBEDDERS).join(', ')}`);
  const embedder = EMBEDDERS[dense]();
  const docs = loadCorpus();
  const docVectors = await embedder.embedDocs(docs, () => {});
  const claims = loadTestQueries();
  const claimVectors = await embedder.embedQueries(claims);
  // scifact-bge embeds 138 of the 300 claims; the embedders embed them all.
  const queries = claims.flatMap((q, i) => (claimVectors[i] === undefined ? [] : [{ ...q, vector: claimVectors[i]! }]));
  const dir = mkdtempSync(join(tmpdir(), 'omendb-hybrid-'));
  const db = await OmenDB.open(dir, { durability: 'none' });
  try {
    // `fullText` builds the BM25 index over the documents.
    const args = { name: 'scifact', metric: 'cosine', embeddingFunction: null, fullText: true } as unknown as Parameters<OmenDB['createCollection']>[0];
    const col = await db.createCollection(args);
    for (let at = 0; at < docs.length; at += ADD_BATCH) {
      const batch = docs.slice(at, at + ADD_BATCH);
      await col.add({ ids: batch.map((d) => d.id), embeddings: docVectors.slice(at, at + ADD_BATCH), documents: batch.map((d) => d.text) });
    }
    await db.checkpoint();
    const perMode: Record<Mode, { ndcg10: number[]; recall100: number[] }> = { dense: { ndcg10: [], recall100: [] }, bm25: { ndcg10: [], recall100: [] }, rrf: { ndcg10: [], recall100: [] } };
    for (const q of queries) {
      const all = searches(q.vector, q.text);
      const modes = Object.keys(all) as Mode[];
      const result = await col.search(modes.map((m) => all[m]));
      modes.forEach((m, i) => {
        perMode[m].ndcg10.push(ndcgAtK(result.ids[i], q.relevant, 10));
        perMode[m].recall100.push(recallAtK(result.ids[i], q.relevant, 100));
      });
    }
    const rows = (Object.keys(perMode) as Mode[]).map((mode) => ({
      mode,
      queries: queries.length,
      ndcg10: Math.round(mean(perMode[mode].ndcg10) * 1e4) / 1e4,
      recall100: Math.round(mean(perMode[mode].recall100) * 1e4) / 1e4,
    }));
    console.table(rows);
    console.log(JSON.stringify({ bench: 'hybrid-scifact', dense: embedder.describe, docs: docs.length, limit: LIMIT, rrfDefault: RRF_DEFAULT, rrfK: 60, rows }));
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
