/**
 * Hybrid search for the LangChain store: a dense ranking (the query's
 * embedding, HNSW) and a BM25 ranking (the query's text, the collection's
 * full-text index) fused by reciprocal rank fusion (Cormack, Clarke &
 * Büttcher 2009), run as one core `collection.search` with Chroma's `Rrf`
 * rank expression: a record scores `Σ wᵢ / (k + rankᵢ)` over the two
 * rankings, ranks counted from 0 as Chroma's `Rrf` counts them. A record
 * missing from one ranking takes rank `fetchK` there (just past its
 * candidates), so it still ranks, behind one found at the same place by both.
 */
import { ValidationError, type Collection, type Metadata, type ValidationIssue, type Where } from '@omendb/core';

/** Options of `OmenVectorStore.hybridSearch` and `OmenHybridRetriever`. */
export interface HybridSearchOptions {
  /** Documents returned, 1…100,000; default 4 (LangChain's default `k`). */
  k?: number;
  /** A Chroma `where` filter, ANDed with the store's default filter; applied inside both rankings. */
  filter?: Where;
  /** Candidates taken from each ranking before fusion, ≥ k; default max(k, 100). */
  fetchK?: number;
  /** RRF's `k` constant, > 0; default 60 (Cormack et al.). Larger values flatten the head of each ranking. */
  rrfK?: number;
  /** Weights of the dense and the BM25 ranking, `[dense, text]`, each ≥ 0, not both 0; default `[1, 1]`. */
  weights?: [number, number];
}

/** The checked options, defaults applied. */
export interface CheckedHybridOptions {
  k: number;
  fetchK: number;
  rrfK: number;
  weights: [number, number];
}

export const DEFAULT_HYBRID_K = 4;
export const DEFAULT_RRF_K = 60;
const MIN_FETCH_K = 100;
const MAX_RESULTS = 100_000;

/** Checks `options` (ValidationError listing every problem) and applies the defaults. */
export function checkHybridOptions(options: HybridSearchOptions | undefined): CheckedHybridOptions {
  const o = options ?? {};
  const issues: ValidationIssue[] = [];
  const k = o.k ?? DEFAULT_HYBRID_K;
  if (!Number.isInteger(k) || k < 1 || k > MAX_RESULTS) issues.push({ code: 'invalid_value', path: ['k'], message: `expected an integer from 1 to ${MAX_RESULTS}` });
  const fetchK = o.fetchK ?? Math.min(Math.max(k, MIN_FETCH_K), MAX_RESULTS);
  if (!Number.isInteger(fetchK) || fetchK < k || fetchK > MAX_RESULTS) issues.push({ code: 'invalid_value', path: ['fetchK'], message: `expected an integer from k to ${MAX_RESULTS}` });
  const rrfK = o.rrfK ?? DEFAULT_RRF_K;
  if (typeof rrfK !== 'number' || !(rrfK > 0) || !Number.isFinite(rrfK)) issues.push({ code: 'invalid_value', path: ['rrfK'], message: 'expected a finite number > 0' });
  const weights = o.weights ?? [1, 1];
  const weightsOk = Array.isArray(weights) && weights.length === 2 && weights.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0) && weights.some((w) => w > 0);
  if (!weightsOk) issues.push({ code: 'invalid_value', path: ['weights'], message: 'expected [dense, text]: two finite numbers >= 0, not both 0' });
  if (issues.length > 0) throw new ValidationError('invalid hybrid search options', issues);
  return { k, fetchK, rrfK, weights };
}

/** One hybrid result: the record and its RRF score (higher is better). */
export interface HybridHit {
  id: string;
  document: string | null;
  metadata: Metadata | null;
  score: number;
}

/**
 * The `k` best records of `collection` for `text` (BM25) and `embedding`
 * (`number[]`, the collection's dimension) among those `where` selects, by
 * RRF, best first. A ranking weighted 0 is not run. Throws ValidationError
 * (code `no_full_text_index`, naming the `fullText` option) when the
 * collection has no full-text index and the text weight is not 0, and
 * DimensionMismatchError for an embedding of another length.
 */
export async function hybridSearch(collection: Collection, text: string, embedding: number[], where: Where | undefined, o: CheckedHybridOptions): Promise<HybridHit[]> {
  const leg = (knn: Record<string, unknown>, weight: number) => ({
    $div: { left: { $val: weight }, right: { $sum: [{ $val: o.rrfK }, { $knn: { ...knn, limit: o.fetchK, return_rank: true, default: o.fetchK } }] } },
  });
  const legs = [];
  if (o.weights[0] > 0) legs.push(leg({ query: embedding }, o.weights[0]));
  if (o.weights[1] > 0) legs.push(leg({ query: text, key: '#document' }, o.weights[1]));
  // Chroma's scores are ascending (lower is better): the fused score is negated, as its `Rrf` does.
  const search = { ...(where ? { where } : {}), rank: { $mul: [{ $val: -1 }, { $sum: legs }] }, limit: o.k, select: ['#document', '#metadata', '#score'] };
  let rows;
  try {
    [rows] = (await collection.search(search)).rows();
  } catch (err) {
    throw explainMissingFullText(err, collection.name);
  }
  return rows.map((row) => ({ id: row.id, document: row.document ?? null, metadata: row.metadata ?? null, score: -(row.score as number) }));
}

function explainMissingFullText(err: unknown, collectionName: string): unknown {
  if (!(err instanceof ValidationError) || !err.issues.some((issue) => issue.code === 'no_full_text_index')) return err;
  return new ValidationError(
    `hybrid search ranks by BM25 too, but collection ${JSON.stringify(collectionName)} has no full-text index: create the store with ` +
      '`fullText: true` (new OmenVectorStore(embeddings, { ..., fullText: true })). The index is fixed when the collection is created, ' +
      'so an existing collection without it must be re-created (or use another collectionName); weights [1, 0] search by vector alone.',
    [{ code: 'no_full_text_index', path: ['fullText'], message: 'set fullText: true in the OmenVectorStore arguments when the collection is created' }],
  );
}
