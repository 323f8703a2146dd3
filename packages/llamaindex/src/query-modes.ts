/**
 * What each LlamaIndex query mode ranks by, on one collection:
 *
 * | mode | ranking |
 * |---|---|
 * | `default` | the `similarityTopK` nearest vectors (HNSW, filtered inside core) |
 * | `text_search` | BM25 over the nodes' text (the collection's full-text index); similarity = BM25 score |
 * | `sparse` | the same BM25 ranking: the engine's sparse lexical ranking is its full-text index (BM25 is a sparse term-weight dot product), so no sparse vectors are stored or needed; similarity = BM25 score |
 * | `hybrid` | relative-score fusion (`fusion.ts`) of the dense and the BM25 rankings, `alpha` weighing dense (1 = dense only, 0 = text only); each side contributes its best max(4·k, 50) candidates; similarity = fused score, 0…1 |
 * | `mmr` | maximal marginal relevance (`mmr.ts`) with λ = `mmrThreshold` over the max(4·k, 20) nearest candidates, fetched with their vectors; similarity = the candidate's similarity to the query |
 *
 * Every mode applies `filters` and `docIds` the same way (`search.ts`).
 */
import type { Collection } from '@omendb/core';
import type { VectorStoreQueryResult } from 'llamaindex';
import type { CheckedQuery } from './check-query.js';
import { pushdown } from './filters/pushdown.js';
import { relativeScoreFusion } from './fusion.js';
import { maximalMarginalRelevance } from './mmr.js';
import { recordToNode } from './node-record.js';
import { MAX_CANDIDATES, searchCollection, type SearchHit } from './search.js';
import { similarityFromDistance } from './similarity.js';
import { searchText } from './text-search.js';

const HYBRID_MIN_CANDIDATES = 50;
const MMR_MIN_CANDIDATES = 20;
const CANDIDATE_FACTOR = 4;

/** Answers a checked query on `collection`, best first. */
export async function runQuery(collection: Collection, q: CheckedQuery): Promise<VectorStoreQueryResult> {
  const selection = pushdown(q.filters, q.docIds);
  switch (q.mode) {
    case 'default': {
      const hits = await searchCollection(collection, q.embedding!, q.k, selection, q.filters);
      return result(hits, hits.map((h) => similarityFromDistance(h.distance, collection.metric)));
    }
    case 'text_search':
    case 'sparse': {
      const hits = await searchText(collection, q.text!, q.k, selection, q.filters, q.mode);
      return result(hits, hits.map((h) => 1 - h.distance));
    }
    case 'hybrid': {
      const pool = candidates(q.k, HYBRID_MIN_CANDIDATES);
      // A side weighted 0 is not searched: alpha 1 needs no full-text index.
      const [dense, text] = await Promise.all([
        q.alpha > 0 ? searchCollection(collection, q.embedding!, pool, selection, q.filters) : [],
        q.alpha < 1 ? searchText(collection, q.text!, pool, selection, q.filters, q.mode) : [],
      ]);
      const byId = new Map<string, SearchHit>();
      for (const hit of [...dense, ...text]) if (!byId.has(hit.id)) byId.set(hit.id, hit);
      const fused = relativeScoreFusion(
        { ids: dense.map((h) => h.id), scores: dense.map((h) => similarityFromDistance(h.distance, collection.metric)) },
        { ids: text.map((h) => h.id), scores: text.map((h) => 1 - h.distance) },
        q.alpha,
      ).slice(0, q.k);
      return result(fused.map((f) => byId.get(f.id)!), fused.map((f) => f.score));
    }
    case 'mmr': {
      const pool = await searchCollection(collection, q.embedding!, candidates(q.k, MMR_MIN_CANDIDATES), selection, q.filters, true);
      const relevance = pool.map((h) => similarityFromDistance(h.distance, collection.metric));
      const picked = maximalMarginalRelevance(pool.map((h, i) => ({ relevance: relevance[i], embedding: h.embedding ?? [] })), q.k, q.mmrThreshold);
      return result(picked.map((i) => pool[i]), picked.map((i) => relevance[i]));
    }
  }
}

function candidates(k: number, min: number): number {
  return Math.min(Math.max(k * CANDIDATE_FACTOR, min), MAX_CANDIDATES);
}

function result(hits: SearchHit[], similarities: number[]): VectorStoreQueryResult {
  return {
    ids: hits.map((h) => h.id),
    similarities,
    nodes: hits.map((h) => recordToNode(h.id, h.metadata, h.document)),
  };
}
