import type { CollectionState } from '../storage/collection-state.js';
import type { Part } from '../storage/part.js';
import type { SparseVector } from '../storage/sparse-index.js';
import { bm25Idf } from '../text/bm25.js';
import { topByScore } from './top-by-score.js';

/** A sparse hit: the part and row of a live record and its dot product with the query. */
export interface SparseHit {
  part: Part;
  row: number;
  score: number;
}

/**
 * Exact sparse-vector ranking over every part of the state's view: the dot
 * product of `query` with each live row's sparse vector, computed from the
 * postings of the query's dimensions (term-at-a-time accumulation, as in
 * Turtle & Flood 1995, "Query evaluation: strategies and optimizations",
 * without pruning). Dimensions are added in query order, so a row's score
 * is the same whatever part holds it. Rows without a common dimension never
 * appear; rows failing `accept` are dropped after scoring; the best `limit`
 * are kept, highest score first, ties by ascending id.
 *
 * With `idf` (an index created with Chroma's `bm25: true`), each query
 * weight is first multiplied by the dimension's BM25 inverse document
 * frequency over the live records, ln(1 + (N − df + 0.5) / (df + 0.5)), N the
 * live records with a sparse vector and df those with the dimension
 * (Robertson & Zaragoza 2009; the documents' vectors carry only the
 * saturated term frequency, as chroma-bm25 makes them). N is counted over
 * every row once per state version (bumped by every change), so deletes and
 * upserts are exact at once.
 */
export function searchSparse(state: CollectionState, query: SparseVector, limit: number, accept: (part: Part, row: number) => boolean, idf = false): SparseHit[] {
  if (limit <= 0 || query.indices.length === 0) return [];
  if (idf) query = withIdf(state, query);
  const hits: SparseHit[] = [];
  for (const part of state.parts) {
    const postings = part.sparse;
    if (!postings || postings.rows === 0) continue;
    const scores = new Float64Array(postings.rows);
    const seen = new Uint8Array(postings.rows);
    const touched: number[] = [];
    for (let q = 0; q < query.indices.length; q++) {
      const list = postings.postings(query.indices[q]);
      if (!list) continue;
      const w = query.values[q];
      for (let i = 0; i < list.rows.length; i++) {
        const row = list.rows[i];
        if (seen[row] === 0) {
          seen[row] = 1;
          touched.push(row);
        }
        scores[row] += w * list.weights[i];
      }
    }
    for (const row of touched) if (part.isLive(row) && accept(part, row)) hits.push({ part, row, score: scores[row] });
  }
  return topByScore(hits, limit);
}

/** `query` with each weight multiplied by its dimension's BM25 idf over the live records of every part. */
function withIdf(state: CollectionState, query: SparseVector): SparseVector {
  const docs = liveVectors(state);
  const df = new Float64Array(query.indices.length);
  for (const part of state.parts) {
    const postings = part.sparse;
    if (!postings) continue;
    query.indices.forEach((dim, q) => {
      const list = postings.postings(dim);
      if (list) for (const row of list.rows) if (part.isLive(row)) df[q]++;
    });
  }
  return { indices: query.indices, values: query.values.map((w, q) => w * bm25Idf(docs, df[q])) };
}

const vectorCounts = new WeakMap<CollectionState, { version: number; count: number }>();

/** Live records with a sparse vector, over every part; counted once per state version. */
function liveVectors(state: CollectionState): number {
  const memo = vectorCounts.get(state);
  if (memo && memo.version === state.version) return memo.count;
  let count = 0;
  for (const part of state.parts) {
    const postings = part.sparse;
    if (postings) for (let row = 0; row < postings.rows; row++) if (postings.hasVector(row) && part.isLive(row)) count++;
  }
  vectorCounts.set(state, { version: state.version, count });
  return count;
}
